import { describe, expect, it } from 'vitest';
import { cronJobAnalyzer, jobAnalyzer } from '../../../../src/diagnose/analyzers/jobs.js';
import { SnapshotIndex } from '../../../../src/diagnose/snapshot-index.js';
import type { Snapshot } from '../../../../src/diagnose/snapshot-types.js';
import { DAY, HOUR, cronJob, job, pod, running, snapshotOf } from '../fixtures.js';

const jobs = (parts: Partial<Snapshot>) => jobAnalyzer.analyze(new SnapshotIndex(snapshotOf(parts)));
const cronJobs = (parts: Partial<Snapshot>) => cronJobAnalyzer.analyze(new SnapshotIndex(snapshotOf(parts)));
const failedPod = (name: string, owner: string) => pod(name, { owner: `Job/${owner}`, phase: 'Failed', restartPolicy: 'Never', containers: [], statuses: [{ ...running('report'), ready: false, state: { terminated: { exitCode: 3, reason: 'Error', finishedAt: '2026-01-10T11:00:00Z' } } }] });

describe('job analyzer', () => {
  it('finds nothing for a complete job', () => {
    expect(jobs({ jobs: [job('report-1')] })).toEqual([]);
  });

  it.each([
    ['BackoffLimitExceeded', 'Job has reached the specified backoff limit', 'BackoffLimitExceeded'],
    ['DeadlineExceeded', 'Job was active longer than specified deadline', 'JobDeadlineExceeded'],
    ['PodFailurePolicy', 'Container report for pod x failed with exit code 42 matching FailJob rule', 'JobFailed'],
  ])('reports a job that failed with %s as %s', (reason, message, code) => {
    const snapshot: Partial<Snapshot> = {
      jobs: [job('migrate', { failed: { reason, message } })],
      pods: [failedPod('migrate-abcde', 'migrate')],
      logs: [{ pod: 'migrate-abcde', container: 'report', previous: false, lines: [{ text: 'connecting', error: false }, { text: 'ERROR relation "users" does not exist', error: true }] }],
    };
    const [finding] = jobs(snapshot);
    expect(finding).toMatchObject({ reason: code, object: { kind: 'Job', name: 'migrate' }, owner: null });
    expect(finding!.summary).toContain(`Job migrate failed 60m ago: ${reason} (${message}), 7 pod(s) failed; pod migrate-abcde: container report exited with code 3 (Error); its last error line: ERROR relation "users" does not exist.`);
    expect(finding!.remediations.map((remediation) => `${remediation.request.intent} ${remediation.request.resource}`)).toEqual(['logs job', 'describe job']);
  });

  it('quotes one error line however many failed pods left logs, and says what a deadline means', () => {
    const snapshot: Partial<Snapshot> = {
      jobs: [job('migrate', { failed: { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' } })],
      pods: [failedPod('migrate-aaaaa', 'migrate'), failedPod('migrate-bbbbb', 'migrate')],
      logs: ['migrate-aaaaa', 'migrate-bbbbb'].map((name) => ({ pod: name, container: 'report', previous: false, lines: [{ text: `ERROR from ${name}`, error: true }] })),
    };
    const [finding] = jobs(snapshot);
    expect(finding!.summary.match(/its last error line/g)).toHaveLength(1);
    expect(finding!.check).toContain('ran longer than activeDeadlineSeconds');
  });

  it('counts only the latest run of a CronJob, and names the CronJob', () => {
    const older = job('report-100', { owner: 'report', failed: { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }, scheduledAgo: 2 * DAY });
    const newer = job('report-200', { owner: 'report', scheduledAgo: DAY });
    expect(jobs({ jobs: [older, newer], cronJobs: [cronJob('report')] })).toEqual([]);
    const failedLatest = job('report-300', { owner: 'report', failed: { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }, scheduledAgo: HOUR });
    const [finding] = jobs({ jobs: [older, newer, failedLatest], cronJobs: [cronJob('report')] });
    expect(finding).toMatchObject({ object: { kind: 'Job', name: 'report-300' }, owner: { kind: 'CronJob', name: 'report', namespace: 'prod' } });
    expect(finding!.summary).toMatch(/^The last run of CronJob report \(job report-300\) failed/);
    expect(finding!.check).toContain('then run CronJob report again');
    // The re-run is a fix through the trigger card; a bare Job (above) has none.
    expect(finding!.remediations.map((remediation) => `${remediation.kind} ${remediation.request.intent} ${remediation.request.resource}/${remediation.request.name}`)).toEqual(['fix trigger cronjob/report', 'inspect logs job/report-300', 'inspect describe job/report-300']);
    // A Job whose CronJob is gone has no template to run again.
    const [orphan] = jobs({ jobs: [failedLatest], cronJobs: [] });
    expect(orphan!.remediations.map((remediation) => remediation.request.intent)).toEqual(['logs', 'describe']);
  });
});

describe('cronjob analyzer', () => {
  it('finds nothing for a scheduled cronjob whose last run succeeded', () => {
    expect(cronJobs({ cronJobs: [cronJob('report', { lastSchedule: 10 * HOUR, lastSuccess: 10 * HOUR - 240 })], jobs: [job('report-1', { owner: 'report' })] })).toEqual([]);
  });

  it('reports a suspended cronjob as information', () => {
    const [finding] = cronJobs({ cronJobs: [cronJob('report', { suspend: true })] });
    expect(finding).toMatchObject({ reason: 'CronJobSuspended', severity: 'info' });
    expect(finding!.remediations[0]).toMatchObject({ kind: 'fix', request: { intent: 'resume', resource: 'cronjob', name: 'report' } });
  });

  it('reports an invalid schedule and says why', () => {
    const [finding] = cronJobs({ cronJobs: [cronJob('report', { schedule: '0 25 * * *' })] });
    expect(finding).toMatchObject({ reason: 'InvalidSchedule', severity: 'warning' });
    expect(finding!.summary).toContain('hour 25 is outside 0-23');
  });

  it('reports a last run that did not succeed when its Job is gone', () => {
    const [finding] = cronJobs({ cronJobs: [cronJob('report', { lastSchedule: 2 * HOUR, lastSuccess: 26 * HOUR })] });
    expect(finding).toMatchObject({ reason: 'CronJobLastRunFailed' });
    expect(finding!.summary).toContain('the run scheduled 2h ago did not succeed (last success 26h ago)');
    expect(finding!.remediations[0]).toMatchObject({ kind: 'fix', request: { intent: 'trigger', resource: 'cronjob' } });
  });
});
