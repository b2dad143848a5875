/**
 * How a request begins in the TUI's state: a new proposal (its requestId tells the App to start the
 * stream), with what the previous request left (preview, confirmation, notices) cleared.
 */
import type { PreviewView, ProposalView, RunView, TuiState } from './types.js';

/** A proposal before its stream has said anything. */
export const emptyProposal = (requestId = 0): ProposalView => ({ cards: [], notes: [], planText: '', requestId, busy: false, cancelled: false, pendingApproval: false });
/** The run panel before kubectl runs. */
export const emptyRun = (): RunView => ({ command: '', busy: false, cancelling: false, stdoutLines: 0, stderrLines: 0 });
/** No dry-run preview yet. */
export const emptyPreview = (): PreviewView => ({ status: 'idle', output: '' });

/**
 * Starts a new request. `auto`: started by rk8s itself (the rollout watch after a change); `undo` when
 * it is an undo (any other new request drops the previous one's).
 */
export function startProposal(state: TuiState, fromSuggestion?: string[], options: { auto?: boolean; undo?: TuiState['undo'] } = {}): TuiState {
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
