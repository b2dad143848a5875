/**
 * Reading a snapshot: a bounded number of batched, validated, recorded read-only kubectl calls
 * (through the cluster reader, never kubectl directly). Phase one, in parallel: one `get` of every
 * namespaced kind, the namespace's events, one `get` of the cluster kinds, and the names (never the
 * data) of ConfigMaps and Secrets. Phase two, once the pods are known: usage when a container was
 * OOM-killed, and the previous logs of at most a few crash-looping containers. A read the policy
 * refuses, or that fails, becomes a note: the analyzers then skip what depends on it.
 */
import { readFailure, type ClusterReader } from '../cluster/cluster-reader.js';
import { KubectlError, PolicyDeniedError, isAbortError } from '../errors.js';
import type { CommandValidator } from '../contracts/core.js';
import type { InvestigationStepStatus } from './events.js';
import { excerptLog } from './log-excerpt.js';
import { parseMillicores, parseQuantity } from './quantity.js';
import type { SnapshotIndex } from './snapshot-index.js';
import type { Namespace } from 'kubernetes-types/core/v1.js';
import type { ContainerLog, ContainerUsage, Pod, Snapshot } from './snapshot-types.js';

/** Reports a check's progress. */
export type StepReporter = (check: string, status: InvestigationStepStatus, detail?: string) => void;

/** kubectl's plural -> the snapshot list it fills, for the namespace batch. */
const NAMESPACED: ReadonlyArray<readonly [string, keyof Snapshot, string]> = [
  ['pods', 'pods', 'Pod'], ['deployments', 'deployments', 'Deployment'], ['replicasets', 'replicaSets', 'ReplicaSet'],
  ['statefulsets', 'statefulSets', 'StatefulSet'], ['daemonsets', 'daemonSets', 'DaemonSet'], ['jobs', 'jobs', 'Job'], ['cronjobs', 'cronJobs', 'CronJob'],
  ['services', 'services', 'Service'], ['endpointslices', 'endpointSlices', 'EndpointSlice'], ['ingresses', 'ingresses', 'Ingress'],
  ['persistentvolumeclaims', 'persistentVolumeClaims', 'PersistentVolumeClaim'], ['horizontalpodautoscalers', 'horizontalPodAutoscalers', 'HorizontalPodAutoscaler'],
  ['poddisruptionbudgets', 'podDisruptionBudgets', 'PodDisruptionBudget'], ['resourcequotas', 'resourceQuotas', 'ResourceQuota'],
  ['controllerrevisions', 'controllerRevisions', 'ControllerRevision'],
];

/** The cluster-scoped kinds read in one batch (namespaces: to tell an empty namespace from a missing one). */
const CLUSTER: ReadonlyArray<readonly [string, keyof Snapshot | 'namespaces', string]> = [
  ['nodes', 'nodes', 'Node'], ['storageclasses', 'storageClasses', 'StorageClass'], ['ingressclasses', 'ingressClasses', 'IngressClass'],
  ['persistentvolumes', 'persistentVolumes', 'PersistentVolume'], ['namespaces', 'namespaces', 'Namespace'],
];

/** A namespace of thousands of pods is tens of MiB of JSON: whole or not at all. */
const BATCH_MAX_BYTES = 1024 * 1024 * 1024;
/**
 * Per-read timeout of the batched reads (capped by RK8S_EXEC_MAX_TIMEOUT): kubectl needs tens of
 * seconds to print a namespace of 10,000 pods, far beyond the 15 s a single command gets.
 */
export const BATCH_READ_TIMEOUT_SECONDS = 120;
/** How many times a batch is retried without a type the server does not serve or refuses. */
const MAX_BATCH_RETRIES = 3;
/** Most containers whose logs one investigation reads. */
export const DEFAULT_MAX_LOGS = 3;
/** Lines asked of kubectl per log (the excerpt keeps the last MAX_LOG_LINES). */
const LOG_TAIL = 40;

interface KubeItem {
  kind?: string;
  metadata?: { name?: string };
}

