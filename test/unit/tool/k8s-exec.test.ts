import { describe, expect, it } from 'vitest';
import { k8s_exec, K8sExecResultSchema } from '../../../src/tool/k8s-exec.js';
import { InputError } from '../../../src/errors.js';
import type { PipelineEvent } from '../../../src/pipeline/events.js';
import { createFakeCore, type FakeCoreOptions } from '../../helpers/fake-core.js';

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

  it('answers needs-confirmation for a medium-risk command without constraints.confirm, and runs nothing', async () => {
    const { core, result } = await exec(restart);
    expect(result.status).toBe('needs-confirmation');
    expect(result.plan?.risk).toBe('medium');
    expect(result.result).toBeUndefined();
    expect(core.kubectl.calls).toEqual([]);
  });

  it('runs a medium-risk command with constraints.confirm and records the confirmation', async () => {
    const { core, result } = await exec({ ...restart, constraints: { confirm: true } }, { kubectl: () => ({ stdout: ['deployment.apps/api restarted'] }) });
    expect(result.status).toBe('executed');
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['proposed', 'confirmed', 'started', 'finished']);
  });

  it('returns the plan and the dry-run preview with constraints.dryRun, and runs nothing else', async () => {
    const { core, result } = await exec({ ...scale, constraints: { dryRun: true, confirm: true } }, { kubectl: () => ({ stdout: ['replicas: 4'] }) });
    expect(result.status).toBe('dry-run');
    expect(result.dry_run).toEqual({ output: 'replicas: 4', exit_code: 0 });
    expect(core.kubectl.calls.map((call) => call.args.join(' '))).toEqual(['scale deployment/web -n staging --replicas=4 --dry-run=server -o yaml']);
  });

  it('explains in dry_run.note when a command has no dry-run', async () => {
    const { result } = await exec({ ...restart, constraints: { dryRun: true } }, { kubectl: () => ({ stdout: ['api 3/3'] }) });
    expect(result.status).toBe('dry-run');
    expect(result.dry_run?.note).toMatch(/no dry-run/);
  });

  it('blocks a denied command with its violations and suggestions', async () => {
    const { core, result } = await exec(
      { intent: 'delete', resource: 'pod', namespace: 'prod', name: 'api-1', constraints: { confirm: true } },
      { owners: { 'prod/api-1': { kind: 'Deployment', name: 'api' } } },
    );
    expect(result.status).toBe('blocked');
    expect(result.verdict?.decision).toBe('deny');
    expect(result.verdict?.suggestions[0]?.command).toEqual(['rollout', 'restart', 'deployment/api', '-n', 'prod']);
    expect(core.kubectl.calls).toEqual([]);
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['denied']);
  });

  it('blocks an incomplete request and lists the missing parameters', async () => {
    const { result } = await exec({ intent: 'restart', resource: 'deployment', namespace: 'prod' });
    expect(result.status).toBe('blocked');
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

  it('asks the confirm callback after the preview, and runs only on yes', async () => {
    const seen: string[] = [];
    const yes = await exec(scale, { kubectl: () => ({ stdout: ['ok'] }) }, { confirm: async (proposal, preview) => (seen.push(`${proposal.plan.command} | ${preview.output}`), true) });
    expect(seen).toEqual(['kubectl scale deployment/web -n staging --replicas=4 | ok']);
    expect(yes.result.status).toBe('executed');
    const no = await exec(scale, {}, { confirm: async () => false });
    expect(no.result.status).toBe('needs-confirmation');
    expect(no.core.kubectl.calls.map((call) => call.args.at(-1))).toEqual(['yaml']);
  });

  it('reports every pipeline event to onEvent in order', async () => {
    const events: PipelineEvent['type'][] = [];
    await exec({ ...restart, constraints: { confirm: true } }, {}, { onEvent: (event) => events.push(event.type) });
    expect(events).toEqual(['retrieve-end', 'plan-end', 'validate-end', 'approval-request', 'audit-end', 'exec-output', 'exec-end', 'audit-end']);
  });

  it('fails with CANCELLED when aborted', async () => {
    const controller = new AbortController();
    const pending = exec({ intent: 'get', resource: 'pod', namespace: 'dev' }, { kubectl: () => ({ hang: true }) }, { signal: controller.signal, onEvent: (event) => event.type === 'approval-request' && controller.abort() });
    const { result } = await pending;
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('CANCELLED');
  });
});

