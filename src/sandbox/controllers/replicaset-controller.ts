import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet, ReplicaSetCondition } from 'kubernetes-types/apps/v1.js';
import { createPod } from '../admission/admit.js';
import { ApiError } from '../api-error.js';
import type { SandboxCluster } from '../cluster.js';
import { spamLimitedCount } from '../events/event-recorder.js';
import { jsonEqual, type KubeObject } from '../types.js';
import { deletePodGracefully } from './pod-deletion.js';
import { controllerUid, isActivePod, isPodReady, podFromTemplate, randomSuffix } from './pod-factory.js';

/** Pods controlled by an owner uid, grouped once per pass (read-only: clone before writing). */
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

/** When the latest of these pods stopped (the moment a replacement was needed), for backdating at load. */
function latestEnd(pods: readonly KubeObject[]): number | undefined {
  let latest: number | undefined;
  for (const pod of pods) {
    const status = (pod as unknown as Pod).status;
    const times = [
      ...(status?.conditions ?? []).filter((condition) => condition.type === 'DisruptionTarget' || condition.type === 'Ready').map((condition) => Date.parse(condition.lastTransitionTime ?? '')),
      ...(status?.containerStatuses ?? []).map((container) => Date.parse(container.state?.terminated?.finishedAt ?? '')),
      Date.parse(pod.metadata.deletionTimestamp ?? ''),
    ].filter(Number.isFinite);
    for (const time of times) if (latest === undefined || time > latest) latest = time;
  }
  return latest;
}

/**
 * Creates missing pods through admission in slow-start batches (1, 2, 4...), stopping at the first
 * refusal; a refusal becomes a FailedCreate event and the ReplicaFailure condition.
 */
export function createReplicas(cluster: SandboxCluster, owner: KubeObject, count: number, make: () => KubeObject, component: string, inactive: readonly KubeObject[]): { created: number; failure?: string } {
  let created = 0;
  let batch = 1;
  const backdate = cluster.loading ? latestEnd(inactive) : undefined;
  while (created < count) {
    const size = Math.min(batch, count - created);
    for (let index = 0; index < size; index += 1) {
      const pod = make();
      if (backdate !== undefined) pod.metadata.creationTimestamp = cluster.timestamp(backdate + 1_000);
      try {
        createPod(cluster, pod);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (cluster.loading) {
          // Failing since the owner appeared, retried about every 10 s; the correlator combined them.
          const now = Date.now();
          const since = Math.min(now, Date.parse(owner.metadata.creationTimestamp ?? '') || now);
          const occurrences = Math.floor((now - since) / 10_000) + 1;
          const last = now - ((now - since) % 10_000);
          const text = occurrences > 10 ? `(combined from similar events): Error creating: ${error.message}` : `Error creating: ${error.message}`;
          if (now - last < 3_600_000) cluster.recordEvent(owner, 'Warning', 'FailedCreate', text, component, { history: { first: since, last, count: spamLimitedCount(occurrences, last - since) } });
        } else cluster.recordEvent(owner, 'Warning', 'FailedCreate', `Error creating: ${error.message}`, component);
        return { created, failure: error.message };
      }
      cluster.recordEvent(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, component);
      created += 1;
    }
    batch *= 2;
  }
  return { created };
}

/** ReplicaSet controller: keeps spec.replicas active pods and reports status. */
export function reconcileReplicaSets(cluster: SandboxCluster): void {
  const type = cluster.type('ReplicaSet');
  const owned = podsByOwner(cluster);
  for (const stored of [...cluster.store.peek(type)]) {
    if (stored.metadata.deletionTimestamp) continue;
    const object = stored;
    const replicaSet = object as unknown as ReplicaSet;
    const allPods = owned.get(object.metadata.uid ?? '') ?? [];
    const pods = allPods.filter((pod) => isActivePod(pod as unknown as Pod));
    const desired = replicaSet.spec?.replicas ?? 1;
    let failure: string | undefined;
    let created = 0;
    if (pods.length < desired) {
      const retryKey = `replicaset-retry/${object.metadata.uid}`;
      const previousFailure = replicaSet.status?.conditions?.find((entry) => entry.type === 'ReplicaFailure');
      const lastTry = retryTimes.get(retryKey) ?? 0;
      if (previousFailure && (cluster.loading || Date.now() - lastTry < cluster.timings.kubeletSyncMs)) {
        failure = previousFailure.message;
        cluster.wakeAt(retryKey, lastTry + cluster.timings.kubeletSyncMs, () => cluster.requestReconcile());
      } else {
        retryTimes.set(retryKey, Date.now());
        const result = createReplicas(cluster, object, desired - pods.length, () => podFromTemplate(replicaSet.spec?.template, object, `${object.metadata.name}-${randomSuffix()}`), 'replicaset-controller', allPods.filter((pod) => !isActivePod(pod as unknown as Pod)));
        failure = result.failure;
        created = result.created;
        if (failure) cluster.wakeAt(retryKey, Date.now() + cluster.timings.kubeletSyncMs, () => cluster.requestReconcile());
      }
    } else if (pods.length > desired) {
      for (const pod of [...pods].sort(deletionOrder).slice(0, pods.length - desired)) {
        deletePodGracefully(cluster, pod);
        cluster.recordEvent(object, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'replicaset-controller');
      }
    }
    const ready = pods.filter((pod) => isPodReady(pod as unknown as Pod)).length;
    const status: Record<string, unknown> = { replicas: pods.length + created, fullyLabeledReplicas: pods.length + created, observedGeneration: object.metadata.generation ?? 1 };
    if (ready > 0) {
      status['readyReplicas'] = ready;
      status['availableReplicas'] = ready;
    }
    if (failure) {
      const previous = replicaSet.status?.conditions?.find((entry) => entry.type === 'ReplicaFailure');
      const condition: ReplicaSetCondition = { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: failure, lastTransitionTime: previous?.lastTransitionTime ?? cluster.timestamp() };
      status['conditions'] = [condition];
    }
    if (jsonEqual(status, stored['status'])) continue;
    cluster.store.replace(type, { ...stored, status });
  }
}

const retryTimes = new Map<string, number>();
