import { describe, expect, it } from 'vitest';
import { k8s_exec, K8sExecResultSchema } from '../../../src/tool/k8s-exec.js';
import { InputError } from '../../../src/errors.js';
import type { PipelineEvent } from '../../../src/pipeline/events.js';
import { createInteractiveApprover } from '../../../src/pipeline/approvers.js';
import { allowAtDoor, createFakeCore, type FakeCoreOptions } from '../../helpers/fake-core.js';

const restart = { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' };
const scale = { intent: 'scale', resource: 'deploy', namespace: 'staging', name: 'web', query: 'to 4' };

async function exec(payload: unknown, coreOptions: FakeCoreOptions = {}, options: Parameters<typeof k8s_exec>[1] = {}) {
  const core = createFakeCore(coreOptions);
  const result = await k8s_exec(payload, { ...options, core });
  expect(K8sExecResultSchema.parse(result)).toEqual(result);
  return { core, result };
}

describe('k8s_exec (fakes)', () => {
  it('executes an allow-level command and returns its output', async () => {
    const { core, result } = await exec({ intent: 'get', resource: 'pod', namespace: 'dev' }, { kubectl: () => ({ stdout: ['NAME READY', 'web-1 1/1'] }) });
    expect(result.status).toBe('executed');
    expect(result.plan).toMatchObject({ command: 'kubectl get pods -n dev', args: ['get', 'pods', '-n', 'dev'], card: 'get-pods', risk: 'none', planner: 'template' });
    expect(result.verdict).toEqual({ decision: 'allow', violations: [], suggestions: [] });
    expect(result.result).toMatchObject({ exit_code: 0, stdout: 'NAME READY\nweb-1 1/1', stderr: '', truncated: false, timed_out: false });
    expect(result.operation_id).toBe(core.auditLog.records[0]!.operation_id);
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['proposed', 'started', 'finished']);
    expect(core.auditLog.records.every((record) => record.source === 'tool')).toBe(true);
  });

  it('answers needs-confirmation for a medium-risk command, with a preview, and changes nothing', async () => {
    const { core, result } = await exec(restart, { kubectl: () => ({ stdout: ['api 3/3'] }) });
    expect(result.status).toBe('needs-confirmation');
    expect(result.plan?.risk).toBe('medium');
    expect(result.result).toBeUndefined();
    expect(result.preview).toMatchObject({ output: 'api 3/3', note: expect.stringMatching(/no dry-run/) });
    // rollout restart has no dry-run: the preview is the current state, a read.
    expect(core.kubectl.calls.map((call) => call.args.join(' '))).toEqual(['get deployment api -n prod -o wide']);
  });

  it('runs a medium-risk command confirmed with its approval token and records the confirmation', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['deployment.apps/api restarted'] }) });
    const shown = await k8s_exec(restart, { core });
    expect(shown.status).toBe('needs-confirmation');
    expect(shown.confirmation).toEqual({ kind: 'key', expectRequired: false });
    const token = shown.approval?.ticket?.token;
    expect(token).toMatch(/^rk8s_apt_/);
    const result = await k8s_exec({ ...restart, constraints: { approvalToken: token } }, { core });
    expect(result.status).toBe('executed');
    expect(result.operation_id).toBe(shown.operation_id);
    const events = core.auditLog.records.filter((record) => record.operation_id === shown.operation_id).map((record) => record.event);
    expect(events).toEqual(['proposed', 'dry-run', 'confirmed', 'started', 'finished']);
    expect(core.auditLog.records.find((record) => record.event === 'confirmed')?.message).toMatch(/approval token/);
  });

  it('returns the plan and the dry-run preview with constraints.dryRun, and runs nothing else', async () => {
    const { core, result } = await exec({ ...scale, constraints: { dryRun: true } }, { kubectl: () => ({ stdout: ['replicas: 4'] }) });
    expect(result.status).toBe('dry-run');
    expect(result.preview).toEqual({ output: 'replicas: 4', exit_code: 0 });
    expect(core.kubectl.calls.map((call) => call.args.join(' '))).toEqual(['scale deployment/web -n staging --replicas=4 --dry-run=server -o yaml']);
  });

  it('explains in preview.note when a command has no dry-run', async () => {
    const { result } = await exec({ ...restart, constraints: { dryRun: true } }, { kubectl: () => ({ stdout: ['api 3/3'] }) });
    expect(result.status).toBe('dry-run');
    expect(result.preview?.note).toMatch(/no dry-run/);
  });

  it('blocks a denied command with its violations and suggestions', async () => {
    const { core, result } = await exec(
      { intent: 'delete', resource: 'pod', namespace: 'prod', name: 'api-1' },
      { owners: { 'prod/api-1': { kind: 'Deployment', name: 'api' } } },
    );
    expect(result.status).toBe('blocked');
    expect(result.verdict?.decision).toBe('deny');
    expect(result.verdict?.suggestions[0]?.command).toEqual(['rollout', 'restart', 'deployment/api', '-n', 'prod']);
    expect(core.kubectl.calls).toEqual([]);
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['denied']);
  });

  it('answers needs-input for an incomplete request and lists the missing parameters', async () => {
    const { result } = await exec({ intent: 'restart', resource: 'deployment', namespace: 'prod' });
    expect(result.status).toBe('needs-input');
    expect(result.missing).toEqual(['name']);
  });

  it('fails with the kubectl error when kubectl exits non-zero', async () => {
    const { result } = await exec({ intent: 'get', resource: 'pod', namespace: 'dev' }, { kubectl: () => ({ stderr: ['Error from server (Forbidden): pods is forbidden'], exitCode: 1 }) });
    expect(result.status).toBe('failed');
    expect(result.result?.exit_code).toBe(1);
    expect(result.error).toEqual({ code: 'KUBECTL_FAILED', message: 'Error from server (Forbidden): pods is forbidden' });
  });

  it('fails with PLAN_FAILED when nothing matches', async () => {
    const { result } = await exec({ intent: 'drain', resource: 'node' });
    expect(result.status).toBe('failed');
    expect(result.plan).toBeNull();
    expect(result.error?.code).toBe('PLAN_FAILED');
  });

  it.each([
    [{ intent: 'restart', resource: 'deployment', name: 'api' }, /namespace/],
    [{ intent: 'reboot', namespace: 'prod' }, /intent/],
    [{ namespace: 'prod', query: 'x', extra: 1 }, /extra/],
    [{ namespace: 'Prod', intent: 'get' }, /namespace/],
    [{ namespace: 'prod', intent: 'get', constraints: { timeoutSeconds: 0 } }, /constraints\.timeoutSeconds/],
  ])('throws InputError naming the field for %j', async (payload, field) => {
    const error = await k8s_exec(payload, { core: createFakeCore() }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(field);
  });

  it('asks an interactive approver after the preview, and runs only on yes', async () => {
    const seen: string[] = [];
    const ask = (answer: boolean) =>
      createInteractiveApprover({
        kind: 'test',
        by: 'tester',
        ask: async ({ proposal, preview, requirement }) => (seen.push(`${proposal.plan.command} | ${preview.output} | ${requirement.kind}`), { confirmed: answer }),
      });
    const yes = await exec(scale, { kubectl: () => ({ stdout: ['ok'] }) }, { approver: ask(true) });
    expect(seen).toEqual(['kubectl scale deployment/web -n staging --replicas=4 | ok | key']);
    expect(yes.result.status).toBe('executed');
    const no = await exec(scale, {}, { approver: ask(false) });
    expect(no.result.status).toBe('needs-confirmation');
    expect(no.result.approval).toMatchObject({ outcome: 'declined' });
    expect(no.core.kubectl.calls.map((call) => call.args.at(-1))).toEqual(['yaml']);
    expect(no.core.auditLog.records.map((record) => record.event)).toEqual(['proposed', 'dry-run', 'declined']);
  });

  it('reports every pipeline event to onEvent in order', async () => {
    const events: PipelineEvent['type'][] = [];
    const yes = createInteractiveApprover({ kind: 'test', by: 'tester', ask: async () => ({ confirmed: true }) });
    await exec(restart, {}, { approver: yes, onEvent: (event) => events.push(event.type) });
    expect(events).toEqual([
      'retrieve-end', 'plan-end', 'validate-end', 'approval-request', 'audit-end',
      'notice', 'dry-run-end', 'audit-end', 'approval-end', 'exec-output', 'exec-end', 'audit-end',
    ]);
  });

  it('fails with CANCELLED when aborted', async () => {
    const controller = new AbortController();
    const pending = exec({ intent: 'get', resource: 'pod', namespace: 'dev' }, { kubectl: () => ({ hang: true }) }, { signal: controller.signal, onEvent: (event) => event.type === 'approval-request' && controller.abort() });
    const { result } = await pending;
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('CANCELLED');
  });
});

