/**
 * Lists objects straight from the API server: what `kubectl get <types> [-n ns] -o json` lists, in the
 * same order, without starting kubectl (a kubectl process costs ~60 ms of CPU before it sends a byte,
 * most of what name resolution took). It stands in for kubectl only where it does exactly what
 * kubectl does: the built-in types name resolution reads (fixed API paths), a connection
 * api-connection.ts accepts, and a 200 answer. Anything else (a 403, a 404 from an older server, a
 * refused connection, an answer too large) is a fallback, and kubectl makes the read and says what
 * went wrong in its own words. Only a timeout is an answer of its own (kubectl would wait as long).
 */
import { setMaxListeners } from 'node:events';
import { statSync } from 'node:fs';
import type { ApiGetAnswer, ApiListAnswer, ApiLister, ApiListOptions } from '../contracts/ports.js';
import type { Config } from '../schemas/config.js';
import { ownValue } from '../own-property.js';
import { resolveApiConnection, type ApiConnection } from './api-connection.js';
import { startApiWorker, type ApiWorker, type ApiWorkerData } from './api-worker.js';

/** Where each type the inventory reads lives, and its kind (list items carry none). */
const TYPES: Readonly<Record<string, { prefix: string; kind: string; namespaced: boolean }>> = {
  deployments: { prefix: '/apis/apps/v1', kind: 'Deployment', namespaced: true },
  statefulsets: { prefix: '/apis/apps/v1', kind: 'StatefulSet', namespaced: true },
  daemonsets: { prefix: '/apis/apps/v1', kind: 'DaemonSet', namespaced: true },
  replicasets: { prefix: '/apis/apps/v1', kind: 'ReplicaSet', namespaced: true },
  pods: { prefix: '/api/v1', kind: 'Pod', namespaced: true },
  services: { prefix: '/api/v1', kind: 'Service', namespaced: true },
  jobs: { prefix: '/apis/batch/v1', kind: 'Job', namespaced: true },
  cronjobs: { prefix: '/apis/batch/v1', kind: 'CronJob', namespaced: true },
  horizontalpodautoscalers: { prefix: '/apis/autoscaling/v2', kind: 'HorizontalPodAutoscaler', namespaced: true },
  persistentvolumeclaims: { prefix: '/api/v1', kind: 'PersistentVolumeClaim', namespaced: true },
  configmaps: { prefix: '/api/v1', kind: 'ConfigMap', namespaced: true },
  ingresses: { prefix: '/apis/networking.k8s.io/v1', kind: 'Ingress', namespaced: true },
  poddisruptionbudgets: { prefix: '/apis/policy/v1', kind: 'PodDisruptionBudget', namespaced: true },
  nodes: { prefix: '/api/v1', kind: 'Node', namespaced: false },
  namespaces: { prefix: '/api/v1', kind: 'Namespace', namespaced: false },
};

/** The type each kind the validator's parser names is read by. */
const TYPE_OF_RESOURCE: Readonly<Record<string, string>> = {
  deployment: 'deployments', statefulset: 'statefulsets', daemonset: 'daemonsets', replicaset: 'replicasets', pod: 'pods', service: 'services',
  job: 'jobs', cronjob: 'cronjobs', hpa: 'horizontalpodautoscalers', pvc: 'persistentvolumeclaims', configmap: 'configmaps', ingress: 'ingresses',
  poddisruptionbudget: 'poddisruptionbudgets', node: 'nodes', namespace: 'namespaces',
};

/** kubectl's page size for lists (--chunk-size). */
const PAGE = 500;
/** A namespace as the API server names them (a DNS label): anything else is left to kubectl, never put in a path. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The API path that lists `type` (in `namespace` when it is namespaced), or undefined for a type not listed here. */
export function listPath(type: string, namespace: string | undefined): string | undefined {
  const entry = ownValue(TYPES, type);
  if (!entry || (namespace !== undefined && !NAMESPACE.test(namespace))) return undefined;
  return entry.namespaced && namespace !== undefined ? `${entry.prefix}/namespaces/${encodeURIComponent(namespace)}/${type}` : `${entry.prefix}/${type}`;
}

interface Page {
  items: object[];
  next?: string;
  bytes: number;
}

/** Why a page was not taken: kubectl reads it instead. */
class Unanswered extends Error {}

