/**
 * The CronJob cards end to end: `rk8s exec` (the built CLI, template planner, shipped policy, real
 * kubectl 1.32) against the sandbox runs a CronJob now (a Job from its template), suspends and resumes
 * it (spec.suspend flips), with the confirmation and the audit trail of any other change; the diagnose
 * remediations for a suspended CronJob and a failed CronJob run are those cards, and run as offered.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { expect, it } from 'vitest';
import { readAuditRecords } from '../../src/audit/audit-log.js';
import { DiagnoseDocumentSchema, type DiagnoseDocument } from '../../src/diagnose/document.js';
import type { RemediationRequest } from '../../src/diagnose/finding.js';
import { useCliSandbox } from '../helpers/cli.js';
import { describeWith } from '../helpers/prerequisites.js';
import { waitFor } from '../helpers/sandbox.js';

/** A schedule that does not come due while the test runs (midnight on January 1st). */
const NEVER_SOON = '0 0 1 1 *';
const cronJob = (name: string, namespace: string, spec: Record<string, unknown>, sandbox: Record<string, unknown> = {}) => ({
  apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace },
  spec: {
    schedule: NEVER_SOON, ...spec,
    jobTemplate: { spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name, image: `registry.example.com/${name}:1.4.0` }] } } } },
  },
  sandbox: { age: '60d', ...sandbox },
});

const SCENARIO = {
  apiVersion: 'sandbox.rk8s.dev/v1', kind: 'Scenario', metadata: { name: 'cronjob-cards' }, user: 'oncall@example.com',
  rbac: [{ verbs: ['*'], resources: ['*'] }],
  nodes: [{ name: 'node-1', age: '30d' }, { name: 'node-2', age: '30d' }],
  namespaces: [{ name: 'prod', age: '400d' }, { name: 'staging', age: '300d' }],
  objects: [
    cronJob('reports', 'staging', {}),
    cronJob('reports', 'prod', {}),
    // Suspended weeks ago; its last run (before that) succeeded.
    cronJob('cleanup', 'staging', { suspend: true }, { jobs: [{ age: '20d', duration: '40s' }] }),
    // Its latest run failed after the one before succeeded (the failed Job is kept).
    cronJob('invoices', 'prod', { failedJobsHistoryLimit: 1 }, { jobs: [{ age: '2d', duration: '1m' }, { age: '1d', failed: true }] }),
  ],
};

interface CronJobObject { spec: { suspend?: boolean } }
interface JobObject {
  metadata: { name: string; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
  spec: { template: { spec: { containers: { image: string }[] } } };
  status?: { succeeded?: number; conditions?: { type: string; status: string }[] };
}

describeWith(['kubectl'], 'CronJob cards through rk8s exec against the sandbox (real kubectl)', () => {
  const cli = useCliSandbox({
    prefix: 'cronjob-cards',
    sandbox: (workDirectory) => {
      const scenarioPath = path.join(workDirectory, 'scenario.yaml');
      writeFileSync(scenarioPath, yaml.dump(SCENARIO));
      return { scenarioPath, timings: { jobRunMs: 300 } };
    },
    timeout: 90_000,
  });
  const { rk8s } = cli;
  const harness = () => cli.harness();
  const suspended = async (namespace: string, name: string) => (await harness().kubectlJson<CronJobObject>(['get', 'cronjob', name, '-n', namespace])).spec.suspend === true;
  const flagsOf = (request: RemediationRequest) => [
    '-n', request.namespace!, '--intent', request.intent, '--resource', request.resource, '--name', request.name!,
    ...Object.entries(request.params ?? {}).flatMap(([key, value]) => ['--param', `${key}=${String(value)}`]),
  ];
  async function diagnose(namespace: string, target: string): Promise<DiagnoseDocument> {
    const result = await rk8s(['diagnose', '--json', '-n', namespace, target]);
    return DiagnoseDocumentSchema.parse(JSON.parse(result.stdout));
  }

  it('trigger: unconfirmed it only shows the plan; confirmed it creates a Job from the CronJob\'s template, recorded in the audit log', async () => {
    const command = 'kubectl create job reports-manual-1 --from=cronjob/reports -n staging';
    const unconfirmed = await rk8s(['exec', '-n', 'staging', 'run the reports cronjob now']);
    expect(unconfirmed.exitCode, unconfirmed.stderr).toBe(3);
    expect(unconfirmed.stdout + unconfirmed.stderr).toContain(command);
    expect((await harness().kubectl(['get', 'job', 'reports-manual-1', '-n', 'staging'])).exitCode).not.toBe(0);

    const ran = await rk8s(['exec', '-n', 'staging', 'run the reports cronjob now', '--confirm', '--expect', command]);
    expect(ran.exitCode, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toContain('job.batch/reports-manual-1 created');
    const job = await harness().kubectlJson<JobObject>(['get', 'job', 'reports-manual-1', '-n', 'staging']);
    expect(job.metadata.annotations?.['cronjob.kubernetes.io/instantiate']).toBe('manual');
    expect(job.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'CronJob', name: 'reports' })]);
    expect(job.spec.template.spec.containers[0]!.image).toBe('registry.example.com/reports:1.4.0');
    await waitFor(async () => (await harness().kubectlJson<JobObject>(['get', 'job', 'reports-manual-1', '-n', 'staging'])).status?.succeeded === 1, { what: 'the manual run to complete', timeoutMs: 30_000 });
    // The CronJob itself is unchanged.
    expect(await suspended('staging', 'reports')).toBe(false);
    const events = (await readAuditRecords(cli.auditLog, { limit: 1000 })).filter((record) => record.command === command).map((record) => record.event);
    expect(events).toEqual(expect.arrayContaining(['proposed', 'confirmed', 'started', 'finished']));
  });

