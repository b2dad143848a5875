/**
 * Name resolution: ONE bounded, validated, recorded read of what exists in the request's namespace
 * (workloads, their ReplicaSets and pods with owner, node and container state, services, jobs...,
 * plus nodes and namespaces), so the planner maps "worker" to deployment/worker, "why is payments
 * crashing" to the crashing pod, and says "no such object" instead of sending a guess to kubectl.
 * The read goes through createClusterReader (the validator must allow it as read-only), is cached
 * for a few seconds per core and namespace, and a cluster that cannot be read is a notice, not an error.
 * Resolution only produces facts; the planner (pure) consumes them.
 */
import { KubectlError, PolicyDeniedError } from '../errors.js';
import type { CommandValidator } from '../contracts/core.js';
import type { Clock, KubectlRunner, NameResolver } from '../contracts/ports.js';
import type { Resource } from '../schemas/vocabulary.js';
import { createClusterReader } from './cluster-reader.js';
import { ownValue } from '../own-property.js';
import { untilAborted } from '../abortable.js';

/** One object of the inventory. Pods carry their state; workloads their replicas and containers. */
export interface InventoryObject {
  kind: Resource;
  name: string;
  /** The controlling workload: a pod's Deployment (through its ReplicaSet), StatefulSet, DaemonSet or Job; a job's CronJob. */
  owner?: { kind: Resource; name: string };
  /** Pods: the node it runs on. */
  node?: string;
  /** Pods and PVCs: status.phase. */
  phase?: string;
  /** Pods: waiting reasons of containers (CrashLoopBackOff, ImagePullBackOff...). */
  waiting?: string[];
  /** Pods: reasons the containers' previous instances ended (OOMKilled, Error...). */
  lastTerminated?: string[];
  /** Pods: restarts over all containers. */
  restarts?: number;
  /** Pods and workloads: container names. */
  containers?: string[];
  /** Workloads: spec.replicas. */
  replicas?: number;
  /** Nodes: spec.unschedulable. */
  unschedulable?: boolean;
}

/** What exists, as read once for one request. */
export interface ClusterInventory {
  /** The namespace read (undefined: only cluster-scoped objects were read). */
  namespace?: string;
  objects: InventoryObject[];
}

/** The facts name resolution hands the planner, and what it did to get them. */
export interface NameResolution {
  /** Undefined when the cluster could not be read: the planner then works from the words alone. */
  inventory?: ClusterInventory;
  /** The kubectl read(s) behind the inventory, for the audit record (" (cached)" when reused). */
  reads: string[];
  /** Why there is no inventory, said to the user. */
  notice?: string;
}

/** The core's name-resolution port: resolveNames with a cache of its own. */
export function createNameResolver(core: NameResolverCore, options: Omit<ResolveNamesOptions, 'signal'> = {}): NameResolver {
  const cacheKey = {};
  // At most one prefetched read per namespace, taken by the first resolve() of it.
  const prefetched = new Map<string, Promise<NameResolution>>();
  return {
    resolve: (namespace, signal) => {
      const pending = prefetched.get(namespace ?? '');
      if (pending) {
        prefetched.delete(namespace ?? '');
        return signal ? untilAborted(pending, signal) : pending;
      }
      return resolveNames(core, namespace, { ...options, ...(signal ? { signal } : {}), cacheKey });
    },
    prefetch: (namespace, signal) => {
      if (prefetched.has(namespace ?? '')) return;
      const pending = resolveNames(core, namespace, { ...options, ...(signal ? { signal } : {}), cacheKey });
      // resolveNames rejects only on abort; an abandoned prefetch must not become an unhandled rejection.
      pending.catch(() => undefined);
      prefetched.set(namespace ?? '', pending);
    },
  };
}


/** What the resolver needs of the core. */
export interface NameResolverCore {
  validator: CommandValidator;
  kubectl: KubectlRunner;
  clock?: Clock;
}

