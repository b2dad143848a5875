/** k8s_exec's approval tokens: a confirmation is a single-use ticket for exactly the command that was shown. */
import { describe, expect, it } from 'vitest';
import { k8s_exec, K8sExecResultSchema } from '../../../src/tool/k8s-exec.js';
import { InputError } from '../../../src/errors.js';
import { allowAtDoor, createFakeCore } from '../../helpers/fake-core.js';

const restart = { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' };
const scale = { intent: 'scale', resource: 'deploy', namespace: 'staging', name: 'web', query: 'to 4' };

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