  it('trigger again: the same name is refused by the server (AlreadyExists); another suffix runs', async () => {
    const again = await rk8s(['exec', '-n', 'staging', '--intent', 'trigger', '--resource', 'cronjob', '--name', 'reports', '--confirm', '--expect', 'kubectl create job reports-manual-1 --from=cronjob/reports -n staging']);
    expect(again.exitCode).not.toBe(0);
    expect(again.stdout + again.stderr).toMatch(/already exists/);
    const second = await rk8s(['exec', '-n', 'staging', '--intent', 'trigger', '--resource', 'cronjob', '--name', 'reports', '--param', 'suffix=2', '--confirm', '--expect', 'kubectl create job reports-manual-2 --from=cronjob/reports -n staging']);
    expect(second.exitCode, second.stdout + second.stderr).toBe(0);
    expect((await harness().kubectl(['get', 'job', 'reports-manual-2', '-n', 'staging'])).exitCode).toBe(0);
  });

  it('trigger is granted in prod too (it changes no existing object)', async () => {
    const command = 'kubectl create job reports-manual-1 --from=cronjob/reports -n prod';
    const ran = await rk8s(['exec', '-n', 'prod', '--intent', 'trigger', '--resource', 'cronjob', '--name', 'reports', '--confirm', '--expect', command]);
    expect(ran.exitCode, ran.stdout + ran.stderr).toBe(0);
    expect((await harness().kubectl(['get', 'job', 'reports-manual-1', '-n', 'prod'])).exitCode).toBe(0);
  });

  it('suspend then resume flip spec.suspend in staging; the server-side dry-run preview changes nothing', async () => {
    const suspend = 'kubectl patch cronjob reports -n staging --type=merge -p \'{"spec":{"suspend":true}}\'';
    const preview = await rk8s(['exec', '-n', 'staging', 'suspend the reports cronjob', '--dry-run']);
    expect(preview.stdout + preview.stderr).toContain(suspend);
    // The change summary from the live object and the dry-run, not kubectl's YAML.
    expect(preview.stdout + preview.stderr).toContain('cronjob/reports  suspended no → yes');
    expect(await suspended('staging', 'reports')).toBe(false);

    const ran = await rk8s(['exec', '-n', 'staging', 'suspend the reports cronjob', '--confirm', '--expect', suspend]);
    expect(ran.exitCode, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toContain('cronjob.batch/reports patched');
    expect(await suspended('staging', 'reports')).toBe(true);

    const resume = 'kubectl patch cronjob reports -n staging --type=merge -p \'{"spec":{"suspend":false}}\'';
    const resumed = await rk8s(['exec', '-n', 'staging', 'resume the reports cronjob', '--confirm', '--expect', resume]);
    expect(resumed.exitCode, resumed.stdout + resumed.stderr).toBe(0);
    expect(await suspended('staging', 'reports')).toBe(false);
  });

  it('suspend is denied in prod by the shipped policy (exit 4) and nothing changes', async () => {
    const denied = await rk8s(['exec', '-n', 'prod', '--intent', 'suspend', '--resource', 'cronjob', '--name', 'reports', '--confirm']);
    expect(denied.exitCode).toBe(4);
    expect(denied.stdout + denied.stderr).toMatch(/patch/);
    expect(await suspended('prod', 'reports')).toBe(false);
  });

  it('diagnose: a suspended CronJob offers resume as its fix, and running that fix resumes it', async () => {
    const document = await diagnose('staging', 'cronjob/cleanup');
    const top = document.findings[0]!;
    expect(top).toMatchObject({ object: { kind: 'CronJob', name: 'cleanup' }, reason: 'CronJobSuspended' });
    const fix = top.remediations.find((remediation) => remediation.kind === 'fix')!;
    expect(fix).toMatchObject({ request: { intent: 'resume', resource: 'cronjob', name: 'cleanup' }, preview: { command: 'kubectl patch cronjob cleanup -n staging --type=merge -p \'{"spec":{"suspend":false}}\'', decision: 'confirm', risk: 'medium' } });
    const ran = await rk8s(['exec', ...flagsOf(fix.request), '--confirm', '--expect', fix.preview!.command]);
    expect(ran.exitCode, ran.stdout + ran.stderr).toBe(0);
    expect(await suspended('staging', 'cleanup')).toBe(false);
    const after = await diagnose('staging', 'cronjob/cleanup');
    expect(after.findings.map((finding) => finding.reason)).not.toContain('CronJobSuspended');
  });

  it('diagnose: a CronJob whose last run failed offers a run now as its fix (allowed in prod), and the fix creates the Job', async () => {
    const document = await diagnose('prod', 'cronjob/invoices');
    const top = document.findings[0]!;
    expect(top).toMatchObject({ object: { kind: 'Job' }, owner: { kind: 'CronJob', name: 'invoices' }, reason: 'BackoffLimitExceeded' });
    const fix = top.remediations.find((remediation) => remediation.kind === 'fix')!;
    expect(fix).toMatchObject({ request: { intent: 'trigger', resource: 'cronjob', name: 'invoices' }, preview: { command: 'kubectl create job invoices-manual-1 --from=cronjob/invoices -n prod', decision: 'confirm' } });
    expect(top.remediations.map((remediation) => remediation.request.intent)).toEqual(['trigger', 'logs', 'describe']);
    const ran = await rk8s(['exec', ...flagsOf(fix.request), '--confirm', '--expect', fix.preview!.command]);
    expect(ran.exitCode, ran.stdout + ran.stderr).toBe(0);
    const job = await harness().kubectlJson<JobObject>(['get', 'job', 'invoices-manual-1', '-n', 'prod']);
    expect(job.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'CronJob', name: 'invoices' })]);
  });
});
