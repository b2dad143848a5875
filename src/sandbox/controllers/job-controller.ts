/**
 * Job controller: runs pods until `completions` succeed (Complete), re-creating failed ones after
 * the controller's back-off (10 s doubling, at most 6 min), and fails the Job with the controller's
 * conditions and events once failures pass `backoffLimit` (BackoffLimitExceeded: "Job has reached
 * the specified backoff limit") or it runs past `activeDeadlineSeconds` (DeadlineExceeded: "Job was
 * active longer than specified deadline"), or a failed pod matches a podFailurePolicy FailJob rule
 * (PodFailurePolicy: "Container x for pod ns/y failed with exit code 42 matching FailJob rule at
 * index 0"; Ignore rules keep a failure off the backoff count). Failed pods are kept; active ones are deleted.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { cloneJson, jsonEqual, type KubeObject } from '../types.js';
import { deletePodGracefully } from './pod-deletion.js';
import { isActivePod, isPodReady, podFromTemplate, randomSuffix } from './pod-factory.js';
import { createReplicas, podsByOwner } from './replicaset-controller.js';

const maxBackOffMs = 360_000;

function finishedAt(pod: Pod): number {
  const times = (pod.status?.containerStatuses ?? []).map((status) => Date.parse(status.state?.terminated?.finishedAt ?? '')).filter(Number.isFinite);
  return times.length > 0 ? Math.max(...times) : Date.parse(pod.metadata?.creationTimestamp ?? '') || Date.now();
}

function failJob(cluster: SandboxCluster, object: KubeObject, status: Record<string, unknown>, reason: string, message: string, at: number, active: readonly KubeObject[]): void {
  const time = cluster.timestamp(at);
  status['conditions'] = [
    { type: 'FailureTarget', status: 'True', lastProbeTime: time, lastTransitionTime: time, reason, message },
    { type: 'Failed', status: 'True', lastProbeTime: time, lastTransitionTime: time, reason, message },
  ];
  delete status['active'];
  status['ready'] = 0;
  object['status'] = status;
  cluster.store.update(cluster.type('Job'), object);
  for (const pod of active) deletePodGracefully(cluster, pod);
  if (cluster.loading) {
    if (Date.now() - at < 3_600_000) cluster.recordEvent(object, 'Warning', reason, message, 'job-controller', { history: { first: at, last: at, count: 1 } });
  } else cluster.recordEvent(object, 'Warning', reason, message, 'job-controller');
}

/** The first podFailurePolicy rule a failed pod matches, with the container and exit code that matched. */
function matchingRule(job: Job, pod: Pod): { action: string; index: number; container?: string; exitCode?: number; condition?: string } | undefined {
  const rules = job.spec?.podFailurePolicy?.rules ?? [];
  for (const [index, rule] of rules.entries()) {
    if (rule.onExitCodes) {
      const { containerName, operator, values } = rule.onExitCodes;
      // Only containers that terminated with a non-zero code count (exit 0 never matches a rule).
      const hit = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((status) => {
        const code = status.state?.terminated?.exitCode;
        if (code === undefined || code === 0 || (containerName && status.name !== containerName)) return false;
        return operator === 'In' ? values.includes(code) : !values.includes(code);
      });
      if (hit) return { action: rule.action, index, container: hit.name, exitCode: hit.state!.terminated!.exitCode };
    }
    if (rule.onPodConditions?.length) {
      const matched = rule.onPodConditions.find((wanted) => (pod.status?.conditions ?? []).some((condition) => condition.type === wanted.type && condition.status === (wanted.status ?? 'True')));
      if (matched) return { action: rule.action, index, condition: matched.type };
    }
  }
  return undefined;
}

