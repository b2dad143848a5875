import type { EndpointAddress, EndpointPort, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { labelsMatch, requirementsFromLabelSelector } from '../selectors.js';
import type { KubeObject } from '../types.js';
import { digest, isPodReady } from './pod-factory.js';

/** Endpoints controller: one Endpoints object per Service with a selector, ready and not-ready addresses. */
export function reconcileEndpoints(cluster: SandboxCluster): void {
  const type = cluster.type('Endpoints');
  const pods = cluster.store.peek(cluster.type('Pod')) as unknown as Pod[];
  for (const object of cluster.store.list(cluster.type('Service'))) {
    const service = object as unknown as Service;
    if (!service.spec?.selector) continue;
    const selector = requirementsFromLabelSelector({ matchLabels: service.spec.selector });
    const matching = pods.filter((pod) => pod.metadata?.namespace === object.metadata.namespace && pod.status?.podIP && !pod.metadata?.deletionTimestamp && pod.status.phase !== 'Succeeded' && pod.status.phase !== 'Failed' && labelsMatch(selector, pod.metadata?.labels));
    const address = (pod: Pod): EndpointAddress => ({ ip: pod.status?.podIP ?? '', nodeName: pod.spec?.nodeName, targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid } });
    const byIp = (left: EndpointAddress, right: EndpointAddress) => left.ip.localeCompare(right.ip, undefined, { numeric: true });
    const ready = matching.filter(isPodReady).map(address).sort(byIp);
    const notReady = matching.filter((pod) => !isPodReady(pod)).map(address).sort(byIp);
    const ports: EndpointPort[] = (service.spec.ports ?? []).map((port) => {
      let target = typeof port.targetPort === 'number' ? port.targetPort : Number(port.targetPort ?? port.port);
      if (typeof port.targetPort === 'string' && Number.isNaN(target)) {
        const named = matching.flatMap((pod) => pod.spec?.containers ?? []).flatMap((container) => container.ports ?? []).find((entry) => entry.name === port.targetPort);
        target = named?.containerPort ?? port.port;
      }
      return { ...(port.name ? { name: port.name } : {}), port: target, protocol: port.protocol ?? 'TCP' };
    });
    const subset: Record<string, unknown> = { ports };
    if (ready.length > 0) subset['addresses'] = ready;
    if (notReady.length > 0) subset['notReadyAddresses'] = notReady;
    const subsets = ready.length + notReady.length > 0 ? [subset] : undefined;
    reconcileSlice(cluster, object, matching, ports);
    const existing = cluster.store.get(type, object.metadata.namespace, object.metadata.name);
    const labels = { ...(object.metadata.labels ?? {}) };
    if (existing) {
      if (subsets) existing['subsets'] = subsets;
      else delete existing['subsets'];
      cluster.store.update(type, existing);
    } else {
      cluster.store.create(type, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: object.metadata.name, namespace: object.metadata.namespace, labels }, ...(subsets ? { subsets } : {}) });
    }
  }
}

/** The discovery.k8s.io/v1 EndpointSlice of a Service (kubectl 1.32's describe reads slices, not Endpoints). */
function reconcileSlice(cluster: SandboxCluster, service: KubeObject, pods: Pod[], ports: EndpointPort[]): void {
  const type = cluster.type('EndpointSlice');
  const suffix = [...digest(service.metadata.uid ?? '', 10)].map((character) => 'bcdfghjklmnpqrstvwxz2456789'[parseInt(character, 16)]).join('').slice(0, 5);
  const name = `${service.metadata.name}-${suffix}`;
  const endpoints = pods.map((pod) => {
    const ready = isPodReady(pod);
    return {
      addresses: [pod.status?.podIP ?? ''], conditions: { ready, serving: ready, terminating: false }, nodeName: pod.spec?.nodeName,
      targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
    };
  }).sort((left, right) => (left.addresses[0] ?? '').localeCompare(right.addresses[0] ?? '', undefined, { numeric: true }));
  const existing = cluster.store.get(type, service.metadata.namespace, name);
  const body = { addressType: 'IPv4', endpoints, ports };
  if (existing) {
    cluster.store.update(type, { ...existing, ...body });
    return;
  }
  cluster.store.create(type, {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: {
      name, namespace: service.metadata.namespace, generateName: `${service.metadata.name}-`,
      labels: { ...(service.metadata.labels ?? {}), 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': service.metadata.name },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: service.metadata.name, uid: service.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    ...body,
  });
}
