import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { cloneJson, type KubeObject } from '../types.js';
import { creatingPodStatus, faultFor, startedPodStatus } from './pod-factory.js';
import { allocatePodIp, scheduleOnto } from './scheduler.js';

function podType(cluster: SandboxCluster) {
  return cluster.type('Pod');
}

function currentPod(cluster: SandboxCluster, namespace: string, name: string, uid: string): KubeObject | undefined {
  const pod = cluster.store.get(podType(cluster), namespace, name);
  return pod && pod.metadata.uid === uid ? pod : undefined;
}

/** Starts a pod's containers (kubelet simulation): Running/Ready, or the scenario's fault. */
function startPod(cluster: SandboxCluster, namespace: string, name: string, uid: string): void {
  cluster.pendingTransitions.delete(uid);
  const object = currentPod(cluster, namespace, name, uid);
  if (!object || object.metadata.deletionTimestamp) return;
  const pod = object as unknown as Pod;
  object['status'] = startedPodStatus(cluster, pod, { startedAt: cluster.now() });
  cluster.store.update(podType(cluster), object);
  const host = pod.spec?.nodeName ?? '';
  (pod.spec?.containers ?? []).forEach((container, index) => {
    const fieldPath = `spec.containers{${container.name}}`;
    const fault = faultFor(cluster, pod, container, index);
    if (fault?.type === 'ImagePullBackOff') {
      cluster.recordEvent(object, 'Normal', 'Pulling', `Pulling image "${container.image}"`, 'kubelet', { host, fieldPath });
      cluster.recordEvent(object, 'Warning', 'Failed', `Failed to pull image "${container.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${container.image}": failed to resolve reference "${container.image}": ${container.image}: not found`, 'kubelet', { host, fieldPath });
      cluster.recordEvent(object, 'Warning', 'Failed', 'Error: ErrImagePull', 'kubelet', { host, fieldPath });
      cluster.recordEvent(object, 'Normal', 'BackOff', `Back-off pulling image "${container.image}"`, 'kubelet', { host, fieldPath });
      cluster.recordEvent(object, 'Warning', 'Failed', 'Error: ImagePullBackOff', 'kubelet', { host, fieldPath });
      return;
    }
    cluster.recordEvent(object, 'Normal', 'Pulled', `Container image "${container.image}" already present on machine`, 'kubelet', { host, fieldPath });
    cluster.recordEvent(object, 'Normal', 'Created', `Created container ${container.name}`, 'kubelet', { host, fieldPath });
    cluster.recordEvent(object, 'Normal', 'Started', `Started container ${container.name}`, 'kubelet', { host, fieldPath });
    if (fault) {
      cluster.recordEvent(object, 'Warning', 'BackOff', `Back-off restarting failed container ${container.name} in pod ${name}_${namespace}(${uid})`, 'kubelet', { host, fieldPath });
    }
  });
  const ownedByJob = pod.metadata?.ownerReferences?.some((reference) => reference.kind === 'Job');
  const faulty = (pod.spec?.containers ?? []).some((container, index) => faultFor(cluster, pod, container, index));
  if (ownedByJob && !faulty) {
    cluster.pendingTransitions.add(uid);
    cluster.later(cluster.timings.jobRunMs, () => completePod(cluster, namespace, name, uid));
  }
}

/** A job pod's containers exit 0. */
function completePod(cluster: SandboxCluster, namespace: string, name: string, uid: string): void {
  cluster.pendingTransitions.delete(uid);
  const object = currentPod(cluster, namespace, name, uid);
  if (!object || object.metadata.deletionTimestamp) return;
  const pod = object as unknown as Pod;
  const startedAt = new Date(Date.parse(pod.status?.startTime ?? cluster.timestamp()));
  object['status'] = startedPodStatus(cluster, pod, { startedAt, completed: true, completedAt: cluster.now() });
  cluster.store.update(podType(cluster), object);
}

