import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { authorize, rulesFor } from './access-review.js';
import { ApiError, badRequest, notFound } from './api-error.js';
import type { SandboxCluster } from './cluster.js';
import { disruptionBudgetStatus } from './controllers/housekeeping.js';
import { deletePodGracefully } from './controllers/pod-deletion.js';
import { isPodReady, randomSuffix } from './controllers/pod-factory.js';
import { applyCreateDefaults } from './defaults.js';
import { parseBody, readBody, sendJson } from './http-io.js';
import { formatLogLine, lineCount, logLine, resolveLogInstance, selectLogLines, type LogOptions } from './logs.js';
import { nodeMetrics, podMetrics } from './metrics.js';
import { applyJsonPatch, applyMergePatch } from './patches.js';
import { apiVersionOf, resourceTypes, type ResourceType } from './resources.js';
import { labelsMatch, parseFieldSelector, parseLabelSelector, requirementsFromLabelSelector } from './selectors.js';
import type { ListOptions, StoreEvent } from './store.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';
import { buildTable, type IncludeObject } from './tables.js';
import { cloneJson, isJsonObject, type JsonValue, type KubeObject } from './types.js';

/** A parsed resource request: `/apis/apps/v1/namespaces/prod/deployments/api/scale`. */
export interface ResourceRequest {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  watch: boolean;
  query: URLSearchParams;
}

/** Everything a handler needs. */
export interface HandlerContext {
  cluster: SandboxCluster;
  request: IncomingMessage;
  response: ServerResponse;
  /** Called with a cleanup function for long-lived responses (watch, follow). */
  track: (close: () => void) => () => void;
}

const wantsTable = (request: IncomingMessage) => /as=Table/.test(String(request.headers.accept ?? ''));

function listOptions(resource: ResourceRequest): ListOptions {
  const label = resource.query.get('labelSelector');
  const field = resource.query.get('fieldSelector');
  return {
    namespace: resource.namespace,
    labelSelector: label ? parseLabelSelector(label) : undefined,
    fieldSelector: field ? parseFieldSelector(field) : undefined,
  };
}

function isDryRun(query: URLSearchParams, body?: unknown): boolean {
  if (query.getAll('dryRun').some((value) => value === 'All')) return true;
  if (isJsonObject(body)) {
    const direct = body['dryRun'];
    const nested = isJsonObject(body['deleteOptions']) ? body['deleteOptions']['dryRun'] : undefined;
    for (const value of [direct, nested]) if (Array.isArray(value) && value.includes('All')) return true;
  }
  return false;
}

function withTypeMeta(type: ResourceType, object: KubeObject): KubeObject {
  return { ...object, apiVersion: apiVersionOf(type), kind: type.kind };
}

function sendObjects(context: HandlerContext, type: ResourceType, objects: KubeObject[], single: boolean, query: URLSearchParams): void {
  const { cluster, request, response } = context;
  const resourceVersion = String(cluster.store.resourceVersion);
  if (wantsTable(request)) {
    const includeObject = (query.get('includeObject') ?? 'Metadata') as IncludeObject;
    sendJson(response, 200, buildTable(type.kind, objects.map((object) => withTypeMeta(type, object)), { now: cluster.now(), resourceVersion, includeObject }));
    return;
  }
  if (single && objects[0]) {
    sendJson(response, 200, withTypeMeta(type, objects[0]));
    return;
  }
  sendJson(response, 200, { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: { resourceVersion }, items: objects.map((object) => withTypeMeta(type, object)) });
}

