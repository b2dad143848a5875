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
import type { ApiLister, Clock, KubectlRunner, NameResolver } from '../contracts/ports.js';
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
export function createNameResolver(core: NameResolverCore, options: Omit<ResolveNamesOptions, 'signal' | 'focus'> = {}): NameResolver {
  const cacheKey = {};
  // At most one prefetched read per namespace and focus, taken by the first resolve() of them.
  const prefetched = new Map<string, Promise<NameResolution>>();
  const keyOf = (namespace: string | undefined, focus: NameFocus | undefined) => `${namespace ?? ''}|${focus ? `${focus.resource}/${focus.name ?? ''}` : ''}`;
  const start = (namespace: string | undefined, signal: AbortSignal | undefined, focus: NameFocus | undefined) =>
    resolveNames(core, namespace, { ...options, ...(signal ? { signal } : {}), ...(focus ? { focus } : {}), cacheKey });
  return {
    resolve: (namespace, signal, focus) => {
      const pending = prefetched.get(keyOf(namespace, focus));
      if (pending) {
        prefetched.delete(keyOf(namespace, focus));
        return signal ? untilAborted(pending, signal) : pending;
      }
      return start(namespace, signal, focus);
    },
    prefetch: (namespace, signal, focus) => {
      if (prefetched.has(keyOf(namespace, focus))) return;
      const pending = start(namespace, signal, focus);
      // resolveNames rejects only on abort; an abandoned prefetch must not become an unhandled rejection.
      pending.catch(() => undefined);
      prefetched.set(keyOf(namespace, focus), pending);
    },
  };
}