/** What phase one read, with the notes about what it could not. */
export interface NamespaceRead {
  snapshot: Snapshot;
  notes: string[];
  /** Namespaces that exist, when the cluster batch could list them. */
  namespaces?: string[];
  /** The same namespaces as read (name resolution's inventory lists them too: src/diagnose/snapshot-names.ts). */
  namespaceObjects?: Namespace[];
}

function describeError(error: unknown): string {
  if (error instanceof PolicyDeniedError) return error.message.replace(/^the read "[^"]*" is not permitted: /, 'the policy does not allow it: ');
  const failure = readFailure(error);
  const message = (error as Error).message ?? String(error);
  return failure?.stderr ? failure.stderr.split('\n').filter(Boolean).pop()?.replace(/^error: /, '') ?? message : message.replace(/^kubectl [^:]*: /, '');
}

/** The type a failed batch names as unknown or forbidden, if any (kubectl's own wording). */
export function rejectedType(stderr: string): string | undefined {
  return (
    /doesn't have a resource type "([^"]+)"/.exec(stderr)?.[1] ??
    /cannot list resource "([^"]+)"/.exec(stderr)?.[1] ??
    /the server could not find the requested resource \(get ([a-z0-9.]+)\)/.exec(stderr)?.[1]
  );
}

/**
 * Reads several types in one `kubectl get a,b,c -o json`. Types the policy does not allow as reads
 * are left out (noted); a type the server rejects is dropped and the batch retried.
 */
async function readBatch(
  reader: ClusterReader,
  validator: CommandValidator,
  types: readonly string[],
  scope: readonly string[],
  notes: string[],
  required?: string,
): Promise<{ items: KubeItem[]; read: Set<string> }> {
  let allowed = types.filter((type) => {
    const verdict = validator.validate(['get', type, ...scope, '-o', 'json'], {});
    if (verdict.decision === 'allow' && !verdict.mutating) return true;
    if (type === required) {
      // Without this type there is nothing to investigate: refuse rather than report an empty namespace as healthy.
      throw new PolicyDeniedError(`cannot read ${type}${scope.length > 0 ? ` in namespace ${scope[1]}` : ''}: ${verdict.violations.map((violation) => violation.message).join('; ') || `the policy says ${verdict.decision}`}`, {
        hint: 'investigate a namespace listed in org/namespaces.yaml (rk8s check shows the policy)',
      });
    }
    notes.push(`${type} not read: the policy does not allow it (${verdict.violations.map((violation) => violation.message).join('; ') || verdict.decision})`);
    return false;
  });
  for (let attempt = 0; allowed.length > 0; attempt++) {
    try {
      const list = await reader.json<{ items?: KubeItem[] }>(['get', allowed.join(','), ...scope, '-o', 'json'], { maxBytes: BATCH_MAX_BYTES, timeoutSeconds: BATCH_READ_TIMEOUT_SECONDS });
      return { items: Array.isArray(list.items) ? list.items : [], read: new Set(allowed) };
    } catch (error) {
      const failure = readFailure(error);
      const type = failure ? rejectedType(failure.stderr) : undefined;
      const dropped = type === undefined ? undefined : allowed.find((candidate) => candidate === type || type.startsWith(`${candidate}.`) || candidate.startsWith(type));
      if (dropped === undefined || attempt >= MAX_BATCH_RETRIES) throw error;
      notes.push(`${dropped} not read: ${describeError(error)}`);
      allowed = allowed.filter((candidate) => candidate !== dropped);
    }
  }
  return { items: [], read: new Set() };
}

function counts(snapshot: Snapshot, keys: ReadonlyArray<keyof Snapshot>): string {
  return keys
    .map((key) => [key, (snapshot[key] as unknown[] | undefined)?.length] as const)
    .filter(([, count]) => count !== undefined && count > 0)
    .map(([key, count]) => `${count} ${String(key).replace(/([A-Z])/g, ' $1').toLowerCase()}`)
    .join(', ');
}