async function getPage(worker: ApiWorker, connection: ApiConnection, pathname: string, signal: AbortSignal, maxBytes: number): Promise<Page> {
  const answer = await worker.get(`${connection.server.pathname.replace(/\/$/, '')}${pathname}`, { ...(connection.token ? { token: connection.token } : {}), maxBytes, signal });
  signal.throwIfAborted();
  if ('error' in answer) throw new Unanswered(`the API server could not be read (${answer.error})`);
  if (answer.status !== 200) throw new Unanswered(`the API server answered ${answer.status} for ${pathname}`);
  let list: { items?: unknown; metadata?: { continue?: unknown } };
  try {
    list = JSON.parse(answer.body) as typeof list;
  } catch {
    throw new Unanswered(`${pathname} did not answer JSON`);
  }
  if (!Array.isArray(list.items)) throw new Unanswered(`${pathname} did not answer a list`);
  const next = typeof list.metadata?.continue === 'string' && list.metadata.continue !== '' ? list.metadata.continue : undefined;
  return { items: list.items.filter((item): item is object => item !== null && typeof item === 'object'), bytes: Buffer.byteLength(answer.body), ...(next ? { next } : {}) };
}

/** Every page of one type, kind set on each item (list items carry none). */
async function listType(worker: ApiWorker, connection: ApiConnection, type: string, namespace: string | undefined, signal: AbortSignal, budget: { bytes: number }, pageSize: number): Promise<object[]> {
  const base = listPath(type, namespace)!;
  const kind = ownValue(TYPES, type)!.kind;
  const items: object[] = [];
  let next: string | undefined;
  do {
    const page = await getPage(worker, connection, `${base}?limit=${pageSize}${next ? `&continue=${encodeURIComponent(next)}` : ''}`, signal, budget.bytes);
    budget.bytes -= page.bytes;
    for (const item of page.items) {
      const object = item as { kind?: unknown };
      if (object.kind === undefined) object.kind = kind;
      items.push(item);
    }
    next = page.next;
  } while (next !== undefined);
  return items;
}

/** Lists through one connection's worker (see the module comment). */
export async function listThrough(worker: ApiWorker, connection: ApiConnection, types: readonly string[], namespace: string | undefined, options: ApiListOptions): Promise<ApiListAnswer> {
  const unknown = types.find((type) => listPath(type, namespace) === undefined);
  if (unknown !== undefined) return { fallback: `${unknown} is not a type read from the API` };
  const started = performance.now();
  const deadline = AbortSignal.timeout(options.timeoutMs);
  // Once one type is left to kubectl (or the list ends), the other types stop paging.
  const done = new AbortController();
  const signal = AbortSignal.any([...(options.signal ? [options.signal] : []), deadline, done.signal]);
  // One listener per GET in flight (fifteen types at once), each removed when its answer comes.
  setMaxListeners(0, signal);
  const budget = { bytes: options.maxBytes };
  try {
    const lists = await Promise.all(types.map((type) => listType(worker, connection, type, namespace, signal, budget, options.pageSize ?? PAGE)));
    // Types listed at once each had what was left of the budget when their page came: the total is checked too.
    if (budget.bytes < 0) return { fallback: `the answer passed ${options.maxBytes} bytes` };
    return { items: lists.flat(), durationMs: performance.now() - started, bytes: options.maxBytes - budget.bytes };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new DOMException('aborted', 'AbortError');
    if (deadline.aborted) {
      return { error: `the API server at ${connection.server.host} did not answer within ${Math.ceil(options.timeoutMs / 1000)} s`, durationMs: performance.now() - started };
    }
    return { fallback: error instanceof Unanswered ? error.message : `the API could not be listed (${(error as Error).message})` };
  } finally {
    done.abort();
  }
}

