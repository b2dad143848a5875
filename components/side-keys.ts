/**
 * What the diagnose (#15) and approvals (#17) keys do. The App finds the binding in the one keymap
 * table and hands every side action here; pickers and text fields handle their own keys (filter,
 * select, type), so those actions do nothing here.
 */
import type { DiagnoseControls } from './hooks/use-diagnose.js';
import type { ApprovalsControls } from './hooks/use-approvals.js';
import type { SideKeyAction } from './keymap-side.js';
import { numberedRemediations, selectedFinding } from './state/diagnose-state.js';
import type { TuiAction, TuiState } from './state/types.js';

/** What a side key needs. */
export interface SideKeyContext {
  state: TuiState;
  dispatch(action: TuiAction): void;
  diagnose: DiagnoseControls;
  approvals: ApprovalsControls;
}

/** Keyboard shortcuts of the side screens, in the keymap's words. */
export function handleSideKey(action: SideKeyAction, input: string, down: boolean, context: SideKeyContext): void {
  const { state, dispatch } = context;
  const delta = down ? 1 : -1;
  switch (action) {
    case 'open-diagnose':
      dispatch({ type: 'diagnose-opened' });
      return;
    case 'open-approvals':
      dispatch({ type: 'approvals-opened' });
      context.approvals.refresh();
      return;
    case 'diagnose-move':
      if (state.screen === 'diagnose-findings') dispatch({ type: 'finding-moved', delta });
      else if (state.screen === 'diagnose-evidence') dispatch({ type: 'evidence-scrolled', delta, total: selectedFinding(state.diagnose)?.evidence.length ?? 0 });
      return;
    case 'diagnose-evidence':
      dispatch({ type: 'evidence-opened' });
      return;
    case 'diagnose-remedy': {
      const remediation = numberedRemediations(selectedFinding(state.diagnose))[Number(input) - 1];
      if (remediation) dispatch({ type: 'remediation-picked', remediation });
      return;
    }
    case 'diagnose-rerun':
      // The same investigation again (after a remedy ran, or to see whether it recovered).
      if (!state.diagnose.busy) dispatch({ type: 'diagnose-target-picked', ...(state.diagnose.target ? { target: state.diagnose.target } : {}) });
      return;
    case 'diagnose-cancel':
      if (!state.diagnose.busy) return;
      context.diagnose.cancel();
      dispatch({ type: 'diagnose-cancel-requested' });
      return;
    case 'diagnose-back':
      dispatch({ type: 'diagnose-back' });
      return;
    case 'approvals-move':
      dispatch({ type: 'approval-moved', delta });
      return;
    case 'approvals-open':
      dispatch({ type: 'approval-opened' });
      return;
    case 'approvals-approve': {
      const open = state.approvals.open;
      if (!open) return;
      // What the answer must be is the stored proposal's confirmation; the core checks it.
      if (open.proposal.confirmation.kind === 'typed-name') dispatch({ type: 'approval-mode-set', mode: 'typing-name' });
      else context.approvals.decide(open.id, { outcome: 'approved', answer: { confirmed: true } });
      return;
    }
    case 'approvals-deny':
      if (state.approvals.open) dispatch({ type: 'approval-mode-set', mode: 'typing-reason' });
      return;
    case 'approvals-submit': {
      const open = state.approvals.open;
      if (!open) return;
      if (state.approvals.mode === 'typing-name') context.approvals.decide(open.id, { outcome: 'approved', answer: { confirmed: true, text: state.approvals.input } });
      else if (state.approvals.mode === 'typing-reason') {
        const reason = state.approvals.input.trim();
        context.approvals.decide(open.id, { outcome: 'denied', ...(reason ? { reason } : {}) });
      }
      return;
    }
    case 'approvals-back':
      dispatch({ type: 'approvals-back' });
      return;
    case 'diagnose-filter':
    case 'diagnose-select':
    case 'approvals-type':
      // handled by the focused picker or text field
      return;
  }
}
