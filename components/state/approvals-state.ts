/**
 * The approvals panel's state (#17): the pending inbox requests (polled from the shared file store by
 * hooks/use-approvals.ts), one request opened, and the person's answer being typed. What an answer
 * must be (y; the object's name for high risk) is the stored proposal's confirmation, decided by the
 * core when the request was filed and checked by the core's decideApproval(); nothing is recomputed here.
 */
import type { ApprovalRecord } from '../../src/approvals/approval-store.js';
import { assertNever } from '../../src/contracts/events.js';
import type { DecisionResult } from '../../src/pipeline/decide-approval.js';
import type { TuiState } from './types.js';

/** The approvals screens. */
export const APPROVALS_SCREENS = ['approvals', 'approval-detail'] as const;
/** An approvals screen. */
export type ApprovalsScreen = (typeof APPROVALS_SCREENS)[number];

/** What the open request's screen is doing: showing it, taking the typed name, taking a reason, or waiting for the core. */
export type ApprovalMode = 'view' | 'typing-name' | 'typing-reason' | 'deciding';

/** The panel's state. */
export interface ApprovalsView {
  /** Pending requests, oldest first, as last listed. */
  records: ApprovalRecord[];
  loaded: boolean;
  /** Why the store could not be listed. */
  error?: string;
  /** The core's clock when listed (ISO), for ages and expiry. */
  now?: string;
  selected: number;
  /** The request opened (kept even if a later listing no longer has it: decided elsewhere). */
  open?: ApprovalRecord;
  mode: ApprovalMode;
  input: string;
  /** Why the core refused the last answer (a mistyped name, expired, decided already). */
  refusal?: string;
  /** The last decision, shown on the list. */
  result?: { ok: boolean; text: string };
}

/** The actions of the panel. */
export type ApprovalsAction =
  | { type: 'approvals-listed'; records: ApprovalRecord[]; now: string }
  | { type: 'approvals-list-failed'; message: string }
  | { type: 'approvals-opened' }
  | { type: 'approval-moved'; delta: number }
  | { type: 'approval-opened' }
  | { type: 'approval-mode-set'; mode: 'view' | 'typing-name' | 'typing-reason' }
  | { type: 'approval-input'; input: string }
  | { type: 'approval-deciding' }
  | { type: 'approval-decided'; id: string; outcome: 'approved' | 'denied'; result: DecisionResult }
  | { type: 'approvals-back' };

const APPROVALS_ACTION_TYPES: ReadonlySet<string> = new Set<ApprovalsAction['type']>([
  'approvals-listed', 'approvals-list-failed', 'approvals-opened', 'approval-moved', 'approval-opened', 'approval-mode-set',
  'approval-input', 'approval-deciding', 'approval-decided', 'approvals-back',
]);

/** True for the actions reduceApprovals handles. */
export function isApprovalsAction(action: { type: string }): action is ApprovalsAction {
  return APPROVALS_ACTION_TYPES.has(action.type);
}

/** True on an approvals screen. */
export function isApprovalsScreen(screen: string): screen is ApprovalsScreen {
  return (APPROVALS_SCREENS as readonly string[]).includes(screen);
}

/** The state before the first listing. */
export function emptyApprovals(): ApprovalsView {
  return { records: [], loaded: false, selected: 0, mode: 'view', input: '' };
}

/** How a person reads a decision's outcome. */
export function decisionText(id: string, outcome: 'approved' | 'denied', record: ApprovalRecord | undefined): string {
  return outcome === 'approved'
    ? `approved ${id}: it runs once, when the agent's door picks it up${record ? ` (before ${record.expiresAt})` : ''}`
    : `denied ${id}: the agent is told so`;
}

/** The reducer of the approvals screens (over the whole TUI state: they move `screen`). */
export function reduceApprovals(state: TuiState, action: ApprovalsAction): TuiState {
  const view = state.approvals;
  switch (action.type) {
    case 'approvals-listed': {
      const selected = Math.max(0, Math.min(view.selected, action.records.length - 1));
      return { ...state, approvals: { ...view, records: action.records, now: action.now, loaded: true, error: undefined, selected } };
    }
    case 'approvals-list-failed':
      return { ...state, approvals: { ...view, loaded: true, error: action.message } };
    case 'approvals-opened':
      return { ...state, screen: 'approvals', approvals: { ...view, open: undefined, mode: 'view', input: '', refusal: undefined, result: undefined } };
    case 'approval-moved': {
      const count = view.records.length;
      if (count === 0) return state;
      return { ...state, approvals: { ...view, selected: (view.selected + action.delta + count) % count } };
    }
    case 'approval-opened': {
      const record = view.records[view.selected];
      if (!record) return state;
      return { ...state, screen: 'approval-detail', approvals: { ...view, open: record, mode: 'view', input: '', refusal: undefined } };
    }
    case 'approval-mode-set':
      return { ...state, approvals: { ...view, mode: action.mode, input: '', ...(action.mode === 'view' ? {} : { refusal: undefined }) } };
    case 'approval-input':
      return { ...state, approvals: { ...view, input: action.input } };
    case 'approval-deciding':
      return { ...state, approvals: { ...view, mode: 'deciding' } };
    case 'approval-decided': {
      if (view.open?.id !== action.id) return state;
      if (action.result.ok) {
        return {
          ...state,
          screen: 'approvals',
          approvals: {
            ...view,
            records: view.records.filter((record) => record.id !== action.id),
            open: undefined,
            mode: 'view',
            input: '',
            refusal: undefined,
            result: { ok: true, text: decisionText(action.id, action.outcome, view.open) },
          },
        };
      }
      // A mistyped name is typed again; any other refusal (expired, decided elsewhere, denied by policy) is shown on the request.
      const retype = action.result.code === 'CONFIRM_TEXT_MISMATCH';
      return { ...state, approvals: { ...view, mode: retype ? 'typing-name' : 'view', input: '', refusal: `${action.result.message} [${action.result.code}]` } };
    }
    case 'approvals-back':
      if (state.screen === 'approval-detail') {
        if (view.mode === 'typing-name' || view.mode === 'typing-reason') return { ...state, approvals: { ...view, mode: 'view', input: '' } };
        if (view.mode === 'deciding') return state;
        return { ...state, screen: 'approvals', approvals: { ...view, open: undefined, refusal: undefined } };
      }
      return { ...state, screen: 'intent' };
    default:
      return assertNever(action);
  }
}
