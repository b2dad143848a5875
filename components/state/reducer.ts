/**
 * The TUI's state: one pure reducer over UI actions and the events of the request stream
 * (runRequest). The core decides what a command needs (risk, confirmation, whether an answer is
 * enough); the state only decides what is on screen. This root hands each action to the reducer
 * of its concern: the pickers, navigation, the verdict and confirmation, the request stream,
 * requests started elsewhere (follow-ups, remediations, undo), diagnose and the approvals inbox.
 */
import { assertNever } from '../../src/contracts/events.js';
import { emptyApprovals, isApprovalsAction, reduceApprovals } from './approvals-state.js';
import { emptyDiagnose, isDiagnoseAction, reduceDiagnose } from './diagnose-state.js';
import { isNavigationAction, reduceNavigation } from './navigation.js';
import { isPickingAction, reducePicking } from './picking.js';
import { isStreamAction, reduceStream } from './request-stream.js';
import { emptyPreview, emptyProposal, emptyRun } from './start-request.js';
import { isStartedRequestAction, reduceStartedRequest } from './started-requests.js';
import type { TuiAction, TuiState } from './types.js';
import { isVerdictAction, reduceVerdict } from './verdict.js';

export type { Draft, ExecEnd, HistoryEntry, NoticeView, Phase, PreviewView, ProposalView, RunView, Screen, TranscriptLine, TuiAction, TuiState } from './types.js';
export { runSummary, shownExitCode } from './transcript.js';
export { requestFromDraft } from './picking.js';
export { undoCandidate } from './started-requests.js';

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

/** The reducer: pure, total, and exhaustive over every action and event. */
export function reducer(state: TuiState, action: TuiAction): TuiState {
  if (isDiagnoseAction(action)) return reduceDiagnose(state, action);
  if (isApprovalsAction(action)) return reduceApprovals(state, action);
  if (isPickingAction(action)) return reducePicking(state, action);
  if (isNavigationAction(action)) return reduceNavigation(state, action);
  if (isVerdictAction(action)) return reduceVerdict(state, action);
  if (isStreamAction(action)) return reduceStream(state, action);
  if (isStartedRequestAction(action)) return reduceStartedRequest(state, action);
  return assertNever(action);
}
