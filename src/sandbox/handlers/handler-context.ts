/** What every verb handler shares: the parsed request, list options, dry-run, typed answers and views. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, notFound } from '../api-error.js';
import type { SandboxCluster } from '../cluster.js';
import { eventsV1FieldSelector, fromEventsV1, toEventsV1 } from '../events/event-views.js';
import { parseBody, readBody, sendJson } from '../http-io.js';
import { apiVersionOf, storageTypeOf, type ResourceType } from '../resources.js';
import { parseFieldSelector, parseLabelSelector } from '../selectors.js';
import type { ListOptions } from '../store.js';
import { buildTable, type IncludeObject } from '../tables.js';
import { isJsonObject, type KubeObject } from '../types.js';

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

/** True when the client asked for a server-side Table. */
export function wantsTable(request: IncomingMessage): boolean {
  return /as=Table/.test(String(request.headers.accept ?? ''));
}

/** Namespace, label and field selectors of a list or watch, in stored-field terms. */
export function listOptions(resource: ResourceRequest): ListOptions {
  const label = resource.query.get('labelSelector');
  const field = resource.query.get('fieldSelector');
  const fields = field ? parseFieldSelector(field) : undefined;
  return {
    namespace: resource.namespace,
    labelSelector: label ? parseLabelSelector(label) : undefined,
    fieldSelector: resource.type.view === 'events' ? eventsV1FieldSelector(fields) : fields,
  };
}

/** Dry run, from the query (create/update/patch) or the body (delete, eviction). */
export function isDryRun(query: URLSearchParams, body?: unknown): boolean {
  if (query.getAll('dryRun').some((value) => value === 'All')) return true;
  if (isJsonObject(body)) {
    const direct = body['dryRun'];
    const nested = isJsonObject(body['deleteOptions']) ? body['deleteOptions']['dryRun'] : undefined;
    for (const value of [direct, nested]) if (Array.isArray(value) && value.includes('All')) return true;
  }
  return false;
}

/** A stored object as the requested type shows it (its apiVersion and kind; a view converted). */
export function present(type: ResourceType, object: KubeObject): KubeObject {
  if (type.view === 'events') return toEventsV1(object);
  return { ...object, apiVersion: apiVersionOf(type), kind: type.kind };
}

/** An object written through a view, in its stored form. */
export function toStored(type: ResourceType, object: KubeObject): KubeObject {
  if (type.view === 'events') return fromEventsV1(object);
  return { ...object, apiVersion: apiVersionOf(type), kind: type.kind };
}

/** The type whose bucket the request reads and writes. */
export function stored(type: ResourceType): ResourceType {
  return storageTypeOf(type);
}

/** Sends objects as a Table, a single object, or a List with the API server's paging fields. */
export function sendObjects(context: HandlerContext, type: ResourceType, objects: readonly KubeObject[], single: boolean, query: URLSearchParams, paging: { continueToken?: string; remainingItemCount?: number } = {}): void {
  const { cluster, request, response } = context;
  const resourceVersion = String(cluster.store.resourceVersion);
  const listMeta = { resourceVersion, ...(paging.continueToken ? { continue: paging.continueToken } : {}), ...(paging.remainingItemCount !== undefined ? { remainingItemCount: paging.remainingItemCount } : {}) };
  if (wantsTable(request)) {
    const includeObject = (query.get('includeObject') ?? 'Metadata') as IncludeObject;
    const table = buildTable(type.kind, type.view ? objects : objects.map((object) => present(type, object)), { now: cluster.now(), resourceVersion, includeObject, ...(type.view ? { present: (object: KubeObject) => present(type, object) } : {}) });
    table['metadata'] = listMeta;
    sendJson(response, 200, table);
    return;
  }
  if (single && objects[0]) {
    sendJson(response, 200, present(type, objects[0]));
    return;
  }
  sendJson(response, 200, { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: listMeta, items: objects.map((object) => present(type, object)) });
}

/** Reads and parses the request body (JSON or the protobuf kubectl sends). */
export async function readObject(context: HandlerContext): Promise<unknown> {
  return parseBody(await readBody(context.request), context.request.headers['content-type']);
}

/** 404 for a namespace that does not exist. */
export function requireNamespace(cluster: SandboxCluster, namespace: string | undefined): void {
  if (namespace && !cluster.store.peekOne(cluster.type('Namespace'), undefined, namespace)) throw notFound('namespaces', '', namespace);
}

/** The body as an object of the request's kind, or a 400. */
export function asObject(body: unknown, type: ResourceType): KubeObject {
  if (!isJsonObject(body)) throw badRequest(`the body of the request must be a JSON object of kind ${type.kind}`);
  if (!isJsonObject(body['metadata'])) body['metadata'] = {};
  if (body['kind'] !== undefined && body['kind'] !== type.kind) throw badRequest(`the kind "${String(body['kind'])}" of the body does not match the resource ${type.plural} (kind ${type.kind})`);
  return body as unknown as KubeObject;
}

/** 405 with the API server's message. */
export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}
