/** The TUI reducer: pure transitions over UI actions and pipeline events. */
import { describe, expect, it } from 'vitest';
import { confirmationKind, confirmationTarget, initialState, reducer, requestFromDraft, runSummary, typedNameRefusal, type TuiAction, type TuiState } from '../../components/state/reducer.js';
import { requestFromSuggestion } from '../../components/state/suggestion.js';
import type { Proposal } from '../../src/pipeline/events.js';
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
    state = run(state, { type: 'pipeline-event', stage: 'propose', event: { type: 'plan-delta', text: '{"ca' } }, { type: 'pipeline-event', stage: 'propose', event: { type: 'plan-delta', text: 'rd"' } });
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
      { type: 'pipeline-event', stage: 'propose', event: { type: 'plan-end', plan, planner: 'template' } },
      { type: 'pipeline-event', stage: 'propose', event: { type: 'validate-end', verdict: verdict({ decision: 'deny', violations: [{ code: 'PARAMS_MISSING', message: 'missing' }] }) } },
      { type: 'stream-finished', stage: 'propose' },
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
      { type: 'pipeline-event', stage: 'propose', event: { type: 'plan-end', plan, planner: 'template' } },
      { type: 'pipeline-event', stage: 'propose', event: { type: 'validate-end', verdict: verdict({ decision: 'deny', risk: 'high', violations: [{ code: 'GUARDRAIL', message: 'no' }] }) } },
      { type: 'stream-finished', stage: 'propose' },
    );
    expect(state.screen).toBe('verdict');
    expect(state.history).toEqual([{ operationId: undefined, command: 'kubectl delete pod x', namespace: undefined, outcome: 'denied' }]);
  });

  it('streams run output into the transcript, marks truncation, and summarises the run', () => {
    const state = run(
      initialState(),
      { type: 'run-started', command: 'kubectl get pods' },
      { type: 'pipeline-event', stage: 'run', event: { type: 'exec-output', stream: 'stdout', line: 'a' } },
      { type: 'pipeline-event', stage: 'run', event: { type: 'exec-output', stream: 'stderr', line: 'b' } },
      { type: 'pipeline-event', stage: 'run', event: { type: 'exec-end', exitCode: 0, durationMs: 1200, truncated: true, timedOut: false, cancelled: false } },
      { type: 'pipeline-event', stage: 'run', event: { type: 'audit-end', operationId: 'op-1' } },
      { type: 'stream-finished', stage: 'run' },
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

  it('ignores execution events on the propose stream', () => {
    const state = initialState();
    expect(reducer(state, { type: 'pipeline-event', stage: 'propose', event: { type: 'exec-output', stream: 'stdout', line: 'x' } })).toBe(state);
  });
});

describe('confirmation rules', () => {
  it.each([
    [verdict({}), 'enter'],
    [verdict({ risk: 'low', mutating: true }), 'enter'],
    [verdict({ decision: 'confirm', risk: 'low', mutating: true }), 'key'],
    [verdict({ decision: 'confirm', risk: 'medium', mutating: true }), 'key'],
    [verdict({ decision: 'confirm', risk: 'high', mutating: true }), 'typed-name'],
  ] as const)('%o needs %s', (input, expected) => {
    expect(confirmationKind(input)).toBe(expected);
  });

  it('the typed name is the object name, else the name in kind/name, else the namespace', () => {
    const proposal = (params: Record<string, string>, args: string[], request = {}) => ({ plan: { params, args }, request, verdict: verdict({ namespace: 'prod' }) }) as unknown as Proposal;
    expect(confirmationTarget(proposal({ name: 'api' }, ['delete', 'pod', 'api']))).toBe('api');
    expect(confirmationTarget(proposal({}, ['drain', 'node/worker-1']))).toBe('worker-1');
    expect(confirmationTarget(proposal({}, ['delete', 'pods', '--all']))).toBe('prod');
  });
});

describe('helpers', () => {
  it.each([
    [['rollout', 'restart', 'deployment/api', '-n', 'prod'], { intent: 'restart', resource: 'deployment', name: 'api', namespace: 'prod' }],
    [['scale', 'statefulset', 'db', '--namespace=dev', '--replicas=2'], { intent: 'scale', resource: 'statefulset', name: 'db', namespace: 'dev' }],
    [['cordon', 'node/worker-1'], { intent: 'cordon', resource: 'node', name: 'worker-1', namespace: 'staging' }],
  ])('requestFromSuggestion(%j)', (args, expected) => {
    expect(requestFromSuggestion(args, { namespace: 'staging' })).toEqual(expected);
  });

  it('reports a cancelled run with exit code 130, as the CLI does, whatever kubectl ended with', () => {
    const end = { type: 'exec-end', exitCode: 143, durationMs: 10, truncated: false, timedOut: false, cancelled: true } as const;
    const state = run(initialState(), { type: 'run-started', command: 'kubectl rollout status deployment/api' }, { type: 'pipeline-event', stage: 'run', event: end }, { type: 'stream-finished', stage: 'run' });
    expect(runSummary(state.run)).toMatch(/^cancelled · exit 130 /);
    expect(state.history.at(-1)).toMatchObject({ outcome: 'cancelled', exitCode: 130 });
  });

  it('remembers the namespace picked last for the next request', () => {
    const state = run(initialState(), { type: 'intent-picked', intent: 'get' }, { type: 'resource-picked', resource: 'pod' }, { type: 'namespace-picked', namespace: 'dev' }, { type: 'reset' });
    expect(state).toMatchObject({ screen: 'intent', draft: {}, lastNamespace: 'dev' });
  });

  it.each([
    ['api', 'api', undefined],
    ['', 'api', 'nothing was typed'],
    [' api ', 'api', 'spaces around'],
    ['API', 'api', 'letter case differs'],
    ['ap', 'api', 'incomplete (1 more character)'],
    ['web', 'api', 'a different name'],
  ])('typed %j for %j is refused because: %s', (typed, target, why) => {
    const refusal = typedNameRefusal(typed, target);
    if (why === undefined) expect(refusal).toBeUndefined();
    else expect(refusal).toContain(why);
  });
});
