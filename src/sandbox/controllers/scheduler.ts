import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { parseQuantity } from '../quantity.js';
import { isActivePod } from './pod-factory.js';
import { ownValue } from '../../own-property.js';

/** Summed CPU (cores) and memory (bytes) requests of a pod's containers. */
export function podRequests(pod: Pod): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const container of pod.spec?.containers ?? []) {
    cpu += parseQuantity(container.resources?.requests?.['cpu'] as string | undefined);
    memory += parseQuantity(container.resources?.requests?.['memory'] as string | undefined);
  }
  return { cpu, memory };
}

function tolerates(pod: Pod, key: string, effect: string): boolean {
  return (pod.spec?.tolerations ?? []).some((toleration) => (toleration.operator === 'Exists' && !toleration.key) || (toleration.key === key && (!toleration.effect || toleration.effect === effect)));
}

/** Why a node cannot take a pod, in the scheduler's wording, or undefined if it can. */
function unfitReason(pod: Pod, node: Node, pods: Pod[]): string | undefined {
  const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready')?.status === 'True';
  if (!ready) return "node(s) had untolerated taint {node.kubernetes.io/not-ready: }";
  if (node.spec?.unschedulable && !tolerates(pod, 'node.kubernetes.io/unschedulable', 'NoSchedule')) return 'node(s) were unschedulable';
  for (const taint of node.spec?.taints ?? []) {
    if (taint.key === 'node.kubernetes.io/unschedulable') continue;
    if ((taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerates(pod, taint.key, taint.effect)) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  }
  for (const [key, value] of Object.entries(pod.spec?.nodeSelector ?? {})) {
    if (ownValue(node.metadata?.labels, key) !== value) return "node(s) didn't match Pod's node affinity/selector";
  }
  const used = pods.filter((other) => other.spec?.nodeName === node.metadata?.name && isActivePod(other)).map(podRequests);
  const requests = podRequests(pod);
  const cpuFree = parseQuantity(node.status?.allocatable?.['cpu'] as string | undefined) - used.reduce((sum, entry) => sum + entry.cpu, 0);
  const memoryFree = parseQuantity(node.status?.allocatable?.['memory'] as string | undefined) - used.reduce((sum, entry) => sum + entry.memory, 0);
  if (requests.cpu > cpuFree) return 'Insufficient cpu';
  if (requests.memory > memoryFree) return 'Insufficient memory';
  return undefined;
}

/** Picks the least-loaded node that fits, or returns the FailedScheduling message. */
export function scheduleOnto(cluster: SandboxCluster, pod: Pod): { node: Node } | { message: string } {
  const nodes = cluster.store.peek(cluster.type('Node')) as unknown as Node[];
  const pods = cluster.store.peek(cluster.type('Pod')) as unknown as Pod[];
  const reasons = new Map<string, number>();
  let best: { node: Node; load: number } | undefined;
  for (const node of nodes) {
    const reason = unfitReason(pod, node, pods);
    if (reason) {
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      continue;
    }
    const load = pods.filter((other) => other.spec?.nodeName === node.metadata?.name && isActivePod(other)).length;
    if (!best || load < best.load) best = { node, load };
  }
  if (best) return { node: best.node };
  const details = [...reasons.entries()].sort(([left], [right]) => left.localeCompare(right)).map(([reason, count]) => `${count} ${reason}`).join(', ');
  const total = nodes.length;
  return { message: `0/${total} nodes are available: ${details}. preemption: 0/${total} nodes are available: ${total} No preemption victims found for incoming pod.` };
}

/** The next free pod IP in a node's podCIDR (10.244.N.0/24). */
export function allocatePodIp(cluster: SandboxCluster, node: Node): string {
  const cidr = node.spec?.podCIDR ?? '10.244.0.0/24';
  const prefix = cidr.split('.').slice(0, 3).join('.');
  const used = new Set((cluster.store.peek(cluster.type('Pod')) as unknown as Pod[]).map((pod) => pod.status?.podIP));
  for (let host = 2; host < 255; host += 1) {
    const candidate = `${prefix}.${host}`;
    if (!used.has(candidate)) return candidate;
  }
  return `${prefix}.254`;
}
