/**
 * The TUI's state: one pure reducer over UI actions and the events of the request stream
 * (runRequest). The core decides what a command needs (risk, confirmation, whether an answer is
 * enough); this file only decides what is on screen.
 */
import { assertNever, type PipelineEvent } from '../../src/contracts/events.js';
import { requestForCommand } from '../../src/pipeline/suggestion-request.js';
import { CLUSTER_SCOPED_RESOURCES } from '../../src/schemas/vocabulary.js';
import { appendLines, historyEntryOf, runSummary } from './transcript.js';
import { draftForEdit, draftOfChoice } from './understood.js';
import type { Draft, HistoryEntry, PreviewView, ProposalView, RunView, Screen, TuiAction, TuiState } from './types.js';
import { emptyApprovals, isApprovalsAction, reduceApprovals } from './approvals-state.js';
import { emptyDiagnose, isDiagnoseAction, reduceDiagnose, remediationDraft } from './diagnose-state.js';

export type { Draft, ExecEnd, HistoryEntry, NoticeView, Phase, PreviewView, ProposalView, RunView, Screen, TranscriptLine, TuiAction, TuiState } from './types.js';
export { runSummary, shownExitCode } from './transcript.js';

/**
 * The operation the undo key inverts. On the result screen: the change just run (if it succeeded). Else
 * the newest successful change of the session that is not itself an undo and was not undone since, so
 * pressing it again walks back through the session (like `rk8s undo`).
 */
export function undoCandidate(state: Pick<TuiState, 'screen' | 'history'>): HistoryEntry | undefined {
  const changes = state.history.filter((entry) => entry.outcome === 'ok' && entry.mutating === true && entry.operationId !== undefined);
  if (state.screen === 'result') {
    const last = state.history.at(-1);
    return last && changes.includes(last) ? last : undefined;
  }
  const undone = new Set(changes.map((entry) => entry.undoOf).filter((id): id is string => id !== undefined));
  return [...changes].reverse().find((entry) => entry.undoOf === undefined && !undone.has(entry.operationId!));
}

const emptyProposal = (requestId = 0): ProposalView => ({ cards: [], notes: [], planText: '', requestId, busy: false, cancelled: false, pendingApproval: false });
const emptyRun = (): RunView => ({ command: '', busy: false, cancelling: false, stdoutLines: 0, stderrLines: 0 });
const emptyPreview = (): PreviewView => ({ status: 'idle', output: '' });

/** The state a session starts in. */
export function initialState(options: { readOnly?: boolean; defaultNamespace?: string } = {}): TuiState {
  return {
    screen: 'intent',
    phase: 'propose',
    readOnly: options.readOnly ?? false,
    defaultNamespace: options.defaultNamespace,
    draft: {},
    extraParams: {},
    missing: [],
    proposal: emptyProposal(),
    preview: emptyPreview(),
    confirm: { input: '' },
    run: emptyRun(),
    notices: [],
    transcript: [],
    history: [],
    helpOpen: false,
    line: '',
    replan: false,
    skippedResource: false,
    fullPreview: false,
    diagnose: emptyDiagnose(),
    approvals: emptyApprovals(),
  };
}

/** The screen Esc returns to. */
function previousScreen(state: TuiState): Screen {
  const clusterScoped = state.draft.resource !== undefined && CLUSTER_SCOPED_RESOURCES.has(state.draft.resource);
  switch (state.screen) {
    case 'intent':
    case 'resource':
      return 'intent';
    case 'namespace':
      return state.skippedResource ? 'intent' : 'resource';
    case 'name':
      return clusterScoped ? (state.skippedResource ? 'intent' : 'resource') : 'namespace';
    case 'query':
      return 'name';
    case 'proposing':
    case 'params':
    case 'verdict':
      return state.proposal.fromRemediation ? 'diagnose-findings' : 'query';
    case 'confirm':
      return 'verdict';
    case 'running':
      return 'running';
    case 'result':
      return state.proposal.fromRemediation ? 'diagnose-findings' : 'intent';
    default:
      // The diagnose and approvals screens go back through their own actions (diagnose-back, approvals-back).
      return state.screen;
  }
}

function withNotice(state: TuiState, event: Extract<PipelineEvent, { type: 'notice' }>): TuiState {
  return { ...state, notices: [...state.notices, { level: event.level, stage: event.stage, message: event.message }] };
}

