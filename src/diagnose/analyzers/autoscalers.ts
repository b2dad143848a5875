/**
 * HorizontalPodAutoscalers: a target that does not exist, scaling on a resource the target does not
 * request, failing conditions (AbleToScale, ScalingActive), and pinned at maxReplicas.
 */
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { Analyzer } from '../analyzer.js';
import { eventsEvidence, fieldEvidence } from '../evidence.js';
import { findingId, type Evidence, type Finding } from '../finding.js';
import type { ReasonCode } from '../reasons.js';
import { describe, present } from '../remediation-requests.js';
import type { SnapshotIndex } from '../snapshot-index.js';
import { ownValue } from '../../own-property.js';

function targetTemplate(index: SnapshotIndex, kind: string, name: string): PodTemplateSpec | undefined | null {
  const find = <T extends { metadata?: { name?: string }; spec?: { template?: PodTemplateSpec } }>(list: readonly T[]) => {
    const object = list.find((candidate) => candidate.metadata?.name === name);
    return object ? (object.spec?.template ?? null) : undefined;
  };
  if (kind === 'Deployment') return find(index.deployments);
  if (kind === 'StatefulSet') return find(index.statefulSets);
  if (kind === 'ReplicaSet') return find(index.replicaSets);
  return null; // a kind the snapshot does not hold (a CRD with a scale subresource): cannot tell
}

/** Kinds without a scale subresource: an autoscaler pointed at one can never scale it. */
const UNSCALABLE_KINDS: ReadonlySet<string> = new Set(['DaemonSet', 'Job', 'CronJob', 'Pod']);

function utilizationResources(hpa: HorizontalPodAutoscaler): string[] {
  return (hpa.spec?.metrics ?? [])
    .filter((metric) => metric.type === 'Resource' && metric.resource?.target?.type === 'Utilization' && typeof metric.resource.name === 'string')
    .map((metric) => metric.resource!.name);
}