/** One object through one connection's worker: what `kubectl get <resource> <name> -o json` prints, or a fallback. */
export async function getThrough(worker: ApiWorker, connection: ApiConnection, resource: string, name: string, namespace: string | undefined, options: ApiListOptions): Promise<ApiGetAnswer> {
  const type = ownValue(TYPE_OF_RESOURCE, resource);
  const base = type === undefined ? undefined : listPath(type, namespace);
  // Names client-go would not put in a path (a path segment: not . or .., no / or %) are kubectl's to refuse.
  if (type === undefined || base === undefined || name === '' || name === '.' || name === '..' || /[/%]/.test(name)) return { fallback: `${resource}/${name} is not an object read from the API` };
  const entry = ownValue(TYPES, type)!;
  if (entry.namespaced && namespace === undefined) return { fallback: 'kubectl picks the namespace' };
  const started = performance.now();
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const answer = await worker.get(`${connection.server.pathname.replace(/\/$/, '')}${base}/${encodeURIComponent(name)}`, { ...(connection.token ? { token: connection.token } : {}), maxBytes: options.maxBytes, signal });
  if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new DOMException('aborted', 'AbortError');
  if (deadline.aborted) return { error: `the API server at ${connection.server.host} did not answer within ${Math.ceil(options.timeoutMs / 1000)} s`, durationMs: performance.now() - started };
  if ('error' in answer) return { fallback: `the API server could not be read (${answer.error})` };
  if (answer.status !== 200) return { fallback: `the API server answered ${answer.status} for ${base}/${name}` };
  try {
    const object = JSON.parse(answer.body) as unknown;
    if (object === null || typeof object !== 'object' || Array.isArray(object)) return { fallback: `${base}/${name} did not answer an object` };
    const typed = object as { kind?: unknown; apiVersion?: unknown };
    typed.kind ??= entry.kind;
    typed.apiVersion ??= entry.prefix.replace(/^\/apis?\//, '');
    return { object, durationMs: performance.now() - started, bytes: Buffer.byteLength(answer.body) };
  } catch {
    return { fallback: `${base}/${name} did not answer JSON` };
  }
}

/** The worker's start data for a connection. */
function workerData(connection: ApiConnection): ApiWorkerData {
  return {
    host: connection.server.hostname.replace(/^\[|\]$/g, ''), port: Number(connection.server.port || 443), hostHeader: connection.server.host,
    ca: connection.ca, ...(connection.servername ? { servername: connection.servername } : {}), ...(connection.cert && connection.key ? { cert: connection.cert, key: connection.key } : {}),
  };
}

/** What identifies a file's content without reading it (any write moves its ctime). */
function fileState(file: string): string {
  try {
    const stat = statSync(file, { bigint: true });
    return `${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}:${stat.dev}`;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'unreadable';
  }
}

/** Two connections to the same server with the same TLS material (the token goes with each GET, not the connection). */
function sameServer(left: ApiConnection, right: ApiConnection): boolean {
  const same = (a: Buffer | undefined, b: Buffer | undefined) => (a === undefined ? b === undefined : b !== undefined && a.equals(b));
  return left.server.href === right.server.href && left.servername === right.servername && same(left.ca, right.ca) && same(left.cert, right.cert) && same(left.key, right.key);
}

/**
 * The lister of a configuration. The connection is read from the kubeconfig (and the files it names)
 * as kubectl would read it, and read again whenever one of those files changes, as kubectl reads it on
 * every run: a long-running core (serve, mcp, the TUI) follows `kubectl config set-cluster`, a new
 * `aws eks update-kubeconfig` or a rotated token. The worker is started by warm() or the first list.
 */
export function createApiLister(config: Config, environment: NodeJS.ProcessEnv = process.env): ApiLister {
  let worker: ApiWorker | undefined;
  let current: { answer: ReturnType<typeof resolveApiConnection>; states: string[] } | undefined;
  const start = (): { worker: ApiWorker; connection: ApiConnection } | { fallback: string } => {
    if (!current || current.answer.files.some((file, index) => fileState(file) !== current!.states[index])) {
      const previous = current && 'connection' in current.answer ? current.answer.connection : undefined;
      const answer = resolveApiConnection(config, environment);
      // Taken just after the files are read (which files they are is known only then).
      current = { answer, states: answer.files.map(fileState) };
      if ('connection' in answer && worker && previous && !sameServer(previous, answer.connection)) worker.reconnect(workerData(answer.connection));
      if ('connection' in answer && worker && !previous) worker.reconnect(workerData(answer.connection));
    }
    const answer = current.answer;
    if ('fallback' in answer) return { fallback: answer.fallback };
    if (!worker) {
      try {
        worker = startApiWorker(workerData(answer.connection));
      } catch (error) {
        return { fallback: `a worker thread cannot start (${(error as Error).message})` };
      }
    }
    return { worker, connection: answer.connection };
  };
  return {
    warm() {
      start();
    },
    async list(types, namespace, options) {
      const started = start();
      if ('fallback' in started) return started;
      return listThrough(started.worker, started.connection, types, namespace, options);
    },
    async get(resource, name, namespace, options) {
      const started = start();
      if ('fallback' in started) return started;
      return getThrough(started.worker, started.connection, resource, name, namespace, options);
    },
    async close() {
      await worker?.close();
      worker = undefined;
    },
  };
}
