/**
 * The pod analyzer: every container of every pod (init containers included), grouped into one
 * finding per workload and reason (a Deployment whose three pods crash is one finding listing the
 * three), correlated with the workload's rollout history, with fixes and next steps as requests.
 */
import type { Analyzer } from '../analyzer.js';
import { fieldEvidence, noteEvidence } from '../evidence.js';
import { findingId, type Evidence, type Finding, type ObjectRef, type Remediation, type Severity } from '../finding.js';
import type { ReasonCode } from '../reasons.js';
import {
  containerLogs, describe, isRolloutKind, podEvents, podUsage, present, restart, rollbackTo, rolloutHistory, uncordon,
} from '../remediation-requests.js';
import { correlateRollout } from '../rollout-history.js';
import { controllerOf, type SnapshotIndex } from '../snapshot-index.js';
import { podIssues, type PodIssue } from './pod-issues.js';
import { availabilityOf, formatAvailability } from './workload-status.js';

/** Pods whose full evidence a finding lists; the others contribute their first line. */
const PODS_WITH_FULL_EVIDENCE = 3;

const WHAT: Readonly<Partial<Record<ReasonCode, string>>> = {
  CrashLoopBackOff: 'crash-loop',
  OOMKilled: 'are OOM-killed',
  ImagePullBackOff: 'cannot pull their image',
  InvalidImageName: 'have an invalid image name',
  CreateContainerConfigError: 'cannot start: configuration they reference is missing',
  RunContainerError: 'cannot start their container',
  Unschedulable: 'cannot be scheduled',
  FailedMount: 'cannot mount a volume',
  PodSandboxFailed: 'cannot get a pod sandbox',
  NotReady: 'run but are not ready',
  Restarting: 'restarted recently',
  Evicted: 'were evicted',
  PodFailed: 'failed',
  Pending: 'are stuck Pending',
};

/** Reasons where the pods' own revision is the suspect (a bad image, config, command or memory limit). */
const ROLLBACK_REASONS = new Set<ReasonCode>(['CrashLoopBackOff', 'OOMKilled', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'RunContainerError', 'NotReady']);

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function severityOf(index: SnapshotIndex, workload: ObjectRef, reason: ReasonCode): Severity {
  const availability = availabilityOf(index, workload.kind, workload.name);
  if (reason === 'Evicted') return availability && availability.ready >= availability.desired ? 'info' : 'warning';
  // A finished pod that failed is not an outage of something running; a Restarting one runs again.
  if (reason === 'Restarting' || reason === 'PodFailed') return 'warning';
  if (availability && availability.desired > 0 && availability.ready === 0) return 'critical';
  return 'warning';
}

function remediationsFor(index: SnapshotIndex, workload: ObjectRef, reason: ReasonCode, issues: readonly PodIssue[], rollback: Remediation | undefined): Remediation[] {
  const first = issues[0]!;
  const pod = first.pod.metadata?.name ?? '';
  const namespace = index.namespace;
  const container = first.container;
  const fixes: Array<Remediation | undefined> = [];
  const inspect: Array<Remediation | undefined> = [];
  if (rollback) fixes.push(rollback);
  const rolloutKind = isRolloutKind(workload.kind) ? workload.kind : undefined;
  switch (reason) {
    case 'CrashLoopBackOff':
      if (rolloutKind) fixes.push(restart(rolloutKind, namespace, workload.name, 'after fixing what the log names (configuration, a dependency), a rolling restart starts fresh pods; restarting alone rarely cures a crash loop'));
      if (container) inspect.push(containerLogs(namespace, pod, container, first.logs !== 'current', 'the last lines the crashed container printed say why it exits'));
      break;
    case 'OOMKilled':
      if (container) inspect.push(containerLogs(namespace, pod, container, true, 'what the container did before it was killed'));
      {
        // The killed container has no usage to show; a running pod of the same workload does.
        const siblings = workload.kind === 'Pod' ? [] : index.podsOf(workload.kind, workload.name);
        const measurable = siblings.find((candidate) => candidate.status?.containerStatuses?.some((status) => status.name === container && status.state?.running));
        inspect.push(podUsage(namespace, measurable?.metadata?.name ?? pod, 'memory use against the limit, per container'));
      }
      break;
    case 'NotReady':
    case 'PodFailed':
      if (container) inspect.push(containerLogs(namespace, pod, container, false, 'what the container logs while it fails'));
      break;
    case 'Restarting':
      if (container) inspect.push(containerLogs(namespace, pod, container, true, 'the last lines of the instance that exited'));
      break;
    case 'Unschedulable':
      for (const node of new Set(issues.flatMap((issue) => issue.nodes ?? []))) fixes.push(uncordon(node, `the scheduler skips ${node} because it is cordoned`));
      break;
    default:
      break;
  }
  inspect.push(describe('Pod', namespace, pod, 'the pod\'s conditions, container states and recent events in one view'));
  if (reason !== 'Unschedulable' && reason !== 'Evicted') inspect.push(podEvents(namespace, pod, 'every event of the pod, oldest to newest'));
  else inspect.push(podEvents(namespace, pod, 'the scheduler\'s and kubelet\'s events for the pod'));
  if (rolloutKind && rollback) inspect.push(rolloutHistory(rolloutKind, namespace, workload.name, 'what changed between the revisions'));
  return [...present(fixes), ...present(inspect)];
}