/** Dispatches one resource request to its verb handler. */
export async function handleResource(context: HandlerContext, resource: ResourceRequest): Promise<void> {
  const method = context.request.method ?? 'GET';
  const { type } = resource;
  if (type.group === 'metrics.k8s.io') return handleMetrics(context, resource);
  if (type.virtual) {
    if (method !== 'POST') throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    return handleReview(context, resource);
  }
  if (resource.subresource === 'log') return handleLogs(context, resource);
  if (resource.subresource === 'eviction') return handleEviction(context, resource);
  if (resource.subresource === 'scale') return handleScale(context, resource);
  if (resource.subresource && resource.subresource !== 'status') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (resource.watch || (method === 'GET' && !resource.name && ['1', 'true'].includes(resource.query.get('watch') ?? ''))) return handleWatch(context, resource);
  switch (method) {
    case 'GET': {
      if (resource.name) {
        sendObjects(context, type, [context.cluster.store.mustGet(type, resource.namespace, resource.name)], true, resource.query);
        return;
      }
      sendObjects(context, type, context.cluster.store.list(type, listOptions(resource)), false, resource.query);
      return;
    }
    case 'POST': return handleCreate(context, resource);
    case 'PUT': return handleUpdate(context, resource);
    case 'PATCH': return handlePatch(context, resource);
    case 'DELETE': return handleDelete(context, resource);
    default: throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }
}

async function readObject(context: HandlerContext): Promise<unknown> {
  return parseBody(await readBody(context.request), context.request.headers['content-type']);
}

function requireNamespace(cluster: SandboxCluster, namespace: string | undefined): void {
  if (namespace && !cluster.store.get(cluster.type('Namespace'), undefined, namespace)) throw notFound('namespaces', '', namespace);
}

function asObject(body: unknown, type: ResourceType): KubeObject {
  if (!isJsonObject(body)) throw badRequest(`the body of the request must be a JSON object of kind ${type.kind}`);
  if (!isJsonObject(body['metadata'])) body['metadata'] = {};
  if (body['kind'] !== undefined && body['kind'] !== type.kind) throw badRequest(`the kind "${String(body['kind'])}" of the body does not match the resource ${type.plural} (kind ${type.kind})`);
  return body as unknown as KubeObject;
}

