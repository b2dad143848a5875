/**
 * What the session's state allows right now, derived once per render for both the keys and the
 * panels: whether the core is waiting for an answer and of which kind, what can be retried, edited
 * or undone, the verdict's choices, the follow-ups of a run, and the keymap options that follow.
 */
import type { Confirmation } from '../src/schemas/approval.js';
import type { KeymapOptions } from './keymap.js';
import type { TuiServices } from './services.js';
import { followUpsOf, runTarget, type FollowUp } from './state/follow-ups.js';
import { numberedRemediations, selectedFinding } from './state/diagnose-state.js';
import { undoCandidate, type HistoryEntry, type TuiState } from './state/reducer.js';
import { verdictChoices, type VerdictChoice } from './state/understood.js';

/** The session's current possibilities. */
export interface SessionView {
  /** What the core asks the human for the current proposal ('none': a key is enough, or nothing to confirm). */
  kind: Confirmation['kind'] | 'none';
  /** The core is waiting for the human's answer. */
  waiting: boolean;
  /** After a decline the same request can be planned again (a new proposal, a new question). */
  canRetry: boolean;
  /** The operation the undo key inverts, when the session offers undo. */
  undoEntry: HistoryEntry | undefined;
  choices: VerdictChoice[];
  followUps: FollowUp[];
  keymapOptions: KeymapOptions;
}

/** Derives the view (pure). */
export function sessionView(state: TuiState, services: TuiServices): SessionView {
  const verdict = state.proposal.verdict;
  const confirmation = state.proposal.confirmation;
  const kind = confirmation?.kind ?? 'none';
  const waiting = state.proposal.pendingApproval;
  const canRetry = !waiting && !state.proposal.busy && verdict !== undefined && verdict.decision !== 'deny' && state.proposal.approvalEnd !== undefined;
  const undoEntry = services.undo && !state.readOnly ? undoCandidate(state) : undefined;
  const choices = verdictChoices(state.proposal);
  const followUps = state.screen === 'result' ? followUpsOf(runTarget(state.proposal), services.catalog) : [];
  const keymapOptions: KeymapOptions = {
    canUndo: undoEntry !== undefined,
    readOnly: state.readOnly,
    confirmAction: kind === 'typed-name' ? 'confirm-typed' : 'confirm-key',
    hasSuggestions: choices.length > 0 && !state.proposal.busy && !waiting,
    canRun: waiting && kind === 'none',
    canRetry,
    canEdit: state.proposal.plan !== undefined && (waiting || !state.proposal.busy),
    hasFollowUps: followUps.length > 0 && !state.run.busy,
    hasChanges: (state.preview.changes?.length ?? 0) > 0,
    side: {
      canDiagnose: services.side !== undefined,
      canApprove: services.side !== undefined,
      hasRemedies: numberedRemediations(selectedFinding(state.diagnose)).length > 0,
      hasRequests: state.approvals.records.length > 0,
      approvalMode: state.approvals.mode,
    },
  };
  return { kind, waiting, canRetry, undoEntry, choices, followUps, keymapOptions };
}
