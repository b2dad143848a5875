/** The TUI reducer: pure transitions over UI actions and pipeline events. */
import { describe, expect, it } from 'vitest';
import { initialState, reducer, requestFromDraft, runSummary, type TuiAction, type TuiState } from '../../components/state/reducer.js';
import { requestForCommand } from '../../src/pipeline/suggestion-request.js';
import type { Proposal } from '../../src/contracts/events.js';
import type { Verdict } from '../../src/schemas/verdict.js';

const run = (state: TuiState, ...actions: TuiAction[]) => actions.reduce(reducer, state);
const verdict = (patch: Partial<Verdict>): Verdict => ({ decision: 'allow', risk: 'none', violations: [], suggestions: [], mutating: false, ...patch });

describe('reducer', () => {
  it('walks the pickers and skips the namespace for cluster-scoped resources or a preset namespace', () => {
    const picked = run(initialState(), { type: 'intent-picked', intent: 'restart' }, { type: 'resource-picked', resource: 'deployment' });
    expect(picked.screen).toBe('namespace');
    expect(run(initialState(), { type: 'intent-picked', intent: 'cordon' }, { type: 'resource-picked', resource: 'node' }).screen).toBe('name');
    expect(run(initialState({ defaultNamespace: 'prod' }), { type: 'intent-picked', intent: 'restart' }, { type: 'resource-picked', resource: 'deployment' })).toMatchObject({ screen: 'name', draft: { namespace: 'prod' } });
  });

  it.each([
    ['resource', 'intent'],
    ['namespace', 'resource'],
    ['name', 'namespace'],
    ['query', 'name'],
    ['verdict', 'query'],
    ['confirm', 'verdict'],
    ['result', 'intent'],
  ] as const)('Esc on %s goes to %s', (screen, expected) => {
    expect(reducer({ ...initialState(), screen, draft: { resource: 'deployment' } }, { type: 'back' }).screen).toBe(expected);
  });

  it('Esc closes help first', () => {
    const state = { ...initialState(), screen: 'name' as const, helpOpen: true };
    expect(reducer(state, { type: 'back' })).toMatchObject({ screen: 'name', helpOpen: false });
  });

  it('accumulates plan tokens, and a new proposal starts clean with a new request id', () => {
    let state = run(initialState(), { type: 'query-submitted', query: ' bounce ' });
    expect(state).toMatchObject({ screen: 'proposing', draft: { query: 'bounce' }, proposal: { busy: true, requestId: 1 } });
    state = run(state, { type: 'pipeline-event', event: { type: 'plan-delta', text: '{"ca' } }, { type: 'pipeline-event', event: { type: 'plan-delta', text: 'rd"' } });
    expect(state.proposal.planText).toBe('{"card"');
    state = run(state, { type: 'suggestion-accepted', args: ['rollout', 'restart', 'deployment/api', '-n', 'prod'] });
    expect(state.proposal).toMatchObject({ planText: '', requestId: 2, fromSuggestion: ['rollout', 'restart', 'deployment/api', '-n', 'prod'] });
    expect(state.draft).toEqual({ intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' });
  });

  it('goes to the params screen when only parameters are missing, and re-plans once all are given', () => {
    const plan = { card: 'scale-deployment', params: {}, args: [], command: '', rationale: '', planner: 'template' as const, missing: ['replicas'] };
    let state = run(
      initialState(),
      { type: 'query-submitted', query: '' },
      { type: 'pipeline-event', event: { type: 'plan-end', plan, planner: 'template' } },
      { type: 'pipeline-event', event: { type: 'validate-end', verdict: verdict({ decision: 'deny', violations: [{ code: 'PARAMS_MISSING', message: 'missing' }] }) } },
      { type: 'stream-finished' },
    );
    expect(state).toMatchObject({ screen: 'params', missing: ['replicas'] });
    state = reducer(state, { type: 'param-submitted', name: 'replicas', value: '5' });
    expect(state).toMatchObject({ screen: 'proposing', extraParams: { replicas: '5' }, proposal: { requestId: 2 } });
    expect(requestFromDraft(state.draft, state.extraParams)).toMatchObject({ params: { replicas: '5' } });
    expect(requestFromDraft(state.draft, state.extraParams).query).toBeUndefined();
  });

  it('a denial with other violations stays on the verdict and is recorded in history', () => {
    const plan = { card: 'delete-pod', params: {}, args: ['delete', 'pod', 'x'], command: 'kubectl delete pod x', rationale: '', planner: 'template' as const, missing: [] };
    const state = run(
      initialState(),
      { type: 'query-submitted', query: '' },
      { type: 'pipeline-event', event: { type: 'plan-end', plan, planner: 'template' } },
      { type: 'pipeline-event', event: { type: 'validate-end', verdict: verdict({ decision: 'deny', risk: 'high', violations: [{ code: 'GUARDRAIL', message: 'no' }] }) } },
      { type: 'stream-finished' },
    );
    expect(state.screen).toBe('verdict');
    expect(state.history).toEqual([{ operationId: undefined, command: 'kubectl delete pod x', namespace: undefined, outcome: 'denied' }]);
  });

  it('streams run output into the transcript, marks truncation, and summarises the run', () => {
    const state = run(
      initialState(),
      ...approvedRun('kubectl get pods'),
      { type: 'pipeline-event', event: { type: 'exec-output', stream: 'stdout', line: 'a' } },
      { type: 'pipeline-event', event: { type: 'exec-output', stream: 'stderr', line: 'b' } },
      { type: 'pipeline-event', event: { type: 'exec-end', exitCode: 0, durationMs: 1200, truncated: true, timedOut: false, cancelled: false } },
      { type: 'pipeline-event', event: { type: 'audit-end', operationId: 'op-1' } },
      { type: 'stream-finished' },
    );
    expect(state.transcript.map((line) => [line.kind, line.text])).toEqual([
      ['command', '$ kubectl get pods'],
      ['stdout', 'a'],
      ['stderr', 'b'],
      ['truncated', '… output truncated (the rest was not kept; see the audit log hashes)'],
      ['summary', 'done · exit 0 · 1.20s · operation op-1'],
    ]);
    expect(state.transcript.map((line) => line.id)).toEqual([0, 1, 2, 3, 4]);
    expect(state).toMatchObject({ screen: 'result', run: { stdoutLines: 1, stderrLines: 1, operationId: 'op-1' } });
    expect(state.history.at(-1)).toMatchObject({ outcome: 'ok', exitCode: 0, operationId: 'op-1' });
  });

  it('ignores execution events before the core approved a run', () => {
    const state = initialState();
    expect(reducer(state, { type: 'pipeline-event', event: { type: 'exec-output', stream: 'stdout', line: 'x' } })).toBe(state);
  });

  it('shows the question the core asks: Enter on the verdict for an allowed read, the confirm screen for a change', () => {
    const read = run(initialState(), { type: 'query-submitted', query: '' }, { type: 'pipeline-event', event: { type: 'approval-request', proposal: proposalOf('kubectl get pods', 'none') } }, { type: 'approval-asked' });
    expect(read).toMatchObject({ screen: 'verdict', phase: 'approve', proposal: { pendingApproval: true }, preview: { status: 'unavailable' } });
    const change = run(initialState(), { type: 'query-submitted', query: '' }, { type: 'pipeline-event', event: { type: 'approval-request', proposal: proposalOf('kubectl delete pod x', 'typed-name', true) } });
    expect(change.preview.status).toBe('loading');
    const asked = run(change, { type: 'approval-asked', refusal: '"X" is not "x"' });
    expect(asked).toMatchObject({ screen: 'confirm', confirm: { input: '', refusal: '"X" is not "x"' } });
  });

  it('a declined request ends on the verdict with the reason, ready to plan again', () => {
    const state = run(
      initialState(),
      { type: 'query-submitted', query: '' },
      { type: 'pipeline-event', event: { type: 'validate-end', verdict: verdict({ decision: 'confirm', risk: 'medium', mutating: true }) } },
      { type: 'pipeline-event', event: { type: 'approval-request', proposal: proposalOf('kubectl rollout restart deployment/api', 'key', true) } },
      { type: 'approval-asked' },
      { type: 'approval-answered' },
      { type: 'pipeline-event', event: { type: 'approval-end', outcome: 'declined', code: 'NOT_CONFIRMED', message: 'not confirmed' } },
      { type: 'stream-finished' },
    );
    expect(state).toMatchObject({ screen: 'verdict', proposal: { pendingApproval: false, approvalEnd: { outcome: 'declined', message: 'not confirmed' } } });
    expect(reducer(state, { type: 'retry' })).toMatchObject({ screen: 'proposing', proposal: { requestId: state.proposal.requestId + 1 } });
  });
});

function proposalOf(command: string, kind: 'none' | 'key' | 'typed-name', mutating = false): Proposal {
  const args = command.split(' ').slice(1);
  return {
    operationId: 'op-1', source: 'tui', user: 'tester', request: {}, dryRun: 'server', context: null, policyVersion: 'v1', approvalToken: 't', createdAt: '2026-01-01T00:00:00.000Z',
    plan: { card: 'c', params: {}, args, command, rationale: '', planner: 'template', missing: [] },
    verdict: verdict({ decision: kind === 'none' ? 'allow' : 'confirm', mutating }),
    confirmation: { kind, ...(kind === 'typed-name' ? { word: 'x' } : {}), expectRequired: false },
  };
}

/** The events of a request the core approved, up to the run starting. */
function approvedRun(command: string): TuiAction[] {
  return [
    { type: 'query-submitted', query: '' },
    { type: 'pipeline-event', event: { type: 'approval-request', proposal: proposalOf(command, 'none') } },
    { type: 'approval-asked' },
    { type: 'approval-answered' },
    { type: 'pipeline-event', event: { type: 'approval-end', outcome: 'approved', by: 'tester (tui)' } },
  ];
}

describe('helpers', () => {
  it.each([
    [['rollout', 'restart', 'deployment/api', '-n', 'prod'], { intent: 'restart', resource: 'deployment', name: 'api', namespace: 'prod' }],
    [['scale', 'statefulset', 'db', '--namespace=dev', '--replicas=2'], { intent: 'scale', resource: 'statefulset', name: 'db', namespace: 'dev' }],
    [['cordon', 'node/worker-1'], { intent: 'cordon', resource: 'node', name: 'worker-1', namespace: 'staging' }],
  ])('requestForCommand(%j)', (args, expected) => {
    expect(requestForCommand(args, { namespace: 'staging' })).toEqual(expected);
  });

  it('reports a cancelled run with exit code 130, as the CLI does, whatever kubectl ended with', () => {
    const end = { type: 'exec-end', exitCode: 143, durationMs: 10, truncated: false, timedOut: false, cancelled: true } as const;
    const state = run(initialState(), ...approvedRun('kubectl rollout status deployment/api'), { type: 'pipeline-event', event: end }, { type: 'stream-finished' });
    expect(runSummary(state.run)).toMatch(/^cancelled · exit 130 /);
    expect(state.history.at(-1)).toMatchObject({ outcome: 'cancelled', exitCode: 130 });
  });

  it('remembers the namespace picked last for the next request', () => {
    const state = run(initialState(), { type: 'intent-picked', intent: 'get' }, { type: 'resource-picked', resource: 'pod' }, { type: 'namespace-picked', namespace: 'dev' }, { type: 'reset' });
    expect(state).toMatchObject({ screen: 'intent', draft: {}, lastNamespace: 'dev' });
  });

});