/** Phase one: the namespace's objects, its events, the cluster kinds and the config names, in parallel. */
export async function readNamespace(
  reader: ClusterReader,
  validator: CommandValidator,
  namespace: string,
  report: StepReporter,
  clock: () => Date,
): Promise<NamespaceRead> {
  const notes: string[] = [];
  const snapshot: Snapshot = { namespace, readAt: clock().toISOString() };
  const scope = ['-n', namespace];
  let namespaces: string[] | undefined;
  let namespaceObjects: Namespace[] | undefined;

  const objects = (async () => {
    report('namespace objects', 'running', `kubectl get ${NAMESPACED.length} kinds -n ${namespace}`);
    // Without the pods there is nothing to investigate: this read's failure is the investigation's.
    const { items, read } = await readBatch(reader, validator, NAMESPACED.map(([type]) => type), scope, notes, 'pods');
    for (const [type, key] of NAMESPACED) if (read.has(type)) (snapshot as unknown as Record<string, unknown[]>)[key] = [];
    const byKind = new Map(NAMESPACED.map(([, key, kind]) => [kind, key]));
    for (const item of items) {
      const key = item.kind ? byKind.get(item.kind) : undefined;
      if (key) ((snapshot as unknown as Record<string, unknown[]>)[key] ??= []).push(item);
    }
    report('namespace objects', 'done', counts(snapshot, NAMESPACED.map(([, key]) => key)) || 'nothing in the namespace');
  })();

  const optional = async (check: string, run: () => Promise<string>) => {
    report(check, 'running');
    try {
      report(check, 'done', await run());
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (!(error instanceof KubectlError) && !(error instanceof PolicyDeniedError)) throw error;
      const message = describeError(error);
      notes.push(`${check} not read: ${message}`);
      report(check, error instanceof PolicyDeniedError ? 'skipped' : 'failed', message);
    }
  };

  const events = optional('events', async () => {
    const list = await reader.json<{ items?: KubeItem[] }>(['get', 'events', ...scope, '-o', 'json'], { maxBytes: BATCH_MAX_BYTES, timeoutSeconds: BATCH_READ_TIMEOUT_SECONDS });
    snapshot.events = (list.items ?? []) as Snapshot['events'];
    const warnings = snapshot.events!.filter((event) => event.type === 'Warning').length;
    return `${snapshot.events!.length} events, ${warnings} warnings`;
  });

  const cluster = optional('cluster', async () => {
    const { items, read } = await readBatch(reader, validator, CLUSTER.map(([type]) => type), [], notes);
    const byKind = new Map(CLUSTER.map(([, key, kind]) => [kind, key]));
    const lists: Record<string, unknown[]> = {};
    for (const [type, key] of CLUSTER) if (read.has(type)) lists[key] = [];
    for (const item of items) {
      const key = item.kind ? byKind.get(item.kind) : undefined;
      if (key && lists[key]) lists[key].push(item);
    }
    if (lists['namespaces']) {
      namespaceObjects = lists['namespaces'] as Namespace[];
      namespaces = namespaceObjects.map((item) => item.metadata?.name ?? '');
    }
    for (const [, key] of CLUSTER) if (key !== 'namespaces' && lists[key]) (snapshot as unknown as Record<string, unknown[]>)[key] = lists[key];
    return counts(snapshot, ['nodes', 'storageClasses', 'ingressClasses', 'persistentVolumes']) || 'no cluster objects';
  });

  const names = optional('config names', async () => {
    const types = ['configmaps', 'secrets'].filter((type) => {
      const verdict = validator.validate(['get', type, ...scope, '-o', 'name'], {});
      if (verdict.decision === 'allow' && !verdict.mutating) return true;
      notes.push(`${type === 'secrets' ? 'Secret' : 'ConfigMap'} names not read: the policy does not allow "get ${type}" in ${namespace} (missing Secrets are still found from the kubelet's messages)`);
      return false;
    });
    if (types.length === 0) throw new PolicyDeniedError('the read "get configmaps,secrets" is not permitted: the policy allows neither');
    const text = await reader.text(['get', types.join(','), ...scope, '-o', 'name']);
    const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
    if (types.includes('configmaps')) snapshot.configMapNames = lines.filter((line) => line.startsWith('configmap/')).map((line) => line.slice('configmap/'.length));
    if (types.includes('secrets')) snapshot.secretNames = lines.filter((line) => line.startsWith('secret/')).map((line) => line.slice('secret/'.length));
    return [snapshot.configMapNames && `${snapshot.configMapNames.length} configmaps`, snapshot.secretNames && `${snapshot.secretNames.length} secrets`].filter(Boolean).join(', ');
  });

  const results = await Promise.allSettled([objects, events, cluster, names]);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    const reason: unknown = failed.reason;
    if (results[0]!.status === 'rejected') report('namespace objects', 'failed', describeError(reason));
    if (reason instanceof KubectlError && readFailure(reason)) {
      // kubectl's own words (connection refused, Unauthorized, Forbidden) are what the user needs.
      throw new KubectlError(`cannot read namespace ${namespace}: ${describeError(reason)}`, {
        hint: 'check that the cluster is reachable and the kubeconfig/context are right (kubectl get pods -n <namespace>)',
        cause: reason,
        details: readFailure(reason),
      });
    }
    throw reason;
  }
  snapshot.readAt = clock().toISOString();
  return { snapshot, notes, ...(namespaces ? { namespaces } : {}), ...(namespaceObjects ? { namespaceObjects } : {}) };
}

