import { describe, expect, it } from 'vitest';
import { propose } from '../../../src/pipeline/propose.js';
import type { PipelineEvent, Proposal } from '../../../src/contracts/events.js';
import type { K8sExecPayload } from '../../../src/schemas/request.js';
import { collectEvents, createFakeCore, type FakeCoreOptions } from '../../helpers/fake-core.js';

const restart: K8sExecPayload = { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' };

async function run(request: K8sExecPayload, options: FakeCoreOptions = {}, signal?: AbortSignal) {
  const core = createFakeCore(options);
  const events = await collectEvents(propose(request, core, { source: 'tool', user: 'alice', signal }));
  return { core, events, types: events.map((event) => event.type) };
}

function find<T extends PipelineEvent['type']>(events: PipelineEvent[], type: T): Extract<PipelineEvent, { type: T }> | undefined {
  return events.find((event): event is Extract<PipelineEvent, { type: T }> => event.type === type);
}

describe('propose', () => {
  it('yields retrieve-end, plan-end, validate-end, approval-request, audit-end and records `proposed`', async () => {
    const { core, events, types } = await run(restart);
    expect(types).toEqual(['retrieve-end', 'plan-end', 'validate-end', 'approval-request', 'audit-end']);
    const proposal = find(events, 'approval-request')!.proposal;
    expect(proposal.plan.args).toEqual(['rollout', 'restart', 'deployment/api', '-n', 'prod']);
    expect(proposal.verdict.decision).toBe('confirm');
    expect(proposal.verdict.risk).toBe('medium');
    expect(proposal.policyVersion).toBe('policy-v1');
    expect(proposal.user).toBe('alice');
    expect(proposal.dryRun).toBe('none');
    expect(proposal.approvalToken).toMatch(/^[\w-]{20,}$/);
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['proposed']);
    const record = core.auditLog.records[0]!;
    expect(record).toMatchObject({ operation_id: proposal.operationId, source: 'tool', user: 'alice', decision: 'confirm', card: 'restart-deployment', namespace: 'prod' });
    expect(find(events, 'audit-end')!.operationId).toBe(proposal.operationId);
  });

  it('streams plan-delta tokens from an llm planner before plan-end', async () => {
    const { events, types } = await run(restart, { planner: { kind: 'llm' } });
    const firstEnd = types.indexOf('plan-end');
    const deltas = events.filter((event) => event.type === 'plan-delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(types.lastIndexOf('plan-delta')).toBeLessThan(firstEnd);
    expect(deltas.map((event) => (event.type === 'plan-delta' ? event.text : '')).join('')).toContain('restart-deployment');
    expect(find(events, 'plan-end')!.planner).toBe('llm');
  });

  it('allows a read-only command with an approval request', async () => {
    const { events } = await run({ intent: 'get', resource: 'pod', namespace: 'dev' });
    expect(find(events, 'validate-end')!.verdict).toMatchObject({ decision: 'allow', mutating: false });
    expect(find(events, 'approval-request')!.proposal.plan.command).toBe('kubectl get pods -n dev');
  });

  it('ends after validate-end on a denial and records `denied` with the reasons', async () => {
    const { core, events, types } = await run({ ...restart, namespace: 'payments' });
    expect(types).toEqual(['retrieve-end', 'plan-end', 'validate-end', 'audit-end']);
    expect(find(events, 'validate-end')!.verdict.violations[0]!.code).toBe('NAMESPACE_NOT_LISTED');
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['denied']);
    expect(core.auditLog.records[0]!.message).toMatch(/payments/);
    expect(core.auditLog.records[0]!.violations).toEqual([expect.stringMatching(/^NAMESPACE_NOT_LISTED: namespace "payments" is not listed in namespaces.yaml/)]);
  });

  it('ends with the missing parameters when the plan is incomplete, and never validates empty argv', async () => {
    const { core, events, types } = await run({ intent: 'restart', resource: 'deployment', namespace: 'prod' });
    expect(types).toEqual(['retrieve-end', 'plan-end', 'validate-end', 'audit-end']);
    expect(find(events, 'plan-end')!.plan).toMatchObject({ missing: ['name'], args: [] });
    const verdict = find(events, 'validate-end')!.verdict;
    expect(verdict.decision).toBe('deny');
    expect(verdict.violations[0]!).toMatchObject({ code: 'PARAMS_MISSING' });
    expect(verdict.violations[0]!.message).toMatch(/name.*--name/);
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['denied']);
    expect(core.auditLog.records[0]!.args).toBeNull();
  });

  it('rejects an invalid parameter value from the planner as PARAMS_INVALID', async () => {
    const { events } = await run(restart, { planner: { params: { name: '-rf' } } });
    const verdict = find(events, 'validate-end')!.verdict;
    expect(verdict.decision).toBe('deny');
    expect(verdict.violations.map((violation) => violation.code)).toContain('PARAMS_INVALID');
  });

  it.each<[string, K8sExecPayload, RegExp]>([
    ['an explicit param the card does not declare', { ...restart, params: { replica: 0 } }, /param "replica": card restart-deployment has no such parameter/],
    ['an explicit value failing the card', { intent: 'scale', resource: 'deployment', namespace: 'prod', name: 'api', query: 'to 5', params: { replicas: 'abc' } }, /param replicas="abc": replicas must be a whole number/],
    ['an explicit value out of range', { intent: 'scale', resource: 'deployment', namespace: 'prod', name: 'api', query: 'to 5', params: { replicas: 500 } }, /replicas must be at most/],
  ])('denies %s with PARAMS_INVALID and runs nothing', async (_what, request, message) => {
    const { core, events, types } = await run(request);
    expect(types).toEqual(['retrieve-end', 'plan-end', 'validate-end', 'audit-end']);
    expect(find(events, 'plan-end')!.plan.args).toEqual([]);
    const verdict = find(events, 'validate-end')!.verdict;
    expect(verdict.decision).toBe('deny');
    expect(verdict.violations).toEqual([expect.objectContaining({ code: 'PARAMS_INVALID', message: expect.stringMatching(message) })]);
    expect(core.kubectl.calls.filter((call) => call.args[0] !== 'get')).toEqual([]);
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['denied']);
  });

  it('lists the card\'s parameters when an explicit key is unknown', async () => {
    const { events } = await run({ intent: 'scale', resource: 'deployment', namespace: 'prod', name: 'api', query: 'to 5', params: { replica: 0 } });
    expect(find(events, 'validate-end')!.verdict.violations[0]!.message).toMatch(/its parameters are: replicas/);
  });

  it('keeps an explicit value even when the planner put another one in the plan', async () => {
    const { events } = await run(
      { intent: 'scale', resource: 'deployment', namespace: 'prod', name: 'api', params: { replicas: 7 } },
      { planner: { params: { replicas: 3 } } },
    );
    expect(find(events, 'plan-end')!.plan.args).toContain('--replicas=7');
    expect(find(events, 'plan-end')!.plan.params.replicas).toBe(7);
  });

  it('resolves the owner of a pod being deleted so the guardrail can suggest a rollout restart', async () => {
    const { core, events } = await run(
      { intent: 'delete', resource: 'pod', namespace: 'prod', name: 'api-7d9f-x2' },
      { owners: { 'prod/api-7d9f-x2': { kind: 'Deployment', name: 'api' } } },
    );
    expect(core.ownerResolver.calls).toEqual(['prod/api-7d9f-x2']);
    const verdict = find(events, 'validate-end')!.verdict;
    expect(verdict.decision).toBe('deny');
    expect(verdict.suggestions[0]!.command).toEqual(['rollout', 'restart', 'deployment/api', '-n', 'prod']);
    expect(find(events, 'approval-request')).toBeUndefined();
  });

  it('does not resolve owners for commands other than delete pod', async () => {
    const { core } = await run(restart);
    expect(core.ownerResolver.calls).toEqual([]);
  });

  it('uses the argv rendered from the card, not the one a planner wrote', async () => {
    const { events } = await run(restart, { planner: { args: ['delete', 'deployment', 'api', '-n', 'prod'] } });
    expect(events.some((event) => event.type === 'notice' && /did not match card/.test(event.message))).toBe(true);
    expect(find(events, 'plan-end')!.plan.args).toEqual(['rollout', 'restart', 'deployment/api', '-n', 'prod']);
  });

  it('turns an invalid payload into an INPUT_INVALID error naming the field, without an audit record', async () => {
    const { core, events } = await run({ intent: 'restart', resource: 'deployment', name: 'api' } as K8sExecPayload);
    expect(events).toHaveLength(1);
    const error = find(events, 'error')!.error;
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.message).toMatch(/namespace/);
    expect(core.auditLog.records).toEqual([]);
  });

  it('fails with PLAN_FAILED when no card matches, and records it', async () => {
    const { core, events, types } = await run({ intent: 'drain', resource: 'node' });
    expect(types).toEqual(['retrieve-end', 'error']);
    expect(find(events, 'error')!.error.code).toBe('PLAN_FAILED');
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['failed']);
  });

  it('stops on abort with a CANCELLED error and a `cancelled` record', async () => {
    const controller = new AbortController();
    const core = createFakeCore({ planner: { hang: true } });
    const events: PipelineEvent[] = [];
    for await (const event of propose(restart, core, { source: 'tui', signal: controller.signal })) {
      events.push(event);
      if (event.type === 'retrieve-end') controller.abort();
    }
    expect(events.map((event) => event.type)).toEqual(['retrieve-end', 'error']);
    expect(find(events, 'error')!.error.code).toBe('CANCELLED');
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['cancelled']);
  });

  it('denies mutations in read-only mode', async () => {
    const { events } = await run(restart, { readOnly: true });
    const verdict = find(events, 'validate-end')!.verdict;
    expect(verdict.decision).toBe('deny');
    expect(verdict.violations.map((violation) => violation.code)).toContain('READ_ONLY');
  });

  it('hands out no approval when the proposal cannot be audited', async () => {
    const core = createFakeCore();
    core.auditLog.failOn = 'proposed';
    const events = await collectEvents(propose(restart, core, { source: 'cli' }));
    expect(find(events, 'approval-request')).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: 'error' });
  });

  it('binds the proposal to the configured kube context', async () => {
    const { events } = await run(restart, { context: 'sandbox' });
    const proposal: Proposal = find(events, 'approval-request')!.proposal;
    expect(proposal.context).toBe('sandbox');
  });

  it('gives the planner the current replica count for a relative scale request', async () => {
    const { core, events } = await run(
      { intent: 'scale', resource: 'deployment', namespace: 'staging', name: 'web', query: 'double it' },
      { kubectl: (args) => (args[0] === 'get' ? { stdout: ['3'] } : { stdout: [] }) },
    );
    expect(core.kubectl.calls[0]!.args).toEqual(['get', 'deployment', 'web', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}']);
    expect(find(events, 'plan-end')!.plan.args).toContain('--replicas=6');
  });
});