function reduceEvent(state: TuiState, event: PipelineEvent): TuiState {
  const proposal = state.proposal;
  switch (event.type) {
    case 'retrieve-end':
      return { ...state, proposal: { ...proposal, cards: event.cards, embedder: event.embedder, notes: event.notes } };
    case 'plan-delta':
      return { ...state, proposal: { ...proposal, planText: proposal.planText + event.text } };
    case 'plan-end':
      return { ...state, proposal: { ...proposal, plan: event.plan, planner: event.planner } };
    case 'validate-end':
      return { ...state, proposal: { ...proposal, verdict: event.verdict } };
    case 'approval-request':
      return {
        ...state,
        phase: 'approve',
        proposal: { ...proposal, proposal: event.proposal, operationId: event.proposal.operationId, confirmation: event.proposal.confirmation },
        // The core previews every change before it asks (the TUI's approver asks for everything).
        preview: event.proposal.verdict.mutating ? { status: 'loading', output: '' } : { status: 'unavailable', output: '' },
      };
    case 'dry-run-end':
      return { ...state, preview: { ...state.preview, status: 'done', output: event.output, exitCode: event.exitCode, ...(event.changes ? { changes: event.changes } : {}) } };
    case 'approval-end': {
      if (event.outcome === 'approved' || event.outcome === 'not-needed') {
        const command = proposal.proposal?.plan.command ?? proposal.plan?.command ?? '';
        return {
          ...state,
          phase: 'run',
          screen: 'running',
          proposal: { ...proposal, pendingApproval: false },
          run: { ...emptyRun(), command, busy: true },
          transcript: appendLines(state.transcript, [{ kind: 'command', text: `$ ${command}` }]),
        };
      }
      return { ...state, proposal: { ...proposal, pendingApproval: false, approvalEnd: { outcome: event.outcome, ...(event.code ? { code: event.code } : {}), ...(event.message ? { message: event.message } : {}) } } };
    }
    case 'exec-output':
      if (state.phase !== 'run') return state;
      return {
        ...state,
        transcript: appendLines(state.transcript, [{ kind: event.stream, text: event.line }]),
        run: {
          ...state.run,
          stdoutLines: state.run.stdoutLines + (event.stream === 'stdout' ? 1 : 0),
          stderrLines: state.run.stderrLines + (event.stream === 'stderr' ? 1 : 0),
        },
      };
    case 'exec-end': {
      if (state.phase !== 'run') return state;
      const marks: Array<{ kind: 'truncated'; text: string }> = [];
      if (event.truncated) marks.push({ kind: 'truncated', text: '… output truncated (the rest was not kept; see the audit log hashes)' });
      if (event.timedOut) marks.push({ kind: 'truncated', text: '… kubectl timed out and was stopped' });
      return { ...state, transcript: appendLines(state.transcript, marks), run: { ...state.run, end: event } };
    }
    case 'audit-end':
      return state.phase === 'run' ? { ...state, run: { ...state.run, operationId: event.operationId } } : { ...state, proposal: { ...proposal, operationId: event.operationId } };
    case 'notice': {
      const noted = withNotice(state, event);
      return state.phase === 'approve' && state.preview.status === 'loading' ? { ...noted, preview: { ...state.preview, message: event.message } } : noted;
    }
    case 'error':
      if (state.phase === 'run') return { ...state, run: { ...state.run, error: event.error } };
      if (state.phase === 'approve' && state.preview.status === 'loading') return { ...state, preview: { ...state.preview, status: 'failed', message: event.error.message }, proposal: { ...proposal, error: event.error } };
      return { ...state, proposal: { ...proposal, error: event.error } };
    default:
      return assertNever(event);
  }
}

/** True when the only thing wrong with a plan is parameters nobody gave: worth asking for inline. */
function onlyMissingParams(proposal: ProposalView): boolean {
  if (proposal.error) return false;
  const violations = proposal.verdict?.violations ?? [];
  return violations.every((violation) => violation.code === 'PARAMS_MISSING');
}