describe('k8s_exec approval tokens (a confirmation is a single-use ticket for exactly what was shown)', () => {
  const doubleIt = { intent: 'scale', resource: 'deployment', namespace: 'staging', name: 'web', query: 'double it' };

  /** A cluster whose replica count the test can change between two calls. */
  function cluster(initial: number) {
    const state = { replicas: initial };
    const kubectl = (args: readonly string[]) => (args[0] === 'get' ? { stdout: [String(state.replicas)] } : { stdout: ['deployment.apps/web scaled'] });
    return { state, kubectl };
  }
  const scaleCalls = (core: ReturnType<typeof createFakeCore>) => core.kubectl.calls.map((call) => call.args).filter((args) => args[0] === 'scale' && !args.some((argument) => argument.startsWith('--dry-run')));
  const tokenOf = (document: { approval?: { ticket?: { token: string } } }) => document.approval!.ticket!.token;

  it('runs exactly the command that was shown, even after the cluster changed ("double it" is not re-planned)', async () => {
    const { state, kubectl } = cluster(1);
    const core = createFakeCore({ kubectl });
    const shown = await k8s_exec(doubleIt, { core });
    expect(shown.status).toBe('needs-confirmation');
    expect(shown.plan?.args).toEqual(['scale', 'deployment/web', '-n', 'staging', '--replicas=2']);
    expect(Date.parse(shown.approval!.ticket!.expiresAt) - core.clock.now().getTime()).toBe(600_000);
    state.replicas = 2; // someone else scaled meanwhile: a re-plan of "double it" would now mean 4
    const confirmed = await k8s_exec({ ...doubleIt, constraints: { approvalToken: tokenOf(shown) } }, { core });
    expect(confirmed.status).toBe('executed');
    expect(scaleCalls(core)).toEqual([['scale', 'deployment/web', '-n', 'staging', '--replicas=2']]);
  });

  it('the same confirmed payload sent three times runs once; the replays are blocked with APPROVAL_USED and audited', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const shown = await k8s_exec(scale, { core });
    const payload = { ...scale, constraints: { approvalToken: tokenOf(shown) } };
    const results = [await k8s_exec(payload, { core }), await k8s_exec(payload, { core }), await k8s_exec(payload, { core })];
    expect(results.map((result) => result.status)).toEqual(['executed', 'blocked', 'blocked']);
    expect(results.slice(1).map((result) => result.error?.code)).toEqual(['APPROVAL_USED', 'APPROVAL_USED']);
    expect(scaleCalls(core)).toHaveLength(1);
    const denials = core.auditLog.records.filter((record) => record.event === 'denied');
    expect(denials).toHaveLength(2);
    expect(denials.every((record) => record.violations?.[0]?.startsWith('APPROVAL_USED'))).toBe(true);
  });

  it('concurrent confirmations with one token run the command once', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const shown = await k8s_exec(scale, { core });
    const payload = { ...scale, constraints: { approvalToken: tokenOf(shown) } };
    const results = await Promise.all(Array.from({ length: 8 }, () => k8s_exec(payload, { core })));
    expect(results.filter((result) => result.status === 'executed')).toHaveLength(1);
    expect(scaleCalls(core)).toHaveLength(1);
  });

  it('a forged confirmation never runs: confirm without a token is an InputError, an invented token is APPROVAL_UNKNOWN', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const forged = { intent: 'rollback', resource: 'deployment', namespace: 'prod', name: 'api' };
    const error = await k8s_exec({ ...forged, constraints: { confirm: true, expectArgs: ['rollout', 'undo', 'deployment/api', '-n', 'prod'] } }, { core }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/constraints\.approvalToken: required with confirm/);
    const invented = await k8s_exec({ ...scale, constraints: { approvalToken: 'rk8s_apt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } }, { core });
    expect(invented.status).toBe('blocked');
    expect(invented.error?.code).toBe('APPROVAL_UNKNOWN');
    expect(core.kubectl.calls).toEqual([]);
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['denied']);
  });

  it('a token from another server (another store) is unknown here', async () => {
    const issuer = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const shown = await k8s_exec(scale, { core: issuer });
    const other = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const result = await k8s_exec({ ...scale, constraints: { approvalToken: tokenOf(shown) } }, { core: other });
    expect(result.error?.code).toBe('APPROVAL_UNKNOWN');
    expect(other.kubectl.calls).toEqual([]);
  });

  it('an expired token is blocked with APPROVAL_EXPIRED', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const shown = await k8s_exec(scale, { core });
    core.clock.advance(600_001);
    const result = await k8s_exec({ ...scale, constraints: { approvalToken: tokenOf(shown) } }, { core });
    expect(result.status).toBe('blocked');
    expect(result.error?.code).toBe('APPROVAL_EXPIRED');
    expect(scaleCalls(core)).toEqual([]);
  });

  it.each([
    ['another object', { name: 'api' }],
    ['another namespace', { namespace: 'dev' }],
    ['other words', { query: 'to 9' }],
    ['explicit params', { params: { replicas: 9 } }],
  ])('a token sent with %s is blocked with APPROVAL_MISMATCH and stays unused', async (_label, change) => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const shown = await k8s_exec(scale, { core });
    const result = await k8s_exec({ ...scale, ...change, constraints: { approvalToken: tokenOf(shown) } }, { core });
    expect(result.status).toBe('blocked');
    expect(result.error?.code).toBe('APPROVAL_MISMATCH');
    expect(scaleCalls(core)).toEqual([]);
  });

  it('a token stops working when the policy or the kube context changed', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const shown = await k8s_exec(scale, { core });
    core.validator.policyVersion = 'policy-v2';
    const result = await k8s_exec({ ...scale, constraints: { approvalToken: tokenOf(shown) } }, { core });
    expect(result.error).toMatchObject({ code: 'APPROVAL_MISMATCH', message: expect.stringMatching(/policy changed/) });
    expect(scaleCalls(core)).toEqual([]);
  });

  it('a token works only at the door that issued it', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    allowAtDoor(core, 'http', { self_confirm: ['medium'] });
    allowAtDoor(core, 'mcp', { self_confirm: ['medium'] });
    const shown = await k8s_exec(scale, { core, source: 'http' });
    const result = await k8s_exec({ ...scale, constraints: { approvalToken: tokenOf(shown) } }, { core, source: 'mcp' });
    expect(result.error?.code).toBe('APPROVAL_MISMATCH');
  });

  it('a high-risk command needs constraints.confirmText equal to the object name; a wrong name burns nothing', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    core.validator.forcedRisk = 'high';
    const shown = await k8s_exec(scale, { core });
    expect(shown.confirmation).toEqual({ kind: 'typed-name', word: 'web', expectRequired: false });
    const token = tokenOf(shown);
    const missing = await k8s_exec({ ...scale, constraints: { approvalToken: token } }, { core });
    expect(missing.status).toBe('needs-confirmation');
    expect(missing.error?.code).toBe('CONFIRM_TEXT_MISMATCH');
    const wrong = await k8s_exec({ ...scale, constraints: { approvalToken: token, confirmText: 'Web' } }, { core });
    expect(wrong.error).toMatchObject({ code: 'CONFIRM_TEXT_MISMATCH', message: expect.stringMatching(/letter case differs/) });
    expect(scaleCalls(core)).toEqual([]);
    const right = await k8s_exec({ ...scale, constraints: { approvalToken: token, confirmText: 'web' } }, { core });
    expect(right.status).toBe('executed');
    expect(scaleCalls(core)).toHaveLength(1);
  });

  it('a fresh plan that differs from expectArgs is blocked with APPROVAL_MISMATCH, both commands named, recorded as denied', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const result = await k8s_exec({ ...scale, constraints: { expectArgs: ['scale', 'deployment/web', '-n', 'staging', '--replicas=2'] } }, { core });
    expect(K8sExecResultSchema.parse(result)).toEqual(result);
    expect(result.status).toBe('blocked');
    expect(result.verdict?.violations.map((violation) => violation.code)).toEqual(['APPROVAL_MISMATCH']);
    expect(result.verdict?.violations[0]?.message).toContain('--replicas=2');
    expect(result.verdict?.violations[0]?.message).toContain('--replicas=4');
    expect(core.kubectl.calls).toEqual([]);
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['proposed', 'denied']);
    expect(core.auditLog.records[1]?.violations?.[0]).toMatch(/^APPROVAL_MISMATCH: /);
  });

  it.each([
    ['one argument more', ['get', 'pods', '-n', 'dev', '-o', 'wide']],
    ['the same words joined differently', ['get pods', '-n', 'dev']],
    ['nothing at all', []],
  ])('refuses expectArgs with %s, even for a command that needs no confirmation', async (_label, expectArgs) => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const listing = await k8s_exec({ intent: 'get', resource: 'pod', namespace: 'dev', constraints: { expectArgs } }, { core });
    expect(listing.status).toBe('blocked');
    expect(core.kubectl.calls).toEqual([]);
  });

  it('blocks a dry-run whose plan differs from expectArgs, without previewing', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const result = await k8s_exec({ ...scale, constraints: { dryRun: true, expectArgs: ['get', 'pods'] } }, { core });
    expect(result.status).toBe('blocked');
    expect(core.kubectl.calls).toEqual([]);
  });

  it.each([
    [{ expectArgs: Array.from({ length: 65 }, () => 'get') }, /constraints\.expectArgs/],
    [{ expectArgs: ['x'.repeat(1025)] }, /constraints\.expectArgs\[0\]: each item must be at most 1024 characters/],
    [{ expectArgs: 'get pods' }, /constraints\.expectArgs/],
    [{ approvalToken: 'not a token!' }, /constraints\.approvalToken/],
    [{ confirmText: 'web' }, /constraints\.confirmText: goes with constraints\.approvalToken/],
  ])('rejects invalid constraints naming the field (%#)', async (constraints, field) => {
    const core = createFakeCore();
    const error = await k8s_exec({ ...restart, constraints }, { core }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(field);
    expect(core.auditLog.records).toEqual([]);
  });
});

