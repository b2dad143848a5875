import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKubectlArgs } from '../../../src/validate/kubectl-argv.js';
import { loadPolicy } from '../../../src/validate/load-policy.js';
import { isSuspendPatch } from '../../../src/validate/narrow-forms.js';
import { validate } from '../../../src/validate/validate.js';

const policy = loadPolicy(path.resolve(import.meta.dirname, '../../../org')).policy!;
const decide = (args: string[]) => validate(args, { policy });
const SUSPEND = '{"spec":{"suspend":true}}';
const RESUME = '{"spec":{"suspend":false}}';

describe('create job NAME --from=cronjob/CRONJOB', () => {
  it('parses as command "create job" on the new job, mutating, medium risk', () => {
    const parsed = parseKubectlArgs(['create', 'job', 'manual-1', '--from=cronjob/nightly', '-n', 'staging']);
    expect(parsed.problems).toEqual([]);
    expect(parsed).toMatchObject({ command: 'create job', commandKey: 'create job', mutating: true, resources: ['job'], names: ['manual-1'], namespace: 'staging' });
    expect(decide(['create', 'job', 'manual-1', '--from=cronjob/nightly', '-n', 'staging'])).toMatchObject({ decision: 'confirm', risk: 'medium' });
  });

  it.each([
    [['create', 'job', 'manual-1', '--from=cronjob/nightly', '-n', 'prod']],
    [['create', 'job', 'manual-1', '--from', 'cronjob/nightly', '-n', 'staging']],
    [['-n', 'dev', 'create', 'job', 'manual-1', '--from=cronjob/nightly']],
    [['create', 'job', 'manual-1', '-n', 'dev', '--from=cronjob/nightly', '--dry-run=server', '-o', 'yaml']],
  ])('%j -> confirm', (args) => {
    expect(decide(args).decision).toBe('confirm');
  });

  it.each([
    [['create', 'job', 'manual-1', '-n', 'staging'], 'VERB_FORBIDDEN'],
    [['create', 'job', 'manual-1', '--image=busybox', '-n', 'staging'], 'FLAG_UNKNOWN'],
    [['create', 'job', 'manual-1', '--from=cronjob/nightly', '--image=busybox', '-n', 'staging'], 'FLAG_UNKNOWN'],
    [['create', 'job', 'manual-1', '--from=deployment/api', '-n', 'staging'], 'VERB_FORBIDDEN'],
    [['create', 'job', 'manual-1', '--from=cronjobs/nightly', '-n', 'staging'], 'VERB_FORBIDDEN'],
    [['create', 'job', 'manual-1', '--from=cj/nightly', '-n', 'staging'], 'VERB_FORBIDDEN'],
    [['create', 'job', 'manual-1', '--from=CronJob/nightly', '-n', 'staging'], 'VERB_FORBIDDEN'],
    [['create', 'job', 'manual-1', '--from=nightly', '-n', 'staging'], 'VERB_FORBIDDEN'],
    [['create', 'job', 'manual-1', '--from=cronjob/', '-n', 'staging'], 'VERB_FORBIDDEN'],
    [['create', 'job', 'manual-1', '--from=cronjob/Nightly', '-n', 'staging'], 'VERB_FORBIDDEN'],
    [['create', 'job', 'manual-1', '--from=cronjob/a/b', '-n', 'staging'], 'VERB_FORBIDDEN'],
    [['create', 'job', 'manual-1', '--from=cronjob/nightly', '--from=cronjob/other', '-n', 'staging'], 'VERB_FORBIDDEN'],
    [['create', 'job', '--from=cronjob/nightly', '-n', 'staging'], 'ARGUMENT_UNEXPECTED'],
    [['create', 'job', 'a', 'b', '--from=cronjob/nightly', '-n', 'staging'], 'ARGUMENT_UNEXPECTED'],
    [['create', 'job', 'job/manual-1', '--from=cronjob/nightly', '-n', 'staging'], 'ARGUMENT_UNEXPECTED'],
    [['create', 'job', 'Manual', '--from=cronjob/nightly', '-n', 'staging'], 'NAME_INVALID'],
    [['create', 'job', 'manual-1', '--from=cronjob/nightly'], 'NAMESPACE_REQUIRED'],
    [['create', 'job', 'manual-1', '--from=cronjob/nightly', '-n', 'kube-system'], 'VERB_NOT_ALLOWED'],
    [['create', 'job', 'manual-1', '--from=cronjob/nightly', '-n', 'staging', '--', 'sh'], 'ARG_SEPARATOR'],
    [['create', '--from=cronjob/nightly', 'job', 'manual-1', '-n', 'staging'], 'FLAG_BEFORE_VERB'],
    [['create', 'deployment', 'x', '--image=y', '-n', 'dev'], 'VERB_FORBIDDEN'],
    [['create', 'cronjob', 'x', '--image=y', '--schedule=* * * * *', '-n', 'dev'], 'VERB_FORBIDDEN'],
    [['create', 'secret', 'generic', 'x', '--from-literal=a=b', '-n', 'dev'], 'VERB_FORBIDDEN'],
    [['create', '-f', 'job.yaml', '-n', 'dev'], 'VERB_FORBIDDEN'],
    [['create'], 'VERB_FORBIDDEN'],
    [['create', 'Job', 'x', '--from=cronjob/nightly', '-n', 'dev'], 'VERB_FORBIDDEN'],
    [['create', 'jobs', 'x', '--from=cronjob/nightly', '-n', 'dev'], 'VERB_FORBIDDEN'],
  ])('%j -> deny %s', (args, code) => {
    const verdict = decide(args);
    expect(verdict.decision).toBe('deny');
    expect(verdict.violations.map((violation) => violation.code)).toContain(code);
  });
});

