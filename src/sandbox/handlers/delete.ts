/** DELETE of one object or a collection: graceful pod deletion, orphaning, namespace contents. */
import { ApiError, badRequest } from '../api-error.js';
import type { SandboxCluster } from '../cluster.js';
import { deletePodGracefully } from '../controllers/pod-deletion.js';
import { sendJson } from '../http-io.js';
import { apiVersionOf, resourceTypes, type ResourceType } from '../resources.js';
import { cloneJson, isJsonObject, type KubeObject } from '../types.js';
import { isDryRun, listOptions, present, readObject, stored, type HandlerContext, type ResourceRequest } from './handler-context.js';

function deleteObject(cluster: SandboxCluster, type: ResourceType, object: KubeObject, options: { dryRun: boolean; gracePeriodSeconds?: number; propagationPolicy?: string }): KubeObject {
  if (options.propagationPolicy === 'Orphan' && !options.dryRun) {
    for (const dependentType of resourceTypes.filter((candidate) => !candidate.virtual && !candidate.view)) {
      for (const dependent of cluster.store.peek(dependentType, { namespace: object.metadata.namespace })) {
        const references = dependent.metadata.ownerReferences ?? [];
        if (!references.some((reference) => reference.uid === object.metadata.uid)) continue;
        const next = cloneJson(dependent);
        next.metadata.ownerReferences = references.filter((reference) => reference.uid !== object.metadata.uid);
        cluster.store.update(dependentType, next);
      }
    }
  }
  if (type.kind === 'Pod') {
    if (options.dryRun) {
      const preview = cloneJson(object);
      preview.metadata.deletionTimestamp ??= cluster.timestamp(new Date(Date.now() + (options.gracePeriodSeconds ?? 30) * 1000));
      preview.metadata.deletionGracePeriodSeconds ??= options.gracePeriodSeconds ?? 30;
      return preview;
    }
    return deletePodGracefully(cluster, object, options.gracePeriodSeconds);
  }
  if (type.kind === 'Namespace' && !options.dryRun) {
    for (const namespacedType of resourceTypes.filter((candidate) => candidate.namespaced && !candidate.virtual && !candidate.view)) {
      for (const child of [...cluster.store.peek(namespacedType, { namespace: object.metadata.name })]) cluster.store.remove(namespacedType, child.metadata.namespace, child.metadata.name);
    }
  }
  return cluster.store.remove(type, object.metadata.namespace, object.metadata.name, { dryRun: options.dryRun });
}

/** DELETE /…/name or /…/plural (deletecollection). */
export async function handleDelete(context: HandlerContext, resource: ResourceRequest): Promise<void> {
  const { cluster } = context;
  const { query } = resource;
  const type = stored(resource.type);
  const body = await readObject(context).catch((error: unknown) => {
    throw error instanceof ApiError ? error : badRequest(String(error));
  });
  const options = isJsonObject(body) ? body : {};
  const dryRun = isDryRun(query, body);
  const graceText = query.get('gracePeriodSeconds');
  const gracePeriodSeconds = graceText !== null ? Number(graceText) : typeof options['gracePeriodSeconds'] === 'number' ? options['gracePeriodSeconds'] : undefined;
  const propagationPolicy = query.get('propagationPolicy') ?? (typeof options['propagationPolicy'] === 'string' ? options['propagationPolicy'] : undefined);
  const deleteOptions = { dryRun, ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}), ...(propagationPolicy ? { propagationPolicy } : {}) };
  if (!resource.name) {
    const deleted = cluster.store.list(type, listOptions(resource)).map((object) => deleteObject(cluster, type, object, deleteOptions));
    sendJson(context.response, 200, { kind: `${resource.type.kind}List`, apiVersion: apiVersionOf(resource.type), metadata: { resourceVersion: String(cluster.store.resourceVersion) }, items: deleted.map((object) => present(resource.type, object)) });
    return;
  }
  const current = cluster.store.mustGet(type, resource.namespace, resource.name);
  const result = deleteObject(cluster, type, current, deleteOptions);
  if (type.kind === 'Pod') {
    sendJson(context.response, 200, present(resource.type, result));
    return;
  }
  sendJson(context.response, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: resource.name, group: resource.type.group, kind: resource.type.plural, uid: current.metadata.uid } });
}