/** Builds one finding from the issues of one workload with one reason. */
function findingFor(index: SnapshotIndex, workload: ObjectRef, reason: ReasonCode, issues: readonly PodIssue[]): Finding {
  const pods = [...new Map(issues.map((issue) => [issue.pod.metadata?.name ?? '', issue.pod])).values()];
  const availability = availabilityOf(index, workload.kind, workload.name);
  const total = workload.kind === 'Pod' ? 1 : index.podsOf(workload.kind, workload.name).length;
  const what = WHAT[reason] ?? reason;
  const first = issues[0]!;
  const evidence: Evidence[] = [];
  if (workload.kind !== 'Pod' && availability) evidence.push(fieldEvidence(workload, 'status', `${formatAvailability(availability)} (spec wants ${availability.desired})`));

  let rollback: Remediation | undefined;
  let rolloutSentence = '';
  if (ROLLBACK_REASONS.has(reason) && isRolloutKind(workload.kind)) {
    const correlation = correlateRollout(index, workload.kind, workload.name, pods, what);
    if (correlation?.sentence) {
      rolloutSentence = correlation.sentence;
      evidence.push({ type: 'revision', object: workload, text: correlation.sentence, ...(correlation.current.createdAt ? { at: correlation.current.createdAt } : {}) });
    }
    if (correlation?.suggestsRollback && correlation.previous) {
      rollback = rollbackTo(workload.kind, index.namespace, workload.name, correlation.previous.revision, `${correlation.sentence}: going back to revision ${correlation.previous.revision} restores the last template that ${correlation.previousServing ? 'is serving' : 'ran'}`);
    }
  }

  issues.forEach((issue, position) => {
    if (position < PODS_WITH_FULL_EVIDENCE) evidence.push(...issue.evidence);
    else if (issue.evidence[0]) evidence.push(issue.evidence[0]);
  });
  if (issues.length > PODS_WITH_FULL_EVIDENCE) evidence.push(noteEvidence(`${issues.length - PODS_WITH_FULL_EVIDENCE} more pod(s) show the same; their first line is listed`));

  const count = workload.kind === 'Pod' ? '' : `${pods.length} of ${plural(total, 'pod')} ${what}`;
  const subject = `${workload.kind} ${workload.name}`;
  const head = workload.kind === 'Pod' ? `${subject}: ${first.detail}` : `${subject}: ${count}${availability ? ` (${formatAvailability(availability)})` : ''}; ${first.detail}`;
  const sentence = head.replace(/\.+$/, '');
  const summary = rolloutSentence ? `${sentence}. ${capitalize(rolloutSentence)}.` : `${sentence}.`;
  const checks = [...new Set(issues.map((issue) => issue.check).filter((check): check is string => check !== undefined))];
  const owner = workload.kind === 'Job' ? jobOwner(index, workload.name) : null;
  const desiredMissing = availability ? Math.max(0, availability.desired - availability.ready) : 0;
  return {
    id: findingId(workload, reason),
    severity: severityOf(index, workload, reason),
    object: workload,
    owner,
    reason,
    summary,
    affected: pods.map((pod) => index.ref('Pod', pod.metadata?.name ?? '')),
    blastRadius: Math.max(pods.length, desiredMissing),
    evidence,
    remediations: remediationsFor(index, workload, reason, issues, rollback),
    ...(checks.length > 0 ? { check: checks.slice(0, 2).join('; ') } : {}),
  };
}

function jobOwner(index: SnapshotIndex, job: string): ObjectRef | null {
  const owner = controllerOf(index.jobs.find((candidate) => candidate.metadata?.name === job)?.metadata);
  return owner ? index.ref(owner.kind, owner.name) : null;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Every pod problem, one finding per workload and reason. */
export function analyzePods(index: SnapshotIndex): Finding[] {
  const groups = new Map<string, { workload: ObjectRef; reason: ReasonCode; issues: PodIssue[] }>();
  for (const pod of index.pods) {
    const issues = podIssues(index, pod);
    if (issues.length === 0) continue;
    const workload = index.workloadOf(pod);
    for (const issue of issues) {
      const key = `${workload.kind}/${workload.name}/${issue.reason}`;
      const group = groups.get(key);
      if (group) group.issues.push(issue);
      else groups.set(key, { workload, reason: issue.reason, issues: [issue] });
    }
  }
  return [...groups.values()].map((group) => findingFor(index, group.workload, group.reason, group.issues));
}

/** The pod analyzer. */
export const podAnalyzer: Analyzer = { name: 'pods', kinds: ['Pod'], analyze: analyzePods };
