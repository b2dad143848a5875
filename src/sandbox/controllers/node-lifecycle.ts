/**
 * Node conditions and what follows from them, as the node lifecycle controller, the taint eviction
 * controller and the kubelet's eviction manager do it: NotReady/Unknown/pressure conditions become
 * the node.kubernetes.io/* taints, pods on a node that stopped being Ready turn Ready=False (and are
 * marked for deletion once their not-ready/unreachable toleration runs out, staying Terminating
 * because no kubelet confirms), and a node that comes under memory or disk pressure evicts a pod.
 */
import type { Node, NodeCondition, Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { nodeIsReady, runtimeOf, syncPod } from '../kubelet/kubelet.js';
import { containerUsage } from '../metrics.js';
import { parseQuantity } from '../quantity.js';
import { cloneJson, type KubeObject } from '../types.js';
import { isActivePod } from './pod-factory.js';

/** Keyed by "Type/Status"; a Map so an odd condition type from a manifest finds nothing inherited. */
const conditionWordings: ReadonlyMap<string, { reason: string; message: string }> = new Map([
  ['Ready/True', { reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
  ['Ready/False', { reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized' }],
  ['MemoryPressure/False', { reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' }],
  ['MemoryPressure/True', { reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' }],
  ['DiskPressure/False', { reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' }],
  ['DiskPressure/True', { reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' }],
  ['PIDPressure/False', { reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' }],
  ['PIDPressure/True', { reason: 'KubeletHasInsufficientPID', message: 'kubelet has insufficient PID available' }],
  ['NetworkUnavailable/False', { reason: 'RouteCreated', message: 'RouteController created a route' }],
  ['NetworkUnavailable/True', { reason: 'NoRouteCreated', message: 'RouteController failed to create a route' }],
]);

/** The kubelet's (or node controller's) reason and message for a condition type and status. */
export function conditionWording(type: string, status: string): { reason: string; message: string } {
  return conditionWordings.get(`${type}/${status}`) ?? { reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' };
}

const managedKeys = new Set([
  'node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable', 'node.kubernetes.io/memory-pressure', 'node.kubernetes.io/disk-pressure',
  'node.kubernetes.io/pid-pressure', 'node.kubernetes.io/network-unavailable', 'node.kubernetes.io/unschedulable',
]);

function conditionOf(node: Node, type: string): NodeCondition | undefined {
  return node.status?.conditions?.find((condition) => condition.type === type);
}

/** The taints the controllers keep on a node for its conditions and cordon. */
function managedTaints(node: Node, now: string): Taint[] {
  const taints: Taint[] = [];
  const ready = conditionOf(node, 'Ready');
  const since = ready?.lastTransitionTime ?? now;
  if (ready?.status === 'False') taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule', timeAdded: since }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: since });
  else if (ready && ready.status !== 'True') taints.push({ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: since }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: since });
  for (const [type, key] of [['MemoryPressure', 'memory-pressure'], ['DiskPressure', 'disk-pressure'], ['PIDPressure', 'pid-pressure'], ['NetworkUnavailable', 'network-unavailable']] as const) {
    const condition = conditionOf(node, type);
    if (condition?.status === 'True') taints.push({ key: `node.kubernetes.io/${key}`, effect: 'NoSchedule', timeAdded: condition.lastTransitionTime ?? now });
  }
  if (node.spec?.unschedulable) taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: now });
  return taints;
}

/** What the controllers last saw of a node (to record transitions once). */
interface NodeMemory {
  ready: string;
  unschedulable: boolean;
  pressure: Map<string, string>;
  /** Pressure conditions the eviction manager already acted on. */
  evicted?: Record<string, string>;
}

const memories = new WeakMap<SandboxCluster, Map<string, NodeMemory>>();

function memoryOf(cluster: SandboxCluster): Map<string, NodeMemory> {
  let memory = memories.get(cluster);
  if (!memory) {
    memory = new Map();
    memories.set(cluster, memory);
  }
  return memory;
}

/** The kubelet's node reference: its UID is the node name. */
function kubeletNodeRef(node: KubeObject): KubeObject {
  return { ...node, metadata: { ...node.metadata, uid: node.metadata.name } };
}

function transitionTime(condition: NodeCondition | undefined): number {
  const at = Date.parse(condition?.lastTransitionTime ?? '');
  return Number.isFinite(at) ? at : Date.now();
}

function recordNodeEvent(cluster: SandboxCluster, node: KubeObject, reason: string, component: 'kubelet' | 'node-controller', at: number, type: 'Normal' | 'Warning' = 'Normal', message?: string): void {
  const text = message ?? `Node ${node.metadata.name} status is now: ${reason}`;
  const subject = component === 'kubelet' ? kubeletNodeRef(node) : node;
  if (cluster.loading) {
    if (Date.now() - at < 3_600_000) cluster.recordEvent(subject, type, reason, text, component, { host: component === 'kubelet' ? node.metadata.name : '', history: { first: at, last: at, count: 1 } });
    return;
  }
  cluster.recordEvent(subject, type, reason, text, component, component === 'kubelet' ? { host: node.metadata.name } : {});
}

const pressureEvents: Record<string, [string, string]> = {
  MemoryPressure: ['NodeHasInsufficientMemory', 'NodeHasSufficientMemory'],
  DiskPressure: ['NodeHasDiskPressure', 'NodeHasNoDiskPressure'],
  PIDPressure: ['NodeHasInsufficientPID', 'NodeHasSufficientPID'],
};

/** The longest a pod tolerates this node's NoExecute taints (Infinity: for ever; 0: not at all). */
function tolerationSeconds(pod: Pod, taints: Taint[]): number {
  let shortest = Number.POSITIVE_INFINITY;
  const tolerations: Toleration[] = pod.spec?.tolerations ?? [];
  for (const taint of taints) {
    const match = tolerations.filter((toleration) => (!toleration.effect || toleration.effect === taint.effect) && (toleration.operator === 'Exists' ? !toleration.key || toleration.key === taint.key : toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '')));
    if (match.length === 0) return 0;
    const seconds = Math.min(...match.map((toleration) => toleration.tolerationSeconds ?? Number.POSITIVE_INFINITY));
    shortest = Math.min(shortest, seconds);
  }
  return shortest;
}

/** Node lifecycle, taint eviction and the kubelet's eviction manager, once over every node. */
export function reconcileNodes(cluster: SandboxCluster): void {
  const nodeType = cluster.type('Node');
  const podType = cluster.type('Pod');
  const memory = memoryOf(cluster);
  const now = Date.now();
  const nowText = cluster.timestamp(now);
  let podsByNode: Map<string, KubeObject[]> | undefined;
  const podsOn = (name: string): KubeObject[] => {
    if (!podsByNode) {
      podsByNode = new Map();
      for (const pod of cluster.store.peek(podType)) {
        const nodeName = (pod as unknown as Pod).spec?.nodeName;
        if (!nodeName) continue;
        const list = podsByNode.get(nodeName) ?? [];
        list.push(pod);
        podsByNode.set(nodeName, list);
      }
    }
    return podsByNode.get(name) ?? [];
  };
  for (const stored of [...cluster.store.peek(nodeType)]) {
    const node = stored as unknown as Node;
    const name = stored.metadata.name;
    // Taints for the conditions (keeping the time a taint was first added).
    const existing = node.spec?.taints ?? [];
    const own = existing.filter((taint) => !managedKeys.has(taint.key));
    const managed = managedTaints(node, nowText).map((taint) => {
      const previous = existing.find((entry) => entry.key === taint.key && entry.effect === taint.effect);
      return previous?.timeAdded ? { ...taint, timeAdded: previous.timeAdded } : taint;
    });
    const desired = [...own, ...managed];
    if (JSON.stringify(desired) !== JSON.stringify(existing)) {
      const next = cloneJson(stored);
      const spec = (next['spec'] ?? {}) as NonNullable<Node['spec']>;
      if (desired.length > 0) spec.taints = desired;
      else delete spec.taints;
      next['spec'] = spec as unknown as KubeObject[string];
      cluster.store.update(nodeType, next);
    }
    // Transitions, recorded once.
    const ready = conditionOf(node, 'Ready');
    const readyStatus = ready?.status ?? 'Unknown';
    const seen = memory.get(name);
    const pressure = new Map(Object.keys(pressureEvents).map((type) => [type, conditionOf(node, type)?.status ?? 'False']));
    if (seen?.ready !== readyStatus && !(seen === undefined && readyStatus === 'True')) {
      if (readyStatus === 'True') recordNodeEvent(cluster, stored, 'NodeReady', 'kubelet', transitionTime(ready));
      else recordNodeEvent(cluster, stored, 'NodeNotReady', 'node-controller', transitionTime(ready));
    }
    if (Boolean(seen?.unschedulable) !== Boolean(node.spec?.unschedulable) && !(seen === undefined && !node.spec?.unschedulable)) {
      recordNodeEvent(cluster, stored, node.spec?.unschedulable ? 'NodeNotSchedulable' : 'NodeSchedulable', 'kubelet', now);
    }
    for (const [type, [onEvent, offEvent]] of Object.entries(pressureEvents)) {
      const before = seen?.pressure.get(type) ?? 'False';
      if (before === pressure.get(type)) continue;
      const condition = conditionOf(node, type);
      if (pressure.get(type) === 'True') recordNodeEvent(cluster, stored, onEvent, 'kubelet', transitionTime(condition));
      else if (seen) recordNodeEvent(cluster, stored, offEvent, 'kubelet', now);
    }
    memory.set(name, { ready: readyStatus, unschedulable: Boolean(node.spec?.unschedulable), pressure, ...(seen?.evicted ? { evicted: seen.evicted } : {}) });
    if (readyStatus === 'True') continue;
    // No kubelet: the node controller marks its pods not ready, the taint manager evicts them.
    const since = transitionTime(ready);
    const noExecute = managed.filter((taint) => taint.effect === 'NoExecute');
    for (const podObject of podsOn(name)) {
      const pod = podObject as unknown as Pod;
      if (!isActivePod(pod) && !podObject.metadata.deletionTimestamp) continue;
      if (cluster.loading) {
        // First what its kubelet last reported, before the node went down.
        const runtime = cluster.podRuntime.get(podObject.metadata.uid ?? '');
        if (runtime && !runtime.reported && since > runtime.boundAt) {
          runtime.reported = true;
          syncPod(cluster, podObject.metadata.namespace ?? '', podObject.metadata.name, podObject.metadata.uid ?? '', false, since);
        }
      }
      const latest = cluster.store.peekOne(podType, podObject.metadata.namespace, podObject.metadata.name) ?? podObject;
      const readyCondition = (latest as unknown as Pod).status?.conditions?.find((condition) => condition.type === 'Ready');
      if (readyCondition?.status === 'True') {
        const next = cloneJson(latest);
        const status = next['status'] as NonNullable<Pod['status']>;
        const at = Math.max(since + 40_000, Date.parse(readyCondition.lastTransitionTime ?? '') || since);
        status.conditions = (status.conditions ?? []).map((condition) => (condition.type === 'Ready' ? { ...condition, status: 'False', lastTransitionTime: cluster.timestamp(cluster.loading ? at : now) } : condition));
        cluster.store.update(podType, next);
        if (cluster.loading) {
          if (now - at < 3_600_000) cluster.recordEvent(next, 'Warning', 'NodeNotReady', 'Node is not ready', 'node-controller', { history: { first: at, last: at, count: 1 } });
        } else cluster.recordEvent(next, 'Warning', 'NodeNotReady', 'Node is not ready', 'node-controller');
      }
      if (podObject.metadata.deletionTimestamp || noExecute.length === 0) continue;
      const seconds = tolerationSeconds(pod, noExecute);
      if (!Number.isFinite(seconds)) continue;
      const taintTime = Math.min(...noExecute.map((taint) => Date.parse(taint.timeAdded ?? '') || since));
      const due = taintTime + seconds * 1000;
      if (due > now) {
        cluster.wakeAt(`taint-eviction/${podObject.metadata.uid}`, due, () => cluster.requestReconcile());
        continue;
      }
      const current = cluster.store.peekOne(podType, podObject.metadata.namespace, podObject.metadata.name);
      if (!current || current.metadata.deletionTimestamp) continue;
      const next = cloneJson(current);
      const grace = (next['spec'] as { terminationGracePeriodSeconds?: number }).terminationGracePeriodSeconds ?? 30;
      const markedAt = cluster.loading ? due : now;
      next.metadata.deletionTimestamp = cluster.timestamp(markedAt + grace * 1000);
      next.metadata.deletionGracePeriodSeconds = grace;
      cluster.store.update(podType, next);
      const message = `Marking for deletion Pod ${podObject.metadata.namespace}/${podObject.metadata.name}`;
      if (cluster.loading) {
        if (now - markedAt < 3_600_000) cluster.recordEvent(next, 'Normal', 'TaintManagerEviction', message, 'taint-eviction-controller', { history: { first: markedAt, last: markedAt, count: 1 } });
      } else cluster.recordEvent(next, 'Normal', 'TaintManagerEviction', message, 'taint-eviction-controller');
    }
  }
}

/**
 * The kubelet's eviction manager, after the kubelets ran: a node whose memory or disk pressure
 * just turned True evicts one pod (once per transition).
 */
export function reconcileEvictions(cluster: SandboxCluster): void {
  const memory = memoryOf(cluster);
  const podType = cluster.type('Pod');
  for (const stored of cluster.store.peek(cluster.type('Node'))) {
    const node = stored as unknown as Node;
    if (!nodeIsReady(node)) continue;
    const seen = memory.get(stored.metadata.name);
    if (!seen) continue;
    const acted = (seen.evicted ??= {});
    for (const [type, resource] of [['MemoryPressure', 'memory'], ['DiskPressure', 'ephemeral-storage']] as const) {
      const condition = conditionOf(node, type);
      const status = condition?.status ?? 'False';
      if ((acted[type] ?? 'False') === status) continue;
      if (status !== 'True') {
        acted[type] = status;
        continue;
      }
      const pods = cluster.store.peek(podType).filter((pod) => (pod as unknown as Pod).spec?.nodeName === stored.metadata.name);
      // A scenario that says which pod this pressure evicted has told the whole story.
      if (cluster.loading && pods.some((pod) => cluster.podRuntime.get(pod.metadata.uid ?? '')?.evicted)) {
        acted[type] = status;
        continue;
      }
      const at = cluster.loading ? transitionTime(condition) + 10_000 : Date.now();
      if (evictOne(cluster, stored, resource, pods, at) || !cluster.loading) acted[type] = status;
    }
  }
}

function bytesText(bytes: number): string {
  const kibibytes = Math.max(1, Math.round(bytes / 1024));
  return `${kibibytes}Ki`;
}

interface ContainerUse {
  name: string;
  usage: number;
  request: number;
  requestText: string;
}

function usageOf(cluster: SandboxCluster, object: KubeObject, resource: 'memory' | 'ephemeral-storage'): ContainerUse[] {
  return ((object as unknown as Pod).spec?.containers ?? []).map((container) => {
    const usage = resource === 'memory' ? containerUsage(cluster, object as unknown as Pod, container.name).memory : 2 ** 30 * (1 + (container.name.length % 5));
    const request = parseQuantity((container.resources?.requests?.[resource] as string | undefined) ?? '0');
    return { name: container.name, usage, request, requestText: String(container.resources?.requests?.[resource] ?? '0') };
  });
}

/**
 * Marks a pod evicted by the kubelet (status Failed/Evicted from the kubelet's next sync) with the
 * eviction manager's message, annotations and events.
 */
export function markEvicted(cluster: SandboxCluster, node: KubeObject, victim: KubeObject, resource: 'memory' | 'ephemeral-storage', at: number): void {
  const entries = usageOf(cluster, victim, resource);
  const threshold = resource === 'memory' ? '100Mi' : '10Gi';
  const available = resource === 'memory' ? 88_260 * 1024 : 9_036_540 * 1024;
  let message = `The node was low on resource: ${resource}. Threshold quantity: ${threshold}, available: ${bytesText(available)}. `;
  const offending = entries.filter((entry) => entry.usage > entry.request);
  for (const entry of offending) message += `Container ${entry.name} was using ${bytesText(entry.usage)}, request is ${entry.requestText}, has larger consumption of ${resource}. `;
  const runtime = runtimeOf(cluster, victim);
  runtime.evicted = { at, message };
  const host = (victim as unknown as Pod).spec?.nodeName ?? '';
  const annotations = { offending_containers: offending.map((entry) => entry.name).join(','), offending_containers_usage: offending.map((entry) => bytesText(entry.usage)).join(','), starved_resource: resource };
  const history = cluster.loading ? { first: at, last: at, count: 1 } : undefined;
  if (!cluster.loading || Date.now() - at < 3_600_000) {
    cluster.recordEvent(kubeletNodeRef(node), 'Warning', 'EvictionThresholdMet', `Attempting to reclaim ${resource}`, 'kubelet', { host, ...(history ? { history } : {}) });
    cluster.recordEvent(victim, 'Warning', 'Evicted', message, 'kubelet', { host, annotations, ...(history ? { history } : {}) });
    for (const container of (victim as unknown as Pod).spec?.containers ?? []) {
      cluster.recordEvent(victim, 'Normal', 'Killing', `Stopping container ${container.name}`, 'kubelet', { host, fieldPath: `spec.containers{${container.name}}`, ...(history ? { history } : {}) });
    }
  }
}

/**
 * The kubelet's eviction manager under pressure: evicts the pod that most exceeds its requests
 * (lowest priority first). Returns the evicted pod.
 */
export function evictOne(cluster: SandboxCluster, node: KubeObject, resource: 'memory' | 'ephemeral-storage', pods: KubeObject[], at: number): KubeObject | undefined {
  const candidates = pods.filter((object) => {
    const pod = object as unknown as Pod;
    return isActivePod(pod) && !object.metadata.deletionTimestamp && (pod.spec?.priority ?? 0) < 2_000_000_000 && pod.status?.phase === 'Running' && !cluster.podRuntime.get(object.metadata.uid ?? '')?.evicted;
  });
  const exceeds = (entries: ContainerUse[]) => (entries.some((entry) => entry.usage > entry.request) ? 0 : 1);
  const over = (entries: ContainerUse[]) => entries.reduce((sum, entry) => sum + entry.usage - entry.request, 0);
  const ranked = [...candidates].sort((left, right) => {
    const leftUsage = usageOf(cluster, left, resource);
    const rightUsage = usageOf(cluster, right, resource);
    return exceeds(leftUsage) - exceeds(rightUsage) || ((left as unknown as Pod).spec?.priority ?? 0) - ((right as unknown as Pod).spec?.priority ?? 0) || over(rightUsage) - over(leftUsage);
  });
  const victim = ranked[0];
  if (!victim) return undefined;
  markEvicted(cluster, node, victim, resource, at);
  syncPod(cluster, victim.metadata.namespace ?? '', victim.metadata.name, victim.metadata.uid ?? '', false);
  return victim;
}
