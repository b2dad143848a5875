/**
 * kube-scheduler: binds pending pods to nodes through the default profile's filters, in order
 * (NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit, InterPodAffinity; volume
 * binding as a PreFilter), and when no node fits writes the PodScheduled=False condition and a
 * FailedScheduling event (events.k8s.io series) in the scheduler's exact words:
 * `0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.`
 * A pod with scheduling gates waits, PodScheduled=False reason SchedulingGated, until they are removed.
 */
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodAffinityTerm, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import { ownValue, setOwnValue } from '../../own-property.js';
import type { SandboxCluster } from '../cluster.js';
import { parseQuantity } from '../quantity.js';
import { labelsMatch, requirementsFromLabelSelector } from '../selectors.js';
import { cloneJson, type KubeObject } from '../types.js';
import { isActivePod } from './pod-factory.js';

/** Summed requests of a pod: app containers added, init containers as the largest one (what the scheduler reserves). */
export function podRequests(pod: Pod): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const container of pod.spec?.containers ?? []) {
    for (const [name, value] of Object.entries(container.resources?.requests ?? {})) setOwnValue(sum, name, (ownValue(sum, name) ?? 0) + parseQuantity(value));
  }
  for (const container of pod.spec?.initContainers ?? []) {
    for (const [name, value] of Object.entries(container.resources?.requests ?? {})) setOwnValue(sum, name, Math.max(ownValue(sum, name) ?? 0, parseQuantity(value)));
  }
  return sum;
}

/** What is already placed on each node. */
interface NodeUsage {
  pods: number;
  requested: Record<string, number>;
  podList: Pod[];
}

type Verdict = { fit: true } | { fit: false; reasons: string[]; resolvable: boolean };

function tolerated(tolerations: Toleration[], taint: Taint): boolean {
  return tolerations.some((toleration) => {
    if (toleration.effect && toleration.effect !== taint.effect) return false;
    if (!toleration.key) return toleration.operator === 'Exists';
    if (toleration.key !== taint.key) return false;
    return toleration.operator === 'Exists' || (toleration.value ?? '') === (taint.value ?? '');
  });
}

function requirementMatches(requirement: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt': return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt': return value !== undefined && Number(value) < Number(values[0]);
    default: return false;
  }
}

function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  return expressions.every((requirement) => requirementMatches(requirement, ownValue(labels, requirement.key)))
    && fields.every((requirement) => requirementMatches(requirement, requirement.key === 'metadata.name' ? node.metadata?.name : undefined));
}

function affinityMatches(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(pod.spec?.nodeSelector ?? {})) if (ownValue(labels, key) !== value) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required && !(required.nodeSelectorTerms ?? []).some((term) => termMatches(term, node))) return false;
  return true;
}

function podTermMatches(term: PodAffinityTerm, pod: Pod, other: Pod): boolean {
  const namespaces = term.namespaces && term.namespaces.length > 0 ? term.namespaces : [pod.metadata?.namespace];
  if (!term.namespaceSelector && !namespaces.includes(other.metadata?.namespace)) return false;
  return labelsMatch(requirementsFromLabelSelector(term.labelSelector ?? undefined), other.metadata?.labels);
}

function domainPods(term: PodAffinityTerm, node: Node, nodes: Node[], usage: Map<string, NodeUsage>): Pod[] {
  const key = term.topologyKey;
  const value = ownValue(node.metadata?.labels, key);
  if (value === undefined) return [];
  return nodes.filter((candidate) => ownValue(candidate.metadata?.labels, key) === value).flatMap((candidate) => usage.get(candidate.metadata?.name ?? '')?.podList ?? []);
}

