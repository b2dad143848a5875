/** WATCH: history replay after a resourceVersion (or the initial list), then live events, JSON or Table. */
import { ApiError, badRequest } from '../api-error.js';
import { apiVersionOf } from '../resources.js';
import type { StoreEvent } from '../store.js';
import { buildTable, type IncludeObject } from '../tables.js';
import type { KubeObject } from '../types.js';
import { listOptions, present, stored, wantsTable, type HandlerContext, type ResourceRequest } from './handler-context.js';

/** A watch request, streamed until the client goes or timeoutSeconds passes. */
export function handleWatch(context: HandlerContext, resource: ResourceRequest): void {
  const { cluster, request, response } = context;
  const { type, query } = resource;
  const storageType = stored(type);
  const options = listOptions(resource);
  if (resource.name) options.fieldSelector = [...(options.fieldSelector ?? []), { key: 'metadata.name', operator: 'equals', values: [resource.name] }];
  const table = wantsTable(request);
  const includeObject = (query.get('includeObject') ?? 'Metadata') as IncludeObject;
  let sentColumns = false;
  const encode = (eventType: string, object: KubeObject): string => {
    const typed = present(type, object);
    if (!table) return `${JSON.stringify({ type: eventType, object: typed })}\n`;
    const tableObject = buildTable(type.kind, [type.view ? object : typed], { now: cluster.now(), resourceVersion: typed.metadata.resourceVersion ?? '', includeObject, includeColumns: !sentColumns, ...(type.view ? { present: (entry: KubeObject) => present(type, entry) } : {}) });
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
    for (const object of cluster.store.peekSorted(storageType, options)) response.write(encode('ADDED', object));
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
    unsubscribe = cluster.store.watch(storageType, since, options, (event: StoreEvent) => {
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
