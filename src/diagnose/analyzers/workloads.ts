/**
 * Deployments, ReplicaSets, StatefulSets and DaemonSets: desired vs ready, Progressing=False
 * (ProgressDeadlineExceeded), pods that cannot be created (FailedCreate: quota, admission), stuck and
 * paused rollouts. "Not ready" and "stuck" are symptoms: when the pod analyzer found why (a crash, an
 * image, a Secret), the correlation step folds them into that finding as evidence.
 */
import type { Event } from 'kubernetes-types/core/v1.js';
import { ago } from '../age.js';
import type { Analyzer } from '../analyzer.js';
import { eventsEvidence, fieldEvidence, noteEvidence } from '../evidence.js';
import { findingId, type Evidence, type Finding, type ObjectRef } from '../finding.js';
import { describe, present, resumeRollout, rolloutHistory, type RolloutKind } from '../remediation-requests.js';
import { describeImages, revisionsOf } from '../rollout-history.js';
import { controllerOf, type SnapshotIndex } from '../snapshot-index.js';
import type { ResourceQuota } from '../snapshot-types.js';
import { availabilityOf } from './workload-status.js';
import { ownValue } from '../../own-property.js';

/** How long an unfinished rollout may run before it counts as stuck (when the Deployment has no deadline condition). */
const STUCK_AFTER_MS = 10 * 60 * 1000;

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

function quotaEvidence(quotas: readonly ResourceQuota[] | undefined, message: string, namespace: string): Evidence[] {
  const evidence: Evidence[] = [];
  for (const quota of quotas ?? []) {
    const name = quota.metadata?.name ?? '';
    if (!message.includes(name)) continue;
    const hard = quota.status?.hard ?? quota.spec?.hard ?? {};
    const used = quota.status?.used ?? {};
    const parts = Object.keys(hard).map((resource) => `${resource} ${ownValue(used, resource) ?? '0'}/${ownValue(hard, resource) ?? ''}`);
    evidence.push(fieldEvidence({ kind: 'ResourceQuota', name, namespace }, 'status', `used/hard: ${parts.join(', ')}`));
  }
  return evidence;
}

function failedCreate(index: SnapshotIndex, workload: ObjectRef, events: readonly Event[], condition: Condition | undefined): Finding | undefined {
  const failures = events.filter((event) => event.reason === 'FailedCreate');
  const message = condition?.message ?? failures[0]?.message;
  if (!message) return undefined;
  const quota = /exceeded quota/i.test(message);
  const evidence: Evidence[] = [];
  if (condition) evidence.push(fieldEvidence(workload, `status.conditions[${condition.type}]`, `status=${condition.status} reason=${condition.reason ?? ''} message=${JSON.stringify(condition.message ?? '')}`));
  evidence.push(...eventsEvidence(failures, index.now), ...quotaEvidence(index.snapshot.resourceQuotas, message, index.namespace));
  const availability = availabilityOf(index, workload.kind, workload.name);
  return {
    id: findingId(workload, 'FailedCreate'),
    severity: availability && availability.ready === 0 && availability.desired > 0 ? 'critical' : 'warning',
    object: workload,
    owner: null,
    reason: 'FailedCreate',
    summary: `${workload.kind} ${workload.name} cannot create its pods${quota ? ' (resource quota exceeded)' : ''}: ${message}.`,
    affected: [],
    blastRadius: availability ? Math.max(1, availability.desired - availability.ready) : 1,
    evidence,
    remediations: present([describe(workload.kind, index.namespace, workload.name, 'its conditions and events say what refuses the pods')]),
    check: quota
      ? 'the namespace ResourceQuota is used up: raise the quota, lower the pods\' requests, or scale other workloads down'
      : `fix what refuses the pods: ${message}`,
  };
}