describe('k8s_exec constraints.expectArgs (the confirmation names the argv)', () => {
  const doubleIt = { intent: 'scale', resource: 'deployment', namespace: 'staging', name: 'web', query: 'double it' };

  /** A cluster whose replica count the test can change between two calls. */
  function cluster(initial: number) {
    const state = { replicas: initial };
    const kubectl = (args: readonly string[]) => (args[0] === 'get' ? { stdout: [String(state.replicas)] } : { stdout: ['deployment.apps/web scaled'] });
    return { state, kubectl };
  }
  const scaleCalls = (core: ReturnType<typeof createFakeCore>) => core.kubectl.calls.map((call) => call.args).filter((args) => args[0] === 'scale');

  it('runs the re-planned command when it equals expectArgs', async () => {
    const { state, kubectl } = cluster(1);
    const core = createFakeCore({ kubectl });
    const shown = await k8s_exec(doubleIt, { core });
    expect(shown.status).toBe('needs-confirmation');
    expect(shown.plan?.args).toEqual(['scale', 'deployment/web', '-n', 'staging', '--replicas=2']);
    expect(state.replicas).toBe(1);
    const confirmed = await k8s_exec({ ...doubleIt, constraints: { confirm: true, expectArgs: shown.plan!.args } }, { core });
    expect(confirmed.status).toBe('executed');
    expect(scaleCalls(core)).toEqual([['scale', 'deployment/web', '-n', 'staging', '--replicas=2']]);
  });

  it('"double it" re-planned after the cluster changed: blocked with APPROVAL_MISMATCH, both commands named, nothing run, recorded as denied', async () => {
    const { state, kubectl } = cluster(1);
    const core = createFakeCore({ kubectl });
    const shown = await k8s_exec(doubleIt, { core });
    expect(shown.plan?.args.at(-1)).toBe('--replicas=2');
    state.replicas = 2; // someone else scaled meanwhile: "double it" now means 4
    const confirmed = await k8s_exec({ ...doubleIt, constraints: { confirm: true, expectArgs: shown.plan!.args } }, { core });
    expect(K8sExecResultSchema.parse(confirmed)).toEqual(confirmed);
    expect(confirmed.status).toBe('blocked');
    expect(confirmed.plan?.args.at(-1)).toBe('--replicas=4');
    expect(confirmed.verdict?.decision).toBe('deny');
    expect(confirmed.verdict?.violations.map((violation) => violation.code)).toEqual(['APPROVAL_MISMATCH']);
    const message = confirmed.verdict?.violations[0]?.message ?? '';
    expect(message).toContain('kubectl scale deployment/web -n staging --replicas=2');
    expect(message).toContain('kubectl scale deployment/web -n staging --replicas=4');
    expect(confirmed.error?.code).toBe('APPROVAL_MISMATCH');
    expect(scaleCalls(core)).toEqual([]);
    const records = core.auditLog.records.filter((record) => record.operation_id === confirmed.operation_id);
    expect(records.map((record) => record.event)).toEqual(['proposed', 'denied']);
    expect(records[1]?.violations?.[0]).toMatch(/^APPROVAL_MISMATCH: /);
  });

  it.each([
    ['a different replica count', ['scale', 'deployment/web', '-n', 'staging', '--replicas=5']],
    ['one argument more', ['scale', 'deployment/web', '-n', 'staging', '--replicas=4', '--record']],
    ['one argument fewer', ['scale', 'deployment/web', '-n', 'staging']],
    ['the same words joined differently', ['scale deployment/web', '-n', 'staging', '--replicas=4']],
    ['nothing at all', []],
  ])('refuses expectArgs with %s, even for a command that needs no confirmation otherwise', async (_label, expectArgs) => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const result = await k8s_exec({ ...scale, constraints: { confirm: true, expectArgs } }, { core });
    expect(result.status).toBe('blocked');
    expect(scaleCalls(core)).toEqual([]);
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

  it('the library still accepts confirm alone (seed compatibility); requireExpectArgs and source "http" do not', async () => {
    const compatible = await exec({ ...restart, constraints: { confirm: true } }, { kubectl: () => ({ stdout: ['restarted'] }) });
    expect(compatible.result.status).toBe('executed');
    for (const options of [{ requireExpectArgs: true }, { source: 'http' as const }]) {
      const core = createFakeCore();
      const error = await k8s_exec({ ...restart, constraints: { confirm: true } }, { ...options, core }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toMatch(/constraints\.expectArgs: required with confirm/);
      expect(core.auditLog.records).toEqual([]);
      expect(core.kubectl.calls).toEqual([]);
    }
  });

  it.each([
    [{ expectArgs: Array.from({ length: 65 }, () => 'get') }, /constraints\.expectArgs/],
    [{ expectArgs: ['x'.repeat(1025)] }, /constraints\.expectArgs\[0\]: each item must be at most 1024 characters/],
    [{ expectArgs: 'get pods' }, /constraints\.expectArgs/],
  ])('rejects an invalid expectArgs naming the field (%#)', async (constraints, field) => {
    const error = await k8s_exec({ ...restart, constraints }, { core: createFakeCore() }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(field);
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