/** Finishes a graceful deletion: the pod disappears and watchers get DELETED. */
function finishTermination(cluster: SandboxCluster, namespace: string, name: string, uid: string): void {
  cluster.pendingTransitions.delete(uid);
  if (currentPod(cluster, namespace, name, uid)) cluster.store.remove(podType(cluster), namespace, name);
}

/** Schedules the removal of a pod that has a deletionTimestamp (graceful deletion). */
export function scheduleTermination(cluster: SandboxCluster, pod: KubeObject): void {
  const uid = pod.metadata.uid ?? '';
  if (cluster.pendingTransitions.has(`terminate/${uid}`)) return;
  cluster.pendingTransitions.add(`terminate/${uid}`);
  const grace = Number(pod.metadata.deletionGracePeriodSeconds ?? 30);
  const delay = grace === 0 ? 0 : cluster.timings.podTerminationMs;
  cluster.later(delay, () => {
    cluster.pendingTransitions.delete(`terminate/${uid}`);
    finishTermination(cluster, pod.metadata.namespace ?? '', pod.metadata.name, uid);
  });
}

/** Scheduler and kubelet: binds pending pods to nodes, starts containers, finishes terminations. */
export function reconcilePods(cluster: SandboxCluster): void {
  const type = podType(cluster);
  for (const stored of cluster.store.peek(type)) {
    const storedPod = stored as unknown as Pod;
    const settled = storedPod.spec?.nodeName && storedPod.status?.containerStatuses?.some((status) => status.state?.waiting?.reason !== 'ContainerCreating');
    if (!stored.metadata.deletionTimestamp && (settled || storedPod.status?.phase === 'Succeeded' || storedPod.status?.phase === 'Failed')) continue;
    const object = cloneJson(stored);
    const pod = object as unknown as Pod;
    const uid = object.metadata.uid ?? '';
    const namespace = object.metadata.namespace ?? '';
    if (object.metadata.deletionTimestamp) {
      scheduleTermination(cluster, object);
      continue;
    }
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    if (!pod.spec?.nodeName) {
      const result = scheduleOnto(cluster, pod);
      if ('message' in result) {
        const previous = pod.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
        if (previous?.reason === 'Unschedulable' && previous.message === result.message) continue;
        object['status'] = {
          phase: 'Pending', qosClass: pod.status?.qosClass,
          conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: cluster.timestamp(), reason: 'Unschedulable', message: result.message }],
        };
        cluster.store.update(type, object);
        cluster.recordEvent(object, 'Warning', 'FailedScheduling', result.message, 'default-scheduler');
        continue;
      }
      bind(cluster, object, result.node);
      continue;
    }
    if (!pod.status?.containerStatuses) {
      const node = cluster.store.get(cluster.type('Node'), undefined, pod.spec.nodeName) as unknown as Node | undefined;
      if (node) bind(cluster, object, node);
      continue;
    }
    const creating = pod.status.containerStatuses.every((status) => status.state?.waiting?.reason === 'ContainerCreating');
    if (creating && !cluster.pendingTransitions.has(uid)) {
      cluster.pendingTransitions.add(uid);
      cluster.later(cluster.timings.podStartMs, () => startPod(cluster, namespace, object.metadata.name, uid));
    }
  }
}

function bind(cluster: SandboxCluster, object: KubeObject, node: Node): void {
  const pod = object as unknown as Pod;
  const nodeName = node.metadata?.name ?? '';
  const hostIP = node.status?.addresses?.find((address) => address.type === 'InternalIP')?.address ?? '10.0.0.1';
  const podIP = pod.spec?.hostNetwork ? hostIP : allocatePodIp(cluster, node);
  (object['spec'] as Record<string, unknown>)['nodeName'] = nodeName;
  object['status'] = { ...creatingPodStatus(cluster, pod), hostIP, hostIPs: [{ ip: hostIP }], podIP, podIPs: [{ ip: podIP }] };
  cluster.store.update(cluster.type('Pod'), object);
  cluster.recordEvent(object, 'Normal', 'Scheduled', `Successfully assigned ${object.metadata.namespace}/${object.metadata.name} to ${nodeName}`, 'default-scheduler');
}
