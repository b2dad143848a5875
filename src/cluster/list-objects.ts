/**
 * Read-only kubectl queries that feed the TUI's pickers: the cluster's namespaces, the live objects of
 * a resource with a one-word status, and the current context's server. Always argv, never a shell;
 * always the configured kubectl, kubeconfig and context; always abortable.
 */
import { execa } from 'execa';
import { KubectlError } from '../errors.js';
import type { Config } from '../schemas/config.js';
import type { Resource } from '../schemas/vocabulary.js';

/** How to reach the cluster. */
export interface ClusterQueryOptions {
  kubectlPath: string;
  kubeconfig?: string;
  context?: string;
  signal?: AbortSignal;
  /** Per query (default 10 s): a picker must not hang on a dead cluster. */
  timeoutMs?: number;
}

/** A namespace and its phase. */
export interface NamespaceEntry {
  name: string;
  status: string;
}

/** A live object and its status column. */
export interface ObjectEntry {
  name: string;
  status: string;
}

/** The query options from a configuration. */
export function clusterQueryOptions(config: Config, signal?: AbortSignal): ClusterQueryOptions {
  return {
    kubectlPath: config.kubectl.path,
    ...(config.kubectl.kubeconfig ? { kubeconfig: config.kubectl.kubeconfig } : {}),
    ...(config.kubectl.context ? { context: config.kubectl.context } : {}),
    ...(signal ? { signal } : {}),
  };
}

/** The global flags that pin kubectl to the configured cluster. */
export function targetFlags(options: ClusterQueryOptions): string[] {
  const flags: string[] = [];
  if (options.kubeconfig) flags.push(`--kubeconfig=${options.kubeconfig}`);
  if (options.context) flags.push(`--context=${options.context}`);
  return flags;
}

