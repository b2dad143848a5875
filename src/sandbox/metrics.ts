import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { SandboxCluster } from './cluster.js';
import { containerFaults } from './controllers/pod-factory.js';
import { parseQuantity } from './quantity.js';
import type { KubeObject } from './types.js';

function seeded(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) value = Math.imul(value ^ text.charCodeAt(index), 0x01000193) >>> 0;
  return (value % 10_000) / 10_000;
}

/** Usage that drifts slowly over minutes around a per-container base, like a real workload. */
function drift(seed: string, now: number): number {
  const phase = seeded(seed) * Math.PI * 2;
  return 1 + 0.15 * Math.sin(now / 90_000 + phase);
}

/** CPU cores and memory bytes a running container uses now. */
export function containerUsage(cluster: SandboxCluster, pod: Pod, containerName: string, now = Date.now()): { cpu: number; memory: number } {
  const containers = pod.spec?.containers ?? [];
  const index = containers.findIndex((container) => container.name === containerName);
  const container = containers[index];
  const seed = `${pod.metadata?.name}/${containerName}`;
  const requests = container?.resources?.requests ?? {};
  const limits = container?.resources?.limits ?? {};
  const cpuBase = parseQuantity(requests['cpu'] as string | undefined) || 0.05;
  const memoryBase = parseQuantity(requests['memory'] as string | undefined) || 64 * 2 ** 20;
  let cpu = cpuBase * (0.2 + seeded(`${seed}/cpu`) * 0.6) * drift(`${seed}/cpu`, now);
  let memory = memoryBase * (0.45 + seeded(`${seed}/memory`) * 0.4) * drift(`${seed}/memory`, now);
  const faults = container ? containerFaults(cluster, pod, container, index) : {};
  if (faults.crash?.type === 'OOMKilled') {
    memory = (parseQuantity(limits['memory'] as string | undefined) || memoryBase * 2) * 0.93;
    cpu = cpuBase * 0.9;
  }
  // On a node under memory pressure, pods without a tight limit use more than they asked for.
  const nodeName = pod.spec?.nodeName;
  const node = nodeName ? cluster.store.peekOne(cluster.type('Node'), undefined, nodeName) as unknown as Node | undefined : undefined;
  if (node?.status?.conditions?.some((condition) => condition.type === 'MemoryPressure' && condition.status === 'True')) {
    const limit = parseQuantity(limits['memory'] as string | undefined);
    memory = limit > 0 ? Math.max(memory, Math.min(limit * 0.98, memoryBase * 1.9)) : Math.max(memory, memoryBase * 1.9);
  }
  const usage = faults.usage;
  if (usage?.cpu) cpu = usage.cpu.endsWith('%') ? (cpuBase * Number.parseFloat(usage.cpu)) / 100 : parseQuantity(usage.cpu);
  if (usage?.memory) {
    const reference = parseQuantity(limits['memory'] as string | undefined) || memoryBase;
    memory = usage.memory.endsWith('%') ? (reference * Number.parseFloat(usage.memory)) / 100 : parseQuantity(usage.memory);
  }
  return { cpu, memory };
}

function isReporting(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp && (pod.status.containerStatuses ?? []).some((status) => status.state?.running);
}

const nano = (cores: number) => `${Math.round(cores * 1e9)}n`;
const kibi = (bytes: number) => `${Math.round(bytes / 1024)}Ki`;

/** metrics.k8s.io/v1beta1 PodMetrics for a running pod (crash-looping containers are left out, as metrics-server does). */
export function podMetrics(cluster: SandboxCluster, object: KubeObject): Record<string, unknown> | undefined {
  const pod = object as unknown as Pod;
  if (!isReporting(pod)) return undefined;
  const now = Date.now();
  const running = new Set((pod.status?.containerStatuses ?? []).filter((status) => status.state?.running).map((status) => status.name));
  return {
    kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: object.metadata.name, namespace: object.metadata.namespace, creationTimestamp: cluster.timestamp(), labels: object.metadata.labels ?? {} },
    timestamp: cluster.timestamp(new Date(now - 7_000)), window: '15.012s',
    containers: (pod.spec?.containers ?? []).filter((container) => running.has(container.name)).map((container) => {
      const usage = containerUsage(cluster, pod, container.name, now);
      return { name: container.name, usage: { cpu: nano(usage.cpu), memory: kibi(usage.memory) } };
    }),
  };
}

/** metrics.k8s.io/v1beta1 NodeMetrics: the node's pods plus system overhead. */
export function nodeMetrics(cluster: SandboxCluster, object: KubeObject, pods: readonly KubeObject[]): Record<string, unknown> {
  const node = object as unknown as Node;
  const now = Date.now();
  let cpu = 0.12 + seeded(`${object.metadata.name}/cpu`) * 0.1;
  let memory = (700 + seeded(`${object.metadata.name}/memory`) * 300) * 2 ** 20;
  for (const entry of pods) {
    const pod = entry as unknown as Pod;
    if (pod.spec?.nodeName !== node.metadata?.name || !isReporting(pod)) continue;
    for (const container of pod.spec?.containers ?? []) {
      const usage = containerUsage(cluster, pod, container.name, now);
      cpu += usage.cpu;
      memory += usage.memory;
    }
  }
  return {
    kind: 'NodeMetrics', apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: object.metadata.name, creationTimestamp: cluster.timestamp(), labels: object.metadata.labels ?? {} },
    timestamp: cluster.timestamp(new Date(now - 5_000)), window: '20.05s',
    usage: { cpu: nano(cpu), memory: kibi(memory) },
  };
}
