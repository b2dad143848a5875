/**
 * The request stream's part of the TUI's state (runRequest's events): the plan streaming in, the
 * verdict, the dry-run preview, kubectl's output in the transcript, and where the screen goes when
 * the stream ends (the verdict, the missing parameters, or the result and a history entry).
 */
import { assertNever, type PipelineEvent } from '../../src/contracts/events.js';
import { emptyRun } from './start-request.js';
import { appendLines, historyEntryOf, runSummary } from './transcript.js';
import { actionGroup, type ActionOf } from './action-group.js';
import type { PreviewView, ProposalView, TuiState } from './types.js';

const STREAM_ACTION_TYPES = ['pipeline-event', 'stream-finished', 'cancel-requested'] as const;

/** The actions of the request stream. */
export type StreamAction = ActionOf<(typeof STREAM_ACTION_TYPES)[number]>;
/** True for the actions reduceStream handles. */
export const isStreamAction = actionGroup(STREAM_ACTION_TYPES);

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

/** The request stream's reducer. */
export function reduceStream(state: TuiState, action: StreamAction): TuiState {
  switch (action.type) {
    case 'cancel-requested':
      return state.phase === 'run' ? { ...state, run: { ...state.run, cancelling: true } } : { ...state, proposal: { ...state.proposal, cancelled: true } };
    case 'stream-finished':
      return finishStream(state);
    case 'pipeline-event':
      return reduceEvent(state, action.event);
    default:
      return assertNever(action);
  }
}
