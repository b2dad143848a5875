/**
 * The pickers' part of the TUI's state: the request line, intent -> resource -> namespace -> name ->
 * free text, the parameters a plan was missing, and changing one part of an understood request.
 * Each pick moves to the next screen, or plans at once when a part is being changed.
 */
import { assertNever } from '../../src/contracts/events.js';
import { CLUSTER_SCOPED_RESOURCES } from '../../src/schemas/vocabulary.js';
import { startProposal } from './start-request.js';
import { draftForEdit } from './understood.js';
import { actionGroup, type ActionOf } from './action-group.js';
import type { Draft, Screen, TuiState } from './types.js';

const PICKING_ACTION_TYPES = [
  'intent-picked', 'line-changed', 'line-typed', 'line-erased', 'line-submitted', 'part-edit',
  'resource-picked', 'namespace-picked', 'name-picked', 'query-submitted', 'param-submitted',
] as const;

/** The actions of the pickers and the request line. */
export type PickingAction = ActionOf<(typeof PICKING_ACTION_TYPES)[number]>;
/** True for the actions reducePicking handles. */
export const isPickingAction = actionGroup(PICKING_ACTION_TYPES);

/** Where a picker goes after a pick while a part is being changed: plan again, unless the object must be picked anew. */
function afterReplanPick(state: TuiState, draft: Draft): TuiState {
  const clusterScoped = draft.resource !== undefined && CLUSTER_SCOPED_RESOURCES.has(draft.resource);
  if (draft.resource && draft.name === undefined && draft.query === undefined) {
    return { ...state, draft, screen: !clusterScoped && draft.namespace === undefined ? 'namespace' : 'name' };
  }
  return startProposal({ ...state, draft });
}

/** The pickers' reducer. */
export function reducePicking(state: TuiState, action: PickingAction): TuiState {
  switch (action.type) {
    case 'intent-picked': {
      if (state.replan) return startProposal({ ...state, draft: { ...state.draft, intent: action.intent } });
      const picked: TuiState = { ...state, screen: 'resource', draft: { intent: action.intent, namespace: state.draft.namespace ?? state.defaultNamespace }, extraParams: {}, line: '', skippedResource: false };
      return action.onlyResource ? { ...reducePicking(picked, { type: 'resource-picked', resource: action.onlyResource }), skippedResource: true } : picked;
    }
    case 'line-changed':
      return { ...state, line: action.text };
    case 'line-typed':
      if (state.line === '') {
        if (action.pick) return reducePicking(state, { type: 'intent-picked', intent: action.pick.intent, ...(action.pick.onlyResource ? { onlyResource: action.pick.onlyResource } : {}) });
        // An empty line: `?` is help (the App's binding) and a space opens nothing.
        if (action.text === '?' || action.text.trim() === '' || /^[0-9]$/.test(action.text)) return state;
      }
      return { ...state, line: (state.line + action.text).slice(0, 500) };
    case 'line-erased':
      return { ...state, line: state.line.slice(0, Math.max(0, state.line.length - action.count)) };
    case 'line-submitted': {
      const query = action.query.trim();
      if (query === '') return state;
      const clusterResource = action.scope.clusterResource;
      const namespace = clusterResource ? undefined : (action.scope.namespace ?? state.defaultNamespace ?? state.lastNamespace);
      const draft: Draft = { query, ...(clusterResource ? { resource: clusterResource } : {}), ...(namespace ? { namespace } : {}) };
      const next: TuiState = { ...state, draft, extraParams: {}, missing: [], skippedResource: false };
      // No namespace in the words and none chosen yet: ask for it, then plan at once.
      if (!clusterResource && namespace === undefined) return { ...next, screen: 'namespace', replan: true };
      return startProposal({ ...next, ...(action.scope.namespace ? { lastNamespace: action.scope.namespace } : {}) });
    }
    case 'part-edit': {
      const draft = draftForEdit(state.proposal.plan, state.draft, action.part);
      const clusterScoped = draft.resource !== undefined && CLUSTER_SCOPED_RESOURCES.has(draft.resource);
      const screen: Screen =
        action.part === 'intent' ? 'intent' : action.part === 'resource' ? 'resource' : action.part === 'namespace' ? (clusterScoped ? 'name' : 'namespace') : action.part === 'name' ? (clusterScoped || draft.namespace ? 'name' : 'namespace') : 'query';
      return { ...state, draft, screen, replan: action.part !== 'words', line: '', confirm: { input: '' } };
    }
    case 'resource-picked': {
      if (state.replan) return afterReplanPick(state, { ...state.draft, resource: action.resource, name: undefined });
      const clusterScoped = CLUSTER_SCOPED_RESOURCES.has(action.resource);
      const skipNamespace = clusterScoped || state.draft.namespace !== undefined;
      const draft: Draft = { intent: state.draft.intent, resource: action.resource, namespace: clusterScoped ? undefined : state.draft.namespace };
      return { ...state, draft, screen: skipNamespace ? 'name' : 'namespace' };
    }
    case 'namespace-picked':
      if (state.replan) return afterReplanPick({ ...state, lastNamespace: action.namespace }, { ...state.draft, namespace: action.namespace });
      return { ...state, draft: { ...state.draft, namespace: action.namespace, name: undefined }, lastNamespace: action.namespace, screen: 'name' };
    case 'name-picked':
      if (state.replan) return startProposal({ ...state, draft: { ...state.draft, name: action.name } });
      return { ...state, draft: { ...state.draft, name: action.name }, screen: 'query' };
    case 'query-submitted': {
      const query = action.query.trim();
      return startProposal({ ...state, draft: { ...state.draft, query: query === '' ? undefined : query }, extraParams: {} });
    }
    case 'param-submitted': {
      const value = action.value.trim();
      const draft = { ...state.draft };
      const extraParams = { ...state.extraParams };
      // name and namespace are request fields; other parameters travel as explicit card params.
      if (action.name === 'name') draft.name = value;
      else if (action.name === 'namespace') draft.namespace = value;
      else extraParams[action.name] = value;
      const missing = state.missing.filter((name) => name !== action.name);
      const next = { ...state, draft, extraParams, missing };
      return missing.length > 0 ? next : startProposal(next);
    }
    default:
      return assertNever(action);
  }
}

/** The request the pickers have built; parameters typed inline travel as explicit card params. */
export function requestFromDraft(draft: Draft, extraParams: Readonly<Record<string, string>>): {
  intent?: Draft['intent'];
  resource?: Draft['resource'];
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