/** Runs one read-only kubectl query and returns stdout; throws KubectlError with kubectl's own message. */
export async function runQuery(args: readonly string[], options: ClusterQueryOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const argv = [...targetFlags(options), `--request-timeout=${Math.ceil(timeoutMs / 1000)}s`, ...args];
  const result = await execa(options.kubectlPath, argv, {
    reject: false,
    timeout: timeoutMs,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    stdin: 'ignore',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new DOMException('aborted', 'AbortError');
  if (result.failed) {
    const detail = String(result.stderr ?? '').trim().split('\n').filter(Boolean).pop() ?? result.shortMessage ?? 'kubectl failed';
    throw new KubectlError(`kubectl ${args.slice(0, 2).join(' ')}: ${detail}`, {
      hint: 'check the kubeconfig and context (rk8s tui --sandbox needs no cluster)',
      cause: result,
    });
  }
  return String(result.stdout ?? '');
}

interface KubeList {
  items?: KubeObject[];
}

/** The fields the status column reads (a loose subset of every kind). */
interface KubeObject {
  metadata?: { name?: string; deletionTimestamp?: string };
  spec?: { replicas?: number; unschedulable?: boolean; suspend?: boolean; type?: string };
  status?: {
    phase?: string;
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    numberReady?: number;
    desiredNumberScheduled?: number;
    succeeded?: number;
    failed?: number;
    active?: number | unknown[];
    conditions?: Array<{ type?: string; status?: string; reason?: string }>;
    containerStatuses?: Array<{ ready?: boolean; restartCount?: number; state?: { waiting?: { reason?: string }; terminated?: { reason?: string } }; lastState?: { terminated?: { reason?: string } } }>;
    currentReplicas?: number;
    desiredReplicas?: number;
  };
  type?: string;
  reason?: string;
  count?: number;
}

function parseList(text: string): KubeObject[] {
  try {
    const parsed = JSON.parse(text) as KubeList;
    return Array.isArray(parsed.items) ? parsed.items : [];
  } catch (error) {
    throw new KubectlError('kubectl returned output that is not a JSON list', { cause: error });
  }
}

function podStatus(object: KubeObject): string {
  if (object.metadata?.deletionTimestamp) return 'Terminating';
  const containers = object.status?.containerStatuses ?? [];
  const ready = containers.filter((container) => container.ready).length;
  const restarts = containers.reduce((sum, container) => sum + (container.restartCount ?? 0), 0);
  let reason = object.status?.phase ?? 'Unknown';
  if (reason === 'Pending') {
    // A pod the scheduler cannot place says why only in its PodScheduled condition.
    const scheduled = object.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
    if (scheduled?.status === 'False' && scheduled.reason) reason = `Pending (${scheduled.reason})`;
  }
  for (const container of containers) {
    const waiting = container.state?.waiting?.reason;
    const terminated = container.state?.terminated?.reason;
    if (waiting) reason = waiting;
    else if (terminated) reason = terminated;
  }
  const lastTerminated = containers.map((container) => container.lastState?.terminated?.reason).find(Boolean);
  const parts = [reason];
  if (containers.length > 0) parts.push(`${ready}/${containers.length}`);
  if (restarts > 0) parts.push(`${restarts} restart${restarts === 1 ? '' : 's'}${lastTerminated && lastTerminated !== reason ? ` (last: ${lastTerminated})` : ''}`);
  return parts.join(' ');
}

/** A one-line status for an object, per kind (what `kubectl get` would show in its status columns). */
export function statusOf(resource: Resource, object: KubeObject): string {
  const status = object.status ?? {};
  switch (resource) {
    case 'pod':
      return podStatus(object);
    case 'deployment':
    case 'statefulset': {
      const desired = object.spec?.replicas ?? status.replicas ?? 0;
      const ready = `${status.readyReplicas ?? 0}/${desired} ready`;
      // Old pods can keep a deployment at full readiness while its rollout is stuck
      // (ProgressDeadlineExceeded behind an ImagePullBackOff): the ready count alone would hide it.
      const progressing = status.conditions?.find((condition) => condition.type === 'Progressing');
      return progressing?.status === 'False' ? `${ready} · rollout stuck: ${progressing.reason ?? 'not progressing'}` : ready;
    }
    case 'daemonset':
      return `${status.numberReady ?? 0}/${status.desiredNumberScheduled ?? 0} ready`;
    case 'node': {
      const ready = status.conditions?.find((condition) => condition.type === 'Ready');
      const state = ready?.status === 'True' ? 'Ready' : 'NotReady';
      return object.spec?.unschedulable ? `${state},SchedulingDisabled` : state;
    }
    case 'namespace':
      return status.phase ?? 'Active';
    case 'job': {
      if ((status.succeeded ?? 0) > 0) return 'Complete';
      if ((status.failed ?? 0) > 0) return `Failed (${status.failed})`;
      return 'Running';
    }
    case 'cronjob':
      return object.spec?.suspend ? 'Suspended' : 'Scheduled';
    case 'hpa':
      return `${status.currentReplicas ?? 0}/${status.desiredReplicas ?? 0} replicas`;
    case 'pvc':
      return status.phase ?? 'Unknown';
    case 'service':
      return object.spec?.type ?? 'ClusterIP';
    case 'events':
      return `${object.type ?? ''} ${object.reason ?? ''}`.trim();
    case 'endpoints':
    case 'ingress':
    case 'configmap':
    case 'replicaset':
    case 'poddisruptionbudget':
    case 'resourcequota':
    case 'limitrange':
    case 'networkpolicy':
    case 'endpointslice':
    case 'serviceaccount':
      return '';
  }
}

/** The cluster's namespaces, sorted by name. */
export async function listNamespaces(options: ClusterQueryOptions): Promise<NamespaceEntry[]> {
  const items = parseList(await runQuery(['get', 'namespaces', '-o', 'json'], options));
  return items
    .map((item) => ({ name: item.metadata?.name ?? '', status: item.status?.phase ?? 'Active' }))
    .filter((entry) => entry.name !== '')
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The live objects of a resource (in a namespace, unless cluster-scoped), with a status, sorted by name. */
export async function listObjects(resource: Resource, namespace: string | undefined, options: ClusterQueryOptions): Promise<ObjectEntry[]> {
  const args = ['get', resource, ...(namespace ? ['-n', namespace] : []), '-o', 'json'];
  const items = parseList(await runQuery(args, options));
  return items
    .map((item) => ({ name: item.metadata?.name ?? '', status: statusOf(resource, item) }))
    .filter((entry) => entry.name !== '')
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The context kubectl will use and its API server, from the kubeconfig (no cluster call). */
export async function currentCluster(options: ClusterQueryOptions): Promise<{ context?: string; server?: string }> {
  const text = await runQuery(['config', 'view', '--minify', '-o', 'json'], options);
  try {
    const view = JSON.parse(text) as { 'current-context'?: string; clusters?: Array<{ cluster?: { server?: string } }> };
    return {
      ...(view['current-context'] ? { context: view['current-context'] } : {}),
      ...(view.clusters?.[0]?.cluster?.server ? { server: view.clusters[0].cluster.server } : {}),
    };
  } catch {
    return {};
  }
}