function finishStream(state: TuiState): TuiState {
  if (state.phase === 'run') {
    const run = { ...state.run, busy: false, cancelling: false };
    const entry = {
      ...historyEntryOf(run, state.proposal.verdict?.namespace ?? state.draft.namespace),
      ...(state.proposal.verdict?.mutating ? { mutating: true } : {}),
      ...(state.undo ? { undoOf: state.undo.context.of } : {}),
    };
    return {
      ...state,
      run,
      screen: 'result',
      history: [...state.history, entry],
      transcript: appendLines(state.transcript, [{ kind: 'summary', text: runSummary(run) }]),
    };
  }
  const proposal = { ...state.proposal, busy: false, pendingApproval: false };
  const preview: PreviewView = state.preview.status === 'loading' ? { ...state.preview, status: state.preview.message ? 'unavailable' : 'failed' } : state.preview;
  if (state.screen !== 'proposing' && state.screen !== 'confirm' && state.screen !== 'verdict') return { ...state, proposal, preview };
  if (proposal.cancelled) return { ...state, proposal, preview, screen: proposal.fromRemediation ? 'diagnose-findings' : 'query' };
  const missing = proposal.plan?.missing ?? [];
  if (missing.length > 0 && onlyMissingParams(proposal)) return { ...state, proposal, preview, missing: [...missing], screen: 'params' };
  const denied = proposal.verdict?.decision === 'deny' && proposal.plan !== undefined && state.proposal.proposal === undefined;
  const history = denied ? [...state.history, { operationId: proposal.operationId, command: proposal.plan!.command, namespace: proposal.verdict!.namespace, outcome: 'denied' as const }] : state.history;
  return { ...state, proposal, preview, history, screen: 'verdict' };
}

/**
 * Starts a new request. `auto`: started by rk8s itself (the rollout watch after a change); `undo` when
 * it is an undo (any other new request drops the previous one's).
 */
function startProposal(state: TuiState, fromSuggestion?: string[], options: { auto?: boolean; undo?: TuiState['undo'] } = {}): TuiState {
  const { undo: _previous, ...rest } = state;
  const { auto = false, undo } = options;
  return {
    ...rest,
    ...(undo ? { undo } : {}),
    screen: 'proposing',
    phase: 'propose',
    proposal: { ...emptyProposal(state.proposal.requestId + 1), busy: true, ...(fromSuggestion ? { fromSuggestion } : {}), ...(auto ? { auto } : {}) },
    preview: emptyPreview(),
    confirm: { input: '' },
    notices: [],
    replan: false,
    fullPreview: false,
  };
}

/** The draft with what a screen (and every screen after it) sets cleared: the breadcrumb shows only what is still chosen. */
function draftBefore(state: TuiState, screen: Screen): Draft {
  const draft = state.draft;
  switch (screen) {
    case 'intent':
      return {};
    case 'resource':
      return { intent: draft.intent, namespace: state.defaultNamespace };
    case 'namespace':
      return { intent: draft.intent, resource: draft.resource };
    case 'name':
      return { intent: draft.intent, resource: draft.resource, namespace: draft.namespace };
    case 'query':
      return { ...draft, query: draft.query };
    default:
      return draft;
  }
}

/** Where a picker goes after a pick while a part is being changed: plan again, unless the object must be picked anew. */
function afterReplanPick(state: TuiState, draft: Draft): TuiState {
  const clusterScoped = draft.resource !== undefined && CLUSTER_SCOPED_RESOURCES.has(draft.resource);
  if (draft.resource && draft.name === undefined && draft.query === undefined) {
    return { ...state, draft, screen: !clusterScoped && draft.namespace === undefined ? 'namespace' : 'name' };
  }
  return startProposal({ ...state, draft });
}

