/**
 * The TUI's state: one pure reducer over pipeline events and UI actions. Side effects (starting
 * streams, aborting them) live in hooks/use-pipeline.ts; this file only decides what is on screen.
 */
import type { SerializedError } from '../../src/errors.js';
import { assertNever, type CardMatch, type PipelineEvent, type Proposal } from '../../src/pipeline/events.js';
import type { Plan, PlannerKind } from '../../src/schemas/plan.js';
import type { Verdict } from '../../src/schemas/verdict.js';
import { CLUSTER_SCOPED_RESOURCES, type Intent, type Resource } from '../../src/schemas/vocabulary.js';
import { requestFromSuggestion } from './suggestion.js';

/** The screens of the flow, in order. */
export type Screen =
  | 'intent'
  | 'resource'
  | 'namespace'
  | 'name'
  | 'query'
  | 'proposing'
  | 'params'
  | 'verdict'
  | 'confirm'
  | 'running'
  | 'result';

/** Which stream an event came from. */
export type StreamStage = 'propose' | 'preview' | 'run';

/** The request being built by the pickers. */
export interface Draft {
  intent?: Intent;
  resource?: Resource;
  namespace?: string;
  name?: string;
  query?: string;
}

/** A finished line of the session transcript, rendered once in <Static>. */
export interface TranscriptLine {
  id: number;
  kind: 'command' | 'stdout' | 'stderr' | 'truncated' | 'summary' | 'notice';
  text: string;
}

/** One operation in the session history. */
export interface HistoryEntry {
  operationId?: string;
  command: string;
  namespace?: string;
  outcome: 'ok' | 'failed' | 'cancelled' | 'timed-out' | 'denied' | 'error';
  exitCode?: number;
  durationMs?: number;
}

/** A notice from the pipeline (fallbacks, model progress, "no dry-run for this card"). */
export interface NoticeView {
  level: 'info' | 'warn';
  stage: string;
  message: string;
}

/** What the propose stream has produced so far. */
export interface ProposalView {
  cards: CardMatch[];
  embedder?: string;
  notes: string[];
  planText: string;
  /** Increases with every new proposal; the App starts a propose stream when it changes. */
  requestId: number;
  plan?: Plan;
  planner?: PlannerKind;
  verdict?: Verdict;
  proposal?: Proposal;
  operationId?: string;
  busy: boolean;
  cancelled: boolean;
  error?: SerializedError;
  /** The suggested argv the user accepted, when this proposal came from one. */
  fromSuggestion?: string[];
}

/** The dry-run preview shown before a mutation is confirmed. */
export interface PreviewView {
  status: 'idle' | 'loading' | 'done' | 'unavailable' | 'failed';
  output: string;
  exitCode?: number;
  message?: string;
}

/** The end of a kubectl run. */
export type ExecEnd = Extract<PipelineEvent, { type: 'exec-end' }>;

/** The run panel. */
export interface RunView {
  command: string;
  busy: boolean;
  cancelling: boolean;
  stdoutLines: number;
  stderrLines: number;
  end?: ExecEnd;
  operationId?: string;
  error?: SerializedError;
}

/** The whole TUI state. */
export interface TuiState {
  screen: Screen;
  readOnly: boolean;
  /** From --namespace: preselected, so the namespace picker is skipped (Esc still reaches it). */
  defaultNamespace?: string;
  /** The namespace picked last: preselected (not skipped) in the namespace picker of the next request. */
  lastNamespace?: string;
  draft: Draft;
  /** Parameters the user typed inline for a plan that was missing them. */
  extraParams: Record<string, string>;
  /** Required parameters still to ask for, in order. */
  missing: string[];
  proposal: ProposalView;
  preview: PreviewView;
  confirm: { input: string; refusal?: string };
  run: RunView;
  notices: NoticeView[];
  transcript: TranscriptLine[];
  history: HistoryEntry[];
  helpOpen: boolean;
}

/** UI actions and pipeline events, the only inputs of the reducer. */
export type TuiAction =
  | { type: 'intent-picked'; intent: Intent }
  | { type: 'resource-picked'; resource: Resource }
  | { type: 'namespace-picked'; namespace: string }
  | { type: 'name-picked'; name?: string }
  | { type: 'query-submitted'; query: string }
  | { type: 'param-submitted'; name: string; value: string }
  | { type: 'suggestion-accepted'; args: string[] }
  | { type: 'confirm-opened' }
  | { type: 'confirm-input'; input: string }
  | { type: 'confirm-refused'; message: string }
  | { type: 'run-started'; command: string }
  | { type: 'cancel-requested'; stage: StreamStage }
  | { type: 'stream-finished'; stage: StreamStage }
  | { type: 'pipeline-event'; stage: StreamStage; event: PipelineEvent }
  | { type: 'back' }
  | { type: 'reset' }
  | { type: 'help-toggled' };