describe('patch cronjob NAME --type=merge -p {"spec":{"suspend":true|false}}', () => {
  it.each([
    [SUSPEND, true], [RESUME, true], ['{ "spec" : { "suspend" : true } }', true], ['{"spec":{"suspend":false} }', true],
    ['{"spec":{"suspend":"true"}}', false], ['{"spec":{"suspend":1}}', false], ['{"spec":{"suspend":null}}', false],
    ['{"spec":{"suspend":true,"schedule":"* * * * *"}}', false], ['{"spec":{"suspend":true},"metadata":{}}', false],
    ['{"spec":{"suspend":true,"suspend":false}}', false], ['{"spec":{"suspend":true},"spec":{"suspend":false}}', false],
    ['{"\\u0073pec":{"suspend":true}}', false], ['{"spec":{"suspend":true}}x', false], ['[{"spec":{"suspend":true}}]', false],
    ['{"spec":{}}', false], ['{}', false], ['', false], ['null', false], ['{"spec":[true]}', false], ['{"__proto__":{"suspend":true}}', false],
    ['{"spec":{"suspend":true}} ', true], ['{"Spec":{"suspend":true}}', false], ['{"spec":{"Suspend":true}}', false],
  ])('isSuspendPatch(%s) = %s', (body, expected) => {
    expect(isSuspendPatch(body)).toBe(expected);
  });

  it.each([
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '--type=merge', '-p', SUSPEND]],
    [['patch', 'cronjob', 'nightly', '-n', 'dev', '--type=merge', '-p', RESUME]],
    [['patch', 'cronjob/nightly', '-n', 'staging', '--type', 'merge', '--patch', SUSPEND]],
    [['patch', 'cj', 'nightly', '-n', 'staging', '--type=merge', `--patch=${RESUME}`]],
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '--type=merge', '-p', SUSPEND, '--dry-run=server', '-o', 'yaml']],
  ])('%j -> confirm (medium)', (args) => {
    expect(decide(args)).toMatchObject({ decision: 'confirm', risk: 'medium', mutating: true });
  });

  it.each([
    [['patch', 'cronjob', 'nightly', '-n', 'prod', '--type=merge', '-p', SUSPEND], 'VERB_NOT_ALLOWED'],
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '-p', SUSPEND], 'VERB_FORBIDDEN'],
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '--type=json', '-p', SUSPEND], 'VERB_FORBIDDEN'],
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '--type=strategic', '-p', SUSPEND], 'VERB_FORBIDDEN'],
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '--type=merge', '--type=merge', '-p', SUSPEND], 'VERB_FORBIDDEN'],
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '--type=json', '-p', '[{"op":"replace","path":"/spec/suspend","value":true}]'], 'VERB_FORBIDDEN'],
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '--type=merge', '-p', '{"spec":{"suspend":true,"jobTemplate":{}}}'], 'VERB_FORBIDDEN'],
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '--type=merge', '-p', '{"spec":{"schedule":"* * * * *"}}'], 'VERB_FORBIDDEN'],
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '--type=merge', '-p', SUSPEND, '-p', RESUME], 'VERB_FORBIDDEN'],
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '--type=merge'], 'VERB_FORBIDDEN'],
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '--type=merge', '--patch-file=/tmp/p.json'], 'FLAG_FORBIDDEN'],
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '--type=merge', '-f', 'x.yaml', '-p', SUSPEND], 'FLAG_FORBIDDEN'],
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '--type=merge', '-p', SUSPEND, '--local'], 'FLAG_UNKNOWN'],
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '--type=merge', '-p', SUSPEND, '--subresource=status'], 'FLAG_UNKNOWN'],
    [['patch', 'cronjob', '-n', 'staging', '--type=merge', '-p', SUSPEND], 'VERB_FORBIDDEN'],
    [['patch', 'cronjob', 'a', 'b', '-n', 'staging', '--type=merge', '-p', SUSPEND], 'VERB_FORBIDDEN'],
    [['patch', 'cronjob/a', 'cronjob/b', '-n', 'staging', '--type=merge', '-p', SUSPEND], 'VERB_FORBIDDEN'],
    [['patch', 'deployment', 'api', '-n', 'staging', '--type=merge', '-p', SUSPEND], 'VERB_FORBIDDEN'],
    [['patch', 'job', 'x', '-n', 'staging', '--type=merge', '-p', SUSPEND], 'VERB_FORBIDDEN'],
    [['patch', 'node', 'node-1', '--type=merge', '-p', '{"spec":{"unschedulable":true}}'], 'VERB_FORBIDDEN'],
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '--type=merge', '-p', '{"spec":{"suspend":true}}\n'], 'ARG_CONTROL_CHARACTER'],
    [['patch', 'cronjob', 'nightly', '--type=merge', '-p', SUSPEND], 'NAMESPACE_REQUIRED'],
    [['patch', 'cronjob', 'nightly', '-n', 'staging', '-A', '--type=merge', '-p', SUSPEND], 'FLAG_UNKNOWN'],
  ])('%j -> deny %s', (args, code) => {
    const verdict = decide(args);
    expect(verdict.decision).toBe('deny');
    expect(verdict.violations.map((violation) => violation.code)).toContain(code);
  });
});