/** The reducer: pure, total, and exhaustive over every action and event. */
export function reducer(state: TuiState, action: TuiAction): TuiState {
  if (isDiagnoseAction(action)) return reduceDiagnose(state, action);
  if (isApprovalsAction(action)) return reduceApprovals(state, action);
  switch (action.type) {
    case 'intent-picked': {
      if (state.replan) return startProposal({ ...state, draft: { ...state.draft, intent: action.intent } });
      const picked: TuiState = { ...state, screen: 'resource', draft: { intent: action.intent, namespace: state.draft.namespace ?? state.defaultNamespace }, extraParams: {}, line: '', skippedResource: false };
      return action.onlyResource ? { ...reducer(picked, { type: 'resource-picked', resource: action.onlyResource }), skippedResource: true } : picked;
    }
    case 'line-changed':
      return { ...state, line: action.text };
    case 'line-typed':
      if (state.line === '') {
        if (action.pick) return reducer(state, { type: 'intent-picked', intent: action.pick.intent, ...(action.pick.onlyResource ? { onlyResource: action.pick.onlyResource } : {}) });
        // An empty line: `?` is help (the App's binding) and a space opens nothing.
        if (action.text === '?' || action.text.trim() === '' || /^[0-9]$/.test(action.text)) return state;
      }
      return { ...state, line: (state.line + action.text).slice(0, 500) };
    case 'line-erased':
      return { ...state, line: state.line.slice(0, Math.max(0, state.line.length - action.count)) };
    case 'line-submitted': {
      const query = action.query.trim();
      if (query === '') return state;
      const clusterResource = action.scope.clusterResource;
      const namespace = clusterResource ? undefined : (action.scope.namespace ?? state.defaultNamespace ?? state.lastNamespace);
      const draft: Draft = { query, ...(clusterResource ? { resource: clusterResource } : {}), ...(namespace ? { namespace } : {}) };
      const next: TuiState = { ...state, draft, extraParams: {}, missing: [], skippedResource: false };
      // No namespace in the words and none chosen yet: ask for it, then plan at once.
      if (!clusterResource && namespace === undefined) return { ...next, screen: 'namespace', replan: true };
      return startProposal({ ...next, ...(action.scope.namespace ? { lastNamespace: action.scope.namespace } : {}) });
    }
    case 'part-edit': {
      const draft = draftForEdit(state.proposal.plan, state.draft, action.part);
      const clusterScoped = draft.resource !== undefined && CLUSTER_SCOPED_RESOURCES.has(draft.resource);
      const screen: Screen =
        action.part === 'intent' ? 'intent' : action.part === 'resource' ? 'resource' : action.part === 'namespace' ? (clusterScoped ? 'name' : 'namespace') : action.part === 'name' ? (clusterScoped || draft.namespace ? 'name' : 'namespace') : 'query';
      return { ...state, draft, screen, replan: action.part !== 'words', line: '', confirm: { input: '' } };
    }
    case 'choice-accepted': {
      const choice = action.choice;
      if (choice.request) {
        // The core's own request for this choice, sent back as is.
        const { draft, params } = draftOfChoice(choice.request);
        return startProposal({ ...state, draft: { ...draft, namespace: draft.namespace ?? state.draft.namespace }, extraParams: params }, choice.args);
      }
      return reducer(state, { type: 'suggestion-accepted', args: choice.args });
    }
    case 'request-started':
      return startProposal({ ...state, draft: action.draft, extraParams: {}, missing: [], line: '' }, undefined, { auto: action.auto === true });
    case 'preview-toggled':
      return { ...state, fullPreview: !state.fullPreview };
    case 'resource-picked': {
      if (state.replan) return afterReplanPick(state, { ...state.draft, resource: action.resource, name: undefined });
      const clusterScoped = CLUSTER_SCOPED_RESOURCES.has(action.resource);
      const skipNamespace = clusterScoped || state.draft.namespace !== undefined;
      const draft: Draft = { intent: state.draft.intent, resource: action.resource, namespace: clusterScoped ? undefined : state.draft.namespace };
      return { ...state, draft, screen: skipNamespace ? 'name' : 'namespace' };
    }
    case 'namespace-picked':
      if (state.replan) return afterReplanPick({ ...state, lastNamespace: action.namespace }, { ...state.draft, namespace: action.namespace });
      return { ...state, draft: { ...state.draft, namespace: action.namespace, name: undefined }, lastNamespace: action.namespace, screen: 'name' };
    case 'name-picked':
      if (state.replan) return startProposal({ ...state, draft: { ...state.draft, name: action.name } });
      return { ...state, draft: { ...state.draft, name: action.name }, screen: 'query' };
    case 'query-submitted': {
      const query = action.query.trim();
      return startProposal({ ...state, draft: { ...state.draft, query: query === '' ? undefined : query }, extraParams: {} });
    }
    case 'param-submitted': {
      const value = action.value.trim();
      const draft = { ...state.draft };
      const extraParams = { ...state.extraParams };
      // name and namespace are request fields; other parameters travel as explicit card params.
      if (action.name === 'name') draft.name = value;
      else if (action.name === 'namespace') draft.namespace = value;
      else extraParams[action.name] = value;
      const missing = state.missing.filter((name) => name !== action.name);
      const next = { ...state, draft, extraParams, missing };
      return missing.length > 0 ? next : startProposal(next);
    }
    case 'suggestion-accepted': {
      // The suggestion becomes a request (read by the validator's parser): planned from a card and validated again, never run as given.
      const derived = requestForCommand(action.args, { namespace: state.draft.namespace });
      const draft: Draft = { intent: derived.intent, resource: derived.resource, namespace: derived.namespace, name: derived.name };
      return startProposal({ ...state, draft, extraParams: {} }, action.args);
    }
    case 'approval-asked': {
      const kind = state.proposal.confirmation?.kind ?? 'none';
      return {
        ...state,
        screen: kind === 'none' ? 'verdict' : 'confirm',
        proposal: { ...state.proposal, pendingApproval: true },
        confirm: { input: '', ...(action.refusal ? { refusal: action.refusal } : {}) },
      };
    }
    case 'approval-answered':
      return { ...state, proposal: { ...state.proposal, pendingApproval: false } };
    case 'confirm-input':
      return { ...state, confirm: { input: action.input } };
    case 'retry':
      return startProposal(state, undefined, { undo: state.undo });
    case 'cancel-requested':
      return state.phase === 'run' ? { ...state, run: { ...state.run, cancelling: true } } : { ...state, proposal: { ...state.proposal, cancelled: true } };
    case 'stream-finished':
      return finishStream(state);
    case 'pipeline-event':
      return reduceEvent(state, action.event);
    case 'back': {
      if (state.helpOpen) return { ...state, helpOpen: false };
      // A picker reached to change a part (or to place a typed request): back to the start, the words kept on the line.
      if (state.replan) return { ...state, screen: 'intent', draft: {}, extraParams: {}, missing: [], replan: false, line: state.draft.query ?? '' };
      const screen = previousScreen(state);
      // A typed request (no intent picked) goes back to its line, the words kept.
      if (screen === 'query' && state.draft.intent === undefined && state.draft.query !== undefined) return { ...state, screen: 'intent', draft: {}, extraParams: {}, missing: [], line: state.draft.query };
      if (screen === 'intent') return { ...state, screen, draft: {}, extraParams: {}, missing: [], skippedResource: false };
      if (screen === 'running') return state;
      return { ...state, screen, draft: draftBefore(state, screen), confirm: { input: '' }, fullPreview: false };
    }
    case 'reset': {
      const { undo: _undo, ...rest } = state;
      return {
        ...rest,
        screen: 'intent',
        phase: 'propose',
        draft: {},
        extraParams: {},
        missing: [],
        proposal: emptyProposal(state.proposal.requestId),
        preview: emptyPreview(),
        run: emptyRun(),
        notices: [],
        line: '',
        replan: false,
        skippedResource: false,
        fullPreview: false,
      };
    }
    case 'help-toggled':
      return { ...state, helpOpen: !state.helpOpen };
    case 'undo-prepared': {
      const undo = action.undo;
      if (undo.kind === 'refused') return { ...state, transcript: appendLines(state.transcript, [{ kind: 'notice', text: `undo refused: ${undo.message} [${undo.code}]` }]) };
      // The undo is a request like a typed one: the pickers' draft shows it, and it is planned and confirmed as usual.
      const request = undo.request;
      const draft: Draft = { intent: request.intent, resource: request.resource, namespace: request.namespace, name: request.name };
      const noted = appendLines(state.transcript, [{ kind: 'notice', text: `undo: ${undo.summary} — ${undo.why}` }]);
      return startProposal({ ...state, draft, extraParams: {}, transcript: noted }, undefined, { undo });
    }
    case 'remediation-picked': {
      // Planned from a card and validated again like any request; never run as the investigation showed it.
      const { draft, extraParams } = remediationDraft(action.remediation);
      const next = startProposal({ ...state, draft, extraParams, ...(draft.namespace ? { lastNamespace: draft.namespace } : {}) });
      return { ...next, proposal: { ...next.proposal, fromRemediation: action.remediation.title } };
    }
    default:
      return assertNever(action);
  }
}

/** The request the pickers have built; parameters typed inline travel as explicit card params. */
export function requestFromDraft(draft: Draft, extraParams: Readonly<Record<string, string>>): {
  intent?: Draft['intent'];
  resource?: Draft['resource'];
  namespace?: string;
  name?: string;
  query?: string;
  params?: Record<string, string>;
} {
  const request: ReturnType<typeof requestFromDraft> = {};
  if (draft.intent) request.intent = draft.intent;
  if (draft.resource) request.resource = draft.resource;
  if (draft.namespace) request.namespace = draft.namespace;
  if (draft.name) request.name = draft.name;
  if (draft.query) request.query = draft.query;
  if (Object.keys(extraParams).length > 0) request.params = { ...extraParams };
  return request;
}
