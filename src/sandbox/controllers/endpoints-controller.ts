/**
 * The endpoints and EndpointSlice controllers: for each Service with a selector, the matching pods
 * that have an IP. Endpoints lists ready and not-ready addresses (terminating pods dropped); the
 * discovery.k8s.io/v1 slice keeps every endpoint with conditions {ready, serving, terminating}.
 * A named targetPort a pod does not expose leaves that pod out of Endpoints and gives its slice
 * endpoint no ports, as the controllers do; a Service whose selector matches nothing gets an
 * Endpoints without subsets and a slice with no endpoints.
 */
import type { EndpointAddress, EndpointPort, Node, Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { labelsMatch, requirementsFromLabelSelector } from '../selectors.js';
import { jsonEqual, type KubeObject } from '../types.js';
import { digest, isPodReady } from './pod-factory.js';

/** The container port a service port reaches on a pod (named ports looked up), or undefined. */
export function findPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const container of pod.spec?.containers ?? []) {
    for (const entry of container.ports ?? []) {
      if (entry.name === target && (entry.protocol ?? 'TCP') === (port.protocol ?? 'TCP')) return entry.containerPort;
    }
  }
  return undefined;
}

/** Pods by namespace, then by each `key=value` label, built once per pass. */
function indexPods(pods: readonly Pod[]): Map<string, { all: Pod[]; byLabel: Map<string, Pod[]> }> {
  const result = new Map<string, { all: Pod[]; byLabel: Map<string, Pod[]> }>();
  for (const pod of pods) {
    if (!pod.status?.podIP || pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') continue;
    const namespace = pod.metadata?.namespace ?? '';
    let entry = result.get(namespace);
    if (!entry) {
      entry = { all: [], byLabel: new Map() };
      result.set(namespace, entry);
    }
    entry.all.push(pod);
    for (const [key, value] of Object.entries(pod.metadata?.labels ?? {})) {
      const labelKey = `${key}=${value}`;
      const list = entry.byLabel.get(labelKey) ?? [];
      list.push(pod);
      entry.byLabel.set(labelKey, list);
    }
  }
  return result;
}

/** Orders IPv4 addresses numerically (the controllers sort endpoints by IP). */
function byIp(left: string, right: string): number {
  const a = left.split('.');
  const b = right.split('.');
  for (let index = 0; index < 4; index += 1) {
    const difference = Number(a[index] ?? 0) - Number(b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

const signatures = new WeakMap<SandboxCluster, Map<string, string>>();

/** Endpoints and EndpointSlice controllers pass. */
export function reconcileEndpoints(cluster: SandboxCluster): void {
  const type = cluster.type('Endpoints');
  const index = indexPods(cluster.store.peek(cluster.type('Pod')) as unknown as Pod[]);
  const zones = new Map<string, string | undefined>();
  for (const node of cluster.store.peek(cluster.type('Node')) as unknown as Node[]) zones.set(node.metadata?.name ?? '', node.metadata?.labels?.['topology.kubernetes.io/zone']);
  const slicesByService = new Map<string, KubeObject[]>();
  for (const slice of cluster.store.peek(cluster.type('EndpointSlice'))) {
    if (slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] !== 'endpointslice-controller.k8s.io') continue;
    const key = `${slice.metadata.namespace}/${slice.metadata.labels['kubernetes.io/service-name'] ?? ''}`;
    slicesByService.set(key, [...(slicesByService.get(key) ?? []), slice]);
  }
  for (const object of cluster.store.peek(cluster.type('Service'))) {
    const service = object as unknown as Service;
    if (!service.spec?.selector || service.spec.type === 'ExternalName') continue;
    const entry = index.get(object.metadata.namespace ?? '');
    const selector = Object.entries(service.spec.selector);
    let candidates: Pod[] = [];
    if (entry) {
      if (selector.length === 0) candidates = [];
      else {
        const smallest = selector.map(([key, value]) => entry.byLabel.get(`${key}=${value}`) ?? []).sort((left, right) => left.length - right.length)[0] ?? [];
        const requirements = requirementsFromLabelSelector({ matchLabels: service.spec.selector });
        candidates = smallest.filter((pod) => labelsMatch(requirements, pod.metadata?.labels));
      }
    }
    // Nothing changed since the last pass (same Service, same pods at the same versions, both objects there): skip.
    const signature = `${object.metadata.resourceVersion}|${candidates.map((pod) => `${pod.metadata?.uid}@${pod.metadata?.resourceVersion}`).join(',')}`;
    const memory = signatures.get(cluster) ?? new Map<string, string>();
    signatures.set(cluster, memory);
    const key = object.metadata.uid ?? '';
    if (memory.get(key) === signature && cluster.store.peekOne(type, object.metadata.namespace, object.metadata.name)
      && (slicesByService.get(`${object.metadata.namespace}/${object.metadata.name}`)?.length ?? 0) > 0) continue;
    memory.set(key, signature);
    const ports = service.spec.ports ?? [];
    // Endpoints: pods grouped by the port numbers they resolve to (usually one subset).
    const subsets = new Map<string, { ports: EndpointPort[]; addresses: EndpointAddress[]; notReadyAddresses: EndpointAddress[] }>();
    const sliceGroups = new Map<string, { ports: Record<string, unknown>[]; endpoints: Record<string, unknown>[] }>();
    type SliceGroup = { ports: Record<string, unknown>[]; endpoints: Record<string, unknown>[] };
    for (const pod of candidates) {
      const resolved = ports.map((port) => ({ port, number: findPort(pod, port) }));
      const found = resolved.filter((entryPort): entryPort is { port: ServicePort; number: number } => entryPort.number !== undefined);
      const endpointPorts: EndpointPort[] = found.map(({ port, number }) => ({ ...(port.name ? { name: port.name } : {}), port: number, protocol: port.protocol ?? 'TCP' }));
      const terminating = Boolean(pod.metadata?.deletionTimestamp);
      const ready = isPodReady(pod) && !terminating;
      if (!terminating && (endpointPorts.length > 0 || ports.length === 0)) {
        const key = JSON.stringify(endpointPorts);
        const subset = subsets.get(key) ?? { ports: endpointPorts, addresses: [], notReadyAddresses: [] };
        const address: EndpointAddress = { ip: pod.status?.podIP ?? '', nodeName: pod.spec?.nodeName, targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid } };
        (ready ? subset.addresses : subset.notReadyAddresses).push(address);
        subsets.set(key, subset);
      }
      const slicePorts = found.map(({ port, number }) => ({ name: port.name ?? '', port: number, protocol: port.protocol ?? 'TCP' }));
      const sliceKey = JSON.stringify(slicePorts);
      const group: SliceGroup = sliceGroups.get(sliceKey) ?? { ports: slicePorts, endpoints: [] };
      const zone = zones.get(pod.spec?.nodeName ?? '');
      group.endpoints.push({
        addresses: [pod.status?.podIP ?? ''], conditions: { ready, serving: isPodReady(pod), terminating }, nodeName: pod.spec?.nodeName,
        targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid }, ...(zone ? { zone } : {}),
      });
      sliceGroups.set(sliceKey, group);
    }
    const subsetList = [...subsets.values()].map((subset) => {
      const result: Record<string, unknown> = {};
      if (subset.addresses.length > 0) result['addresses'] = subset.addresses.sort((left, right) => byIp(left.ip, right.ip));
      if (subset.notReadyAddresses.length > 0) result['notReadyAddresses'] = subset.notReadyAddresses.sort((left, right) => byIp(left.ip, right.ip));
      result['ports'] = subset.ports;
      return result;
    });
    const existing = cluster.store.peekOne(type, object.metadata.namespace, object.metadata.name);
    const labels = { ...(object.metadata.labels ?? {}) };
    if (existing) {
      const next: KubeObject = { ...existing, metadata: { ...existing.metadata } };
      if (subsetList.length > 0) next['subsets'] = subsetList;
      else delete next['subsets'];
      if (!jsonEqual(next, existing)) cluster.store.update(type, next);
    } else {
      cluster.create(type, {
        apiVersion: 'v1', kind: 'Endpoints',
        metadata: { name: object.metadata.name, namespace: object.metadata.namespace, labels, ...(cluster.loading && object.metadata.creationTimestamp ? { creationTimestamp: object.metadata.creationTimestamp } : {}) },
        ...(subsetList.length > 0 ? { subsets: subsetList } : {}),
      });
    }
    reconcileSlices(cluster, object, [...sliceGroups.values()], slicesByService.get(`${object.metadata.namespace}/${object.metadata.name}`) ?? []);
  }
}

/** The Service's EndpointSlices: one per set of resolved ports, or one placeholder with no endpoints. */
function reconcileSlices(cluster: SandboxCluster, service: KubeObject, groups: { ports: Record<string, unknown>[]; endpoints: Record<string, unknown>[] }[], existing: readonly KubeObject[]): void {
  const type = cluster.type('EndpointSlice');
  const wanted = groups.length > 0 ? groups : [{ ports: null, endpoints: null }];
  wanted.forEach((group, position) => {
    const suffix = [...digest(`${service.metadata.uid}/${position}`, 10)].map((character) => 'bcdfghjklmnpqrstvwxz2456789'[parseInt(character, 16)]).join('').slice(0, 5);
    const name = `${service.metadata.name}-${suffix}`;
    const endpoints = group.endpoints ? [...group.endpoints].sort((left, right) => byIp(String((left['addresses'] as string[])[0]), String((right['addresses'] as string[])[0]))) : null;
    const body = { addressType: 'IPv4', endpoints, ports: group.ports };
    const current = existing.find((slice) => slice.metadata.name === name);
    if (current) {
      const next: KubeObject = { ...current, ...body };
      if (!jsonEqual(next, current)) cluster.store.update(type, next);
      return;
    }
    cluster.create(type, {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: {
        name, namespace: service.metadata.namespace, generateName: `${service.metadata.name}-`,
        ...(cluster.loading && service.metadata.creationTimestamp ? { creationTimestamp: service.metadata.creationTimestamp } : {}),
        labels: { ...(service.metadata.labels ?? {}), 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': service.metadata.name },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: service.metadata.name, uid: service.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
      },
      ...body,
    });
  });
  for (const slice of existing) {
    if (!wanted.some((_group, position) => slice.metadata.name === `${service.metadata.name}-${[...digest(`${service.metadata.uid}/${position}`, 10)].map((character) => 'bcdfghjklmnpqrstvwxz2456789'[parseInt(character, 16)]).join('').slice(0, 5)}`)) {
      cluster.store.remove(type, slice.metadata.namespace, slice.metadata.name);
    }
  }
}
