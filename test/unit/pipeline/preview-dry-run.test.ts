import { describe, expect, it } from 'vitest';
import { propose } from '../../../src/pipeline/propose.js';
import { previewDryRun } from '../../../src/pipeline/preview-dry-run.js';
import type { PipelineEvent, Proposal } from '../../../src/contracts/events.js';
import type { K8sExecPayload } from '../../../src/schemas/request.js';
import { collectEvents, createFakeCore, type FakeCore, type FakeCoreOptions } from '../../helpers/fake-core.js';

async function proposed(request: K8sExecPayload, options: FakeCoreOptions = {}): Promise<{ core: FakeCore; proposal: Proposal }> {
  const core = createFakeCore(options);
  const events = await collectEvents(propose(request, core, { source: 'cli' }));
  const approval = events.find((event) => event.type === 'approval-request');
  if (approval?.type !== 'approval-request') throw new Error('no approval');
  return { core, proposal: approval.proposal };
}

const notices = (events: PipelineEvent[]) => events.flatMap((event) => (event.type === 'notice' ? [event.message] : []));

describe('previewDryRun', () => {
  it('runs the server-side dry-run argv and records `dry-run`', async () => {
    const { core, proposal } = await proposed(
      { intent: 'scale', resource: 'deployment', namespace: 'staging', name: 'web', query: 'to 4' },
      { kubectl: () => ({ stdout: ['kind: Deployment', 'spec:', '  replicas: 4'] }) },
    );
    const events = await collectEvents(previewDryRun(proposal, core));
    expect(events.map((event) => event.type)).toEqual(['dry-run-end', 'audit-end']);
    expect(core.kubectl.calls.map((call) => call.args)).toEqual([
      ['scale', 'deployment/web', '-n', 'staging', '--replicas=4', '--dry-run=server', '-o', 'yaml'],
      ['get', 'deployment', 'web', '-n', 'staging', '-o', 'json'],
    ]);
    expect(events[0]).toMatchObject({ type: 'dry-run-end', exitCode: 0, output: 'kind: Deployment\nspec:\n  replicas: 4' });
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['proposed', 'dry-run']);
    expect(core.auditLog.records.at(-1)!.message).toMatch(/--dry-run=server/);
  });

  it('shows the current state, with a notice saying why, when the command has no dry-run', async () => {
    const { core, proposal } = await proposed({ intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' }, { kubectl: () => ({ stdout: ['NAME READY', 'api 3/3'] }) });
    const events = await collectEvents(previewDryRun(proposal, core));
    expect(notices(events)[0]).toMatch(/no dry-run.*current state/);
    expect(core.kubectl.calls[0]!.args).toEqual(['get', 'deployment', 'api', '-n', 'prod', '-o', 'wide']);
    expect(events.find((event) => event.type === 'dry-run-end')).toMatchObject({ output: 'NAME READY\napi 3/3' });
  });

  it('needs no preview for a read-only command and runs nothing', async () => {
    const { core, proposal } = await proposed({ intent: 'get', resource: 'pod', namespace: 'dev' });
    const events = await collectEvents(previewDryRun(proposal, core));
    expect(events.map((event) => event.type)).toEqual(['notice']);
    expect(core.kubectl.calls).toEqual([]);
  });

  it('reports a failing dry-run with kubectl\'s message and redacts secrets', async () => {
    const { core, proposal } = await proposed(
      { intent: 'scale', resource: 'deployment', namespace: 'staging', name: 'web', query: 'to 4' },
      { kubectl: () => ({ stderr: ['error: token=abcd1234secret not accepted'], exitCode: 1 }) },
    );
    const events = await collectEvents(previewDryRun(proposal, core));
    const end = events.find((event) => event.type === 'dry-run-end');
    expect(end).toMatchObject({ exitCode: 1 });
    expect(end?.type === 'dry-run-end' && end.output).not.toContain('abcd1234secret');
  });

  it('refuses to preview a tampered proposal', async () => {
    const { core, proposal } = await proposed({ intent: 'scale', resource: 'deployment', namespace: 'staging', name: 'web', query: 'to 4' });
    const events = await collectEvents(previewDryRun({ ...proposal, plan: { ...proposal.plan, args: ['delete', 'deployment', 'web', '-n', 'staging'] } }, core));
    expect(events).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'APPROVAL_MISMATCH' }) }]);
    expect(core.kubectl.calls).toEqual([]);
  });

  it('stops on abort', async () => {
    const { core, proposal } = await proposed({ intent: 'scale', resource: 'deployment', namespace: 'staging', name: 'web', query: 'to 4' }, { kubectl: () => ({ hang: true }) });
    const controller = new AbortController();
    const pending = collectEvents(previewDryRun(proposal, core, { signal: controller.signal }));
    controller.abort();
    const events = await pending;
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'CANCELLED' } });
  });
});