describe('k8s_plan (fakes)', () => {
  it('returns plan, verdict and cards, records the proposal, and runs nothing', async () => {
    const { k8s_plan, K8sPlanResultSchema } = await import('../../../src/tool/k8s-plan.js');
    const core = createFakeCore();
    const document = await k8s_plan({ intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' }, { core });
    expect(K8sPlanResultSchema.parse(document)).toEqual(document);
    expect(document.plan?.args).toEqual(['rollout', 'restart', 'deployment/api', '-n', 'prod']);
    expect(document.verdict).toMatchObject({ decision: 'confirm', risk: 'medium' });
    expect(document.cards[0]).toMatchObject({ id: 'restart-deployment', risk: 'medium' });
    expect(document.operation_id).toBe(core.auditLog.records[0]!.operation_id);
    expect(core.kubectl.calls).toEqual([]);
  });

  it('planOnly records nothing and issues no approval', async () => {
    const { k8s_plan } = await import('../../../src/tool/k8s-plan.js');
    const core = createFakeCore();
    const types: string[] = [];
    const document = await k8s_plan({ intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' }, { core, planOnly: true, onEvent: (event) => types.push(event.type) });
    expect(types).toEqual(['retrieve-end', 'plan-end', 'validate-end']);
    expect(document.operation_id).toBe('');
    expect(document.verdict?.decision).toBe('confirm');
    expect(core.auditLog.records).toEqual([]);
  });
});
