import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2.js';
import type { SandboxCluster } from '../cluster.js';
import { resourceTypes } from '../resources.js';
import { labelsMatch, requirementsFromLabelSelector } from '../selectors.js';
import type { KubeObject } from '../types.js';
import { resolveIntOrPercent } from './deployment-controller.js';
import { deletePodGracefully } from './pod-deletion.js';
import { isActivePod, isPodReady } from './pod-factory.js';

/** Garbage collector: objects whose controlling owner is gone are deleted (background propagation). */
export function collectGarbage(cluster: SandboxCluster): void {
  const uids = new Set<string>();
  const stored = resourceTypes.filter((type) => !type.virtual && type.kind !== 'Event');
  const all: [typeof stored[number], KubeObject][] = [];
  for (const type of stored) {
    for (const object of cluster.store.peek(type)) {
      uids.add(object.metadata.uid ?? '');
      all.push([type, object]);
    }
  }
  for (const [type, object] of all) {
    const references = object.metadata.ownerReferences ?? [];
    if (references.length === 0 || references.some((reference) => uids.has(reference.uid))) continue;
    if (type.kind === 'Pod') {
      if (!object.metadata.deletionTimestamp) deletePodGracefully(cluster, object);
    }
    else cluster.store.remove(type, object.metadata.namespace, object.metadata.name);
  }
}

/** Computes PodDisruptionBudget status (what eviction checks and `get pdb` shows). */
export function disruptionBudgetStatus(cluster: SandboxCluster, budget: PodDisruptionBudget, pods: Pod[]): NonNullable<PodDisruptionBudget['status']> {
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
    conditions: [{ type: 'DisruptionAllowed', status: sufficient ? 'True' : 'False', reason, message: '', observedGeneration: budget.metadata?.generation ?? 1, lastTransitionTime: previous?.reason === reason ? previous.lastTransitionTime : now }],
  };
}

/** Small status controllers: PDBs, HPA replica counts, node cordon taints, namespaces. */
export function reconcileStatuses(cluster: SandboxCluster): void {
  const pods = cluster.store.peek(cluster.type('Pod')) as unknown as Pod[];
  const pdbType = cluster.type('PodDisruptionBudget');
  for (const object of cluster.store.list(pdbType)) {
    object['status'] = disruptionBudgetStatus(cluster, object as unknown as PodDisruptionBudget, pods);
    cluster.store.update(pdbType, object);
  }
  const hpaType = cluster.type('HorizontalPodAutoscaler');
  for (const object of cluster.store.list(hpaType)) {
    const hpa = object as unknown as HorizontalPodAutoscaler;
    const reference = hpa.spec?.scaleTargetRef;
    const target = reference ? cluster.store.get(cluster.type(reference.kind), object.metadata.namespace, reference.name) : undefined;
    const replicas = Number((target?.['spec'] as { replicas?: number } | undefined)?.replicas ?? 0);
    if (target && hpa.status?.currentReplicas !== replicas) {
      object['status'] = { ...hpa.status, currentReplicas: replicas, desiredReplicas: Math.max(hpa.spec?.minReplicas ?? 1, Math.min(hpa.spec?.maxReplicas ?? replicas, replicas)) };
      cluster.store.update(hpaType, object);
    }
  }
  const nodeType = cluster.type('Node');
  for (const object of cluster.store.list(nodeType)) {
    const node = object as unknown as Node;
    const taints = node.spec?.taints ?? [];
    const cordonTaint = taints.some((taint) => taint.key === 'node.kubernetes.io/unschedulable');
    if (Boolean(node.spec?.unschedulable) === cordonTaint) continue;
    const spec = (object['spec'] ?? {}) as NonNullable<Node['spec']>;
    if (node.spec?.unschedulable) spec.taints = [...taints, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: cluster.timestamp() }];
    else {
      spec.taints = taints.filter((taint) => taint.key !== 'node.kubernetes.io/unschedulable');
      if (spec.taints.length === 0) delete spec.taints;
    }
    object['spec'] = spec as unknown as KubeObject[string];
    cluster.store.update(nodeType, object);
    cluster.recordEvent({ ...object, metadata: { ...object.metadata, uid: object.metadata.name } }, 'Normal', node.spec?.unschedulable ? 'NodeNotSchedulable' : 'NodeSchedulable', `Node ${object.metadata.name} status is now: ${node.spec?.unschedulable ? 'NodeNotSchedulable' : 'NodeSchedulable'}`, 'kubelet', { host: object.metadata.name });
  }
}
