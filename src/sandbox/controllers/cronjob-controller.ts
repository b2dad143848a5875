/**
 * CronJob controller: fires Jobs on the schedule (from the moment the sandbox runs; the scenario's
 * `sandbox.jobs` are its past runs), keeps status.active, lastScheduleTime and lastSuccessfulTime
 * from the Jobs it owns, prunes past the history limits, and reports an unparseable schedule with
 * a Warning UnparseableSchedule event instead of scheduling anything.
 */
import { randomUUID } from 'node:crypto';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { applyCreateDefaults } from '../defaults.js';
import { cloneJson, jsonEqual, type KubeObject } from '../types.js';
import { nextFire, parseSchedule } from './cron-schedule.js';
import { controllerReference, controllerUid } from './pod-factory.js';

function finished(job: Job): 'Complete' | 'Failed' | undefined {
  const condition = (job.status?.conditions ?? []).find((entry) => (entry.type === 'Complete' || entry.type === 'Failed') && entry.status === 'True');
  return condition ? (condition.type as 'Complete' | 'Failed') : undefined;
}

function scheduledAt(job: KubeObject): number {
  return Date.parse(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'] ?? job.metadata.creationTimestamp ?? '') || 0;
}

const reported = new WeakMap<SandboxCluster, Set<string>>();

/** CronJob controller pass. */
export function reconcileCronJobs(cluster: SandboxCluster): void {
  const type = cluster.type('CronJob');
  const jobType = cluster.type('Job');
  const jobsByOwner = new Map<string, KubeObject[]>();
  for (const job of cluster.store.peek(jobType)) {
    const owner = controllerUid(job);
    if (owner) jobsByOwner.set(owner, [...(jobsByOwner.get(owner) ?? []), job]);
  }
  const seen = reported.get(cluster) ?? new Set<string>();
  reported.set(cluster, seen);
  const now = Date.now();
  for (const stored of [...cluster.store.peek(type)]) {
    if (stored.metadata.deletionTimestamp) continue;
    const cronJob = stored as unknown as CronJob;
    const object = cloneJson(stored);
    const jobs = [...(jobsByOwner.get(stored.metadata.uid ?? '') ?? [])].sort((left, right) => scheduledAt(left) - scheduledAt(right));
    const schedule = cronJob.spec?.schedule ?? '';
    let parsed: ReturnType<typeof parseSchedule> | undefined;
    try {
      parsed = parseSchedule(schedule);
    } catch (error) {
      const key = `${stored.metadata.uid}/${schedule}`;
      if (!seen.has(key)) {
        seen.add(key);
        const message = `unparseable schedule: ${JSON.stringify(schedule)} : ${(error as Error).message}`;
        const created = Date.parse(stored.metadata.creationTimestamp ?? '') || now;
        if (cluster.loading) cluster.recordEvent(object, 'Warning', 'UnparseableSchedule', message, 'cronjob-controller', { history: { first: Math.max(created, now - 3_000_000), last: now - 30_000, count: 1 } });
        else cluster.recordEvent(object, 'Warning', 'UnparseableSchedule', message, 'cronjob-controller');
      }
    }
    // Fire on schedule (never for the scenario's past: its jobs say what ran).
    const lastScheduled = Math.max(Date.parse(cronJob.status?.lastScheduleTime ?? '') || 0, ...jobs.map(scheduledAt), cluster.startedAt.getTime());
    if (parsed && !cronJob.spec?.suspend && !cluster.loading) {
      const due = nextFire(parsed, lastScheduled);
      if (due !== undefined && due <= now) {
        const name = `${stored.metadata.name}-${Math.floor(due / 60_000)}`;
        if (!cluster.store.peekOne(jobType, stored.metadata.namespace, name)) {
          const template = cloneJson(cronJob.spec?.jobTemplate);
          const job = applyCreateDefaults(cluster, jobType, {
            apiVersion: 'batch/v1', kind: 'Job',
            metadata: { name, namespace: stored.metadata.namespace, uid: randomUUID(), labels: { ...template?.metadata?.labels }, annotations: { ...template?.metadata?.annotations, 'batch.kubernetes.io/cronjob-scheduled-timestamp': cluster.timestamp(due) }, ownerReferences: [controllerReference(stored)] },
            spec: template?.spec as unknown as KubeObject[string],
          });
          const created = cluster.create(jobType, job);
          jobs.push(created);
          cluster.recordEvent(object, 'Normal', 'SuccessfulCreate', `Created job ${name}`, 'cronjob-controller');
        }
      } else if (due !== undefined) cluster.wakeAt(`cronjob/${stored.metadata.uid}`, due, () => cluster.requestReconcile());
    }
    // Status from the owned jobs; completed ones are pruned past the history limits.
    const active = jobs.filter((job) => !finished(job as unknown as Job));
    const successful = jobs.filter((job) => finished(job as unknown as Job) === 'Complete');
    const failed = jobs.filter((job) => finished(job as unknown as Job) === 'Failed');
    for (const job of jobs) {
      const outcome = finished(job as unknown as Job);
      const key = `saw/${job.metadata.uid}`;
      if (!outcome || seen.has(key)) continue;
      seen.add(key);
      if (!cluster.loading) cluster.recordEvent(object, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, condition: ${outcome}`, 'cronjob-controller');
    }
    const prune = (list: KubeObject[], limit: number) => {
      for (const job of list.slice(0, Math.max(0, list.length - limit))) {
        cluster.store.remove(jobType, job.metadata.namespace, job.metadata.name);
        cluster.recordEvent(object, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`, 'cronjob-controller');
      }
    };
    if (!cluster.loading) {
      prune(successful, cronJob.spec?.successfulJobsHistoryLimit ?? 3);
      prune(failed, cronJob.spec?.failedJobsHistoryLimit ?? 1);
    }
    const status: Record<string, unknown> = {};
    if (active.length > 0) status['active'] = active.map((job) => ({ kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, uid: job.metadata.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata.resourceVersion }));
    const latest = jobs.at(-1);
    if (latest) status['lastScheduleTime'] = cluster.timestamp(scheduledAt(latest));
    else if (cronJob.status?.lastScheduleTime) status['lastScheduleTime'] = cronJob.status.lastScheduleTime;
    const lastSuccess = successful.map((job) => Date.parse((job as unknown as Job).status?.completionTime ?? '')).filter(Number.isFinite).sort((left, right) => left - right).at(-1);
    if (lastSuccess !== undefined) status['lastSuccessfulTime'] = cluster.timestamp(lastSuccess);
    else if (cronJob.status?.lastSuccessfulTime) status['lastSuccessfulTime'] = cronJob.status.lastSuccessfulTime;
    if (jsonEqual(status, stored['status'] ?? {})) continue;
    object['status'] = status;
    cluster.store.update(type, object);
  }
}
