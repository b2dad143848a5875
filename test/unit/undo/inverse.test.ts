/** The inverse of a change, from its records and the live state: table-driven over every undoable card and every refusal. */
import { describe, expect, it } from 'vitest';
import type { AuditEvent, AuditRecord, ObjectState, PriorState } from '../../../src/schemas/audit.js';
import { groupOperations } from '../../../src/undo/operation-history.js';
import { computeUndo, findOperation, latestUndoable, UNDO_REFUSAL_CODES } from '../../../src/undo/inverse.js';
import { UNDOABLE_CHANGES } from '../../../src/undo/undoable-changes.js';

let counter = 0;
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

interface OperationFixture {
  id?: string;
  card: string;
  command?: string;
  events?: AuditEvent[];
  prior?: PriorState;
  undoOf?: string;
  user?: string;
  context?: string | null;
  decision?: string;
  exitCode?: number;
}

/** The records one operation leaves, as runApproved writes them. */
function recordsOf(fixture: OperationFixture): AuditRecord[] {
  const id = fixture.id ?? uuid(++counter);
  const events = fixture.events ?? ['proposed', 'confirmed', 'started', 'finished'];
  return events.map((event, index) => ({
    timestamp: `2025-03-01T12:00:${String(counter % 60).padStart(2, '0')}.${String(index).padStart(3, '0')}Z`,
    level: 'INFO',
    operation_id: id,
    event,
    user: fixture.user ?? 'alice',
    source: 'cli',
    context: fixture.context === undefined ? 'sandbox' : fixture.context,
    intent: null,
    resource: null,
    namespace: null,
    name: null,
    command: fixture.command ?? `kubectl ${fixture.card}`,
    args: null,
    card: fixture.card,
    planner: 'template',
    decision: fixture.decision ?? 'confirm',
    risk: 'medium',
    ...(fixture.undoOf ? { undo_of: fixture.undoOf } : {}),
    ...(event === 'started' && fixture.prior ? { prior_state: fixture.prior } : {}),
    ...(event === 'finished' || event === 'failed' ? { exit_code: fixture.exitCode ?? (event === 'failed' ? 1 : 0) } : {}),
    prev_hash: '0'.repeat(64),
    hash: '0'.repeat(64),
  }));
}

const deployment = (before: ObjectState, set: ObjectState): PriorState => ({ status: 'recorded', resource: 'deployment', namespace: 'prod', name: 'api', before, set });
const node = (before: ObjectState, set: ObjectState): PriorState => ({ status: 'recorded', resource: 'node', namespace: null, name: 'node-3', before, set });

function undo(fixture: OperationFixture, current: { state?: ObjectState; reason?: string; notFound?: boolean }, others: OperationFixture[] = [], context: string | null = 'sandbox') {
  const id = fixture.id ?? uuid(++counter);
  const operations = groupOperations([...recordsOf({ ...fixture, id }), ...others.flatMap(recordsOf)]);
  return computeUndo(operations.get(id), operations, { id, context }, current);
}

describe('the inverse of each undoable change', () => {
  it.each([
    ['scale-deployment', deployment({ replicas: 3 }, { replicas: 5 }), { replicas: 5 }, { intent: 'scale', resource: 'deployment', namespace: 'prod', name: 'api', params: { replicas: 3 } }, 'scale deployment/api in prod back to 3 replicas (from 5)'],
    ['scale-statefulset', { ...deployment({ replicas: 2 }, { replicas: 0 }), resource: 'statefulset' }, { replicas: 0 }, { intent: 'scale', resource: 'statefulset', params: { replicas: 2 } }, 'scale statefulset/api in prod back to 2 replicas (from 0)'],
    ['rollback-deployment', deployment({ revision: 4, images: ['api:1.9'] }, { revision: 5 }), { revision: 5, images: ['api:1.8'] }, { intent: 'rollback', resource: 'deployment', params: { revision: 4 } }, 'roll deployment/api in prod back to revision 4 (api:1.9)'],
    ['restart-deployment', deployment({ revision: 7, images: ['api:1.9'] }, { revision: 8 }), { revision: 8, images: ['api:1.9'] }, { intent: 'rollback', resource: 'deployment', params: { revision: 7 } }, 'roll deployment/api in prod back to revision 7 (api:1.9)'],
    ['cordon-node', node({ unschedulable: false }, { unschedulable: true }), { unschedulable: true }, { intent: 'uncordon', resource: 'node', name: 'node-3' }, 'uncordon node/node-3 (it was schedulable before)'],
    ['drain-node', node({ unschedulable: false }, { unschedulable: true }), { unschedulable: true }, { intent: 'uncordon', resource: 'node', name: 'node-3' }, 'uncordon node/node-3 (it was schedulable before)'],
    ['uncordon-node', node({ unschedulable: true }, { unschedulable: false }), { unschedulable: false }, { intent: 'cordon', resource: 'node', name: 'node-3' }, 'cordon node/node-3 (it was cordoned before)'],
    ['pause-deployment', deployment({ paused: false }, { paused: true }), { paused: true }, { intent: 'resume', resource: 'deployment', name: 'api' }, 'resume the rollout of deployment/api in prod (it was not paused before)'],
    ['resume-deployment', deployment({ paused: true }, { paused: false }), { paused: false }, { intent: 'pause', resource: 'deployment', name: 'api' }, 'pause the rollout of deployment/api in prod (it was paused before)'],
  ] as const)('%s: a request for the inverse card, and the state it must still find', (card, prior, current, request, summary) => {
    const result = undo({ card, prior }, { state: current as ObjectState });
    expect(result.kind).toBe('plan');
    if (result.kind !== 'plan') return;
    expect(result.request).toMatchObject(request);
    expect(result.summary).toBe(summary);
    expect(result.expect).toEqual(prior.set);
    expect(result.why).toMatch(/^undoes operation 00000000 \(kubectl .*\), run by alice via cli at /);
    // A node request carries no namespace; a namespaced one names it.
    expect('namespace' in result.request).toBe(prior.namespace !== null);
  });

  it('covers every card in the table', () => {
    expect([...UNDOABLE_CHANGES.keys()].sort()).toEqual(['cordon-node', 'drain-node', 'pause-deployment', 'restart-deployment', 'resume-deployment', 'rollback-deployment', 'scale-deployment', 'scale-statefulset', 'uncordon-node']);
  });
});

