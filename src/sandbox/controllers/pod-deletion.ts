import type { Pod } from 'kubernetes-types/core/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { cloneJson, type KubeObject } from '../types.js';
import { scheduleTermination } from '../kubelet/kubelet.js';

/**
 * Starts a graceful pod deletion: deletionTimestamp is set (kubectl shows Terminating), the kubelet
 * "stops" the containers, and the pod is removed after the termination delay with a DELETED event.
 * A grace period of 0, or a pod that never ran, is removed at once.
 */
export function deletePodGracefully(cluster: SandboxCluster, input: KubeObject, gracePeriodSeconds?: number): KubeObject {
  const type = cluster.type('Pod');
  const object = cloneJson(input);
  const pod = object as unknown as Pod;
  if (object.metadata.deletionTimestamp) return object;
  const grace = gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  const neverRan = !pod.spec?.nodeName || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  if (grace === 0 || neverRan) return cluster.store.remove(type, object.metadata.namespace, object.metadata.name);
  object.metadata.deletionTimestamp = new Date(cluster.now().getTime() + grace * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  object.metadata.deletionGracePeriodSeconds = grace;
  const updated = cluster.store.update(type, object);
  for (const container of pod.spec?.containers ?? []) {
    cluster.recordEvent(updated, 'Normal', 'Killing', `Stopping container ${container.name}`, 'kubelet', { host: pod.spec?.nodeName ?? '', fieldPath: `spec.containers{${container.name}}` });
  }
  scheduleTermination(cluster, updated);
  return updated;
}