function notReady(index: SnapshotIndex, workload: ObjectRef & { kind: RolloutKind }, desired: number, ready: number, extra: Evidence[]): Finding {
  const pods = index.podsOf(workload.kind, workload.name);
  return {
    id: findingId(workload, 'ReplicasNotReady'),
    severity: ready === 0 && desired > 0 ? 'critical' : 'warning',
    object: workload,
    owner: null,
    reason: 'ReplicasNotReady',
    summary: `${workload.kind} ${workload.name}: ${ready}/${desired} replicas ready.`,
    affected: pods.filter((pod) => !pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True')).map((pod) => index.ref('Pod', pod.metadata?.name ?? '')),
    blastRadius: Math.max(0, desired - ready),
    evidence: [fieldEvidence(workload, 'status', `ready ${ready}, desired ${desired}`), ...extra],
    remediations: present([describe(workload.kind, index.namespace, workload.name, 'its conditions, events and pods')]),
  };
}

function rolloutEvidence(index: SnapshotIndex, workload: ObjectRef): Evidence[] {
  const revisions = revisionsOf(index, workload.kind, workload.name).slice(0, 3);
  return revisions.map((revision) => ({
    type: 'revision' as const,
    object: { kind: revision.kind, name: revision.name, namespace: index.namespace },
    text: `revision ${revision.revision}: ${describeImages(revision)}${revision.createdAt ? `, created ${ago(revision.createdAt, index.now)}` : ''}${revision.replicas !== undefined ? `, ${revision.ready ?? 0}/${revision.replicas} ready` : ''}`,
    ...(revision.createdAt ? { at: revision.createdAt } : {}),
  }));
}

function analyzeDeployments(index: SnapshotIndex): Finding[] {
  const findings: Finding[] = [];
  for (const deployment of index.deployments) {
    const name = deployment.metadata?.name ?? '';
    const workload = index.ref('Deployment', name) as ObjectRef & { kind: 'Deployment' };
    const conditions = (deployment.status?.conditions ?? []) as Condition[];
    const desired = deployment.spec?.replicas ?? 1;
    const ready = deployment.status?.readyReplicas ?? 0;
    const updated = deployment.status?.updatedReplicas ?? 0;
    const replicaSetEvents = index.replicaSetsOf(name).flatMap((replicaSet) => index.warningsFor('ReplicaSet', replicaSet.metadata?.name ?? ''));
    const events = [...index.warningsFor('Deployment', name), ...replicaSetEvents];
    const replicaFailure = conditions.find((condition) => condition.type === 'ReplicaFailure' && condition.status === 'True');
    const created = failedCreate(index, workload, events, replicaFailure);
    if (created) findings.push(created);

    if (deployment.spec?.paused) {
      findings.push({
        id: findingId(workload, 'RolloutPaused'), severity: updated < desired ? 'warning' : 'info', object: workload, owner: null, reason: 'RolloutPaused',
        summary: `Deployment ${name}: the rollout is paused${updated < desired ? ` with ${updated}/${desired} pods on the new template` : ''}.`,
        affected: [], blastRadius: 0,
        evidence: [fieldEvidence(workload, 'spec.paused', 'true'), ...rolloutEvidence(index, workload)],
        remediations: present([
          resumeRollout(index.namespace, name, 'the rollout continues from where it stopped, with the template as it is now; leave it paused if someone is still changing it'),
          rolloutHistory('Deployment', index.namespace, name, 'what the paused rollout would change'),
        ]),
        check: 'resume the rollout when it is meant to continue (rollout resume is granted in staging and dev by the shipped policy)',
      });
    }

    const progressing = conditions.find((condition) => condition.type === 'Progressing');
    const symptoms: Evidence[] = [];
    if (progressing?.status === 'False') {
      symptoms.push(fieldEvidence(workload, 'status.conditions[Progressing]', `status=False reason=${progressing.reason ?? ''} message=${JSON.stringify(progressing.message ?? '')}`));
    }
    const stale = updated < desired && !deployment.spec?.paused;
    if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
      findings.push({
        id: findingId(workload, 'ProgressDeadlineExceeded'), severity: ready === 0 ? 'critical' : 'warning', object: workload, owner: null, reason: 'ProgressDeadlineExceeded',
        summary: `Deployment ${name}: the rollout exceeded its progress deadline (${updated}/${desired} pods updated, ${ready} ready): ${progressing.message ?? ''}`.trim(),
        affected: [], blastRadius: Math.max(0, desired - updated),
        evidence: [...symptoms, ...rolloutEvidence(index, workload), ...eventsEvidence(events, index.now)],
        remediations: present([rolloutHistory('Deployment', index.namespace, name, 'the revisions the rollout moves between'), describe('Deployment', index.namespace, name, 'conditions and events')]),
      });
    } else if (stale) {
      const newest = index.replicaSetsOf(name)[0];
      const since = newest?.metadata?.creationTimestamp ? Date.parse(newest.metadata.creationTimestamp) : undefined;
      if (since !== undefined && index.now - since > STUCK_AFTER_MS) {
        findings.push({
          id: findingId(workload, 'RolloutStuck'), severity: 'warning', object: workload, owner: null, reason: 'RolloutStuck',
          summary: `Deployment ${name}: the rollout started ${ago(newest?.metadata?.creationTimestamp, index.now)} and has ${updated}/${desired} pods on the new template.`,
          affected: [], blastRadius: Math.max(0, desired - updated),
          evidence: [...symptoms, ...rolloutEvidence(index, workload)],
          remediations: present([rolloutHistory('Deployment', index.namespace, name, 'the revisions the rollout moves between'), describe('Deployment', index.namespace, name, 'conditions and events')]),
        });
      }
    }
    if (ready < desired) findings.push(notReady(index, workload, desired, ready, symptoms));
  }
  return findings;
}