/** Options of one resolution. */
export interface ResolveNamesOptions {
  signal?: AbortSignal;
  /** How long an inventory is reused for the same core and namespace (default 5 s; 0 disables the cache). */
  cacheMilliseconds?: number;
  /** Per-read timeout (default 5 s): a dead cluster must not hold the plan up. */
  timeoutSeconds?: number;
  /** Which cache to use (default: one per core object). */
  cacheKey?: object;
}

const NAMESPACED_TYPES = [
  'deployments', 'statefulsets', 'daemonsets', 'replicasets', 'pods', 'services', 'jobs', 'cronjobs',
  'horizontalpodautoscalers', 'persistentvolumeclaims', 'configmaps', 'ingresses', 'poddisruptionbudgets',
];
const CLUSTER_TYPES = ['nodes', 'namespaces'];

/** The columns of the one read, in order; custom-columns keeps the answer small whatever the objects hold. */
const COLUMNS: ReadonlyArray<[string, string]> = [
  ['KIND', '.kind'],
  ['NAME', '.metadata.name'],
  ['OWNERKIND', '.metadata.ownerReferences[0].kind'],
  ['OWNER', '.metadata.ownerReferences[0].name'],
  ['NODE', '.spec.nodeName'],
  ['PHASE', '.status.phase'],
  ['WAITING', '.status.containerStatuses[*].state.waiting.reason'],
  ['LAST', '.status.containerStatuses[*].lastState.terminated.reason'],
  ['RESTARTS', '.status.containerStatuses[*].restartCount'],
  ['CONTAINERS', '.spec.containers[*].name'],
  ['TEMPLATE', '.spec.template.spec.containers[*].name'],
  ['REPLICAS', '.spec.replicas'],
  ['UNSCHEDULABLE', '.spec.unschedulable'],
];

const KINDS: Readonly<Record<string, Resource>> = {
  Deployment: 'deployment', StatefulSet: 'statefulset', DaemonSet: 'daemonset', ReplicaSet: 'replicaset', Pod: 'pod',
  Service: 'service', Job: 'job', CronJob: 'cronjob', HorizontalPodAutoscaler: 'hpa', PersistentVolumeClaim: 'pvc',
  ConfigMap: 'configmap', Ingress: 'ingress', PodDisruptionBudget: 'poddisruptionbudget', Node: 'node', Namespace: 'namespace',
};

/** The argv of the one read for a namespace (or for cluster-scoped objects only). */
export function inventoryReadArgs(namespace: string | undefined): string[] {
  const types = namespace === undefined ? CLUSTER_TYPES : [...NAMESPACED_TYPES, ...CLUSTER_TYPES];
  return [
    'get', types.join(','),
    ...(namespace === undefined ? [] : ['-n', namespace]),
    `--output=custom-columns=${COLUMNS.map(([header, path]) => `${header}:${path}`).join(',')}`,
  ];
}

function cell(value: string | undefined): string | undefined {
  return value === undefined || value === '<none>' || value === '' ? undefined : value;
}

function list(value: string | undefined): string[] {
  const text = cell(value);
  return text === undefined ? [] : text.split(',').filter((item) => item !== '' && item !== '<none>');
}

/** Parses the custom-columns answer of inventoryReadArgs into objects, owners resolved to workloads. */
export function parseInventory(text: string, namespace: string | undefined): ClusterInventory {
  const rows = text.split('\n').slice(1).map((line) => line.trim()).filter((line) => line !== '');
  const objects: InventoryObject[] = [];
  const replicaSetOwners = new Map<string, { kind: Resource; name: string }>();
  for (const row of rows) {
    const cells = row.split(/\s+/);
    if (cells.length < COLUMNS.length) continue;
    const [kindText, name, ownerKind, ownerName, node, phase, waiting, last, restarts, containers, template, replicas, unschedulable] = cells;
    const kind = ownValue(KINDS, kindText ?? '');
    if (!kind || !cell(name)) continue;
    const object: InventoryObject = { kind, name: name! };
    const owner = cell(ownerKind) && cell(ownerName) ? ownValue(KINDS, ownerKind!) : undefined;
    if (owner) object.owner = { kind: owner, name: ownerName! };
    if (cell(node)) object.node = node!;
    if (cell(phase)) object.phase = phase!;
    if (kind === 'pod') {
      object.waiting = list(waiting);
      object.lastTerminated = list(last);
      object.restarts = list(restarts).reduce((sum, count) => sum + (Number(count) || 0), 0);
    }
    const names = list(containers).length > 0 ? list(containers) : list(template);
    if (names.length > 0) object.containers = names;
    if (cell(replicas) && Number.isInteger(Number(replicas))) object.replicas = Number(replicas);
    if (kind === 'node') object.unschedulable = unschedulable === 'true';
    if (kind === 'replicaset' && object.owner) replicaSetOwners.set(object.name, object.owner);
    objects.push(object);
  }
  // A pod's controller is its ReplicaSet; the workload people name is the ReplicaSet's Deployment.
  for (const object of objects) {
    if (object.kind === 'pod' && object.owner?.kind === 'replicaset') {
      const deployment = replicaSetOwners.get(object.owner.name);
      if (deployment) object.owner = deployment;
    }
  }
  return { ...(namespace === undefined ? {} : { namespace }), objects };
}

