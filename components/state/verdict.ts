/**
 * The verdict and confirmation screens' state: the core asks (a key, or the typed name), the answer
 * is handed back, a suggestion or choice becomes a new request (planned and validated again, never
 * run as given), and a declined request can be planned again.
 */
import { assertNever } from '../../src/contracts/events.js';
import { requestForCommand } from '../../src/pipeline/suggestion-request.js';
import { startProposal } from './start-request.js';
import { draftOfChoice } from './understood.js';
import { actionGroup, type ActionOf } from './action-group.js';
import type { Draft, TuiState } from './types.js';

const VERDICT_ACTION_TYPES = ['choice-accepted', 'suggestion-accepted', 'approval-asked', 'approval-answered', 'confirm-input', 'preview-toggled', 'retry'] as const;

/** The actions of the verdict and confirmation screens. */
export type VerdictAction = ActionOf<(typeof VERDICT_ACTION_TYPES)[number]>;
/** True for the actions reduceVerdict handles. */
export const isVerdictAction = actionGroup(VERDICT_ACTION_TYPES);

/** The verdict and confirmation reducer. */
export function reduceVerdict(state: TuiState, action: VerdictAction): TuiState {
  switch (action.type) {
    case 'choice-accepted': {
      const choice = action.choice;
      if (choice.request) {
        // The core's own request for this choice, sent back as is.
        const { draft, params } = draftOfChoice(choice.request);
        return startProposal({ ...state, draft: { ...draft, namespace: draft.namespace ?? state.draft.namespace }, extraParams: params }, choice.args);
      }
      return reduceVerdict(state, { type: 'suggestion-accepted', args: choice.args });
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
    case 'preview-toggled':
      return { ...state, fullPreview: !state.fullPreview };
    case 'retry':
      return startProposal(state, undefined, { undo: state.undo });
    default:
      return assertNever(action);
  }
}
