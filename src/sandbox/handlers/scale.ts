/** The scale subresource (autoscaling/v1 Scale): GET, PUT, PATCH. */
import { ApiError } from '../api-error.js';
import { readBody, sendJson } from '../http-io.js';
import type { KubeObject } from '../types.js';
import { isDryRun, readObject, type HandlerContext, type ResourceRequest } from './handler-context.js';
import { applyPatch, checkPatchType, parseBodyForPatch } from './update-patch.js';

function scaleOf(object: KubeObject): Record<string, unknown> {
  const spec = (object['spec'] ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const status = (object['status'] ?? {}) as { replicas?: number };
  const selector = Object.entries(spec.selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`).join(',');
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: object.metadata.name, namespace: object.metadata.namespace, uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion, creationTimestamp: object.metadata.creationTimestamp },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, selector },
  };
}

/** /…/name/scale. */
export async function handleScale(context: HandlerContext, resource: ResourceRequest): Promise<void> {
  const { cluster, request } = context;
  const { type } = resource;
  if (!resource.name) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  const current = cluster.store.mustGet(type, resource.namespace, resource.name);
  const method = request.method ?? 'GET';
  if (method === 'GET') {
    sendJson(context.response, 200, scaleOf(current));
    return;
  }
  if (method === 'PATCH') checkPatchType(String(request.headers['content-type'] ?? ''));
  const body = method === 'PUT' ? await readObject(context) : parseBodyForPatch(await readBody(request));
  const scale = scaleOf(current) as unknown as KubeObject;
  const next = method === 'PUT' ? (body as KubeObject) : applyPatch(String(request.headers['content-type'] ?? ''), scale, body);
  const replicas = (next['spec'] as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas)) {
    throw new ApiError(422, 'Invalid', `Scale.autoscaling "${resource.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  }
  if (method === 'PUT' && next.metadata?.resourceVersion && next.metadata.resourceVersion !== current.metadata.resourceVersion) {
    throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${type.plural}.${type.group} "${resource.name}": the object has been modified; please apply your changes to the latest version and try again`);
  }
  (current['spec'] as Record<string, unknown>)['replicas'] = replicas;
  const updated = cluster.store.update(type, current, { dryRun: isDryRun(resource.query) });
  sendJson(context.response, 200, scaleOf(updated));
}