/** What a timeline needs: the namespace's objects (for rollouts and names) and its events, in two parallel reads. */
export async function readTimelineState(reader: ClusterReader, validator: CommandValidator, namespace: string, clock: () => Date): Promise<NamespaceRead> {
  const notes: string[] = [];
  const snapshot: Snapshot = { namespace, readAt: clock().toISOString() };
  const scope = ['-n', namespace];
  const [objects, events] = await Promise.all([
    readBatch(reader, validator, NAMESPACED.map(([type]) => type), scope, notes, 'pods'),
    reader.json<{ items?: KubeItem[] }>(['get', 'events', ...scope, '-o', 'json'], { maxBytes: BATCH_MAX_BYTES, timeoutSeconds: BATCH_READ_TIMEOUT_SECONDS }),
  ]);
  for (const [type, key] of NAMESPACED) if (objects.read.has(type)) (snapshot as unknown as Record<string, unknown[]>)[key] = [];
  const byKind = new Map(NAMESPACED.map(([, key, kind]) => [kind, key]));
  for (const item of objects.items) {
    const key = item.kind ? byKind.get(item.kind) : undefined;
    if (key) ((snapshot as unknown as Record<string, unknown[]>)[key] ??= []).push(item);
  }
  snapshot.events = (events.items ?? []) as Snapshot['events'];
  snapshot.readAt = clock().toISOString();
  return { snapshot, notes };
}

/** A container worth reading the logs of. */
export interface LogCandidate {
  pod: string;
  container: string;
  previous: boolean;
  /** Higher first. */
  priority: number;
}

/**
 * The containers whose logs explain the most: crash-looping and OOM-killed ones (their previous
 * instance), failed ones (current), at most one per workload first, busiest restarters first.
 */
export function logCandidates(index: SnapshotIndex, pods: readonly Pod[], max = DEFAULT_MAX_LOGS): LogCandidate[] {
  const candidates: Array<LogCandidate & { workload: string }> = [];
  for (const pod of pods) {
    const workload = index.workloadOf(pod);
    for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      const restarts = status.restartCount ?? 0;
      const last = status.lastState?.terminated;
      const current = status.state?.terminated;
      const crashLooping = status.state?.waiting?.reason === 'CrashLoopBackOff' || (last !== undefined && last.exitCode !== 0 && restarts > 0);
      if (crashLooping) candidates.push({ pod: pod.metadata?.name ?? '', container: status.name, previous: true, priority: 2_000_000 + restarts, workload: `${workload.kind}/${workload.name}` });
      else if (current && current.exitCode !== 0) candidates.push({ pod: pod.metadata?.name ?? '', container: status.name, previous: false, priority: 1_000_000 + restarts, workload: `${workload.kind}/${workload.name}` });
    }
  }
  candidates.sort((left, right) => right.priority - left.priority || left.pod.localeCompare(right.pod));
  const chosen: LogCandidate[] = [];
  const workloads = new Set<string>();
  for (const candidate of candidates) {
    if (chosen.length >= max) break;
    if (workloads.has(candidate.workload)) continue;
    workloads.add(candidate.workload);
    chosen.push({ pod: candidate.pod, container: candidate.container, previous: candidate.previous, priority: candidate.priority });
  }
  for (const candidate of candidates) {
    if (chosen.length >= max) break;
    if (!chosen.some((entry) => entry.pod === candidate.pod && entry.container === candidate.container)) chosen.push(candidate);
  }
  return chosen;
}

