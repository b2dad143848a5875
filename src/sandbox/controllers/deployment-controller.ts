import type { Deployment, DeploymentCondition, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { cloneJson, jsonEqual, type KubeObject } from '../types.js';
import { controllerReference, controllerUid } from './pod-factory.js';
import { templateHash, templatesEqual } from './template-hash.js';

const revisionAnnotation = 'deployment.kubernetes.io/revision';

/** Resolves an int-or-percent (maxSurge/maxUnavailable) against a replica count. */
export function resolveIntOrPercent(value: number | string | undefined, total: number, roundUp: boolean, fallback: string): number {
  const raw = value ?? fallback;
  if (typeof raw === 'number') return raw;
  const percent = Number(raw.replace('%', ''));
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

function revisionOf(replicaSet: KubeObject): number {
  return Number(replicaSet.metadata.annotations?.[revisionAnnotation] ?? 0);
}

function replicasOf(replicaSet: KubeObject): number {
  return (replicaSet as unknown as ReplicaSet).spec?.replicas ?? 0;
}

function availableOf(replicaSet: KubeObject): number {
  return (replicaSet as unknown as ReplicaSet).status?.availableReplicas ?? 0;
}

/** Scales a ReplicaSet and records the deployment controller's event. */
function scaleReplicaSet(cluster: SandboxCluster, deployment: KubeObject, replicaSet: KubeObject, replicas: number): void {
  const previous = replicasOf(replicaSet);
  if (previous === replicas) return;
  (replicaSet['spec'] as Record<string, unknown>)['replicas'] = replicas;
  replicaSet.metadata.annotations = { ...replicaSet.metadata.annotations, 'deployment.kubernetes.io/desired-replicas': String((deployment as unknown as Deployment).spec?.replicas ?? 1) };
  cluster.store.update(cluster.type('ReplicaSet'), replicaSet);
  const direction = replicas > previous ? 'up' : 'down';
  cluster.recordEvent(deployment, 'Normal', 'ScalingReplicaSet', `Scaled ${direction} replica set ${replicaSet.metadata.name} from ${previous} to ${replicas}`, 'deployment-controller');
}

function condition(type: string, status: 'True' | 'False', reason: string, message: string, now: string, previous: DeploymentCondition | undefined, progressed: boolean): DeploymentCondition {
  const same = previous && previous.status === status && previous.reason === reason;
  return {
    type, status, reason, message,
    lastUpdateTime: same && !progressed ? previous.lastUpdateTime ?? now : now,
    lastTransitionTime: previous && previous.status === status ? previous.lastTransitionTime ?? now : now,
  };
}

function reconcileDeployment(cluster: SandboxCluster, object: KubeObject, ownedReplicaSets: readonly KubeObject[]): void {
  const deployment = object as unknown as Deployment;
  const spec = deployment.spec;
  if (!spec) return;
  const replicas = spec.replicas ?? 1;
  const rsType = cluster.type('ReplicaSet');
  const changeCause = object.metadata.annotations?.['kubernetes.io/change-cause'];
  const live = ownedReplicaSets.filter((replicaSet) => !replicaSet.metadata.deletionTimestamp);
  {
    // The common case, a finished rollout: nothing to create or scale, only the status to keep.
    const current = live.find((replicaSet) => templatesEqual((replicaSet as unknown as ReplicaSet).spec?.template, spec.template));
    const maxSeen = live.reduce((max, replicaSet) => Math.max(max, revisionOf(replicaSet)), 0);
    if (current && !spec.paused && replicasOf(current) === replicas && revisionOf(current) === maxSeen
      && live.every((replicaSet) => replicaSet === current || replicasOf(replicaSet) === 0)
      && (!changeCause || current.metadata.annotations?.['kubernetes.io/change-cause'] === changeCause)
      && object.metadata.annotations?.[revisionAnnotation] === current.metadata.annotations?.[revisionAnnotation]
      && live.filter((replicaSet) => replicaSet !== current).length <= (spec.revisionHistoryLimit ?? 10)) {
      updateStatus(cluster, object, current, live);
      return;
    }
  }
  const owned = live.map((replicaSet) => cloneJson(replicaSet));
  const maxRevision = owned.reduce((max, replicaSet) => Math.max(max, revisionOf(replicaSet)), 0);
  let newRs = owned.find((replicaSet) => templatesEqual((replicaSet as unknown as ReplicaSet).spec?.template, spec.template));
  const oldRss = owned.filter((replicaSet) => replicaSet !== newRs).sort((left, right) => revisionOf(left) - revisionOf(right));

  if (spec.paused) return updateStatus(cluster, object, newRs, owned);

  if (!newRs) {
    const hash = templateHash(spec.template);
    const template = cloneJson(spec.template);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, 'pod-template-hash': hash } };
    const annotations: Record<string, string> = {
      'deployment.kubernetes.io/desired-replicas': String(replicas),
      'deployment.kubernetes.io/max-replicas': String(replicas + resolveIntOrPercent(spec.strategy?.rollingUpdate?.maxSurge, replicas, true, '25%')),
      [revisionAnnotation]: String(maxRevision + 1),
    };
    if (changeCause) annotations['kubernetes.io/change-cause'] = changeCause;
    const created = cluster.create(rsType, {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: {
        name: `${object.metadata.name}-${hash}`, namespace: object.metadata.namespace,
        labels: { ...template.metadata.labels }, annotations, ownerReferences: [controllerReference(object)],
      },
      spec: { replicas: 0, minReadySeconds: spec.minReadySeconds ?? 0, selector: { ...spec.selector, matchLabels: { ...spec.selector.matchLabels, 'pod-template-hash': hash } }, template },
    });
    newRs = created;
    if (oldRss.length === 0 || spec.strategy?.type === 'Recreate') {
      // The first ReplicaSet (or Recreate) is scaled below; nothing old to step against.
    }
  } else if (revisionOf(newRs) < maxRevision || (changeCause && newRs.metadata.annotations?.['kubernetes.io/change-cause'] !== changeCause)) {
    // Rolling back to an old template reuses its ReplicaSet and gives it the next revision number.
    const annotations = { ...newRs.metadata.annotations };
    if (revisionOf(newRs) < maxRevision) annotations[revisionAnnotation] = String(maxRevision + 1);
    if (changeCause) annotations['kubernetes.io/change-cause'] = changeCause;
    newRs.metadata.annotations = annotations;
    newRs = cluster.store.update(rsType, newRs);
  }

  const revision = newRs.metadata.annotations?.[revisionAnnotation] ?? '1';
  if (object.metadata.annotations?.[revisionAnnotation] !== revision) {
    const copy = cloneJson(object);
    copy.metadata.annotations = { ...copy.metadata.annotations, [revisionAnnotation]: revision };
    cluster.store.update(cluster.type('Deployment'), copy);
  }

  const activeOld = oldRss.filter((replicaSet) => replicasOf(replicaSet) > 0);
  if (spec.strategy?.type === 'Recreate') {
    for (const replicaSet of activeOld) scaleReplicaSet(cluster, object, replicaSet, 0);
    const oldPods = oldRss.some((replicaSet) => ((replicaSet as unknown as ReplicaSet).status?.replicas ?? 0) > 0);
    if (activeOld.length === 0 && !oldPods) scaleReplicaSet(cluster, object, newRs, replicas);
  } else {
    const maxSurge = resolveIntOrPercent(spec.strategy?.rollingUpdate?.maxSurge, replicas, true, '25%');
    let maxUnavailable = resolveIntOrPercent(spec.strategy?.rollingUpdate?.maxUnavailable, replicas, false, '25%');
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    const all = [newRs, ...oldRss];
    const total = () => all.reduce((sum, replicaSet) => sum + replicasOf(replicaSet), 0);
    // Scale up the new ReplicaSet within maxSurge.
    if (replicasOf(newRs) > replicas) scaleReplicaSet(cluster, object, newRs, replicas);
    else if (replicasOf(newRs) < replicas) {
      if (activeOld.length === 0) scaleReplicaSet(cluster, object, newRs, replicas);
      else {
        const room = replicas + maxSurge - total();
        if (room > 0) scaleReplicaSet(cluster, object, newRs, Math.min(replicas, replicasOf(newRs) + room));
      }
    }
    // Scale down old ReplicaSets within maxUnavailable.
    if (activeOld.length > 0) {
      const minAvailable = replicas - maxUnavailable;
      const newUnavailable = replicasOf(newRs) - availableOf(newRs);
      let budget = total() - minAvailable - newUnavailable;
      // Unhealthy old replicas go first: removing them does not lower availability.
      for (const replicaSet of activeOld) {
        if (budget <= 0) break;
        const unhealthy = Math.max(0, replicasOf(replicaSet) - availableOf(replicaSet));
        const cut = Math.min(unhealthy, budget);
        if (cut > 0) {
          scaleReplicaSet(cluster, object, replicaSet, replicasOf(replicaSet) - cut);
          budget -= cut;
        }
      }
      const available = all.reduce((sum, replicaSet) => sum + availableOf(replicaSet), 0);
      let scaleDown = Math.min(budget, available - minAvailable);
      for (const replicaSet of activeOld) {
        if (scaleDown <= 0) break;
        const cut = Math.min(replicasOf(replicaSet), scaleDown);
        if (cut > 0) {
          scaleReplicaSet(cluster, object, replicaSet, replicasOf(replicaSet) - cut);
          scaleDown -= cut;
        }
      }
    }
  }

  // Keep at most revisionHistoryLimit old ReplicaSets that have no pods.
  const limit = spec.revisionHistoryLimit ?? 10;
  const idle = oldRss.filter((replicaSet) => replicasOf(replicaSet) === 0 && ((replicaSet as unknown as ReplicaSet).status?.replicas ?? 0) === 0);
  for (const replicaSet of idle.slice(0, Math.max(0, idle.length - limit))) {
    cluster.store.remove(rsType, replicaSet.metadata.namespace, replicaSet.metadata.name);
  }
  updateStatus(cluster, object, newRs, owned.includes(newRs) ? owned : [...owned, newRs]);
}