describe('refusals', () => {
  const scale = { card: 'scale-deployment', prior: deployment({ replicas: 3 }, { replicas: 5 }) };
  const live = { state: { replicas: 5 } };

  it.each([
    ['the live object was scaled since', scale, { state: { replicas: 7 } }, 'UNDO_STATE_CHANGED', /deployment\/api in prod changed since operation \w{8} .*spec\.replicas is 7, rk8s set 5; .*nothing was run/],
    ['a newer rollout since the rollback', { card: 'rollback-deployment', prior: deployment({ revision: 4 }, { revision: 5 }) }, { state: { revision: 6, images: ['x'] } }, 'UNDO_STATE_CHANGED', /revision is 6, rk8s set 5/],
    ['the node was uncordoned by hand', { card: 'cordon-node', prior: node({ unschedulable: false }, { unschedulable: true }) }, { state: { unschedulable: false } }, 'UNDO_STATE_CHANGED', /spec\.unschedulable is false, rk8s set true/],
    ['the object is gone', scale, { notFound: true, reason: 'NotFound' }, 'UNDO_STATE_CHANGED', /no longer exists/],
    ['the object cannot be read', scale, { reason: 'connection refused' }, 'UNDO_STATE_UNREADABLE', /cannot read deployment\/api in prod .*connection refused.*nothing was run/],
    ['the change failed', { ...scale, events: ['proposed', 'confirmed', 'started', 'failed'] as AuditEvent[], exitCode: 1 }, live, 'UNDO_FAILED_OPERATION', /failed \(exit 1\)/],
    ['the change was cancelled', { ...scale, events: ['proposed', 'started', 'cancelled'] as AuditEvent[] }, live, 'UNDO_FAILED_OPERATION', /was cancelled/],
    ['the change has no outcome on record', { ...scale, events: ['proposed', 'started'] as AuditEvent[] }, live, 'UNDO_FAILED_OPERATION', /no recorded outcome/],
    ['it never ran (declined)', { ...scale, events: ['proposed', 'declined'] as AuditEvent[] }, live, 'UNDO_NOT_A_CHANGE', /never ran \(its records: proposed, declined\)/],
    ['it was a read', { card: 'get-pod', decision: 'allow', events: ['proposed', 'started', 'finished'] as AuditEvent[] }, live, 'UNDO_NOT_A_CHANGE', /only read the cluster/],
    ['no inverse for the card', { card: 'delete-pod', events: ['proposed', 'confirmed', 'started', 'finished'] as AuditEvent[] }, live, 'UNDO_NOT_SUPPORTED', /cannot undo .*card delete-pod.*undo knows the cards .*scale-deployment/],
    ['no prior state on record', { card: 'scale-deployment' }, live, 'UNDO_PRIOR_STATE_UNKNOWN', /no prior state on record/],
    ['the prior state could not be read', { card: 'scale-deployment', prior: { status: 'unknown', resource: 'deployment', namespace: 'prod', name: 'api', reason: 'timed out' } as PriorState }, live, 'UNDO_PRIOR_STATE_UNKNOWN', /could not be read when it ran \(timed out\)/],
    ['the change changed nothing', { card: 'scale-deployment', prior: deployment({ replicas: 5 }, { replicas: 5 }) }, live, 'UNDO_NOTHING_TO_UNDO', /already had 5 replicas/],
    ['the node was already cordoned', { card: 'cordon-node', prior: node({ unschedulable: true }, { unschedulable: true }) }, { state: { unschedulable: true } }, 'UNDO_NOTHING_TO_UNDO', /node\/node-3 was already cordoned before/],
  ])('%s: %s', (_title, fixture, current, code, message) => {
    const result = undo(fixture as OperationFixture, current);
    expect(result).toMatchObject({ kind: 'refused', code });
    if (result.kind === 'refused') expect(result.message).toMatch(message);
    expect(UNDO_REFUSAL_CODES).toContain(code);
  });

  it('an operation of another kube context is not this rk8s\'s to undo', () => {
    expect(undo({ ...scale, context: 'prod-eu' }, live, [], 'sandbox')).toMatchObject({ code: 'UNDO_NOT_OURS', message: expect.stringMatching(/ran against kube context prod-eu, and this rk8s uses sandbox/) });
  });

  it('an operation already undone is refused, naming the undo (which can itself be undone)', () => {
    const id = uuid(++counter);
    const undoId = uuid(++counter);
    const result = undo({ ...scale, id }, live, [{ id: undoId, card: 'scale-deployment', undoOf: id, prior: deployment({ replicas: 5 }, { replicas: 3 }) }]);
    expect(result).toMatchObject({ code: 'UNDO_ALREADY_UNDONE', message: expect.stringContaining(`rk8s undo ${undoId}`) });
    // A failed undo does not count.
    expect(undo({ ...scale, id: uuid(++counter) }, live, [{ card: 'scale-deployment', undoOf: id, events: ['proposed', 'started', 'failed'] }]).kind).toBe('plan');
  });

  it('an unknown id', () => {
    expect(computeUndo(undefined, new Map(), { id: 'abc', context: null }, live)).toMatchObject({ code: 'UNDO_UNKNOWN_OPERATION', message: 'no operation abc in the audit log' });
  });
});