/** One node against one pod: fits, or why not (the filter plugins in the default order). */
function filterNode(pod: Pod, node: Node, nodes: Node[], usage: Map<string, NodeUsage>): Verdict {
  const tolerations = pod.spec?.tolerations ?? [];
  if (node.spec?.unschedulable && !tolerated(tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) {
    return { fit: false, reasons: ['node(s) were unschedulable'], resolvable: false };
  }
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (taint.key === 'node.kubernetes.io/unschedulable' && node.spec?.unschedulable) continue;
    if (!tolerated(tolerations, taint)) return { fit: false, reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`], resolvable: false };
  }
  if (!affinityMatches(pod, node)) return { fit: false, reasons: ["node(s) didn't match Pod's node affinity/selector"], resolvable: false };
  const used = usage.get(node.metadata?.name ?? '') ?? { pods: 0, requested: {}, podList: [] };
  const allocatable = node.status?.allocatable ?? {};
  const reasons: string[] = [];
  if (used.pods + 1 > parseQuantity((allocatable['pods'] as string | undefined) ?? '110')) reasons.push('Too many pods');
  const requests = podRequests(pod);
  for (const [name, amount] of Object.entries(requests).sort(([left], [right]) => (left === 'cpu' ? -1 : right === 'cpu' ? 1 : left.localeCompare(right)))) {
    if (amount <= 0 || name === 'pods') continue;
    const free = parseQuantity(ownValue(allocatable, name)) - (ownValue(used.requested, name) ?? 0);
    if (amount > free) reasons.push(`Insufficient ${name}`);
  }
  if (reasons.length > 0) return { fit: false, reasons, resolvable: true };
  const affinity = pod.spec?.affinity;
  for (const term of affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (domainPods(term, node, nodes, usage).some((other) => other.metadata?.uid !== pod.metadata?.uid && podTermMatches(term, pod, other))) {
      return { fit: false, reasons: ["node(s) didn't match pod anti-affinity rules"], resolvable: true };
    }
  }
  for (const term of affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (!domainPods(term, node, nodes, usage).some((other) => podTermMatches(term, pod, other))) {
      return { fit: false, reasons: ["node(s) didn't match pod affinity rules"], resolvable: false };
    }
  }
  return { fit: true };
}

/** The volume-binding PreFilter: a claim that is missing, being deleted or unbound with immediate binding. */
function volumePreFilter(cluster: SandboxCluster, pod: Pod): string | undefined {
  const claimType = cluster.type('PersistentVolumeClaim');
  const classType = cluster.type('StorageClass');
  for (const volume of pod.spec?.volumes ?? []) {
    const claimName = volume.persistentVolumeClaim?.claimName;
    if (!claimName) continue;
    const claim = cluster.store.peekOne(claimType, pod.metadata?.namespace, claimName) as unknown as PersistentVolumeClaim | undefined;
    if (!claim) return `persistentvolumeclaim "${claimName}" not found`;
    if (claim.metadata?.deletionTimestamp) return `persistentvolumeclaim "${claimName}" is being deleted`;
    if (claim.status?.phase === 'Bound') continue;
    const className = claim.spec?.storageClassName;
    const storageClass = className ? cluster.store.peekOne(classType, undefined, className) : undefined;
    if (storageClass?.['volumeBindingMode'] === 'WaitForFirstConsumer') continue;
    return 'pod has unbound immediate PersistentVolumeClaims';
  }
  return undefined;
}

function histogram(counts: Map<string, number>): string {
  return [...counts.entries()].map(([reason, count]) => `${count} ${reason}`).sort().join(', ');
}

/** Where the pod goes: the least loaded node that fits, or the scheduler's message. */
export function schedulePod(cluster: SandboxCluster, pod: Pod, nodes: Node[], usage: Map<string, NodeUsage>): { node: Node } | { message: string } {
  const total = nodes.length;
  const preFilter = volumePreFilter(cluster, pod);
  const preemptionOff = pod.spec?.preemptionPolicy === 'Never';
  if (preFilter) {
    const preemption = preemptionOff ? 'preemption: not eligible due to preemptionPolicy=Never.' : `preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
    return { message: `0/${total} nodes are available: ${preFilter}. ${preemption}` };
  }
  const reasons = new Map<string, number>();
  const preemptionCounts = new Map<string, number>();
  let best: { node: Node; load: number } | undefined;
  for (const node of nodes) {
    const verdict = filterNode(pod, node, nodes, usage);
    if (verdict.fit) {
      const load = usage.get(node.metadata?.name ?? '')?.pods ?? 0;
      if (!best || load < best.load) best = { node, load };
      continue;
    }
    for (const reason of verdict.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    const key = verdict.resolvable ? 'No preemption victims found for incoming pod' : 'Preemption is not helpful for scheduling';
    preemptionCounts.set(key, (preemptionCounts.get(key) ?? 0) + 1);
  }
  if (best) return { node: best.node };
  if (total === 0) return { message: 'no nodes available to schedule pods' };
  const preemption = preemptionOff ? 'preemption: not eligible due to preemptionPolicy=Never.' : `preemption: 0/${total} nodes are available: ${histogram(preemptionCounts)}.`;
  return { message: `0/${total} nodes are available: ${histogram(reasons)}. ${preemption}` };
}

/** Hands out pod IPs from each node's podCIDR, unique across the cluster (an overflow range once a CIDR is full). */
export class PodIpAllocator {
  private readonly used = new Set<string>();
  /** Where the last search in each CIDR stopped (IPs are handed out in order). */
  private readonly cursor = new Map<string, number>();
  private overflow = 0;

  constructor(pods: readonly KubeObject[]) {
    for (const pod of pods) {
      const ip = (pod as unknown as Pod).status?.podIP;
      if (ip) this.used.add(ip);
    }
  }

  /** The next free IP in the node's podCIDR. */
  allocate(node: Node): string {
    const cidr = node.spec?.podCIDR ?? '10.244.0.0/24';
    const [base = '10.244.0.0', bitsText = '24'] = cidr.split('/');
    const octets = base.split('.').map(Number);
    const start = (((octets[0] ?? 0) << 24) >>> 0) + ((octets[1] ?? 0) << 16) + ((octets[2] ?? 0) << 8) + (octets[3] ?? 0);
    const size = 2 ** (32 - Math.min(32, Math.max(8, Number(bitsText) || 24)));
    const from = this.cursor.get(cidr) ?? 2;
    for (let step = 0; step < size - 3; step += 1) {
      const offset = 2 + ((from - 2 + step) % Math.max(1, size - 3));
      const value = start + offset;
      if ((value & 0xff) === 0 || (value & 0xff) === 255) continue;
      const candidate = `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
      if (!this.used.has(candidate)) {
        this.used.add(candidate);
        this.cursor.set(cidr, offset + 1);
        return candidate;
      }
    }
    for (;;) {
      this.overflow += 1;
      const candidate = `100.64.${Math.floor(this.overflow / 250) % 256}.${(this.overflow % 250) + 2}`;
      if (!this.used.has(candidate)) {
        this.used.add(candidate);
        return candidate;
      }
    }
  }
}

/** Usage of every node by the active pods bound to it. */
export function nodeUsage(pods: readonly Pod[]): Map<string, NodeUsage> {
  const usage = new Map<string, NodeUsage>();
  for (const pod of pods) {
    const name = pod.spec?.nodeName;
    if (!name || !isActivePod(pod)) continue;
    let entry = usage.get(name);
    if (!entry) {
      entry = { pods: 0, requested: {}, podList: [] };
      usage.set(name, entry);
    }
    addUsage(entry, pod);
  }
  return usage;
}

function addUsage(entry: NodeUsage, pod: Pod): void {
  entry.pods += 1;
  entry.podList.push(pod);
  for (const [name, amount] of Object.entries(podRequests(pod))) setOwnValue(entry.requested, name, (ownValue(entry.requested, name) ?? 0) + amount);
}

/** Binds a pod to a node: nodeName, host and pod IPs, and the pod waits for its containers. */
export function bindPod(cluster: SandboxCluster, object: KubeObject, node: Node, allocator: PodIpAllocator): KubeObject {
  const pod = object as unknown as Pod;
  const nodeName = node.metadata?.name ?? '';
  const hostIP = node.status?.addresses?.find((address) => address.type === 'InternalIP')?.address ?? '10.0.0.1';
  const podIP = pod.spec?.hostNetwork ? hostIP : allocator.allocate(node);
  (object['spec'] as Record<string, unknown>)['nodeName'] = nodeName;
  const containers = pod.spec?.containers ?? [];
  const initContainers = pod.spec?.initContainers ?? [];
  const at = cluster.loading ? Date.parse(object.metadata.creationTimestamp ?? '') + 1_000 : Date.now();
  const time = cluster.timestamp(Number.isFinite(at) ? at : Date.now());
  const waiting = (name: string, image: string | undefined, reason: string) => ({ name, image: image ?? '', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason } }, lastState: {} });
  const unready = `containers with unready status: [${containers.map((container) => container.name).join(' ')}]`;
  object['status'] = {
    phase: 'Pending',
    conditions: [
      { type: 'PodReadyToStartContainers', status: 'False', lastProbeTime: null, lastTransitionTime: time },
      initContainers.length > 0
        ? { type: 'Initialized', status: 'False', lastProbeTime: null, lastTransitionTime: time, reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${initContainers.map((container) => container.name).join(' ')}]` }
        : { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: time },
      { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: time, reason: 'ContainersNotReady', message: unready },
      { type: 'ContainersReady', status: 'False', lastProbeTime: null, lastTransitionTime: time, reason: 'ContainersNotReady', message: unready },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: time },
    ],
    hostIP, hostIPs: [{ ip: hostIP }], podIP, podIPs: [{ ip: podIP }], startTime: time,
    ...(initContainers.length > 0 ? { initContainerStatuses: initContainers.map((container) => waiting(container.name, container.image, 'PodInitializing')) } : {}),
    containerStatuses: containers.map((container) => waiting(container.name, container.image, initContainers.length > 0 ? 'PodInitializing' : 'ContainerCreating')),
    qosClass: pod.status?.qosClass,
  };
  cluster.store.replace(cluster.type('Pod'), object);
  const bound = cluster.store.peekOne(cluster.type('Pod'), object.metadata.namespace, object.metadata.name) ?? object;
  const note = `Successfully assigned ${object.metadata.namespace}/${object.metadata.name} to ${nodeName}`;
  if (cluster.loading) {
    if (Date.now() - at < 3_600_000) cluster.recordSchedulerEvent(bound, 'Normal', 'Scheduled', 'Binding', note, { history: { first: at, last: at, count: 1 } });
  } else cluster.recordSchedulerEvent(bound, 'Normal', 'Scheduled', 'Binding', note);
  return bound;
}