async function handleCreate(context: HandlerContext, resource: ResourceRequest): Promise<void> {
  const { cluster } = context;
  const { type } = resource;
  if (resource.name) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const body = await readObject(context);
  const object = asObject(body, type);
  if (object.metadata.namespace && resource.namespace && object.metadata.namespace !== resource.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (type.namespaced) object.metadata.namespace = resource.namespace;
  if (!object.metadata.name) {
    if (!object.metadata.generateName) throw new ApiError(422, 'Invalid', `${type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`);
    object.metadata.name = `${object.metadata.generateName}${randomSuffix()}`;
  }
  requireNamespace(cluster, resource.namespace);
  object.metadata.uid = randomUUID();
  delete object.metadata.resourceVersion;
  delete object.metadata.creationTimestamp;
  const defaulted = applyCreateDefaults(cluster, type, withTypeMeta(type, object));
  const created = cluster.store.create(type, defaulted, { dryRun: isDryRun(resource.query) });
  sendJson(context.response, 201, withTypeMeta(type, created));
}

function keepStatusRules(type: ResourceType, current: KubeObject, next: KubeObject, subresource: string | undefined): KubeObject {
  const result = cloneJson(next);
  if (subresource === 'status') {
    const merged = cloneJson(current);
    merged['status'] = result['status'];
    return merged;
  }
  if ('status' in current && type.kind !== 'Event') result['status'] = current['status'];
  // Fields only the server sets.
  result.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
  result.metadata.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
  if (current.metadata.deletionTimestamp === undefined) delete result.metadata.deletionTimestamp;
  if (current.metadata.deletionGracePeriodSeconds === undefined) delete result.metadata.deletionGracePeriodSeconds;
  return result;
}

async function handleUpdate(context: HandlerContext, resource: ResourceRequest): Promise<void> {
  const { cluster } = context;
  const { type } = resource;
  if (!resource.name) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const object = asObject(await readObject(context), type);
  if (object.metadata.name && object.metadata.name !== resource.name) throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${resource.name})`);
  object.metadata.name = resource.name;
  if (type.namespaced) object.metadata.namespace = resource.namespace;
  const current = cluster.store.mustGet(type, resource.namespace, resource.name);
  const next = keepStatusRules(type, current, withTypeMeta(type, object), resource.subresource);
  const updated = cluster.store.update(type, next, { dryRun: isDryRun(resource.query), checkVersion: true });
  sendJson(context.response, 200, withTypeMeta(type, updated));
}

/** Applies a PATCH body of any supported content type to an object. */
export function applyPatch(contentType: string, current: KubeObject, patch: unknown): KubeObject {
  const base = current as unknown as JsonValue;
  let result: JsonValue;
  if (contentType.includes('application/json-patch+json')) result = applyJsonPatch(base, patch as JsonValue);
  else if (contentType.includes('application/merge-patch+json')) result = applyMergePatch(base, patch as JsonValue);
  else if (contentType.includes('application/strategic-merge-patch+json')) result = applyStrategicMergePatch(base, patch as JsonValue);
  else if (contentType.includes('application/apply-patch')) {
    throw new ApiError(415, 'UnsupportedMediaType', 'server-side apply (application/apply-patch+yaml) is not supported by the rk8s sandbox; use client-side apply');
  } else throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
  if (!isJsonObject(result) || !isJsonObject(result['metadata'])) throw new ApiError(422, 'Invalid', 'the patch removed the object metadata');
  return result as unknown as KubeObject;
}

async function handlePatch(context: HandlerContext, resource: ResourceRequest): Promise<void> {
  const { cluster } = context;
  const { type } = resource;
  if (!resource.name) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  checkPatchType(String(context.request.headers['content-type'] ?? ''));
  const body = parseBodyForPatch(await readBody(context.request));
  const current = cluster.store.mustGet(type, resource.namespace, resource.name);
  const patched = applyPatch(String(context.request.headers['content-type'] ?? ''), withTypeMeta(type, current), body);
  if (patched.metadata.name !== resource.name) throw badRequest('metadata.name cannot be changed by a patch');
  const next = keepStatusRules(type, current, patched, resource.subresource);
  const updated = cluster.store.update(type, next, { dryRun: isDryRun(resource.query), checkVersion: Boolean(patched.metadata.resourceVersion) });
  sendJson(context.response, 200, withTypeMeta(type, updated));
}

const patchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

/** 415 for patch types the sandbox does not speak, before the body is parsed. */
function checkPatchType(contentType: string): void {
  if (contentType.includes('application/apply-patch')) {
    throw new ApiError(415, 'UnsupportedMediaType', 'server-side apply (application/apply-patch+yaml) is not supported by the rk8s sandbox; use client-side apply');
  }
  if (!patchTypes.some((type) => contentType.includes(type))) {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${patchTypes.join(', ')}`);
  }
}

function parseBodyForPatch(body: Buffer): unknown {
  if (body.length === 0) throw badRequest('the patch body is empty');
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw badRequest(`error decoding patch: ${(error as Error).message}`);
  }
}

function deleteObject(cluster: SandboxCluster, type: ResourceType, object: KubeObject, options: { dryRun: boolean; gracePeriodSeconds?: number; propagationPolicy?: string }): KubeObject {
  if (options.propagationPolicy === 'Orphan' && !options.dryRun) {
    for (const dependentType of resourceTypes.filter((candidate) => !candidate.virtual)) {
      for (const dependent of cluster.store.list(dependentType, { namespace: object.metadata.namespace })) {
        const references = dependent.metadata.ownerReferences ?? [];
        if (!references.some((reference) => reference.uid === object.metadata.uid)) continue;
        dependent.metadata.ownerReferences = references.filter((reference) => reference.uid !== object.metadata.uid);
        cluster.store.update(dependentType, dependent);
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
    for (const namespacedType of resourceTypes.filter((candidate) => candidate.namespaced && !candidate.virtual)) {
      for (const child of cluster.store.list(namespacedType, { namespace: object.metadata.name })) cluster.store.remove(namespacedType, child.metadata.namespace, child.metadata.name);
    }
  }
  return cluster.store.remove(type, object.metadata.namespace, object.metadata.name, { dryRun: options.dryRun });
}

async function handleDelete(context: HandlerContext, resource: ResourceRequest): Promise<void> {
  const { cluster } = context;
  const { type, query } = resource;
  const body = await readObject(context).catch((error: unknown) => {
    throw error instanceof ApiError ? error : badRequest(String(error));
  });
  const options = isJsonObject(body) ? body : {};
  const dryRun = isDryRun(query, body);
  const graceText = query.get('gracePeriodSeconds');
  const gracePeriodSeconds = graceText !== null ? Number(graceText) : typeof options['gracePeriodSeconds'] === 'number' ? options['gracePeriodSeconds'] : undefined;
  const propagationPolicy = query.get('propagationPolicy') ?? (typeof options['propagationPolicy'] === 'string' ? options['propagationPolicy'] : undefined);
  if (!resource.name) {
    const deleted = cluster.store.list(type, listOptions(resource)).map((object) => deleteObject(cluster, type, object, { dryRun, gracePeriodSeconds, propagationPolicy }));
    sendJson(context.response, 200, { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: { resourceVersion: String(cluster.store.resourceVersion) }, items: deleted.map((object) => withTypeMeta(type, object)) });
    return;
  }
  const current = cluster.store.mustGet(type, resource.namespace, resource.name);
  const result = deleteObject(cluster, type, current, { dryRun, gracePeriodSeconds, ...(propagationPolicy ? { propagationPolicy } : {}) });
  if (type.kind === 'Pod') {
    sendJson(context.response, 200, withTypeMeta(type, result));
    return;
  }
  sendJson(context.response, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: resource.name, group: type.group, kind: type.plural, uid: current.metadata.uid } });
}

