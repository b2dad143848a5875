/**
 * Moving through the TUI's screens without a pick: Esc (back one screen, the draft trimmed to what
 * is still chosen), a new request from the start, and the help overlay.
 */
import { assertNever } from '../../src/contracts/events.js';
import { CLUSTER_SCOPED_RESOURCES } from '../../src/schemas/vocabulary.js';
import { emptyPreview, emptyProposal, emptyRun } from './start-request.js';
import { actionGroup, type ActionOf } from './action-group.js';
import type { Draft, Screen, TuiState } from './types.js';

const NAVIGATION_ACTION_TYPES = ['back', 'reset', 'help-toggled'] as const;

/** The actions that move between screens. */
export type NavigationAction = ActionOf<(typeof NAVIGATION_ACTION_TYPES)[number]>;
/** True for the actions reduceNavigation handles. */
export const isNavigationAction = actionGroup(NAVIGATION_ACTION_TYPES);

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

/** The navigation reducer. */
export function reduceNavigation(state: TuiState, action: NavigationAction): TuiState {
  switch (action.type) {
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
    default:
      return assertNever(action);
  }
}