function analyzeStatefulSets(index: SnapshotIndex): Finding[] {
  const findings: Finding[] = [];
  for (const set of index.statefulSets) {
    const name = set.metadata?.name ?? '';
    const workload = index.ref('StatefulSet', name) as ObjectRef & { kind: 'StatefulSet' };
    const desired = set.spec?.replicas ?? 1;
    const ready = set.status?.readyReplicas ?? 0;
    const created = failedCreate(index, workload, index.warningsFor('StatefulSet', name), undefined);
    if (created) findings.push(created);
    const extra: Evidence[] = [];
    const current = set.status?.currentRevision;
    const update = set.status?.updateRevision;
    if (current && update && current !== update) {
      extra.push(fieldEvidence(workload, 'status', `currentRevision=${current} updateRevision=${update} updatedReplicas=${set.status?.updatedReplicas ?? 0}`));
      findings.push({
        id: findingId(workload, 'RolloutStuck'), severity: 'warning', object: workload, owner: null, reason: 'RolloutStuck',
        summary: `StatefulSet ${name}: ${set.status?.updatedReplicas ?? 0}/${desired} pods run the update revision ${update}${set.spec?.updateStrategy?.type === 'OnDelete' ? ' (updateStrategy OnDelete: the controller replaces no pod by itself)' : ''}.`,
        affected: [], blastRadius: Math.max(0, desired - (set.status?.updatedReplicas ?? 0)),
        evidence: [...extra, ...(set.spec?.updateStrategy?.type ? [fieldEvidence(workload, 'spec.updateStrategy.type', set.spec.updateStrategy.type, 'spec')] : []), ...rolloutEvidence(index, workload)],
        remediations: present([rolloutHistory('StatefulSet', index.namespace, name, 'the revisions the rollout moves between'), describe('StatefulSet', index.namespace, name, 'conditions and events')]),
        ...(set.spec?.updateStrategy?.type === 'OnDelete'
          ? { check: 'with updateStrategy OnDelete a pod takes the new revision only when it is deleted: delete the pods one at a time, highest ordinal first, waiting for each to be Ready (or switch to RollingUpdate)' }
          : {}),
      });
    }
    if (ready < desired) findings.push(notReady(index, workload, desired, ready, extra));
  }
  return findings;
}

function analyzeDaemonSets(index: SnapshotIndex): Finding[] {
  const findings: Finding[] = [];
  for (const set of index.daemonSets) {
    const name = set.metadata?.name ?? '';
    const workload = index.ref('DaemonSet', name) as ObjectRef & { kind: 'DaemonSet' };
    const desired = set.status?.desiredNumberScheduled ?? 0;
    const ready = set.status?.numberReady ?? 0;
    const created = failedCreate(index, workload, index.warningsFor('DaemonSet', name), undefined);
    if (created) findings.push(created);
    const extra: Evidence[] = [];
    const misscheduled = set.status?.numberMisscheduled ?? 0;
    if (misscheduled > 0) extra.push(fieldEvidence(workload, 'status.numberMisscheduled', String(misscheduled)));
    const updated = set.status?.updatedNumberScheduled ?? desired;
    if (updated < desired) {
      extra.push(fieldEvidence(workload, 'status', `updatedNumberScheduled=${updated} desiredNumberScheduled=${desired}`));
      findings.push({
        id: findingId(workload, 'RolloutStuck'), severity: 'warning', object: workload, owner: null, reason: 'RolloutStuck',
        summary: `DaemonSet ${name}: ${updated}/${desired} nodes run the new template.`,
        affected: [], blastRadius: desired - updated,
        evidence: [...extra, ...rolloutEvidence(index, workload)],
        remediations: present([rolloutHistory('DaemonSet', index.namespace, name, 'the revisions the rollout moves between'), describe('DaemonSet', index.namespace, name, 'conditions and events')]),
      });
    }
    if (ready < desired) findings.push(notReady(index, workload, desired, ready, extra));
  }
  return findings;
}

function analyzeReplicaSets(index: SnapshotIndex): Finding[] {
  // ReplicaSets a Deployment owns are covered by it; bare ones are workloads of their own.
  const findings: Finding[] = [];
  for (const replicaSet of index.replicaSets) {
    if (controllerOf(replicaSet.metadata)?.kind === 'Deployment') continue;
    const name = replicaSet.metadata?.name ?? '';
    const workload = index.ref('ReplicaSet', name);
    const conditions = (replicaSet.status?.conditions ?? []) as Condition[];
    const created = failedCreate(index, workload, index.warningsFor('ReplicaSet', name), conditions.find((condition) => condition.type === 'ReplicaFailure' && condition.status === 'True'));
    if (created) findings.push(created);
    const desired = replicaSet.spec?.replicas ?? 1;
    const ready = replicaSet.status?.readyReplicas ?? 0;
    if (ready < desired) {
      findings.push({
        id: findingId(workload, 'ReplicasNotReady'), severity: ready === 0 ? 'critical' : 'warning', object: workload, owner: null, reason: 'ReplicasNotReady',
        summary: `ReplicaSet ${name}: ${ready}/${desired} replicas ready.`, affected: [], blastRadius: desired - ready,
        evidence: [fieldEvidence(workload, 'status', `ready ${ready}, desired ${desired}`), noteEvidence('this ReplicaSet has no Deployment')],
        remediations: [],
      });
    }
  }
  return findings;
}

/** The workload analyzer. */
export const workloadAnalyzer: Analyzer = {
  name: 'workloads',
  kinds: ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'],
  analyze: (index) => [...analyzeDeployments(index), ...analyzeReplicaSets(index), ...analyzeStatefulSets(index), ...analyzeDaemonSets(index)],
};