function scaleOf(type: ResourceType, object: KubeObject): Record<string, unknown> {
  const spec = (object['spec'] ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const status = (object['status'] ?? {}) as { replicas?: number };
  const selector = Object.entries(spec.selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`).join(',');
  void type;
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: object.metadata.name, namespace: object.metadata.namespace, uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion, creationTimestamp: object.metadata.creationTimestamp },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, selector },
  };
}

async function handleScale(context: HandlerContext, resource: ResourceRequest): Promise<void> {
  const { cluster, request } = context;
  const { type } = resource;
  if (!resource.name) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  const current = cluster.store.mustGet(type, resource.namespace, resource.name);
  const method = request.method ?? 'GET';
  if (method === 'GET') {
    sendJson(context.response, 200, scaleOf(type, current));
    return;
  }
  if (method === 'PATCH') checkPatchType(String(request.headers['content-type'] ?? ''));
  const body = method === 'PUT' ? await readObject(context) : parseBodyForPatch(await readBody(request));
  const scale = scaleOf(type, current) as unknown as KubeObject;
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
  sendJson(context.response, 200, scaleOf(type, updated));
}

async function handleEviction(context: HandlerContext, resource: ResourceRequest): Promise<void> {
  const { cluster } = context;
  if (context.request.method !== 'POST' || !resource.name) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const body = await readObject(context);
  const pod = cluster.store.mustGet(cluster.type('Pod'), resource.namespace, resource.name);
  const dryRun = isDryRun(resource.query, body);
  const podView = pod as unknown as Pod;
  if (!pod.metadata.deletionTimestamp && isPodReady(podView)) {
    const pods = cluster.store.list(cluster.type('Pod'), { namespace: resource.namespace }) as unknown as Pod[];
    for (const budgetObject of cluster.store.list(cluster.type('PodDisruptionBudget'), { namespace: resource.namespace })) {
      const budget = budgetObject as unknown as PodDisruptionBudget;
      if (!labelsMatch(requirementsFromLabelSelector(budget.spec?.selector), pod.metadata.labels)) continue;
      const status = disruptionBudgetStatus(cluster, budget, pods);
      if (status.disruptionsAllowed <= 0) {
        throw new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
          causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${budgetObject.metadata.name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently` }],
        });
      }
    }
  }
  if (!dryRun) {
    const options = isJsonObject(body) && isJsonObject(body['deleteOptions']) ? body['deleteOptions'] : {};
    deletePodGracefully(cluster, pod, typeof options['gracePeriodSeconds'] === 'number' ? options['gracePeriodSeconds'] : undefined);
    cluster.recordEvent(pod, 'Normal', 'Evicted', 'Evicted pod', 'disruption-controller');
  }
  sendJson(context.response, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

function handleWatch(context: HandlerContext, resource: ResourceRequest): void {
  const { cluster, request, response } = context;
  const { type, query } = resource;
  const options = listOptions(resource);
  if (resource.name) options.fieldSelector = [...(options.fieldSelector ?? []), { key: 'metadata.name', operator: 'equals', values: [resource.name] }];
  const table = wantsTable(request);
  const includeObject = (query.get('includeObject') ?? 'Metadata') as IncludeObject;
  let sentColumns = false;
  const encode = (eventType: string, object: KubeObject): string => {
    const typed = withTypeMeta(type, object);
    if (!table) return `${JSON.stringify({ type: eventType, object: typed })}\n`;
    const tableObject = buildTable(type.kind, [typed], { now: cluster.now(), resourceVersion: typed.metadata.resourceVersion ?? '', includeObject, includeColumns: !sentColumns });
    sentColumns = true;
    return `${JSON.stringify({ type: eventType, object: tableObject })}\n`;
  };
  const versionText = query.get('resourceVersion') ?? '';
  const sendInitial = query.get('sendInitialEvents') === 'true' || versionText === '' || versionText === '0';
  const since = sendInitial ? cluster.store.resourceVersion : Number(versionText);
  if (Number.isNaN(since)) throw badRequest(`invalid resource version "${versionText}"`);
  response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  // Headers go out now: client-go's reflector blocks until it sees them and only then notices
  // that kubectl no longer needs the watch (rollout status would hang after its last line).
  response.flushHeaders();
  if (sendInitial) {
    for (const object of cluster.store.list(type, options)) response.write(encode('ADDED', object));
    if (query.get('sendInitialEvents') === 'true') {
      response.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: type.kind, apiVersion: apiVersionOf(type), metadata: { resourceVersion: String(since), annotations: { 'k8s.io/initial-events-end': 'true' } } } })}\n`);
    }
  }
  let unsubscribe: () => void = () => undefined;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    unsubscribe();
    clearTimeout(timer);
    untrack();
    response.end();
  };
  const timeoutSeconds = Math.min(Number(query.get('timeoutSeconds') ?? 1800) || 1800, 3600);
  const timer = setTimeout(finish, timeoutSeconds * 1000);
  const untrack = context.track(finish);
  request.on('close', finish);
  try {
    unsubscribe = cluster.store.watch(type, since, options, (event: StoreEvent) => {
      if (!finished) response.write(encode(event.type, event.object));
    });
  } catch (error) {
    if (error instanceof ApiError) {
      response.write(`${JSON.stringify({ type: 'ERROR', object: error.toStatus() })}\n`);
      finish();
      return;
    }
    throw error;
  }
}

function logOptions(query: URLSearchParams): LogOptions {
  const number = (name: string) => {
    const value = query.get(name);
    if (value === null) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0) throw badRequest(`${name}: Invalid value: "${value}": must be a non-negative integer`);
    return parsed;
  };
  const bool = (name: string) => ['1', 'true'].includes(query.get(name) ?? '');
  const options: LogOptions = { previous: bool('previous'), follow: bool('follow'), timestamps: bool('timestamps') };
  const container = query.get('container');
  if (container) options.container = container;
  const tailLines = number('tailLines');
  if (tailLines !== undefined) options.tailLines = tailLines;
  const sinceSeconds = number('sinceSeconds');
  if (sinceSeconds !== undefined) options.sinceSeconds = sinceSeconds;
  const sinceTime = query.get('sinceTime');
  if (sinceTime) options.sinceTime = sinceTime;
  const limitBytes = number('limitBytes');
  if (limitBytes !== undefined) options.limitBytes = limitBytes;
  return options;
}

function handleLogs(context: HandlerContext, resource: ResourceRequest): void {
  const { cluster, request, response } = context;
  if (!resource.name) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  const pod = cluster.store.mustGet(cluster.type('Pod'), resource.namespace, resource.name) as unknown as Pod;
  const options = logOptions(resource.query);
  const instance = resolveLogInstance(cluster, pod, options);
  const { first, last } = selectLogLines(instance, options);
  let text = '';
  for (let index = first; index < last; index += 1) text += formatLogLine(logLine(instance, index), options.timestamps);
  if (options.limitBytes !== undefined) text = text.slice(0, options.limitBytes);
  if (!options.follow || instance.endedAt !== undefined) {
    response.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
    response.end(text);
    return;
  }
  response.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  response.flushHeaders();
  if (text) response.write(text);
  let next = last;
  let finished = false;
  const interval = setInterval(() => {
    const available = lineCount(instance);
    const current = cluster.store.get(cluster.type('Pod'), resource.namespace, resource.name ?? '');
    if (!current || current.metadata.uid !== pod.metadata?.uid) return finish();
    for (; next < available; next += 1) response.write(formatLogLine(logLine(instance, next), options.timestamps));
  }, Math.min(500, instance.intervalMs));
  const finish = () => {
    if (finished) return;
    finished = true;
    clearInterval(interval);
    untrack();
    response.end();
  };
  const untrack = context.track(finish);
  request.on('close', finish);
}

function handleMetrics(context: HandlerContext, resource: ResourceRequest): void {
  const { cluster } = context;
  const pods = cluster.store.list(cluster.type('Pod'));
  if (resource.type.plural === 'nodes') {
    const nodes = cluster.store.list(cluster.type('Node'), listOptions({ ...resource, namespace: undefined }));
    if (resource.name) {
      const node = nodes.find((entry) => entry.metadata.name === resource.name);
      if (!node) throw notFound('nodemetrics', 'metrics.k8s.io', resource.name);
      sendJson(context.response, 200, nodeMetrics(cluster, node, pods));
      return;
    }
    sendJson(context.response, 200, { kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: nodes.map((node) => nodeMetrics(cluster, node, pods)) });
    return;
  }
  const matching = cluster.store.list(cluster.type('Pod'), listOptions(resource));
  if (resource.name) {
    const pod = matching.find((entry) => entry.metadata.name === resource.name);
    const metrics = pod ? podMetrics(cluster, pod) : undefined;
    if (!metrics) throw notFound('podmetrics', 'metrics.k8s.io', `${resource.namespace}/${resource.name}`);
    sendJson(context.response, 200, metrics);
    return;
  }
  const items = matching.map((pod) => podMetrics(cluster, pod)).filter((entry) => entry !== undefined);
  sendJson(context.response, 200, { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items });
}

async function handleReview(context: HandlerContext, resource: ResourceRequest): Promise<void> {
  const { cluster } = context;
  const body = await readObject(context);
  if (!isJsonObject(body)) throw badRequest('the body of the request must be an object');
  const { type } = resource;
  if (type.kind === 'SelfSubjectReview') {
    sendJson(context.response, 201, { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo: { username: cluster.userName, groups: ['oncall', 'system:authenticated'] } } });
    return;
  }
  const spec = isJsonObject(body['spec']) ? body['spec'] : {};
  if (type.kind === 'SelfSubjectRulesReview') {
    sendJson(context.response, 201, { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status: rulesFor(cluster, String(spec['namespace'] ?? '')) });
    return;
  }
  const attributes = isJsonObject(spec['resourceAttributes']) ? spec['resourceAttributes'] : undefined;
  const nonResource = isJsonObject(spec['nonResourceAttributes']) ? spec['nonResourceAttributes'] : undefined;
  if (!attributes && !nonResource) throw new ApiError(422, 'Invalid', 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
  const decision = attributes
    ? authorize(cluster, { verb: String(attributes['verb'] ?? ''), group: String(attributes['group'] ?? ''), resource: String(attributes['resource'] ?? ''), subresource: String(attributes['subresource'] ?? ''), namespace: String(attributes['namespace'] ?? '') })
    : authorize(cluster, { verb: String(nonResource?.['verb'] ?? ''), path: String(nonResource?.['path'] ?? '') });
  const status: Record<string, unknown> = { allowed: decision.allowed };
  if (decision.denied) status['denied'] = true;
  if (decision.reason) status['reason'] = decision.reason;
  sendJson(context.response, 201, { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status });
}
