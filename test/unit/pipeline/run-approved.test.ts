import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { propose } from '../../../src/pipeline/propose.js';
import type { Card } from '../../../src/schemas/card.js';
import { runApproved } from '../../../src/pipeline/run-approved.js';
import type { PipelineEvent, Proposal } from '../../../src/contracts/events.js';
import type { K8sExecPayload } from '../../../src/schemas/request.js';
import { collectEvents, createFakeCore, type FakeCore, type FakeCoreOptions } from '../../helpers/fake-core.js';

const restart: K8sExecPayload = { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' };
const getPods: K8sExecPayload = { intent: 'get', resource: 'pod', namespace: 'dev' };

async function proposed(request: K8sExecPayload, options: FakeCoreOptions = {}): Promise<{ core: FakeCore; proposal: Proposal }> {
  const core = createFakeCore(options);
  const events = await collectEvents(propose(request, core, { source: 'cli', user: 'bob' }));
  const approval = events.find((event) => event.type === 'approval-request');
  if (approval?.type !== 'approval-request') throw new Error(`no approval: ${JSON.stringify(events.at(-1))}`);
  return { core, proposal: approval.proposal };
}

const errorOf = (events: PipelineEvent[]) => events.find((event) => event.type === 'error')?.type === 'error' ? (events.find((event) => event.type === 'error') as Extract<PipelineEvent, { type: 'error' }>).error : undefined;
const kubectlRuns = (core: FakeCore) => core.timeline.filter((entry) => entry.startsWith('kubectl'));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('runApproved', () => {
  it('records confirmed and started before kubectl runs, streams output, then records finished', async () => {
    const { core, proposal } = await proposed(restart, { kubectl: () => ({ stdout: ['deployment.apps/api restarted'], stderr: ['warning: x'] }) });
    const events = await collectEvents(runApproved(proposal, core, { confirmed: true }));
    expect(events.map((event) => event.type)).toEqual(['exec-output', 'exec-output', 'exec-end', 'audit-end']);
    // The read of what undo needs comes first; this fake answers it with no JSON, so the prior state is unknown.
    expect(core.timeline).toEqual(['audit proposed', 'kubectl get deployment/api -n prod -o json', 'audit confirmed', 'audit started', 'kubectl rollout restart deployment/api -n prod', 'audit finished']);
    expect(core.auditLog.records.find((record) => record.event === 'started')!.prior_state).toMatchObject({ status: 'unknown', resource: 'deployment', namespace: 'prod', name: 'api' });
    const finished = core.auditLog.records.at(-1)!;
    expect(finished).toMatchObject({ event: 'finished', exit_code: 0, truncated: false, timed_out: false, operation_id: proposal.operationId, user: 'bob' });
    expect(finished.stdout_sha256).toBe(sha('deployment.apps/api restarted\n'));
    expect(finished.stderr_sha256).toBe(sha('warning: x\n'));
    expect(finished.duration).toBeCloseTo(0.012);
    // the chain links every record to the previous one
    core.auditLog.records.slice(1).forEach((record, index) => expect(record.prev_hash).toBe(core.auditLog.records[index]!.hash));
  });

  it('records the hash of everything kubectl wrote, not of the lines the display cap kept', async () => {
    const { core, proposal } = await proposed(restart, { kubectl: () => ({ stdout: ['line 1'], hiddenStdout: ['line 2', 'line 3'] }) });
    const events = await collectEvents(runApproved(proposal, core, { confirmed: true }));
    expect(events.filter((event) => event.type === 'exec-output')).toHaveLength(1);
    const finished = core.auditLog.records.at(-1)!;
    expect(finished.truncated).toBe(true);
    expect(finished.stdout_sha256).toBe(sha('line 1\nline 2\nline 3\n'));
    expect(finished.stdout_sha256).not.toBe(sha('line 1\n'));
  });

  it('records no output hash when the runner cannot say what kubectl wrote', async () => {
    const { core, proposal } = await proposed(restart);
    const silent = { run: async function* () { yield { type: 'exec-end' as const, exitCode: 0, durationMs: 1, truncated: false, timedOut: false, cancelled: false }; } };
    await collectEvents(runApproved(proposal, { ...core, kubectl: silent }, { confirmed: true }));
    const finished = core.auditLog.records.at(-1)!;
    expect(finished.event).toBe('finished');
    expect(finished).not.toHaveProperty('stdout_sha256');
  });

  it('refuses a confirm-level command without confirmation and runs nothing', async () => {
    const { core, proposal } = await proposed(restart);
    const events = await collectEvents(runApproved(proposal, core, { confirmed: false }));
    expect(events.map((event) => event.type)).toEqual(['error']);
    expect(errorOf(events)!.code).toBe('CONFIRMATION_REQUIRED');
    expect(kubectlRuns(core)).toEqual([]);
  });

  it('runs an allow-level command without confirmation and writes no `confirmed` record', async () => {
    const { core, proposal } = await proposed(getPods);
    const events = await collectEvents(runApproved(proposal, core, { confirmed: false }));
    expect(events.at(-2)).toMatchObject({ type: 'exec-end', exitCode: 0 });
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['proposed', 'started', 'finished']);
  });

  it.each<[string, (proposal: Proposal) => Proposal]>([
    ['a changed argv', (proposal) => ({ ...proposal, plan: { ...proposal.plan, args: ['delete', 'deployment', 'api', '-n', 'prod'] } })],
    ['a changed name in the argv', (proposal) => ({ ...proposal, plan: { ...proposal.plan, args: ['rollout', 'restart', 'deployment/web', '-n', 'prod'] } })],
    ['a changed namespace', (proposal) => ({ ...proposal, verdict: { ...proposal.verdict, namespace: 'staging' } })],
    ['a changed context', (proposal) => ({ ...proposal, context: 'other-cluster' })],
    ['a claimed policy version', (proposal) => ({ ...proposal, policyVersion: 'policy-v2' })],
    ['another operation id', (proposal) => ({ ...proposal, operationId: '6f1f2c1e-0000-4000-8000-000000000000' })],
    ['a forged token', (proposal) => ({ ...proposal, approvalToken: `${proposal.approvalToken.slice(0, -2)}AA` })],
  ])('refuses %s (APPROVAL_MISMATCH) and runs nothing', async (_label, tamper) => {
    const { core, proposal } = await proposed(restart);
    const events = await collectEvents(runApproved(tamper(proposal), core, { confirmed: true }));
    expect(errorOf(events)!.code).toBe('APPROVAL_MISMATCH');
    expect(kubectlRuns(core)).toEqual([]);
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['proposed']);
  });

  it('refuses when the policy changed since the proposal', async () => {
    const { core, proposal } = await proposed(restart);
    core.validator.policyVersion = 'policy-v2';
    const events = await collectEvents(runApproved(proposal, core, { confirmed: true }));
    expect(errorOf(events)!).toMatchObject({ code: 'APPROVAL_MISMATCH', message: expect.stringMatching(/policy changed/) });
    expect(kubectlRuns(core)).toEqual([]);
  });

  it('refuses an approval from another core (tokens are per-core secrets)', async () => {
    const first = await proposed(restart);
    const other = createFakeCore();
    const events = await collectEvents(runApproved(first.proposal, other, { confirmed: true }));
    expect(errorOf(events)!.code).toBe('APPROVAL_MISMATCH');
  });

  it('re-validates just before running: a command denied now is not run and is recorded as denied', async () => {
    const { core, proposal } = await proposed(restart);
    core.validator.deniedVerbs.add('rollout restart');
    const events = await collectEvents(runApproved(proposal, core, { confirmed: true }));
    expect(errorOf(events)!.code).toBe('POLICY_DENIED');
    expect(kubectlRuns(core)).toEqual([]);
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['proposed', 'denied']);
  });

  it('re-validates the risk: a command whose risk rose needs confirmation again', async () => {
    const { core, proposal } = await proposed({ intent: 'scale', resource: 'deployment', namespace: 'dev', name: 'web', query: 'to 2' });
    core.validator.forcedRisk = 'high';
    const unconfirmed = await collectEvents(runApproved(proposal, core, { confirmed: false }));
    expect(errorOf(unconfirmed)!.code).toBe('CONFIRMATION_REQUIRED');
    expect(errorOf(unconfirmed)!.message).toMatch(/high-risk/);
  });

  it('runs an approval once: a replay is refused', async () => {
    const { core, proposal } = await proposed(getPods);
    await collectEvents(runApproved(proposal, core, { confirmed: false }));
    const again = await collectEvents(runApproved(proposal, core, { confirmed: false }));
    expect(errorOf(again)!).toMatchObject({ code: 'APPROVAL_MISMATCH', message: expect.stringMatching(/already used/) });
    expect(kubectlRuns(core)).toHaveLength(1);
  });

  it('refuses an expired approval', async () => {
    const { core, proposal } = await proposed(getPods);
    core.clock.advance(16 * 60 * 1000);
    const events = await collectEvents(runApproved(proposal, core, { confirmed: false }));
    expect(errorOf(events)!.message).toMatch(/expired/);
  });

  it('records `failed` with the exit code when kubectl fails', async () => {
    const { core, proposal } = await proposed(getPods, { kubectl: () => ({ stderr: ['Error from server (Forbidden)'], exitCode: 1 }) });
    const events = await collectEvents(runApproved(proposal, core, { confirmed: false }));
    expect(events.find((event) => event.type === 'exec-end')).toMatchObject({ exitCode: 1 });
    expect(core.auditLog.records.at(-1)).toMatchObject({ event: 'failed', exit_code: 1, level: 'ERROR' });
  });

  it('cancels a running command on abort and records `cancelled`', async () => {
    const controller = new AbortController();
    const { core, proposal } = await proposed(getPods, { kubectl: () => ({ stdout: ['NAME READY'], hang: true }) });
    const events: PipelineEvent[] = [];
    for await (const event of runApproved(proposal, core, { confirmed: false, signal: controller.signal })) {
      events.push(event);
      if (event.type === 'exec-output') controller.abort();
    }
    expect(events.find((event) => event.type === 'exec-end')).toMatchObject({ cancelled: true });
    expect(core.auditLog.records.at(-1)!.event).toBe('cancelled');
  });

  it('runs nothing when already aborted', async () => {
    const { core, proposal } = await proposed(getPods);
    const events = await collectEvents(runApproved(proposal, core, { confirmed: false, signal: AbortSignal.abort() }));
    expect(errorOf(events)!.code).toBe('CANCELLED');
    expect(kubectlRuns(core)).toEqual([]);
  });

  it('does not run kubectl when `started` cannot be recorded', async () => {
    const { core, proposal } = await proposed(getPods);
    core.auditLog.failOn = 'started';
    const events = await collectEvents(runApproved(proposal, core, { confirmed: false }));
    expect(errorOf(events)!).toMatchObject({ code: 'AUDIT_WRITE_FAILED', message: expect.stringMatching(/^cannot write the audit log, so the command was not run: .*ENOSPC/) });
    expect(kubectlRuns(core)).toEqual([]);
  });

  it('says loudly when kubectl ran but its outcome could not be recorded, and still reports how kubectl ended', async () => {
    const { core, proposal } = await proposed(getPods, { kubectl: () => ({ stdout: ['NAME READY'] }) });
    core.auditLog.failOn = 'finished';
    const events = await collectEvents(runApproved(proposal, core, { confirmed: false }));
    expect(events.map((event) => event.type)).toEqual(['exec-output', 'exec-end', 'error']);
    expect(errorOf(events)!).toMatchObject({ code: 'AUDIT_WRITE_FAILED', message: expect.stringMatching(/^kubectl ran \(exit 0\) but its "finished" record could not be written/) });
    const { k8s_exec } = await import('../../../src/tool/k8s-exec.js');
    const { exitCodeForExec } = await import('../../../src/output/exit-codes.js');
    const document = await k8s_exec(getPods, { core });
    expect(document).toMatchObject({ status: 'executed', result: { exit_code: 0 }, error: { code: 'AUDIT_WRITE_FAILED' } });
    expect(exitCodeForExec(document)).toBe(7);
  });

  it('reports a kubectl that cannot start as KUBECTL_FAILED and records `failed`', async () => {
    const { core, proposal } = await proposed(getPods, { kubectl: () => ({ throws: new Error('spawn kubectl ENOENT') }) });
    const events = await collectEvents(runApproved(proposal, core, { confirmed: false }));
    expect(errorOf(events)!).toMatchObject({ code: 'KUBECTL_FAILED', message: expect.stringMatching(/ENOENT/) });
    expect(core.auditLog.records.at(-1)!.event).toBe('failed');
  });

  it('closes the record as cancelled when the consumer stops reading mid-run', async () => {
    const { core, proposal } = await proposed(getPods, { kubectl: () => ({ stdout: ['a', 'b', 'c'] }) });
    for await (const event of runApproved(proposal, core, { confirmed: false })) {
      if (event.type === 'exec-output') break;
    }
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['proposed', 'started', 'cancelled']);
  });

  it('passes the request timeout, capped by the configuration', async () => {
    const { core, proposal } = await proposed({ ...getPods, constraints: { timeoutSeconds: 600 } });
    await collectEvents(runApproved(proposal, core, { confirmed: false }));
    expect(core.kubectl.calls[0]!.options.timeoutSeconds).toBe(core.config.exec.maxTimeoutSeconds);
  });

  const statusCard: Card = {
    id: 'status-deployment', title: 'Rollout status', intent: 'status', resource: 'deployment', description: 'Waits for a rollout.',
    command_template: ['rollout', 'status', 'deployment/{{name}}', '-n', '{{namespace}}', '--timeout={{timeout}}'],
    params: [
      { name: 'namespace', type: 'name', required: true, description: 'Namespace.' },
      { name: 'name', type: 'name', required: true, description: 'Deployment.' },
      { name: 'timeout', type: 'duration', required: false, default: '60s', description: 'Give up after.' },
    ],
    risk_level: 'none', verbs: ['get', 'watch'], dry_run: 'none', notes: [], keywords: [], follow_up: [],
    examples: [{ request: 'is api done', params: { namespace: 'dev', name: 'api' }, command: 'kubectl rollout status deployment/api -n dev --timeout=60s' }],
  };

  it.each([
    ['60s', 70],
    ['2m', 130],
    ['1h', 600],
  ])('never kills a command before its own --timeout=%s (run timeout %i s, capped at the maximum)', async (timeout, expected) => {
    const { core, proposal } = await proposed(
      { intent: 'status', resource: 'deployment', namespace: 'dev', name: 'api', params: { timeout } },
      { cards: [statusCard] },
    );
    expect(proposal.plan.args).toContain(`--timeout=${timeout}`);
    await collectEvents(runApproved(proposal, core, { confirmed: true }));
    expect(core.kubectl.calls[0]!.options.timeoutSeconds).toBe(expected);
  });
});