/** The scheduler's pass: every pending pod, highest priority and oldest first. */
export function reconcileScheduler(cluster: SandboxCluster, allocator?: PodIpAllocator): void {
  const podType = cluster.type('Pod');
  const allPods = cluster.store.peek(podType);
  const pending = allPods.filter((object) => {
    const pod = object as unknown as Pod;
    return !pod.spec?.nodeName && !object.metadata.deletionTimestamp && isActivePod(pod) && (pod.spec?.schedulerName ?? 'default-scheduler') === 'default-scheduler';
  });
  if (pending.length === 0) return;
  const nodes = cluster.store.peek(cluster.type('Node')) as unknown as Node[];
  const usage = nodeUsage(allPods as unknown as Pod[]);
  const ips = allocator ?? new PodIpAllocator(allPods);
  pending.sort((left, right) => ((right as unknown as Pod).spec?.priority ?? 0) - ((left as unknown as Pod).spec?.priority ?? 0)
    || String(left.metadata.creationTimestamp).localeCompare(String(right.metadata.creationTimestamp)));
  const now = Date.now();
  for (const stored of pending) {
    if (((stored as unknown as Pod).spec?.schedulingGates ?? []).length > 0) {
      markGated(cluster, stored);
      continue;
    }
    const object = cloneJson(stored);
    const pod = object as unknown as Pod;
    const result = schedulePod(cluster, pod, nodes, usage);
    if ('node' in result) {
      const bound = bindPod(cluster, object, result.node, ips);
      const name = result.node.metadata?.name ?? '';
      const entry = usage.get(name) ?? { pods: 0, requested: {}, podList: [] };
      addUsage(entry, bound as unknown as Pod);
      usage.set(name, entry);
      cluster.cancelWake(`scheduler/${stored.metadata.uid}`);
      continue;
    }
    markUnschedulable(cluster, object, result.message, now);
  }
}

