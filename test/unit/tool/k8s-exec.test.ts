import { describe, expect, it } from 'vitest';
import { k8s_exec, K8sExecResultSchema } from '../../../src/tool/k8s-exec.js';
import { InputError } from '../../../src/errors.js';
import type { PipelineEvent } from '../../../src/contracts/events.js';
import { createInteractiveApprover } from '../../../src/pipeline/approvers.js';
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

  it('answers needs-confirmation for a medium-risk command, with a preview, and changes nothing', async () => {
    const { core, result } = await exec(restart, { kubectl: () => ({ stdout: ['api 3/3'] }) });
    expect(result.status).toBe('needs-confirmation');
    expect(result.plan?.risk).toBe('medium');
    expect(result.result).toBeUndefined();
    expect(result.preview).toMatchObject({ output: 'api 3/3', note: expect.stringMatching(/no dry-run/) });
    // rollout restart has no dry-run: the preview is the current state and the live object the summary reads.
    expect(core.kubectl.calls.map((call) => call.args.join(' '))).toEqual(['get deployment api -n prod -o wide', 'get deployment api -n prod -o json']);
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
    const live = JSON.stringify({ kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 }, status: { readyReplicas: 2 } });
    const { core, result } = await exec({ ...scale, constraints: { dryRun: true } }, { kubectl: (args) => ({ stdout: [args.includes('json') ? live : 'replicas: 4'] }) });
    expect(result.status).toBe('dry-run');
    // The summary says what changes, from the live object: not 14 lines of YAML metadata.
    expect(result.preview).toEqual({ output: 'replicas: 4', exit_code: 0, changes: [{ object: 'deployment/web', field: 'replicas', from: '2', to: '4' }] });
    expect(core.kubectl.calls.map((call) => call.args.join(' '))).toEqual([
      'scale deployment/web -n staging --replicas=4 --dry-run=server -o yaml',
      'get deployment web -n staging -o json',
    ]);
    expect(core.auditLog.records.find((record) => record.event === 'dry-run')?.reads).toEqual(['kubectl get deployment web -n staging -o json']);
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
    expect(no.core.kubectl.calls.map((call) => call.args.at(-1))).toEqual(['yaml', 'json']);
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
