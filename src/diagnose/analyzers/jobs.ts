/**
 * Jobs and CronJobs: a failed Job (BackoffLimitExceeded, DeadlineExceeded, other), with its failed
 * pods' exit codes and log lines; for a CronJob's Job only its latest run counts (older failures are
 * history). CronJobs: suspended, an invalid schedule, a last run that did not succeed.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import { ago, timeOf } from '../age.js';
import type { Analyzer } from '../analyzer.js';
import { scheduleProblem } from '../cron-schedule.js';
import { eventsEvidence, fieldEvidence, noteEvidence } from '../evidence.js';
import { findingId, type Evidence, type Finding } from '../finding.js';
import type { ReasonCode } from '../reasons.js';
import { describe, jobLogs, present, resumeCronJob, triggerCronJob } from '../remediation-requests.js';
import { controllerOf, type SnapshotIndex } from '../snapshot-index.js';

function startedAt(job: Job): number {
  return timeOf(job.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']) ?? timeOf(job.status?.startTime) ?? timeOf(job.metadata?.creationTimestamp) ?? 0;
}

function failedPodEvidence(index: SnapshotIndex, job: string): { evidence: Evidence[]; detail?: string } {
  const pods = [...index.podsOf('Job', job)].sort((left, right) => (timeOf(right.metadata?.creationTimestamp) ?? 0) - (timeOf(left.metadata?.creationTimestamp) ?? 0));
  const evidence: Evidence[] = [];
  let detail: string | undefined;
  for (const pod of pods.slice(0, 3)) {
    const podName = pod.metadata?.name ?? '';
    const ref = index.ref('Pod', podName);
    for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      const terminated = status.state?.terminated ?? status.lastState?.terminated;
      if (!terminated || terminated.exitCode === 0) continue;
      evidence.push(fieldEvidence(ref, `status.containerStatuses[${status.name}].state.terminated`, `reason=${terminated.reason ?? 'Error'} exitCode=${terminated.exitCode}${terminated.finishedAt ? ` finishedAt=${terminated.finishedAt}` : ''}`));
      const first = detail === undefined;
      if (first) detail = `pod ${podName}: container ${status.name} exited with code ${terminated.exitCode} (${terminated.reason ?? 'Error'})`;
      const log = index.log(podName, status.name);
      if (log && !log.error) {
        evidence.push(...log.lines.map((line): Evidence => ({ type: 'log', object: ref, path: `logs -c ${status.name}`, text: line.text, ...(line.error ? { error: true } : {}) })));
        // Only the container the detail names: the summary quotes one error line, not one per pod.
        const lastError = [...log.lines].reverse().find((line) => line.error)?.text;
        if (lastError && first) detail += `; its last error line: ${lastError}`;
      }
    }
  }
  return { evidence, ...(detail ? { detail } : {}) };
}

function cronJobExists(index: SnapshotIndex, name: string): boolean {
  return index.cronJobs.some((cronJob) => cronJob.metadata?.name === name);
}

function analyzeJobs(index: SnapshotIndex): Finding[] {
  const findings: Finding[] = [];
  const latestOfCronJob = new Map<string, Job>();
  for (const job of index.jobs) {
    const owner = controllerOf(job.metadata);
    if (owner?.kind !== 'CronJob') continue;
    const current = latestOfCronJob.get(owner.name);
    if (!current || startedAt(job) > startedAt(current)) latestOfCronJob.set(owner.name, job);
  }
  for (const job of index.jobs) {
    const name = job.metadata?.name ?? '';
    const owner = controllerOf(job.metadata);
    if (owner?.kind === 'CronJob' && latestOfCronJob.get(owner.name) !== job) continue;
    const failed = job.status?.conditions?.find((condition) => condition.type === 'Failed' && condition.status === 'True');
    if (!failed) continue;
    const reason: ReasonCode = failed.reason === 'BackoffLimitExceeded' ? 'BackoffLimitExceeded' : failed.reason === 'DeadlineExceeded' ? 'JobDeadlineExceeded' : 'JobFailed';
    const ref = index.ref('Job', name);
    const pods = failedPodEvidence(index, name);
    const subject = owner?.kind === 'CronJob' ? `The last run of CronJob ${owner.name} (job ${name})` : `Job ${name}`;
    findings.push({
      id: findingId(ref, reason), severity: 'warning', object: ref, owner: owner ? index.ref(owner.kind, owner.name) : null, reason,
      summary: `${subject} failed ${ago(failed.lastTransitionTime, index.now)}: ${failed.reason ?? 'Failed'} (${failed.message ?? ''}), ${job.status?.failed ?? 0} pod(s) failed${pods.detail ? `; ${pods.detail}` : ''}.`.replace(' ()', ''),
      affected: index.podsOf('Job', name).map((pod) => index.ref('Pod', pod.metadata?.name ?? '')),
      blastRadius: 1,
      evidence: [
        fieldEvidence(ref, 'status.conditions[Failed]', `reason=${failed.reason ?? ''} message=${JSON.stringify(failed.message ?? '')}`),
        fieldEvidence(ref, 'status', `failed=${job.status?.failed ?? 0} succeeded=${job.status?.succeeded ?? 0} backoffLimit=${job.spec?.backoffLimit ?? 6}${job.spec?.activeDeadlineSeconds ? ` activeDeadlineSeconds=${job.spec.activeDeadlineSeconds}` : ''}`),
        ...pods.evidence,
        ...eventsEvidence(index.warningsFor('Job', name), index.now),
      ],
      remediations: present([
        // A CronJob's failed run is re-run as a new Job from the CronJob; a bare Job has no template to re-run from.
        ...(owner?.kind === 'CronJob' && cronJobExists(index, owner.name) ? [triggerCronJob(index.namespace, owner.name, 'after fixing what the pod\'s logs name, a new Job from the CronJob\'s template runs now instead of at the next schedule; running it again unchanged fails the same way')] : []),
        jobLogs(index.namespace, name, 'what the job\'s pod printed before it failed'),
        describe('Job', index.namespace, name, 'its conditions, pods and events'),
      ]),
      check: reason === 'JobDeadlineExceeded'
        ? `the job ran longer than activeDeadlineSeconds (${job.spec?.activeDeadlineSeconds ?? '?'}s) and its pods were stopped: find why it is slow (its logs), or raise the deadline${owner?.kind === 'CronJob' ? ` in CronJob ${owner.name}'s jobTemplate` : ' and recreate the job'}`
        : `fix what the pod's logs name${owner?.kind === 'CronJob' ? `, then run CronJob ${owner.name} again (the fix below) or wait for its next schedule` : ', then recreate the job'}`,
    });
  }
  return findings;
}

function analyzeCronJobs(index: SnapshotIndex): Finding[] {
  const findings: Finding[] = [];
  for (const cronJob of index.cronJobs) {
    const name = cronJob.metadata?.name ?? '';
    const ref = index.ref('CronJob', name);
    const remediations = present([describe('CronJob', index.namespace, name, 'its schedule, last runs and events')]);
    if (cronJob.spec?.suspend) {
      findings.push({
        id: findingId(ref, 'CronJobSuspended'), severity: 'info', object: ref, owner: null, reason: 'CronJobSuspended',
        summary: `CronJob ${name} is suspended: it does not run on its schedule (${cronJob.spec.schedule}).`, affected: [], blastRadius: 0,
        evidence: [fieldEvidence(ref, 'spec.suspend', 'true', 'spec'), ...(cronJob.status?.lastScheduleTime ? [fieldEvidence(ref, 'status.lastScheduleTime', `${cronJob.status.lastScheduleTime} (${ago(cronJob.status.lastScheduleTime, index.now)})`)] : [])],
        remediations: [resumeCronJob(index.namespace, name, 'spec.suspend: false schedules runs again from the next scheduled time; leave it suspended if that was on purpose (an incident, a migration)'), ...remediations],
        check: 'resume it when it should run again (spec.suspend: false); a run missed while suspended starts only if startingDeadlineSeconds still covers it',
      });
    }
    const problem = scheduleProblem(cronJob.spec?.schedule);
    if (problem) {
      findings.push({
        id: findingId(ref, 'InvalidSchedule'), severity: 'warning', object: ref, owner: null, reason: 'InvalidSchedule',
        summary: `CronJob ${name} has an invalid schedule "${cronJob.spec?.schedule ?? ''}": ${problem}; it never runs.`, affected: [], blastRadius: 1,
        evidence: [fieldEvidence(ref, 'spec.schedule', JSON.stringify(cronJob.spec?.schedule ?? ''), 'spec'), ...eventsEvidence(index.warningsFor('CronJob', name), index.now)],
        remediations, check: 'fix spec.schedule: five fields (minute hour day-of-month month day-of-week) or a macro such as @daily',
      });
    }
    const scheduled = timeOf(cronJob.status?.lastScheduleTime);
    const succeeded = timeOf(cronJob.status?.lastSuccessfulTime);
    const active = (cronJob.status?.active ?? []).length > 0;
    if (index.jobsOf(name).length === 0 && scheduled !== undefined && !active && (succeeded === undefined || succeeded < scheduled)) {
      findings.push({
        id: findingId(ref, 'CronJobLastRunFailed'), severity: 'warning', object: ref, owner: null, reason: 'CronJobLastRunFailed',
        summary: `CronJob ${name}: the run scheduled ${ago(cronJob.status?.lastScheduleTime, index.now)} did not succeed${succeeded !== undefined ? ` (last success ${ago(cronJob.status?.lastSuccessfulTime, index.now)})` : ' and none ever did'}; its Job is gone.`,
        affected: [], blastRadius: 1,
        evidence: [
          fieldEvidence(ref, 'status', `lastScheduleTime=${cronJob.status?.lastScheduleTime ?? ''} lastSuccessfulTime=${cronJob.status?.lastSuccessfulTime ?? '(never)'}`),
          noteEvidence('no Job of this CronJob is left (failedJobsHistoryLimit) to show why'),
          ...eventsEvidence(index.warningsFor('CronJob', name), index.now),
        ],
        remediations: [triggerCronJob(index.namespace, name, 'a run now, outside the schedule, shows whether it still fails, and keeps its Job (and its logs) to read'), ...remediations],
        check: 'keep a failed Job for inspection (failedJobsHistoryLimit >= 1) and read its logs on the next failure',
      });
    }
  }
  return findings;
}

/** The job analyzer. */
export const jobAnalyzer: Analyzer = { name: 'jobs', kinds: ['Job'], analyze: analyzeJobs };
/** The cronjob analyzer. */
export const cronJobAnalyzer: Analyzer = { name: 'cronjobs', kinds: ['CronJob'], analyze: analyzeCronJobs };