/** Job controller pass. */
export function reconcileJobs(cluster: SandboxCluster): void {
  const type = cluster.type('Job');
  const owned = podsByOwner(cluster);
  const now = Date.now();
  for (const stored of [...cluster.store.peek(type)]) {
    const job = stored as unknown as Job;
    const conditions = job.status?.conditions ?? [];
    if (conditions.some((condition) => (condition.type === 'Complete' || condition.type === 'Failed') && condition.status === 'True')) continue;
    if (stored.metadata.deletionTimestamp) continue;
    const object = cloneJson(stored);
    const pods = (owned.get(object.metadata.uid ?? '') ?? []) as unknown as Pod[];
    const active = pods.filter(isActivePod);
    const succeeded = pods.filter((pod) => pod.status?.phase === 'Succeeded').length;
    const failedPods = pods.filter((pod) => pod.status?.phase === 'Failed');
    const restarts = job.spec?.template.spec?.restartPolicy === 'OnFailure'
      ? active.reduce((sum, pod) => sum + (pod.status?.containerStatuses ?? []).reduce((total, container) => total + container.restartCount, 0), 0) : 0;
    // podFailurePolicy: a FailJob rule fails the Job at once; Ignore keeps a failure off backoffLimit.
    const ruled = failedPods.map((pod) => ({ pod, rule: matchingRule(job, pod) }));
    const failJobRule = ruled.filter((entry) => entry.rule?.action === 'FailJob').sort((left, right) => finishedAt(left.pod) - finishedAt(right.pod))[0];
    const failures = ruled.filter((entry) => entry.rule?.action !== 'Ignore').length + restarts;
    const completions = job.spec?.completions ?? 1;
    const parallelism = job.spec?.parallelism ?? 1;
    const created = Date.parse(object.metadata.creationTimestamp ?? '') || now;
    const startTime = job.status?.startTime ?? cluster.timestamp(cluster.loading ? created : now);
    const status: Record<string, unknown> = { ...job.status, startTime, active: active.length, ready: active.filter(isPodReady).length, terminating: 0, uncountedTerminatedPods: {} };
    if (succeeded > 0) status['succeeded'] = succeeded;
    if (failedPods.length > 0) status['failed'] = failedPods.length;
    if (active.length === 0) delete status['active'];
    if (job.spec?.suspend) {
      status['conditions'] = [{ type: 'Suspended', status: 'True', lastProbeTime: cluster.timestamp(), lastTransitionTime: cluster.timestamp(), reason: 'JobSuspended', message: 'Job suspended' }];
      if (!jsonEqual(status, stored['status'])) {
        object['status'] = status;
        cluster.store.update(type, object);
      }
      for (const pod of active) deletePodGracefully(cluster, pod as unknown as KubeObject);
      continue;
    }
    if (succeeded >= completions) {
      const done = Math.max(...pods.filter((pod) => pod.status?.phase === 'Succeeded').map(finishedAt));
      const at = cluster.loading ? done : now;
      const time = cluster.timestamp(at);
      status['completionTime'] = time;
      status['conditions'] = [
        { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: time, lastTransitionTime: time, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
        { type: 'Complete', status: 'True', lastProbeTime: time, lastTransitionTime: time, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
      ];
      object['status'] = status;
      cluster.store.update(type, object);
      if (cluster.loading) {
        if (now - at < 3_600_000) cluster.recordEvent(object, 'Normal', 'Completed', 'Job completed', 'job-controller', { history: { first: at, last: at, count: 1 } });
      } else cluster.recordEvent(object, 'Normal', 'Completed', 'Job completed', 'job-controller');
      continue;
    }
    const deadline = job.spec?.activeDeadlineSeconds;
    if (deadline !== undefined && deadline !== null) {
      const due = Date.parse(startTime) + deadline * 1000;
      if (due <= now) {
        failJob(cluster, object, status, 'DeadlineExceeded', 'Job was active longer than specified deadline', cluster.loading ? due : now, active as unknown as KubeObject[]);
        continue;
      }
      cluster.wakeAt(`job-deadline/${object.metadata.uid}`, due, () => cluster.requestReconcile());
    }
    if (failJobRule) {
      const { pod, rule } = failJobRule;
      const what = rule!.container !== undefined ? `Container ${rule!.container} for pod ${pod.metadata?.namespace}/${pod.metadata?.name} failed with exit code ${rule!.exitCode}` : `Pod ${pod.metadata?.namespace}/${pod.metadata?.name} has condition ${rule!.condition ?? ''}`;
      failJob(cluster, object, status, 'PodFailurePolicy', `${what} matching FailJob rule at index ${rule!.index}`, cluster.loading ? finishedAt(pod) : now, active as unknown as KubeObject[]);
      continue;
    }
    const backoffLimit = job.spec?.backoffLimit ?? 6;
    if (failures > backoffLimit) {
      const at = cluster.loading ? Math.max(...failedPods.map(finishedAt), created) : now;
      failJob(cluster, object, status, 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', at, active as unknown as KubeObject[]);
      continue;
    }
    const wanted = Math.min(parallelism, completions - succeeded) - active.length;
    let made = 0;
    if (wanted > 0) {
      // After a failure the controller waits 10 s, doubling per failure, at most 6 min.
      const lastFailure = failedPods.length > 0 ? Math.max(...failedPods.map(finishedAt)) : undefined;
      const due = lastFailure === undefined ? (cluster.loading ? created + 1_000 : now) : lastFailure + Math.min(10_000 * 2 ** (failedPods.length - 1), maxBackOffMs);
      if (due > now) cluster.wakeAt(`job-backoff/${object.metadata.uid}`, due, () => cluster.requestReconcile());
      else {
        const result = createReplicas(cluster, object, wanted, () => {
          const pod = podFromTemplate(job.spec?.template, object, `${object.metadata.name}-${randomSuffix()}`);
          if (cluster.loading) pod.metadata.creationTimestamp = cluster.timestamp(due);
          return pod;
        }, 'job-controller', []);
        made = result.created;
      }
    }
    if (made > 0) status['active'] = active.length + made;
    if (jsonEqual(status, stored['status'])) continue;
    object['status'] = status;
    cluster.store.update(type, object);
  }
}