/** Parses `kubectl top pods --containers` (POD NAME CPU(cores) MEMORY(bytes)). */
export function parseTopPods(text: string): ContainerUsage[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const header = lines[0]?.trim().split(/\s+/) ?? [];
  if (header[0] !== 'POD' || header[1] !== 'NAME') return [];
  return lines.slice(1).flatMap((line) => {
    const [pod, container, cpu, memory] = line.trim().split(/\s+/);
    const cpuMillicores = parseMillicores(cpu);
    const memoryBytes = parseQuantity(memory);
    return pod && container && cpuMillicores !== undefined && memoryBytes !== undefined ? [{ pod, container, cpuMillicores, memoryBytes }] : [];
  });
}

/** True when a pod has a container that was OOM-killed (now or last time): then usage is worth a read. */
function oomKilled(pod: Pod): boolean {
  return (pod.status?.containerStatuses ?? []).some((status) => status.state?.terminated?.reason === 'OOMKilled' || status.lastState?.terminated?.reason === 'OOMKilled');
}

/** Phase two: usage (only when something was OOM-killed) and log excerpts, in parallel, for the given pods. */
export async function readDetails(
  reader: ClusterReader,
  index: SnapshotIndex,
  pods: readonly Pod[],
  report: StepReporter,
  notes: string[],
  maxLogs = DEFAULT_MAX_LOGS,
): Promise<void> {
  const snapshot = index.snapshot;
  const namespace = snapshot.namespace;
  const usage = (async () => {
    if (!pods.some(oomKilled)) {
      report('usage', 'skipped', 'no container was OOM-killed');
      return;
    }
    report('usage', 'running', `kubectl top pods -n ${namespace} --containers`);
    try {
      snapshot.usage = parseTopPods(await reader.text(['top', 'pods', '-n', namespace, '--containers']));
      report('usage', 'done', `${snapshot.usage.length} containers`);
    } catch (error) {
      if (isAbortError(error) || !(error instanceof KubectlError || error instanceof PolicyDeniedError)) throw error;
      notes.push(`usage not read (metrics may not be installed): ${describeError(error)}`);
      report('usage', 'skipped', describeError(error));
    }
  })();
  const logs = (async () => {
    const candidates = logCandidates(index, pods, maxLogs);
    if (candidates.length === 0) {
      report('logs', 'skipped', 'no crashed or failed container');
      return;
    }
    report('logs', 'running', candidates.map((candidate) => `${candidate.pod}/${candidate.container}${candidate.previous ? ' (previous)' : ''}`).join(', '));
    const read = await Promise.all(candidates.map(async (candidate): Promise<ContainerLog> => {
      const args = ['logs', candidate.pod, '-n', namespace, '-c', candidate.container, ...(candidate.previous ? ['--previous'] : []), `--tail=${LOG_TAIL}`];
      try {
        return { pod: candidate.pod, container: candidate.container, previous: candidate.previous, lines: excerptLog(await reader.text(args, { maxBytes: 4 * 1024 * 1024 })) };
      } catch (error) {
        if (isAbortError(error) || !(error instanceof KubectlError || error instanceof PolicyDeniedError)) throw error;
        return { pod: candidate.pod, container: candidate.container, previous: candidate.previous, lines: [], error: describeError(error) };
      }
    }));
    snapshot.logs = read;
    const failed = read.filter((log) => log.error);
    for (const log of failed) notes.push(`logs of ${log.pod}/${log.container} not read: ${log.error}`);
    report('logs', failed.length === read.length ? 'failed' : 'done', `${read.length - failed.length} of ${read.length} excerpts`);
  })();
  await Promise.all([usage, logs]);
}