function analyzeAutoscalers(index: SnapshotIndex): Finding[] {
  const findings: Finding[] = [];
  for (const hpa of index.snapshot.horizontalPodAutoscalers ?? []) {
    const name = hpa.metadata?.name ?? '';
    const ref = index.ref('HorizontalPodAutoscaler', name);
    const target = hpa.spec?.scaleTargetRef;
    const targetRef = index.ref(target?.kind ?? 'Deployment', target?.name ?? '');
    const events = index.warningsFor('HorizontalPodAutoscaler', name);
    const template = targetTemplate(index, targetRef.kind, targetRef.name);
    // A target that does not exist has nothing to describe.
    const remediations = present([describe('HorizontalPodAutoscaler', index.namespace, name, 'its metrics, conditions and events'), ...(template === undefined ? [] : [describe(targetRef.kind, index.namespace, targetRef.name, 'the workload it scales')])]);
    const build = (reason: ReasonCode, summary: string, evidence: Evidence[], check?: string): Finding => ({
      id: findingId(ref, reason), severity: 'warning', object: ref, owner: null, reason, summary, affected: [targetRef], blastRadius: 1,
      evidence: [...evidence, ...eventsEvidence(events, index.now)], remediations, ...(check ? { check } : {}),
    });
    if (template === undefined) {
      findings.push(build('HPATargetMissing', `HorizontalPodAutoscaler ${name} scales ${targetRef.kind} ${targetRef.name}, which does not exist.`,
        [fieldEvidence(ref, 'spec.scaleTargetRef', `${target?.apiVersion ?? ''} ${targetRef.kind}/${targetRef.name}`.trim(), 'spec')],
        'point spec.scaleTargetRef at an existing workload, or delete the autoscaler'));
      continue;
    }
    const conditions = hpa.status?.conditions ?? [];
    if (template) {
      const missing: string[] = [];
      for (const resource of utilizationResources(hpa)) {
        const without = (template.spec?.containers ?? []).filter((container) => ownValue(container.resources?.requests, resource) === undefined).map((container) => container.name);
        if (without.length > 0) missing.push(`${resource} (containers without a request: ${without.join(', ')})`);
      }
      if (missing.length > 0) {
        findings.push(build('HPAMissingRequests', `HorizontalPodAutoscaler ${name} scales ${targetRef.kind} ${targetRef.name} on ${missing[0]}: utilization cannot be computed without requests, so it does not scale.`,
          [...missing.map((line) => fieldEvidence(targetRef, 'spec.template.spec.containers[*].resources.requests', `no request for ${line}`, 'spec')),
            ...conditions.filter((condition) => condition.status === 'False').map((condition) => fieldEvidence(ref, `status.conditions[${condition.type}]`, `status=False reason=${condition.reason ?? ''} message=${JSON.stringify(condition.message ?? '')}`))],
          `add resource requests for ${missing.map((line) => line.split(' ')[0]).join(', ')} to every container of ${targetRef.kind} ${targetRef.name}`));
        continue;
      }
    }
    const ableToScale = conditions.find((condition) => condition.type === 'AbleToScale' && condition.status === 'False');
    if (ableToScale) {
      findings.push(build('HPAUnableToScale', `HorizontalPodAutoscaler ${name} cannot scale ${targetRef.kind} ${targetRef.name}: ${ableToScale.reason ?? ''} ${ableToScale.message ?? ''}`.trim() + '.',
        [fieldEvidence(ref, 'status.conditions[AbleToScale]', `status=False reason=${ableToScale.reason ?? ''} message=${JSON.stringify(ableToScale.message ?? '')}`)],
        UNSCALABLE_KINDS.has(targetRef.kind)
          ? `a ${targetRef.kind} has no replica count (no scale subresource), so no autoscaler can scale it: point spec.scaleTargetRef at a Deployment or StatefulSet, or delete the autoscaler`
          : `the autoscaler cannot read or set the scale of ${targetRef.kind} ${targetRef.name} (${ableToScale.reason ?? 'AbleToScale=False'}): check the target and the autoscaler's events`));
    }
    const active = conditions.find((condition) => condition.type === 'ScalingActive' && condition.status === 'False');
    if (active) {
      findings.push(build('HPAScalingInactive', `HorizontalPodAutoscaler ${name} cannot compute a replica count for ${targetRef.kind} ${targetRef.name}: ${active.reason ?? ''} ${active.message ?? ''}`.trim() + '.',
        [fieldEvidence(ref, 'status.conditions[ScalingActive]', `status=False reason=${active.reason ?? ''} message=${JSON.stringify(active.message ?? '')}`)],
        /metrics|FailedGet/i.test(`${active.reason ?? ''} ${active.message ?? ''}`) ? 'check that metrics-server (or the metrics adapter) is running and the target\'s pods are ready' : undefined));
    }
    const limited = conditions.find((condition) => condition.type === 'ScalingLimited' && condition.status === 'True' && condition.reason === 'TooManyReplicas');
    const max = hpa.spec?.maxReplicas;
    if (limited && max !== undefined && (hpa.status?.currentReplicas ?? 0) >= max) {
      findings.push(build('HPAAtMaxReplicas', `HorizontalPodAutoscaler ${name} is pinned at maxReplicas ${max} for ${targetRef.kind} ${targetRef.name} and wants more: ${limited.message ?? ''}`.trim() + '.',
        [fieldEvidence(ref, 'status', `currentReplicas=${hpa.status?.currentReplicas ?? 0} desiredReplicas=${hpa.status?.desiredReplicas ?? 0} maxReplicas=${max}`),
          fieldEvidence(ref, 'status.conditions[ScalingLimited]', `status=True reason=TooManyReplicas message=${JSON.stringify(limited.message ?? '')}`),
          ...(hpa.status?.currentMetrics ?? []).map((metric) => fieldEvidence(ref, 'status.currentMetrics', JSON.stringify(metric)))],
        `raise spec.maxReplicas (now ${max}) if the cluster has room, or make each pod handle more; rk8s has no card that edits an autoscaler`));
    }
  }
  return findings;
}

/** The autoscaler analyzer. */
export const autoscalerAnalyzer: Analyzer = { name: 'autoscalers', kinds: ['HorizontalPodAutoscaler'], analyze: analyzeAutoscalers };
