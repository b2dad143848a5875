/**
 * The session's keys: each key is looked up in the one keymap table for the current screen (so the
 * help bar and the keys never disagree) and does what its action says. Side-screen actions go to
 * side-keys.ts; pickers and text fields handle their own keys (move, select, filter, type).
 */
import { useRef, type Dispatch } from 'react';
import { findBinding } from '../keymap.js';
import { isSideKeyAction } from '../keymap-side.js';
import type { TuiServices } from '../services.js';
import type { SessionView } from '../session-view.js';
import { handleSideKey } from '../side-keys.js';
import type { TuiAction, TuiState } from '../state/reducer.js';
import { partOfKey } from '../state/understood.js';
import type { ApprovalsControls } from './use-approvals.js';
import type { QuestionAnswer } from './use-approval-question.js';
import type { DiagnoseControls } from './use-diagnose.js';
import { useKeys } from './use-keys.js';
import type { PipelineControls } from './use-pipeline.js';

/** What the keys act on. */
export interface SessionKeysContext {
  state: TuiState;
  dispatch: Dispatch<TuiAction>;
  view: SessionView;
  services: TuiServices;
  pipeline: PipelineControls;
  diagnose: DiagnoseControls;
  approvals: ApprovalsControls;
  answer(value: QuestionAnswer): void;
  quit(): void;
  quitting: boolean;
}

/** True while a text field has the keys (there `?` is a character, not help). */
function isTyping(state: TuiState, view: SessionView): boolean {
  return (
    (state.screen === 'intent' && state.line !== '') ||
    (state.screen === 'namespace' || state.screen === 'name' || state.screen === 'query' || state.screen === 'params') ||
    (state.screen === 'confirm' && view.kind === 'typed-name') ||
    state.screen === 'diagnose-namespace' ||
    state.screen === 'diagnose-target' ||
    (state.screen === 'approval-detail' && (state.approvals.mode === 'typing-name' || state.approvals.mode === 'typing-reason'))
  );
}

/** The hook. */
export function useSessionKeys(context: SessionKeysContext): void {
  const { state, dispatch, view, services, pipeline, diagnose, approvals, answer, quit, quitting } = context;
  const { kind, waiting, canRetry, choices, followUps, undoEntry, keymapOptions } = view;
  // One undo lookup at a time (it reads the audit log and the live object).
  const undoing = useRef(false);
  const typing = isTyping(state, view);

  useKeys((input, key) => {
    if (key.ctrl && input === 'c') {
      quit();
      return;
    }
    if (quitting) return;
    if (state.helpOpen) {
      if (key.escape || input === '?') dispatch({ type: 'help-toggled' });
      return;
    }
    const binding = findBinding(state.screen, input, key, keymapOptions);
    if (!binding) return;
    if (isSideKeyAction(binding.action)) {
      handleSideKey(binding.action, input, key.downArrow, { state, dispatch, diagnose, approvals });
      return;
    }
    switch (binding.action) {
      case 'help':
        // In text fields `?` is a character: an empty field calls onHelp itself.
        if (!typing) dispatch({ type: 'help-toggled' });
        return;
      case 'cancel':
        if (state.screen === 'proposing' && state.proposal.busy) {
          pipeline.cancel('request');
          dispatch({ type: 'cancel-requested' });
        } else if (state.screen === 'running' && state.run.busy) {
          pipeline.cancel('request');
          dispatch({ type: 'cancel-requested' });
        } else if (state.screen === 'proposing') {
          dispatch({ type: 'back' });
        }
        return;
      case 'decline':
      case 'back':
        if (waiting) {
          // Saying no ends this request; the core records it. Esc on the verdict of an allowed read also goes back.
          answer({ confirmed: false });
          if (state.screen === 'confirm') return;
        }
        dispatch({ type: 'back' });
        return;
      case 'accept-suggestion': {
        const choice = choices[Number(input) - 1];
        if (choice) dispatch({ type: 'choice-accepted', choice });
        return;
      }
      case 'edit-part': {
        const part = partOfKey(input);
        if (!part) return;
        // Changing a part ends this proposal (the core records the decline) and plans again after the pick.
        if (waiting) answer({ confirmed: false });
        dispatch({ type: 'part-edit', part });
        return;
      }
      case 'follow-up': {
        const next = followUps[Number(input) - 1];
        if (next) dispatch({ type: 'request-started', draft: next.draft });
        return;
      }
      case 'toggle-preview':
        dispatch({ type: 'preview-toggled' });
        return;
      case 'proceed':
        if (waiting && kind === 'none') answer({ confirmed: true });
        return;
      case 'retry':
        if (canRetry) dispatch({ type: 'retry' });
        return;
      case 'confirm-key':
        if (waiting && state.preview.status !== 'loading') answer({ confirmed: true });
        return;
      case 'confirm-typed':
        // The core compares what was typed with the name; the TUI only hands it over.
        if (waiting && state.preview.status !== 'loading') answer({ confirmed: true, text: state.confirm.input });
        return;
      case 'new-request':
        dispatch({ type: 'reset' });
        return;
      case 'undo': {
        const operationId = undoEntry?.operationId;
        if (!operationId || !services.undo || undoing.current) return;
        undoing.current = true;
        void services
          .undo(operationId, new AbortController().signal)
          .then(
            (undo) => dispatch({ type: 'undo-prepared', undo }),
            (error: unknown) => dispatch({ type: 'undo-prepared', undo: { kind: 'refused', code: 'UNDO_FAILED', message: (error as Error).message } }),
          )
          .finally(() => {
            undoing.current = false;
          });
        return;
      }
      case 'quit':
        quit();
        return;
      case 'move':
      case 'select':
      case 'filter':
      case 'submit':
      case 'type-request':
        // handled by the focused picker or text field
        return;
    }
  });
}
