import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { resourceTypes } from '../resources.js';
import { labelsMatch, requirementsFromLabelSelector } from '../selectors.js';
import { jsonEqual, type KubeObject } from '../types.js';
import { resolveIntOrPercent } from './deployment-controller.js';
import { deletePodGracefully } from './pod-deletion.js';
import { isActivePod, isPodReady } from './pod-factory.js';

/** Garbage collector: objects whose controlling owner is gone are deleted (background propagation). */
export function collectGarbage(cluster: SandboxCluster): void {
  const stored = resourceTypes.filter((type) => !type.virtual && type.kind !== 'Event' && !type.view);
  for (const type of stored) {
    for (const object of [...cluster.store.peek(type)]) {
      const references = object.metadata.ownerReferences ?? [];
      if (references.length === 0 || references.some((reference) => cluster.store.peekUid(reference.uid))) continue;
      if (type.kind === 'Pod') {
        if (!object.metadata.deletionTimestamp) deletePodGracefully(cluster, object);
      } else cluster.store.remove(type, object.metadata.namespace, object.metadata.name);
    }
  }
}

/** Computes PodDisruptionBudget status (what eviction checks and `get pdb` shows). */
export function disruptionBudgetStatus(cluster: SandboxCluster, budget: PodDisruptionBudget, pods: readonly Pod[]): NonNullable<PodDisruptionBudget['status']> {
  const selector = requirementsFromLabelSelector(budget.spec?.selector);
  const covered = pods.filter((pod) => pod.metadata?.namespace === budget.metadata?.namespace && isActivePod(pod) && labelsMatch(selector, pod.metadata?.labels));
  const healthy = covered.filter(isPodReady).length;
  const expected = covered.length;
  let desired: number;
  if (budget.spec?.minAvailable !== undefined) desired = resolveIntOrPercent(budget.spec.minAvailable, expected, true, '0');
  else desired = Math.max(0, expected - resolveIntOrPercent(budget.spec?.maxUnavailable, expected, true, '0'));
  const now = cluster.timestamp();
  const allowed = Math.max(0, healthy - desired);
  const previous = budget.status?.conditions?.[0];
  const sufficient = allowed > 0;
  const reason = sufficient ? 'SufficientPods' : 'InsufficientPods';
  return {
    observedGeneration: budget.metadata?.generation ?? 1, disruptionsAllowed: allowed, currentHealthy: healthy, desiredHealthy: desired, expectedPods: expected,
    conditions: [{ type: 'DisruptionAllowed', status: sufficient ? 'True' : 'False', reason, message: '', observedGeneration: budget.metadata?.generation ?? 1, lastTransitionTime: previous?.reason === reason ? previous.lastTransitionTime : cluster.loading ? budget.metadata?.creationTimestamp ?? now : now }],
  };
}

/** The disruption controller: every PodDisruptionBudget's status, kept right as pods come and go. */
export function reconcileDisruptionBudgets(cluster: SandboxCluster): void {
  const pdbType = cluster.type('PodDisruptionBudget');
  const budgets = cluster.store.peek(pdbType);
  if (budgets.length === 0) return;
  const pods = cluster.store.peek(cluster.type('Pod')) as unknown as Pod[];
  for (const stored of [...budgets]) {
    const status = disruptionBudgetStatus(cluster, stored as unknown as PodDisruptionBudget, pods.filter((pod) => pod.metadata?.namespace === stored.metadata.namespace));
    if (jsonEqual(status, stored['status'])) continue;
    cluster.store.update(pdbType, { ...stored, status } as KubeObject);
  }
}
