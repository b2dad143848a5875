/**
 * Undo through the core with a fake cluster: the prior state recorded before a change, prepareUndo's
 * request, the re-check just before the inverse runs, and a prior-state read that fails without failing
 * the change.
 */
import { describe, expect, it } from 'vitest';
import { createFlagsApprover } from '../../../src/pipeline/approvers.js';
import { runRequest } from '../../../src/pipeline/run-request.js';
import { prepareUndo } from '../../../src/pipeline/undo-request.js';
import type { PipelineEvent } from '../../../src/contracts/events.js';
import type { K8sExecPayload } from '../../../src/schemas/request.js';
import { createFakeCore, type FakeKubectlResponse } from '../../helpers/fake-core.js';

/** A one-deployment cluster: `get` answers its JSON, `scale` changes it. */
function cluster(initial: number, options: { failReads?: boolean } = {}) {
  const state = { replicas: initial, scales: [] as number[] };
  const kubectl = (args: readonly string[]): FakeKubectlResponse => {
    if (args[0] === 'get') {
      if (options.failReads) return { exitCode: 1, stderr: ['Error from server: connection refused'] };
      return { stdout: [JSON.stringify({ kind: 'Deployment', metadata: { name: 'api', namespace: 'prod' }, spec: { replicas: state.replicas } })] };
    }
    if (args[0] === 'scale') {
      const replicas = Number(args.find((argument) => argument.startsWith('--replicas='))!.slice('--replicas='.length));
      state.replicas = replicas;
      state.scales.push(replicas);
      return { stdout: ['deployment.apps/api scaled'] };
    }
    return {};
  };
  const core = createFakeCore({ kubectl });
  return { core, state };
}

const approver = createFlagsApprover({ confirm: true, by: 'alice (test)' });

async function run(core: ReturnType<typeof cluster>['core'], request: K8sExecPayload, extra: Partial<Parameters<typeof runRequest>[2]> = {}): Promise<PipelineEvent[]> {
  const events: PipelineEvent[] = [];
  for await (const event of runRequest(request, core, { source: 'cli', user: 'alice', approver, ...extra })) events.push(event);
  return events;
}

const scaleTo = (replicas: number): K8sExecPayload => ({ intent: 'scale', resource: 'deployment', namespace: 'prod', name: 'api', params: { replicas } });

describe('undo through the core', () => {
  it('records the state before a change, proposes its inverse, and links the undo to it', async () => {
    const { core, state } = cluster(3);
    await run(core, scaleTo(5));
    expect(state.replicas).toBe(5);
    const started = core.auditLog.records.find((record) => record.event === 'started')!;
    expect(started.prior_state).toEqual({ status: 'recorded', resource: 'deployment', namespace: 'prod', name: 'api', before: { replicas: 3 }, set: { replicas: 5 } });
    expect(started.reads).toEqual(['kubectl get deployment/api -n prod -o json']);

    const undo = await prepareUndo(undefined, core, { source: 'cli', user: 'alice' });
    expect(undo.kind).toBe('ready');
    if (undo.kind !== 'ready') return;
    expect(undo.plan.request).toEqual({ intent: 'scale', resource: 'deployment', namespace: 'prod', name: 'api', params: { replicas: 3 } });
    expect(undo.context).toEqual({ of: started.operation_id, expect: { replicas: 5 } });

    const events = await run(core, undo.plan.request, { undo: undo.context, reads: undo.reads });
    expect(events.find((event) => event.type === 'exec-end')).toMatchObject({ exitCode: 0 });
    expect(state.scales).toEqual([5, 3]);
    const undoRecords = core.auditLog.records.filter((record) => record.undo_of === started.operation_id);
    expect(undoRecords.map((record) => record.event)).toEqual(['proposed', 'confirmed', 'started', 'finished']);
    expect(undoRecords[0]!.reads).toEqual(['kubectl get deployment/api -n prod -o json']);
    // The undo is a change with its own prior state, so it can be undone in turn.
    expect(undoRecords[2]!.prior_state).toMatchObject({ status: 'recorded', before: { replicas: 5 }, set: { replicas: 3 } });
  });

  it('refuses at the last moment, running nothing, when the object changed between the proposal and the run', async () => {
    const { core, state } = cluster(3);
    await run(core, scaleTo(5));
    const undo = await prepareUndo(undefined, core, { source: 'cli', user: 'alice' });
    if (undo.kind !== 'ready') throw new Error(`expected an undo, got ${undo.code}`);
    state.replicas = 9; // someone scaled it by hand after undo checked
    const events = await run(core, undo.plan.request, { undo: undo.context });
    expect(state.scales).toEqual([5]);
    expect(events.some((event) => event.type === 'exec-end')).toBe(false);
    const error = events.find((event) => event.type === 'error');
    expect(error).toMatchObject({ error: { code: 'POLICY_DENIED', message: expect.stringMatching(/deployment\/api changed since operation \w{8}: spec\.replicas is 9, rk8s set 5/) } });
    const denied = core.auditLog.records.at(-1)!;
    expect(denied).toMatchObject({ event: 'denied', undo_of: undo.plan.of, decision: 'deny' });
    expect(denied.violations![0]).toMatch(/^UNDO_STATE_CHANGED: /);
    expect(core.auditLog.records.filter((record) => record.undo_of === undo.plan.of).map((record) => record.event)).toEqual(['proposed', 'denied']);
  });

  it('refuses when prepared after the object changed, and records the refusal', async () => {
    const { core, state } = cluster(3);
    await run(core, scaleTo(5));
    state.replicas = 7;
    const undo = await prepareUndo(undefined, core, { source: 'cli', user: 'alice' });
    expect(undo).toMatchObject({ kind: 'refused', code: 'UNDO_STATE_CHANGED' });
    const denied = core.auditLog.records.at(-1)!;
    expect(denied).toMatchObject({ event: 'denied', decision: 'deny', resource: 'deployment', namespace: 'prod', name: 'api', reads: ['kubectl get deployment/api -n prod -o json'] });
    expect(state.scales).toEqual([5]);
  });

  it('a prior-state read that fails records "unknown" and the change still runs; undo then says why it cannot', async () => {
    const { core, state } = cluster(3, { failReads: true });
    const events = await run(core, scaleTo(5));
    expect(events.find((event) => event.type === 'exec-end')).toMatchObject({ exitCode: 0 });
    expect(state.replicas).toBe(5);
    const started = core.auditLog.records.find((record) => record.event === 'started')!;
    expect(started.prior_state).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/connection refused|exited with 1/) });
    const undo = await prepareUndo(started.operation_id, core, { source: 'cli', user: 'alice' });
    expect(undo).toMatchObject({ kind: 'refused', code: 'UNDO_PRIOR_STATE_UNKNOWN', of: started.operation_id });
  });

  it('a command undo cannot invert reads nothing before it runs', async () => {
    const { core } = cluster(3);
    await run(core, { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' });
    expect(core.timeline.filter((line) => line.startsWith('kubectl get'))).toHaveLength(1);
    const started = core.auditLog.records.find((record) => record.event === 'started')!;
    // restart-deployment is undoable; this fake's answer has no revision, so the prior state is unknown.
    expect(started.prior_state).toMatchObject({ status: 'unknown' });
    const { core: other } = cluster(3);
    await run(other, { intent: 'get', resource: 'pod', namespace: 'dev' });
    expect(other.timeline.filter((line) => line.startsWith('kubectl get deployment'))).toHaveLength(0);
    expect(other.auditLog.records.find((record) => record.event === 'started')?.prior_state).toBeUndefined();
  });
});