interface CacheEntry {
  at: number;
  /** Undefined when the read failed: the failure is reused too, so a cluster that cannot be read is not read again for every request. */
  inventory?: ClusterInventory;
  notice?: string;
  command: string;
}

const caches = new WeakMap<object, Map<string, CacheEntry>>();
/** Reads in flight, shared by concurrent resolutions of one namespace (a diagnose run plans its remedies at once). */
const inFlight = new WeakMap<object, Map<string, Promise<NameResolution>>>();

/**
 * Reads (or reuses) the inventory for the request's namespace. Never throws for a cluster problem:
 * the answer then has no inventory and a notice saying why and what that means.
 */
export async function resolveNames(core: NameResolverCore, namespace: string | undefined, options: ResolveNamesOptions = {}): Promise<NameResolution> {
  const ttl = options.cacheMilliseconds ?? 5000;
  const now = core.clock ? core.clock.now().getTime() : Date.now();
  const key = namespace ?? '';
  const owner = options.cacheKey ?? core;
  let cache = caches.get(owner);
  const cached = cache?.get(key);
  if (cached && ttl > 0 && now - cached.at >= 0 && now - cached.at < ttl) {
    return { ...(cached.inventory ? { inventory: cached.inventory } : {}), reads: [`${cached.command} (cached)`], ...(cached.notice ? { notice: cached.notice } : {}) };
  }
  let pending = ttl > 0 ? inFlight.get(owner)?.get(key) : undefined;
  if (pending) return untilAborted(pending, options.signal).then((shared) => ({ ...shared, reads: shared.reads.map((read) => `${read} (cached)`) }));
  const remember = (entry: Omit<CacheEntry, 'at'>) => {
    if (ttl <= 0) return;
    if (!cache) caches.set(owner, (cache = new Map()));
    cache.set(key, { at: now, ...entry });
  };
  const reader = createClusterReader(core, { maxReads: 1, timeoutSeconds: options.timeoutSeconds ?? 5, ...(options.signal ? { signal: options.signal } : {}) });
  const args = inventoryReadArgs(namespace);
  pending = (async (): Promise<NameResolution> => {
    try {
      const text = await reader.text(args, { maxBytes: 8 * 1024 * 1024 });
      const inventory = parseInventory(text, namespace);
      const command = reader.reads[0]?.command ?? args.join(' ');
      remember({ inventory, command });
      return { inventory, reads: [command] };
    } catch (error) {
      options.signal?.throwIfAborted();
      const reads = reader.reads.map((read) => read.command);
      const why = error instanceof PolicyDeniedError || error instanceof KubectlError ? error.message : (error as Error).message;
      const notice = `names not checked against the cluster (${why.split('\n')[0]}); planning from the words alone`;
      remember({ notice, command: reads[0] ?? args.join(' ') });
      return { reads, notice };
    }
  })();
  if (ttl > 0) {
    let flights = inFlight.get(owner);
    if (!flights) inFlight.set(owner, (flights = new Map()));
    flights.set(key, pending);
    void pending.finally(() => flights!.delete(key)).catch(() => undefined);
  }
  return pending;
}