/** What the resolver needs of the core. */
export interface NameResolverCore {
  validator: CommandValidator;
  kubectl: KubectlRunner;
  /** Lists straight from the API server where it can stand in for kubectl (the read is then recorded with " (API)"). */
  api?: ApiLister;
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
  /**
   * The kind (and object) a request names exactly, with no words to read: the read is of that kind
   * only (see focusTypes), and of the whole inventory only when a named object is not among them.
   */
  focus?: NameFocus;
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

/** The kind each plural of the inventory read lists. */
const KIND_OF_PLURAL: Readonly<Record<string, Resource>> = {
  deployments: 'deployment', statefulsets: 'statefulset', daemonsets: 'daemonset', replicasets: 'replicaset', pods: 'pod',
  services: 'service', jobs: 'job', cronjobs: 'cronjob', horizontalpodautoscalers: 'hpa', persistentvolumeclaims: 'pvc',
  configmaps: 'configmap', ingresses: 'ingress', poddisruptionbudgets: 'poddisruptionbudget', nodes: 'node', namespaces: 'namespace',
};

/** What a request with no words names exactly: a kind, and the object's name when it gives one. */
export interface NameFocus {
  resource: Resource;
  name?: string;
}

/** What a pod's owner is found in: its controller (a ReplicaSet's Deployment, a StatefulSet, a DaemonSet, a Job). */
const POD_OWNER_TYPES = ['replicasets', 'deployments', 'statefulsets', 'daemonsets', 'jobs'];

/** The plural a kind is read by in the inventory read, for the namespaced kinds it reads. */
const NAMESPACED_PLURALS: Readonly<Partial<Record<Resource, string>>> = Object.fromEntries(
  NAMESPACED_TYPES.map((plural) => [ownValue(KIND_OF_PLURAL, plural)!, plural]),
);

/**
 * The types a focused read lists for `resource` in a namespace, in the whole read's order, or
 * undefined when the whole inventory is read anyway (cluster-scoped and unread kinds). Pods bring the
 * workloads that own them and the ReplicaSets between (a restart, a scale or a rollout of "this pod"
 * acts on its owner, read from the same answer); every other kind is read alone. A request with no
 * words that names a kind (and an object of it) is understood from those objects exactly as from
 * the whole inventory (test/e2e/name-focus.test.ts checks every intent and kind against the sandbox).
 */
export function focusTypes(namespace: string | undefined, resource: Resource): string[] | undefined {
  if (namespace === undefined) return undefined;
  const plural = ownValue(NAMESPACED_PLURALS, resource);
  if (plural === undefined) return undefined;
  const types = resource === 'pod' ? new Set([plural, ...POD_OWNER_TYPES]) : new Set([plural]);
  return NAMESPACED_TYPES.filter((type) => types.has(type));
}

/** The types of the one read for a namespace (or for cluster-scoped objects only), or the given types. */
export function inventoryTypes(namespace: string | undefined, only?: readonly string[]): readonly string[] {
  return only ?? (namespace === undefined ? CLUSTER_TYPES : [...NAMESPACED_TYPES, ...CLUSTER_TYPES]);
}

/** The argv of the one read for a namespace (or for cluster-scoped objects only), or of the given types. */
export function inventoryReadArgs(namespace: string | undefined, only?: readonly string[]): string[] {
  const types = inventoryTypes(namespace, only);
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

/** One object of the inventory read, as its columns give it (the text of a custom-columns row, or the same fields of an object). */
interface InventoryRow {
  kind: string;
  name: string;
  ownerKind?: string;
  ownerName?: string;
  node?: string;
  phase?: string;
  waiting: string[];
  last: string[];
  restarts: string[];
  containers: string[];
  template: string[];
  replicas?: string;
  unschedulable?: string;
}

/** The inventory of rows, in their order: each row read the same way whatever it came from, owners resolved to workloads. */
function inventoryOf(rows: Iterable<InventoryRow>, namespace: string | undefined): ClusterInventory {
  const objects: InventoryObject[] = [];
  const replicaSetOwners = new Map<string, { kind: Resource; name: string }>();
  for (const row of rows) {
    const kind = ownValue(KINDS, row.kind);
    if (!kind || !cell(row.name)) continue;
    const object: InventoryObject = { kind, name: row.name };
    const owner = cell(row.ownerKind) && cell(row.ownerName) ? ownValue(KINDS, row.ownerKind!) : undefined;
    if (owner) object.owner = { kind: owner, name: row.ownerName! };
    if (cell(row.node)) object.node = row.node!;
    if (cell(row.phase)) object.phase = row.phase!;
    if (kind === 'pod') {
      object.waiting = row.waiting;
      object.lastTerminated = row.last;
      object.restarts = row.restarts.reduce((sum, count) => sum + (Number(count) || 0), 0);
    }
    const names = row.containers.length > 0 ? row.containers : row.template;
    if (names.length > 0) object.containers = names;
    if (cell(row.replicas) && Number.isInteger(Number(row.replicas))) object.replicas = Number(row.replicas);
    if (kind === 'node') object.unschedulable = row.unschedulable === 'true';
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

/** Parses the custom-columns answer of inventoryReadArgs into objects, owners resolved to workloads. */
export function parseInventory(text: string, namespace: string | undefined): ClusterInventory {
  const rows = text.split('\n').slice(1).map((line) => line.trim()).filter((line) => line !== '');
  function* parsed(): Generator<InventoryRow> {
    for (const row of rows) {
      const cells = row.split(/\s+/);
      if (cells.length < COLUMNS.length) continue;
      const [kind, name, ownerKind, ownerName, node, phase, waiting, last, restarts, containers, template, replicas, unschedulable] = cells;
      yield {
        kind: kind ?? '', name: name ?? '', ownerKind, ownerName, node, phase, waiting: list(waiting), last: list(last), restarts: list(restarts),
        containers: list(containers), template: list(template), replicas, unschedulable,
      };
    }
  }
  return inventoryOf(parsed(), namespace);
}

/** The fields of a Kubernetes object (as `kubectl get -o json` prints it) that the columns of the inventory read take. */
interface InventorySource {
  kind?: string;
  metadata?: { name?: string; ownerReferences?: ReadonlyArray<{ kind?: string; name?: string }> };
  spec?: {
    nodeName?: string;
    containers?: ReadonlyArray<{ name?: string }>;
    template?: { spec?: { containers?: ReadonlyArray<{ name?: string }> } };
    replicas?: number;
    unschedulable?: boolean;
  };
  status?: {
    phase?: string;
    containerStatuses?: ReadonlyArray<{ restartCount?: number; state?: { waiting?: { reason?: string } }; lastState?: { terminated?: { reason?: string } } }>;
  };
}

/** A column's text for one value, as kubectl prints it (absent: `<none>`). */
function text(value: string | number | boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

/** The values of a `[*]` column: present ones only, as kubectl joins them. */
function values<Item>(items: ReadonlyArray<Item> | undefined, pick: (item: Item) => string | number | undefined): string[] {
  return (items ?? []).map(pick).filter((value): value is string | number => value !== undefined && value !== '').map(String);
}

/**
 * The inventory of objects already read as JSON (an investigation's snapshot), exactly as
 * parseInventory reads the custom-columns answer of the same objects: the same columns, the same
 * rules, in the order given (give them in the order of inventoryReadArgs' types).
 */
export function inventoryFromObjects(items: Iterable<object>, namespace: string | undefined): ClusterInventory {
  function* rows(): Generator<InventoryRow> {
    for (const object of items) {
      // Any Kubernetes object (Pod, Deployment, Node...): only the fields the columns name are read, each optional.
      const item = object as InventorySource;
      const owner = item.metadata?.ownerReferences?.[0];
      const statuses = item.status?.containerStatuses;
      yield {
        kind: item.kind ?? '', name: item.metadata?.name ?? '', ownerKind: owner?.kind, ownerName: owner?.name, node: item.spec?.nodeName, phase: item.status?.phase,
        waiting: values(statuses, (status) => status.state?.waiting?.reason), last: values(statuses, (status) => status.lastState?.terminated?.reason),
        restarts: values(statuses, (status) => status.restartCount), containers: values(item.spec?.containers, (container) => container.name),
        template: values(item.spec?.template?.spec?.containers, (container) => container.name), replicas: text(item.spec?.replicas), unschedulable: text(item.spec?.unschedulable),
      };
    }
  }
  return inventoryOf(rows(), namespace);
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
 * the answer then has no inventory and a notice saying why and what that means. With a focus, the
 * objects of its kind are read, and the whole inventory only when the object it names is not among
 * them (so "did you mean" and an object of another kind by that name are found as before).
 */
export async function resolveNames(core: NameResolverCore, namespace: string | undefined, options: ResolveNamesOptions = {}): Promise<NameResolution> {
  const types = options.focus ? focusTypes(namespace, options.focus.resource) : undefined;
  if (!options.focus || !types) return readInventory(core, namespace, undefined, options);
  // A whole inventory still cached answers a focused request too (the TUI asks many in a row).
  const whole = cachedInventory(core, namespace, undefined, options);
  if (whole) return whole;
  const { resource, name } = options.focus;
  const focused = await readInventory(core, namespace, types, options);
  if (!focused.inventory || name === undefined || focused.inventory.objects.some((object) => object.kind === resource && object.name === name)) return focused;
  const all = await readInventory(core, namespace, undefined, options);
  return { ...all, reads: [...focused.reads, ...all.reads] };
}

function cacheKeyOf(namespace: string | undefined, types: readonly string[] | undefined): string {
  return types ? `${namespace ?? ''}|${types.join(',')}` : (namespace ?? '');
}

/** The cached answer for a read, while it is fresh. */
function cachedInventory(core: NameResolverCore, namespace: string | undefined, types: readonly string[] | undefined, options: ResolveNamesOptions): NameResolution | undefined {
  const ttl = options.cacheMilliseconds ?? 5000;
  const now = core.clock ? core.clock.now().getTime() : Date.now();
  const cached = caches.get(options.cacheKey ?? core)?.get(cacheKeyOf(namespace, types));
  if (!cached || ttl <= 0 || now - cached.at < 0 || now - cached.at >= ttl) return undefined;
  return { ...(cached.inventory ? { inventory: cached.inventory } : {}), reads: [`${cached.command} (cached)`], ...(cached.notice ? { notice: cached.notice } : {}) };
}

/** One inventory read (the whole inventory, or `types` only), cached and shared while in flight. */
async function readInventory(core: NameResolverCore, namespace: string | undefined, types: readonly string[] | undefined, options: ResolveNamesOptions): Promise<NameResolution> {
  const ttl = options.cacheMilliseconds ?? 5000;
  const clock = () => (core.clock ? core.clock.now().getTime() : Date.now());
  const key = cacheKeyOf(namespace, types);
  const owner = options.cacheKey ?? core;
  const cached = cachedInventory(core, namespace, types, options);
  if (cached) return cached;
  let pending = ttl > 0 ? inFlight.get(owner)?.get(key) : undefined;
  if (pending) return untilAborted(pending, options.signal).then((shared) => ({ ...shared, reads: shared.reads.map((read) => `${read} (cached)`) }));
  const remember = (entry: Omit<CacheEntry, 'at'>) => {
    if (ttl <= 0) return;
    let cache = caches.get(owner);
    if (!cache) caches.set(owner, (cache = new Map()));
    // From when the answer came: a read slower than the TTL (thousands of objects) is still reused.
    cache.set(key, { at: clock(), ...entry });
  };
  const reader = createClusterReader(core, { maxReads: 1, timeoutSeconds: options.timeoutSeconds ?? 5, ...(options.signal ? { signal: options.signal } : {}) });
  const args = inventoryReadArgs(namespace, types);
  pending = (async (): Promise<NameResolution> => {
    try {
      // The same objects from the API server when it can stand in for kubectl (no kubectl process), else kubectl's columns.
      const listed = await reader.list(args, inventoryTypes(namespace, types), namespace);
      const inventory = listed ? inventoryFromObjects(listed, namespace) : parseInventory(await reader.text(args, { maxBytes: 8 * 1024 * 1024 }), namespace);
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
