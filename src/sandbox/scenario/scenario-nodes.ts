/** Node objects from the scenario's `nodes:` entries: capacity, addresses, node info and conditions. */
import { randomUUID } from 'node:crypto';
import type { NodeCondition } from 'kubernetes-types/core/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { conditionWording } from '../controllers/node-lifecycle.js';
import { parseDuration } from '../duration.js';
import { runtimeName } from '../kubelet/image-pull.js';
import { parseQuantity } from '../quantity.js';
import type { KubeObject } from '../types.js';
import type { ScenarioNode } from './scenario-schema.js';
import { ago } from './scenario-time.js';

const conditionOrder = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'] as const;

/** The node's conditions: healthy defaults, overridden by the scenario (map or list form). */
export function nodeConditions(cluster: SandboxCluster, spec: ScenarioNode, created: Date): NodeCondition[] {
  const overrides = new Map<string, { status: string; reason?: string; message?: string; since: number }>();
  const defaultSince = cluster.startedAt.getTime() - parseDuration('3m');
  if (Array.isArray(spec.conditions)) {
    for (const entry of spec.conditions) {
      overrides.set(entry.type, { status: entry.status, ...(entry.reason ? { reason: entry.reason } : {}), ...(entry.message ? { message: entry.message } : {}), since: entry.since !== undefined ? cluster.startedAt.getTime() - parseDuration(entry.since) : defaultSince });
    }
  } else if (spec.conditions) {
    for (const [type, status] of Object.entries(spec.conditions)) overrides.set(type, { status, since: defaultSince });
  }
  const ready = overrides.get('Ready');
  const unknown = ready?.status === 'Unknown';
  const heartbeat = cluster.timestamp(unknown ? ready.since : cluster.startedAt.getTime() - 20_000);
  const types = [...conditionOrder, ...(overrides.has('NetworkUnavailable') ? ['NetworkUnavailable'] : [])];
  return types.map((type) => {
    const override = overrides.get(type);
    // A node whose kubelet stopped posting has every condition Unknown (the node controller's doing).
    const status = override?.status ?? (unknown ? 'Unknown' : type === 'Ready' ? 'True' : 'False');
    const wording = conditionWording(type, status);
    const since = override?.since ?? (unknown ? ready.since : created.getTime());
    return {
      type, status, lastHeartbeatTime: heartbeat, lastTransitionTime: cluster.timestamp(Math.max(since, created.getTime())),
      reason: override?.reason ?? wording.reason, message: override?.message ?? wording.message,
    };
  });
}

/** The Node object for one scenario entry (index: its position, for default addresses). */
export function nodeObject(cluster: SandboxCluster, spec: ScenarioNode, index: number): KubeObject {
  const cpu = spec.cpu ?? '4';
  const memory = spec.memory ?? '16Gi';
  const memoryKi = Math.round(parseQuantity(memory) / 1024);
  const internalIP = spec.internalIP ?? `10.0.${index + 1}.${10 + index}`;
  const zone = spec.zone ?? 'zone-a';
  const region = zone.replace(/[a-z]$/, '');
  const created = ago(cluster, spec.age, '30d');
  const id = randomUUID().replace(/-/g, '');
  const cpuMilli = Math.round(parseQuantity(cpu) * 1000);
  const podCIDR = spec.podCIDR ?? `10.244.${index + 1}.0/24`;
  const runtime = runtimeName(cluster) === 'cri-o' ? 'cri-o://1.32.1' : 'containerd://1.7.23';
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name: spec.name, creationTimestamp: cluster.timestamp(created),
      labels: {
        'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': spec.name, 'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': spec.instanceType ?? 'm6i.xlarge', 'topology.kubernetes.io/region': region, 'topology.kubernetes.io/zone': zone, ...spec.labels,
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: {
      podCIDR, podCIDRs: [podCIDR], providerID: `aws:///${zone}/i-0${id.slice(0, 16)}`,
      ...(spec.unschedulable ? { unschedulable: true } : {}),
      ...(spec.taints && spec.taints.length > 0 ? { taints: spec.taints.map((taint) => ({ ...taint })) } : {}),
    },
    status: {
      capacity: { cpu, memory: `${memoryKi}Ki`, pods: String(spec.pods ?? 110), 'ephemeral-storage': '104845292Ki', 'hugepages-2Mi': '0' },
      allocatable: { cpu: `${Math.max(100, cpuMilli - 90)}m`, memory: `${Math.max(memoryKi - 1_300_000, Math.round(memoryKi * 0.8))}Ki`, pods: String(spec.pods ?? 110), 'ephemeral-storage': '95551679124', 'hugepages-2Mi': '0' },
      conditions: nodeConditions(cluster, spec, created),
      addresses: [{ type: 'InternalIP', address: internalIP }, { type: 'InternalDNS', address: `ip-${internalIP.replace(/\./g, '-')}.${region}.compute.internal` }, { type: 'Hostname', address: spec.name }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: id, systemUUID: `ec2${id.slice(3, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`, bootID: randomUUID(),
        kernelVersion: '6.1.115-126.197.amzn2023.x86_64', osImage: 'Amazon Linux 2023.6.20241121', containerRuntimeVersion: runtime,
        kubeletVersion: 'v1.32.4', kubeProxyVersion: 'v1.32.4', operatingSystem: 'linux', architecture: 'amd64',
      },
    },
  };
}
