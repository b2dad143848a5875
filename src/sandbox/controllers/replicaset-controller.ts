import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { SandboxCluster } from '../cluster.js';
import type { KubeObject } from '../types.js';
import { deletePodGracefully } from './pod-deletion.js';
import { controllerUid, isActivePod, isPodReady, podFromTemplate, randomSuffix } from './pod-factory.js';

/** Pods controlled by an owner uid, grouped once per pass. */
export function podsByOwner(cluster: SandboxCluster, namespace?: string): Map<string, KubeObject[]> {
  const result = new Map<string, KubeObject[]>();
  for (const pod of cluster.store.peek(cluster.type('Pod'), { namespace })) {
    const owner = controllerUid(pod);
    if (!owner) continue;
    const list = result.get(owner) ?? [];
    list.push(pod);
    result.set(owner, list);
  }
  return result;
}

/** Which pods go first when scaling down: unscheduled, then not ready, then the newest. */
export function deletionOrder(left: KubeObject, right: KubeObject): number {
  const rank = (pod: KubeObject) => (!(pod as unknown as Pod).spec?.nodeName ? 0 : !isPodReady(pod as unknown as Pod) ? 1 : 2);
  return rank(left) - rank(right) || String(right.metadata.creationTimestamp).localeCompare(String(left.metadata.creationTimestamp));
}

/** ReplicaSet controller: keeps spec.replicas active pods and reports status. */
export function reconcileReplicaSets(cluster: SandboxCluster): void {
  const type = cluster.type('ReplicaSet');
  const owned = podsByOwner(cluster);
  for (const object of cluster.store.list(type)) {
    if (object.metadata.deletionTimestamp) continue;
    const replicaSet = object as unknown as ReplicaSet;
    const pods = (owned.get(object.metadata.uid ?? '') ?? []).filter((pod) => isActivePod(pod as unknown as Pod));
    const desired = replicaSet.spec?.replicas ?? 1;
    if (pods.length < desired) {
      for (let index = pods.length; index < desired; index += 1) {
        const pod = podFromTemplate(replicaSet.spec?.template, object, `${object.metadata.name}-${randomSuffix()}`);
        cluster.store.create(cluster.type('Pod'), pod);
        cluster.recordEvent(object, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'replicaset-controller');
      }
    } else if (pods.length > desired) {
      for (const pod of [...pods].sort(deletionOrder).slice(0, pods.length - desired)) {
        deletePodGracefully(cluster, pod);
        cluster.recordEvent(object, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'replicaset-controller');
      }
    }
    const ready = pods.filter((pod) => isPodReady(pod as unknown as Pod)).length;
    const status: Record<string, unknown> = { replicas: pods.length, fullyLabeledReplicas: pods.length, observedGeneration: object.metadata.generation ?? 1 };
    if (ready > 0) {
      status['readyReplicas'] = ready;
      status['availableReplicas'] = ready;
    }
    object['status'] = status;
    cluster.store.update(type, object);
  }
}