function updateStatus(cluster: SandboxCluster, object: KubeObject, newRs: KubeObject | undefined, owned: KubeObject[]): void {
  const deployment = object as unknown as Deployment;
  const replicas = deployment.spec?.replicas ?? 1;
  const rsType = cluster.type('ReplicaSet');
  const fresh = owned.map((replicaSet) => cluster.store.peekOne(rsType, replicaSet.metadata.namespace, replicaSet.metadata.name)).filter((replicaSet): replicaSet is KubeObject => Boolean(replicaSet));
  const sum = (read: (status: ReplicaSet['status']) => number | undefined) => fresh.reduce((total, replicaSet) => total + (read((replicaSet as unknown as ReplicaSet).status) ?? 0), 0);
  const current = fresh.find((replicaSet) => replicaSet.metadata.uid === newRs?.metadata.uid);
  const statusReplicas = sum((status) => status?.replicas);
  const updated = (current as unknown as ReplicaSet | undefined)?.status?.replicas ?? 0;
  const ready = sum((status) => status?.readyReplicas);
  const available = sum((status) => status?.availableReplicas);
  const maxUnavailable = resolveIntOrPercent(deployment.spec?.strategy?.rollingUpdate?.maxUnavailable, replicas, false, '25%');
  const previous = deployment.status ?? {};
  const nowMs = Date.now();
  const now = cluster.timestamp(nowMs);
  const progressed = (previous.replicas ?? 0) !== statusReplicas || (previous.updatedReplicas ?? 0) !== updated || (previous.readyReplicas ?? 0) !== ready
    || (previous.availableReplicas ?? 0) !== available || previous.observedGeneration !== object.metadata.generation;
  const previousConditions = previous.conditions ?? [];
  const find = (type: string) => previousConditions.find((entry) => entry.type === type);
  const availableOk = available >= replicas - (deployment.spec?.strategy?.type === 'Recreate' ? 0 : maxUnavailable);
  const complete = updated === replicas && available === replicas && statusReplicas === replicas;
  const rsName = newRs?.metadata.name ?? object.metadata.name;
  let progressing: DeploymentCondition;
  const previousProgressing = find('Progressing');
  const deadlineMs = (deployment.spec?.progressDeadlineSeconds ?? 600) * 1000;
  if (complete) {
    progressing = condition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`, now, previousProgressing, progressed);
  } else if (previousProgressing?.reason === 'NewReplicaSetAvailable' && updated === replicas && statusReplicas === updated && previousProgressing.message?.includes(`"${rsName}"`)) {
    // A finished rollout stays finished when a pod later crashes: that is availability, not progress.
    progressing = previousProgressing;
  } else if (!progressed && previousProgressing && (previousProgressing.reason === 'ProgressDeadlineExceeded' || Date.parse(previousProgressing.lastUpdateTime ?? now) + deadlineMs <= nowMs)) {
    progressing = previousProgressing.reason === 'ProgressDeadlineExceeded' && previousProgressing.message?.includes(`"${rsName}"`)
      ? previousProgressing
      : condition('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${rsName}" has timed out progressing.`, now, previousProgressing, false);
  } else {
    progressing = condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`, now, previousProgressing, progressed);
  }
  if (progressing.status === 'True' && progressing.reason === 'ReplicaSetUpdated') {
    // Check again when the deadline passes without progress.
    const due = Date.parse(progressing.lastUpdateTime ?? now) + deadlineMs;
    cluster.wakeAt(`deployment/${object.metadata.uid}`, due + 1, () => cluster.requestReconcile());
  }
  const availableCondition = availableOk
    ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now, find('Available'), false)
    : condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now, find('Available'), false);
  const conditions: DeploymentCondition[] = [availableCondition, progressing];
  const failure = ((current as unknown as ReplicaSet | undefined)?.status?.conditions ?? []).find((entry) => entry.type === 'ReplicaFailure' && entry.status === 'True');
  if (failure) {
    const old = find('ReplicaFailure');
    conditions.push({ type: 'ReplicaFailure', status: 'True', reason: failure.reason, message: failure.message, lastUpdateTime: old?.lastUpdateTime ?? failure.lastTransitionTime ?? now, lastTransitionTime: old?.lastTransitionTime ?? failure.lastTransitionTime ?? now });
  }
  const status: Record<string, unknown> = {
    observedGeneration: object.metadata.generation ?? 1,
    replicas: statusReplicas, updatedReplicas: updated, readyReplicas: ready, availableReplicas: available,
    conditions,
  };
  // The controller's calculateStatus: every ReplicaSet's desired replicas, less the available ones.
  const total = fresh.reduce((sum, replicaSet) => sum + ((replicaSet as unknown as ReplicaSet).spec?.replicas ?? 0), 0);
  if (total - available > 0) status['unavailableReplicas'] = total - available;
  for (const key of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'] as const) if (status[key] === 0) delete status[key];
  const latest = cluster.store.peekOne(cluster.type('Deployment'), object.metadata.namespace, object.metadata.name);
  if (!latest || jsonEqual(status, latest['status'])) return;
  cluster.store.replace(cluster.type('Deployment'), { ...latest, status });
}

/**
 * The scenario's past, once the loaded cluster settled: a rollout that left old pods behind, or never
 * got one pod available, or could not create or place all its pods, stalled (ProgressDeadlineExceeded once its deadline passed, counted from
 * when its ReplicaSet was created); anything else finished, even if a pod misbehaves now (that is
 * availability, not progress). Condition times are set from the rollout, not from the load.
 */
export function settleDeploymentHistory(cluster: SandboxCluster): void {
  const type = cluster.type('Deployment');
  const rsType = cluster.type('ReplicaSet');
  const byOwner = new Map<string, KubeObject[]>();
  for (const replicaSet of cluster.store.peek(rsType)) {
    const owner = controllerUid(replicaSet);
    if (owner) byOwner.set(owner, [...(byOwner.get(owner) ?? []), replicaSet]);
  }
  const nowMs = Date.now();
  for (const stored of [...cluster.store.peek(type)]) {
    const replicaSets = byOwner.get(stored.metadata.uid ?? '') ?? [];
    if (!(stored as unknown as Deployment).status?.conditions || replicaSets.length === 0) continue;
    const current = replicaSets.find((replicaSet) => templatesEqual((replicaSet as unknown as ReplicaSet).spec?.template, (stored as unknown as Deployment).spec?.template));
    const deployment = cloneJson(stored);
    const view = deployment as unknown as Deployment;
    const status = view.status;
    if (!status?.conditions) continue;
    if (!current) continue;
    const replicas = view.spec?.replicas ?? 1;
    const available = status.availableReplicas ?? 0;
    const complete = (status.updatedReplicas ?? 0) === replicas && available === replicas && (status.replicas ?? 0) === replicas;
    const oldActive = replicaSets.some((replicaSet) => replicaSet !== current && ((replicaSet as unknown as ReplicaSet).spec?.replicas ?? 0) > 0);
    // Pods it could never create (quota, admission) or never place (FailedScheduling) mean the rollout never finished.
    const neverPlaced = () => (status.updatedReplicas ?? 0) < replicas || cluster.store.peek(cluster.type('Pod'), { namespace: stored.metadata.namespace })
      .some((pod) => controllerUid(pod) === current.metadata.uid && ((pod['status'] as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [])
        .some((entry) => entry.type === 'PodScheduled' && entry.status === 'False'));
    const stalled = !complete && (oldActive || available === 0 || neverPlaced());
    const startedAt = Date.parse(current.metadata.creationTimestamp ?? '') || nowMs;
    const deadlineMs = (view.spec?.progressDeadlineSeconds ?? 600) * 1000;
    const at = (milliseconds: number) => cluster.timestamp(milliseconds);
    let progressing: DeploymentCondition;
    if (!stalled) {
      progressing = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${current.metadata.name}" has successfully progressed.`, lastUpdateTime: at(startedAt), lastTransitionTime: at(startedAt) };
    } else if (startedAt + deadlineMs <= nowMs) {
      progressing = { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${current.metadata.name}" has timed out progressing.`, lastUpdateTime: at(startedAt + deadlineMs), lastTransitionTime: at(startedAt + deadlineMs) };
    } else {
      progressing = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${current.metadata.name}" is progressing.`, lastUpdateTime: at(startedAt), lastTransitionTime: at(startedAt) };
      cluster.wakeAt(`deployment/${stored.metadata.uid}`, startedAt + deadlineMs + 1, () => cluster.requestReconcile());
    }
    status.conditions = status.conditions.map((entry) => {
      if (entry.type === 'Progressing') return progressing;
      if (entry.type === 'Available') return { ...entry, lastUpdateTime: at(startedAt), lastTransitionTime: at(startedAt) };
      return entry;
    });
    cluster.store.update(type, deployment);
  }
}

/** Deployment controller: new ReplicaSet per template, rolling update within maxSurge/maxUnavailable, status. */
export function reconcileDeployments(cluster: SandboxCluster): void {
  const byOwner = new Map<string, KubeObject[]>();
  for (const replicaSet of cluster.store.peek(cluster.type('ReplicaSet'))) {
    const owner = controllerUid(replicaSet);
    if (!owner) continue;
    const list = byOwner.get(owner) ?? [];
    list.push(replicaSet);
    byOwner.set(owner, list);
  }
  for (const stored of [...cluster.store.peek(cluster.type('Deployment'))]) {
    if (stored.metadata.deletionTimestamp) continue;
    reconcileDeployment(cluster, stored, byOwner.get(stored.metadata.uid ?? '') ?? []);
  }
}
