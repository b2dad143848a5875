/** The approvals inbox: an agent's door files a change, a person decides, the change runs once at the door. */
import { describe, expect, it, vi } from 'vitest';
import { decideApproval, pendingApprovals } from '../../../src/pipeline/decide-approval.js';
import { k8s_exec, type K8sExecResult } from '../../../src/tool/k8s-exec.js';
import { createFakeCore, type FakeCore } from '../../helpers/fake-core.js';

const restart = { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' };
const restartArgs = ['rollout', 'restart', 'deployment/api', '-n', 'prod'];
const runs = (core: FakeCore) => core.kubectl.calls.map((call) => call.args).filter((args) => args[0] !== 'get');
const person = 'alice (rk8s approve on a terminal)';

async function filed(core: FakeCore): Promise<{ document: K8sExecResult; id: string }> {
  const document = await k8s_exec(restart, { core, source: 'mcp', user: 'agent' });
  expect(document.status).toBe('needs-approval');
  return { document, id: document.approval!.request!.id };
}

describe('the approvals inbox', () => {
  it('an agent proposes, a person approves, and the change runs exactly once when the agent asks again', async () => {
    const core = createFakeCore({ kubectl: (args) => ({ stdout: [args[0] === 'get' ? 'api 3/3' : 'deployment.apps/api restarted'] }) });
    const { document, id } = await filed(core);
    expect(document.plan?.args).toEqual(restartArgs);
    expect(document.preview?.output).toBe('api 3/3');
    expect(runs(core)).toEqual([]);
    expect((await pendingApprovals(core)).map((record) => record.id)).toEqual([id]);

    const decided = await decideApproval(core, id, { outcome: 'approved', by: person, answer: { confirmed: true } });
    expect(decided.ok).toBe(true);
    expect(await pendingApprovals(core)).toEqual([]);

    const again = { ...restart, constraints: { approvalId: id } };
    const results = await Promise.all([k8s_exec(again, { core, source: 'mcp', user: 'agent' }), k8s_exec(again, { core, source: 'mcp', user: 'agent' })]);
    expect(results.map((result) => result.status).sort()).toEqual(['blocked', 'executed']);
    expect(results.find((result) => result.status === 'blocked')?.error?.code).toBe('APPROVAL_USED');
    expect(runs(core)).toEqual([restartArgs]);
    const replay = await k8s_exec(again, { core, source: 'mcp', user: 'agent' });
    expect(replay).toMatchObject({ status: 'blocked', error: { code: 'APPROVAL_USED' } });
    expect(runs(core)).toEqual([restartArgs]);

    const operation = core.auditLog.records.filter((record) => record.operation_id === document.operation_id);
    expect(operation.map((record) => record.event)).toEqual(['proposed', 'dry-run', 'approval-requested', 'approved', 'confirmed', 'started', 'finished']);
    expect(operation.find((record) => record.event === 'approved')).toMatchObject({ approval_id: id, decided_by: person });
    expect(operation.find((record) => record.event === 'confirmed')?.message).toContain(`approvals inbox ${id}`);
  });

  it('a door that is still waiting runs the change as soon as a person approves it', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    core.approvalsPolicy = { ...core.approvalsPolicy, policy: { ...core.approvalsPolicy.policy, inbox: { ttl_seconds: 3600, wait_seconds: 5 } } };
    const pending = k8s_exec(restart, { core, source: 'mcp', user: 'agent' });
    let id: string | undefined;
    await vi.waitFor(async () => {
      id = (await pendingApprovals(core))[0]?.id;
      expect(id).toBeDefined();
    });
    expect((await decideApproval(core, id!, { outcome: 'approved', by: person, answer: { confirmed: true } })).ok).toBe(true);
    const document = await pending;
    expect(document.status).toBe('executed');
    expect(runs(core)).toEqual([restartArgs]);
  });

  it('a denial reaches the agent with the reason, and nothing runs', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const { id } = await filed(core);
    expect((await decideApproval(core, id, { outcome: 'denied', by: person, reason: 'not during the freeze' })).ok).toBe(true);
    const answer = await k8s_exec({ ...restart, constraints: { approvalId: id } }, { core, source: 'mcp', user: 'agent' });
    expect(answer).toMatchObject({ status: 'denied', approval: { outcome: 'denied', by: person, message: 'not during the freeze' } });
    expect(runs(core)).toEqual([]);
    expect(core.auditLog.records.find((record) => record.event === 'declined')).toMatchObject({ approval_id: id, decided_by: person, message: `denied by ${person}: not during the freeze` });
    expect(await decideApproval(core, id, { outcome: 'approved', by: person, answer: { confirmed: true } })).toMatchObject({ ok: false, code: 'APPROVAL_ALREADY_DECIDED' });
  });

  it('a request nobody decided expires: the agent is told, and it can no longer be approved', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const { id } = await filed(core);
    core.clock.advance(3600 * 1000 + 1);
    const answer = await k8s_exec({ ...restart, constraints: { approvalId: id } }, { core, source: 'mcp', user: 'agent' });
    expect(answer).toMatchObject({ status: 'expired', error: { code: 'APPROVAL_EXPIRED' } });
    expect(await decideApproval(core, id, { outcome: 'approved', by: person, answer: { confirmed: true } })).toMatchObject({ ok: false, code: 'APPROVAL_EXPIRED' });
    expect(runs(core)).toEqual([]);
  });

  it('a person in another kube context cannot approve it, and the context is re-checked before it runs', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }), context: 'prod-eu' });
    const { id } = await filed(core);
    const elsewhere = { ...core, config: { ...core.config, kubectl: { ...core.config.kubectl, context: 'staging-eu' } } };
    expect(await decideApproval(elsewhere, id, { outcome: 'approved', by: person, answer: { confirmed: true } })).toMatchObject({ ok: false, code: 'APPROVAL_MISMATCH', message: expect.stringMatching(/kube context prod-eu, not staging-eu/) });
    expect((await decideApproval(core, id, { outcome: 'approved', by: person, answer: { confirmed: true } })).ok).toBe(true);
    const fromElsewhere = await k8s_exec({ ...restart, constraints: { approvalId: id } }, { core: elsewhere, source: 'mcp', user: 'agent' });
    expect(fromElsewhere).toMatchObject({ status: 'blocked', error: { code: 'APPROVAL_MISMATCH' } });
    expect(runs(core)).toEqual([]);
  });

  it('a high-risk request is approved only with the object name typed exactly', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    core.validator.forcedRisk = 'high';
    const { id, document } = await filed(core);
    expect(document.confirmation).toEqual({ kind: 'typed-name', word: 'api', expectRequired: false });
    expect(await decideApproval(core, id, { outcome: 'approved', by: person, answer: { confirmed: true } })).toMatchObject({ ok: false, code: 'CONFIRM_TEXT_MISMATCH' });
    expect(await decideApproval(core, id, { outcome: 'approved', by: person, answer: { confirmed: true, text: 'API' } })).toMatchObject({ ok: false, code: 'CONFIRM_TEXT_MISMATCH' });
    expect((await decideApproval(core, id, { outcome: 'approved', by: person, answer: { confirmed: true, text: 'api' } })).ok).toBe(true);
    const done = await k8s_exec({ ...restart, constraints: { approvalId: id } }, { core, source: 'mcp', user: 'agent' });
    expect(done.status).toBe('executed');
  });

  it('a command the policy now denies cannot be approved', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const { id } = await filed(core);
    core.validator.deniedVerbs.add('rollout restart');
    expect(await decideApproval(core, id, { outcome: 'approved', by: person, answer: { confirmed: true } })).toMatchObject({ ok: false, code: 'POLICY_DENIED' });
  });

  it('asking again with another request, at another door, or with an unknown id is refused', async () => {
    const core = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const { id } = await filed(core);
    await decideApproval(core, id, { outcome: 'approved', by: person, answer: { confirmed: true } });
    const other = await k8s_exec({ ...restart, name: 'web', constraints: { approvalId: id } }, { core, source: 'mcp', user: 'agent' });
    expect(other).toMatchObject({ status: 'blocked', error: { code: 'APPROVAL_MISMATCH' } });
    const otherDoor = await k8s_exec({ ...restart, constraints: { approvalId: id } }, { core, source: 'http', user: 'agent' });
    expect(otherDoor).toMatchObject({ status: 'blocked', error: { code: 'APPROVAL_MISMATCH' } });
    const unknown = await k8s_exec({ ...restart, constraints: { approvalId: 'zzzzzzzz' } }, { core, source: 'mcp', user: 'agent' });
    expect(unknown).toMatchObject({ status: 'blocked', error: { code: 'APPROVAL_UNKNOWN' } });
    expect(runs(core)).toEqual([]);
    // The approved request is still there for the right caller.
    expect((await k8s_exec({ ...restart, constraints: { approvalId: id } }, { core, source: 'mcp', user: 'agent' })).status).toBe('executed');
  });
});