const emptyProposal = (requestId = 0): ProposalView => ({ cards: [], notes: [], planText: '', requestId, busy: false, cancelled: false });
const emptyRun = (): RunView => ({ command: '', busy: false, cancelling: false, stdoutLines: 0, stderrLines: 0 });
const emptyPreview = (): PreviewView => ({ status: 'idle', output: '' });

/** The state a session starts in. */
export function initialState(options: { readOnly?: boolean; defaultNamespace?: string } = {}): TuiState {
  return {
    screen: 'intent',
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
  };
}

/** How a proposal must be confirmed before it runs: Enter (allow), a key (medium), or the typed name (high). */
export type ConfirmationKind = 'enter' | 'key' | 'typed-name';

/** The confirmation the verdict demands; the TUI never asks for less. */
export function confirmationKind(verdict: Verdict): ConfirmationKind {
  if (verdict.risk === 'high') return 'typed-name';
  if (verdict.decision === 'confirm' || verdict.risk === 'medium') return 'key';
  return 'enter';
}

/** The word a high-risk confirmation must type: the object's name, else the namespace. */
export function confirmationTarget(proposal: Proposal): string {
  const fromParams = proposal.plan.params.name;
  if (typeof fromParams === 'string' && fromParams) return fromParams;
  if (proposal.request.name) return proposal.request.name;
  const slashed = proposal.plan.args.find((argument) => !argument.startsWith('-') && argument.includes('/'));
  const afterSlash = slashed?.split('/').pop();
  if (afterSlash) return afterSlash;
  return proposal.verdict.namespace ?? proposal.request.namespace ?? 'yes';
}

/** The screen Esc returns to. */
function previousScreen(state: TuiState): Screen {
  const clusterScoped = state.draft.resource !== undefined && CLUSTER_SCOPED_RESOURCES.has(state.draft.resource);
  switch (state.screen) {
    case 'intent':
    case 'resource':
      return 'intent';
    case 'namespace':
      return 'resource';
    case 'name':
      return clusterScoped ? 'resource' : 'namespace';
    case 'query':
      return 'name';
    case 'proposing':
    case 'params':
    case 'verdict':
      return 'query';
    case 'confirm':
      return 'verdict';
    case 'running':
      return 'running';
    case 'result':
      return 'intent';
  }
}

function appendLines(state: TuiState, lines: ReadonlyArray<Omit<TranscriptLine, 'id'>>): TranscriptLine[] {
  const start = state.transcript.length;
  return [...state.transcript, ...lines.map((line, index) => ({ ...line, id: start + index }))];
}

function outcomeOf(run: RunView): HistoryEntry['outcome'] {
  if (run.end === undefined) return run.error ? 'error' : 'cancelled';
  if (run.end.cancelled) return 'cancelled';
  if (run.end.timedOut) return 'timed-out';
  return run.end.exitCode === 0 ? 'ok' : 'failed';
}

/** Why a typed high-risk confirmation is not the target name (it must match exactly), or undefined when it does. */
export function typedNameRefusal(typed: string, target: string): string | undefined {
  if (typed === target) return undefined;
  let why: string;
  if (typed === '') why = 'nothing was typed';
  else if (typed.trim() === target) why = 'it has spaces around the name';
  else if (typed.toLowerCase() === target.toLowerCase()) why = 'the letter case differs';
  else if (target.startsWith(typed)) why = `it is incomplete (${target.length - typed.length} more character${target.length - typed.length === 1 ? '' : 's'})`;
  else why = 'it is a different name';
  return `"${typed}" is not "${target}" (${why}): nothing was run. Type the name exactly.`;
}

/** Exit code of a run as the CLI reports it: a cancelled run is 130 (SIGINT), whatever kubectl's end was. */
export function shownExitCode(end: ExecEnd): number {
  return end.cancelled ? 130 : end.exitCode;
}

function formatSeconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(milliseconds < 10_000 ? 2 : 1)}s`;
}

/** The one-line summary of a finished run, as written to the transcript. */
export function runSummary(run: RunView): string {
  const outcome = outcomeOf(run);
  const parts = [outcome === 'ok' ? 'done' : outcome];
  if (run.end) parts.push(`exit ${shownExitCode(run.end)}`, formatSeconds(run.end.durationMs));
  else if (outcome === 'cancelled') parts.push('exit 130');
  if (run.operationId) parts.push(`operation ${run.operationId}`);
  if (run.error && !run.end) parts.push(run.error.message);
  return parts.join(' · ');
}

function reduceProposeEvent(state: TuiState, event: PipelineEvent): TuiState {
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
      return { ...state, proposal: { ...proposal, proposal: event.proposal, operationId: event.proposal.operationId } };
    case 'audit-end':
      return { ...state, proposal: { ...proposal, operationId: event.operationId } };
    case 'notice':
      return { ...state, notices: [...state.notices, { level: event.level, stage: event.stage, message: event.message }] };
    case 'error':
      return { ...state, proposal: { ...proposal, error: event.error } };
    case 'dry-run-end':
    case 'exec-output':
    case 'exec-end':
      // propose never runs anything; ignore rather than trust a stray event.
      return state;
    default:
      return assertNever(event);
  }
}

function reducePreviewEvent(state: TuiState, event: PipelineEvent): TuiState {
  switch (event.type) {
    case 'dry-run-end':
      return { ...state, preview: { ...state.preview, status: 'done', output: event.output, exitCode: event.exitCode } };
    case 'notice':
      return { ...state, preview: { ...state.preview, message: event.message } };
    case 'error':
      return { ...state, preview: { ...state.preview, status: 'failed', message: event.error.message } };
    case 'retrieve-end':
    case 'plan-delta':
    case 'plan-end':
    case 'validate-end':
    case 'approval-request':
    case 'exec-output':
    case 'exec-end':
    case 'audit-end':
      return state;
    default:
      return assertNever(event);
  }
}

function reduceRunEvent(state: TuiState, event: PipelineEvent): TuiState {
  const run = state.run;
  switch (event.type) {
    case 'exec-output':
      return {
        ...state,
        transcript: appendLines(state, [{ kind: event.stream, text: event.line }]),
        run: {
          ...run,
          stdoutLines: run.stdoutLines + (event.stream === 'stdout' ? 1 : 0),
          stderrLines: run.stderrLines + (event.stream === 'stderr' ? 1 : 0),
        },
      };
    case 'exec-end': {
      const marks: Array<Omit<TranscriptLine, 'id'>> = [];
      if (event.truncated) marks.push({ kind: 'truncated', text: '… output truncated (the rest was not kept; see the audit log hashes)' });
      if (event.timedOut) marks.push({ kind: 'truncated', text: '… kubectl timed out and was stopped' });
      return { ...state, transcript: appendLines(state, marks), run: { ...run, end: event } };
    }
    case 'audit-end':
      return { ...state, run: { ...run, operationId: event.operationId } };
    case 'notice':
      return { ...state, notices: [...state.notices, { level: event.level, stage: event.stage, message: event.message }] };
    case 'error':
      return { ...state, run: { ...run, error: event.error } };
    case 'retrieve-end':
    case 'plan-delta':
    case 'plan-end':
    case 'validate-end':
    case 'approval-request':
    case 'dry-run-end':
      return state;
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

function finishStream(state: TuiState, stage: StreamStage): TuiState {
  switch (stage) {
    case 'propose': {
      const proposal = { ...state.proposal, busy: false };
      if (state.screen !== 'proposing') return { ...state, proposal };
      if (proposal.cancelled) return { ...state, proposal, screen: 'query' };
      const missing = proposal.plan?.missing ?? [];
      if (missing.length > 0 && onlyMissingParams(proposal)) return { ...state, proposal, missing: [...missing], screen: 'params' };
      const history =
        proposal.verdict?.decision === 'deny' && proposal.plan
          ? [...state.history, { operationId: proposal.operationId, command: proposal.plan.command, namespace: proposal.verdict.namespace, outcome: 'denied' as const }]
          : state.history;
      return { ...state, proposal, history, screen: 'verdict' };
    }
    case 'preview':
      return state.preview.status === 'loading' ? { ...state, preview: { ...state.preview, status: state.preview.message ? 'unavailable' : 'failed' } } : state;
    case 'run': {
      const run = { ...state.run, busy: false, cancelling: false };
      const entry: HistoryEntry = {
        operationId: run.operationId,
        command: run.command,
        namespace: state.proposal.verdict?.namespace ?? state.draft.namespace,
        outcome: outcomeOf(run),
        exitCode: run.end ? shownExitCode(run.end) : outcomeOf(run) === 'cancelled' ? 130 : undefined,
        durationMs: run.end?.durationMs,
      };
      return {
        ...state,
        run,
        screen: 'result',
        history: [...state.history, entry],
        transcript: appendLines(state, [{ kind: 'summary', text: runSummary(run) }]),
      };
    }
  }
}

function startProposal(state: TuiState, fromSuggestion?: string[]): TuiState {
  return {
    ...state,
    screen: 'proposing',
    proposal: { ...emptyProposal(state.proposal.requestId + 1), busy: true, fromSuggestion },
    preview: emptyPreview(),
    confirm: { input: '' },
    notices: [],
  };
}

/** The reducer: pure, total, and exhaustive over every action and event. */
export function reducer(state: TuiState, action: TuiAction): TuiState {
  switch (action.type) {
    case 'intent-picked':
      return { ...state, screen: 'resource', draft: { intent: action.intent, namespace: state.draft.namespace ?? state.defaultNamespace }, extraParams: {} };
    case 'resource-picked': {
      const clusterScoped = CLUSTER_SCOPED_RESOURCES.has(action.resource);
      const skipNamespace = clusterScoped || state.draft.namespace !== undefined;
      const draft: Draft = { intent: state.draft.intent, resource: action.resource, namespace: clusterScoped ? undefined : state.draft.namespace };
      return { ...state, draft, screen: skipNamespace ? 'name' : 'namespace' };
    }
    case 'namespace-picked':
      return { ...state, draft: { ...state.draft, namespace: action.namespace, name: undefined }, lastNamespace: action.namespace, screen: 'name' };
    case 'name-picked':
      return { ...state, draft: { ...state.draft, name: action.name }, screen: 'query' };
    case 'query-submitted': {
      const query = action.query.trim();
      return startProposal({ ...state, draft: { ...state.draft, query: query === '' ? undefined : query }, extraParams: {} });
    }
    case 'param-submitted': {
      const value = action.value.trim();
      const draft = { ...state.draft };
      const extraParams = { ...state.extraParams };
      // name and namespace are request fields; other parameters travel in the query.
      if (action.name === 'name') draft.name = value;
      else if (action.name === 'namespace') draft.namespace = value;
      else extraParams[action.name] = value;
      const missing = state.missing.filter((name) => name !== action.name);
      const next = { ...state, draft, extraParams, missing };
      return missing.length > 0 ? next : startProposal(next);
    }
    case 'suggestion-accepted': {
      // The suggestion becomes the request: re-planned from a card and validated again, never run as given.
      const derived = requestFromSuggestion(action.args, requestFromDraft(state.draft, state.extraParams));
      const draft: Draft = { intent: derived.intent, resource: derived.resource, namespace: derived.namespace, name: derived.name };
      return startProposal({ ...state, draft, extraParams: {} }, action.args);
    }
    case 'confirm-opened': {
      const mutating = state.proposal.verdict?.mutating === true;
      return { ...state, screen: 'confirm', confirm: { input: '' }, preview: mutating ? { status: 'loading', output: '' } : { status: 'unavailable', output: '' } };
    }
    case 'confirm-input':
      return { ...state, confirm: { input: action.input, refusal: undefined } };
    case 'confirm-refused':
      return { ...state, confirm: { input: '', refusal: action.message } };
    case 'run-started':
      return {
        ...state,
        screen: 'running',
        run: { ...emptyRun(), command: action.command, busy: true },
        transcript: appendLines(state, [{ kind: 'command', text: `$ ${action.command}` }]),
      };
    case 'cancel-requested':
      switch (action.stage) {
        case 'propose':
          return { ...state, proposal: { ...state.proposal, cancelled: true } };
        case 'preview':
          return { ...state, screen: 'verdict', preview: emptyPreview() };
        case 'run':
          return { ...state, run: { ...state.run, cancelling: true } };
      }
      return state;
    case 'stream-finished':
      return finishStream(state, action.stage);
    case 'pipeline-event':
      switch (action.stage) {
        case 'propose':
          return reduceProposeEvent(state, action.event);
        case 'preview':
          return reducePreviewEvent(state, action.event);
        case 'run':
          return reduceRunEvent(state, action.event);
      }
      return state;
    case 'back': {
      if (state.helpOpen) return { ...state, helpOpen: false };
      const screen = previousScreen(state);
      if (screen === 'intent') return { ...state, screen, draft: {}, extraParams: {}, missing: [] };
      return { ...state, screen, confirm: { input: '' } };
    }
    case 'reset':
      return { ...state, screen: 'intent', draft: {}, extraParams: {}, missing: [], proposal: emptyProposal(state.proposal.requestId), preview: emptyPreview(), run: emptyRun(), notices: [] };
    case 'help-toggled':
      return { ...state, helpOpen: !state.helpOpen };
    default:
      return assertNever(action);
  }
}

/** The request the pickers have built; parameters typed inline travel as explicit card params. */
export function requestFromDraft(draft: Draft, extraParams: Readonly<Record<string, string>>): {
  intent?: Intent;
  resource?: Resource;
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