describe('which operation `rk8s undo` without an id picks', () => {
  it('the newest undoable change of this user in this context, walking back past undos and undone changes', () => {
    const first = { id: uuid(++counter), card: 'scale-deployment', prior: deployment({ replicas: 1 }, { replicas: 2 }) };
    const second = { id: uuid(++counter), card: 'cordon-node', prior: node({ unschedulable: false }, { unschedulable: true }) };
    const bobs = { id: uuid(++counter), card: 'scale-deployment', prior: deployment({ replicas: 2 }, { replicas: 4 }), user: 'bob' };
    const elsewhere = { id: uuid(++counter), card: 'scale-deployment', prior: deployment({ replicas: 2 }, { replicas: 4 }), context: 'prod-eu' };
    const failed = { id: uuid(++counter), card: 'scale-deployment', prior: deployment({ replicas: 2 }, { replicas: 4 }), events: ['proposed', 'started', 'failed'] as AuditEvent[] };
    const read = { id: uuid(++counter), card: 'get-pod', decision: 'allow', events: ['proposed', 'started', 'finished'] as AuditEvent[] };
    const fixtures: OperationFixture[] = [first, second, bobs, elsewhere, failed, read];
    let operations = groupOperations(fixtures.flatMap(recordsOf));
    expect(latestUndoable(operations, 'alice', 'sandbox')?.id).toBe(second.id);
    expect(latestUndoable(operations, 'bob', 'sandbox')?.id).toBe(bobs.id);
    // After undoing `second`, the next undo is `first`, not the undo of `second`.
    fixtures.push({ card: 'uncordon-node', undoOf: second.id, prior: node({ unschedulable: true }, { unschedulable: false }) });
    operations = groupOperations(fixtures.flatMap(recordsOf));
    expect(latestUndoable(operations, 'alice', 'sandbox')?.id).toBe(first.id);
    expect(latestUndoable(operations, 'carol', 'sandbox')).toBeUndefined();
  });

  it('finds an operation by a unique prefix of 8 or more characters', () => {
    const operations = groupOperations([...recordsOf({ id: 'aaaaaaaa-0000-4000-8000-000000000001', card: 'x' }), ...recordsOf({ id: 'aaaaaaaa-0000-4000-8000-000000000002', card: 'x' })]);
    expect(findOperation(operations, 'aaaaaaaa-0000-4000-8000-000000000001')).toMatchObject({ id: 'aaaaaaaa-0000-4000-8000-000000000001' });
    expect(findOperation(operations, 'aaaaaaaa')).toMatchObject({ kind: 'refused', code: 'UNDO_UNKNOWN_OPERATION', message: expect.stringMatching(/start of 2 operations/) });
    expect(findOperation(operations, 'aaaa')).toBeUndefined();
    expect(findOperation(operations, 'bbbbbbbb')).toBeUndefined();
  });
});
