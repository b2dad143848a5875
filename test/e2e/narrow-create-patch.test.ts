/**
 * End-to-end: the two narrow forms rk8s accepts for `create` and `patch` (run a CronJob now, suspend
 * or resume a CronJob) work with the real kubectl 1.32 against the sandbox exactly as validated,
 * server-side dry-runs included (the preview argv comes from dryRunArgs, as the pipeline builds it),
 * and the built CLI decides them and their variations as the policy says.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import { dryRunArgs } from '../../src/execute/dry-run.js';
import { loadPolicy } from '../../src/validate/load-policy.js';
import { validate } from '../../src/validate/validate.js';
import { runCli } from '../helpers/cli.js';
import { useSandbox } from '../helpers/sandbox.js';

const policy = loadPolicy(path.resolve(import.meta.dirname, '../../org')).policy!;

const RUN_NOW = ['create', 'job', 'nightly-report-manual-1', '--from=cronjob/nightly-report', '-n', 'prod'];
const suspend = (value: boolean) => ['patch', 'cronjob', 'nightly-report', '-n', 'prod', '--type=merge', '-p', `{"spec":{"suspend":${value}}}`];

interface Job {
  metadata: { name: string; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
  spec?: { template?: { spec?: { containers?: { image: string }[] } } };
}

describeWith(['kubectl'], 'create job --from=cronjob and the suspend/resume patch against the sandbox', () => {
  const harness = useSandbox();

  it('validates the exact forms as the shipped policy grants them (prod: run now only)', () => {
    expect(validate(RUN_NOW, { policy }).decision).toBe('confirm');
    expect(validate(suspend(true), { policy }).violations.map((violation) => violation.code)).toEqual(['VERB_NOT_ALLOWED']);
    expect(validate(suspend(true).map((argument) => (argument === 'prod' ? 'staging' : argument)), { policy }).decision).toBe('confirm');
    expect(validate(suspend(false).map((argument) => (argument === 'prod' ? 'dev' : argument)), { policy }).decision).toBe('confirm');
  });

  it('previews create job with a server-side dry-run that creates nothing', async () => {
    const preview = dryRunArgs(RUN_NOW, 'server');
    expect(preview).toEqual([...RUN_NOW, '--dry-run=server', '-o', 'yaml']);
    const result = await harness().kubectl(preview!);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/kind: Job/);
    expect(result.stdout).toMatch(/name: nightly-report-manual-1/);
    const after = await harness().kubectl(['get', 'job', 'nightly-report-manual-1', '-n', 'prod']);
    expect(after.exitCode).not.toBe(0);
  });

  it('runs the CronJob now with the exact argv: a Job from its template', async () => {
    const result = await harness().kubectl(RUN_NOW);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/job\.batch\/nightly-report-manual-1 created/);
    const job = await harness().kubectlJson<Job>(['get', 'job', 'nightly-report-manual-1', '-n', 'prod']);
    expect(job.spec?.template?.spec?.containers?.[0]?.image).toBe('registry.example.com/report:2.1.0');
  });

  it('previews the suspend patch with a server-side dry-run that changes nothing', async () => {
    const preview = dryRunArgs(suspend(true), 'server');
    expect(preview).toEqual([...suspend(true), '--dry-run=server', '-o', 'yaml']);
    const result = await harness().kubectl(preview!);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/suspend: true/);
    const state = await harness().kubectl(['get', 'cronjob', 'nightly-report', '-n', 'prod', '-o', 'jsonpath={.spec.suspend}']);
    expect(state.stdout.trim()).not.toBe('true');
  });

  it('suspends and resumes the CronJob with the exact argv', async () => {
    const suspended = await harness().kubectl(suspend(true));
    expect(suspended.exitCode, suspended.stderr).toBe(0);
    expect(suspended.stdout).toMatch(/cronjob\.batch\/nightly-report patched/);
    expect((await harness().kubectl(['get', 'cronjob', 'nightly-report', '-n', 'prod', '-o', 'jsonpath={.spec.suspend}'])).stdout.trim()).toBe('true');
    const resumed = await harness().kubectl(suspend(false));
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect((await harness().kubectl(['get', 'cronjob', 'nightly-report', '-n', 'prod', '-o', 'jsonpath={.spec.suspend}'])).stdout.trim()).toBe('false');
  });
});

describe('rk8s validate on the narrow forms (built CLI)', () => {
  it.each([
    [RUN_NOW, 3],
    [suspend(true).map((argument) => (argument === 'prod' ? 'staging' : argument)), 3],
    [suspend(true), 4],
    [['create', 'job', 'x', '--from=deployment/api', '-n', 'staging'], 4],
    [['create', 'job', 'x', '--image=busybox', '-n', 'staging'], 4],
    [['create', 'deployment', 'x', '--image=busybox', '-n', 'dev'], 4],
    [['patch', 'cronjob', 'nightly-report', '-n', 'dev', '--type=json', '-p', '[{"op":"replace","path":"/spec/suspend","value":true}]'], 4],
    [['patch', 'deployment', 'api', '-n', 'dev', '--type=merge', '-p', '{"spec":{"suspend":true}}'], 4],
  ])('rk8s validate -- kubectl %j exits %d', async (args, exitCode) => {
    const result = await runCli(['validate', '--', 'kubectl', ...args]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(exitCode);
  });
});