/**
 * A pod with scheduling gates is not scheduled until every gate is removed (PodSchedulingReadiness):
 * PodScheduled=False reason SchedulingGated, and no event, as kube-scheduler does.
 */
function markGated(cluster: SandboxCluster, stored: KubeObject): void {
  const pod = stored as unknown as Pod;
  const previous = pod.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
  if (previous?.reason === 'SchedulingGated') return;
  const object = cloneJson(stored);
  const since = cluster.loading ? Date.parse(stored.metadata.creationTimestamp ?? '') || Date.now() : Date.now();
  object['status'] = {
    phase: 'Pending', qosClass: pod.status?.qosClass,
    conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: cluster.timestamp(since), reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' }],
  };
  cluster.store.update(cluster.type('Pod'), object);
}

function markUnschedulable(cluster: SandboxCluster, object: KubeObject, message: string, now: number): void {
  const pod = object as unknown as Pod;
  const uid = object.metadata.uid ?? '';
  const previous = pod.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
  const created = Date.parse(object.metadata.creationTimestamp ?? '') || now;
  const changed = previous?.reason !== 'Unschedulable' || previous.message !== message;
  if (changed) {
    const since = cluster.loading ? created : now;
    object['status'] = {
      phase: 'Pending', qosClass: pod.status?.qosClass,
      conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: cluster.timestamp(since), reason: 'Unschedulable', message }],
    };
    cluster.store.update(cluster.type('Pod'), object);
  }
  const stored = cluster.store.peekOne(cluster.type('Pod'), object.metadata.namespace, object.metadata.name) ?? object;
  if (cluster.loading) {
    // The scheduler retried at most every five minutes since the pod was created.
    const retries = Math.floor((now - created) / 300_000);
    if (changed) cluster.recordSchedulerEvent(stored, 'Warning', 'FailedScheduling', 'Scheduling', message, { history: { first: created, last: created + retries * 300_000, count: retries + 1 } });
  } else if (changed) cluster.recordSchedulerEvent(stored, 'Warning', 'FailedScheduling', 'Scheduling', message);
  const namespace = object.metadata.namespace ?? '';
  const name = object.metadata.name;
  cluster.wakeAt(`scheduler/${uid}`, now + cluster.timings.schedulerRetryMs, () => retryUnschedulable(cluster, namespace, name, uid));
}

/** The periodic retry of an unschedulable pod (the scheduler's unschedulable queue flush). */
function retryUnschedulable(cluster: SandboxCluster, namespace: string, name: string, uid: string): void {
  const stored = cluster.store.peekOne(cluster.type('Pod'), namespace, name);
  if (!stored || stored.metadata.uid !== uid || (stored as unknown as Pod).spec?.nodeName || stored.metadata.deletionTimestamp) return;
  const nodes = cluster.store.peek(cluster.type('Node')) as unknown as Node[];
  const allPods = cluster.store.peek(cluster.type('Pod'));
  const result = schedulePod(cluster, stored as unknown as Pod, nodes, nodeUsage(allPods as unknown as Pod[]));
  if ('node' in result) {
    cluster.requestReconcile();
    return;
  }
  const message = result.message;
  const previous = (stored as unknown as Pod).status?.conditions?.find((condition) => condition.type === 'PodScheduled')?.message;
  if (previous === message) cluster.recordSchedulerEvent(stored, 'Warning', 'FailedScheduling', 'Scheduling', message);
  markUnschedulable(cluster, cloneJson(stored), message, Date.now());
}
