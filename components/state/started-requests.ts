/**
 * Requests the pickers did not build: a follow-up or the rollout watch after a run, a remediation
 * picked on the diagnose screens, and an undo (with the operation the undo key offers to invert).
 * Each is planned, validated, previewed and confirmed like any request.
 */
import { assertNever } from '../../src/contracts/events.js';
import { remediationDraft } from './diagnose-state.js';
import { startProposal } from './start-request.js';
import { appendLines } from './transcript.js';
import { actionGroup, type ActionOf } from './action-group.js';
import type { Draft, HistoryEntry, TuiState } from './types.js';

const STARTED_REQUEST_ACTION_TYPES = ['request-started', 'undo-prepared', 'remediation-picked'] as const;

/** The actions that start such a request. */
export type StartedRequestAction = ActionOf<(typeof STARTED_REQUEST_ACTION_TYPES)[number]>;
/** True for the actions reduceStartedRequest handles. */
export const isStartedRequestAction = actionGroup(STARTED_REQUEST_ACTION_TYPES);

/**
 * The operation the undo key inverts. On the result screen: the change just run (if it succeeded). Else
 * the newest successful change of the session that is not itself an undo and was not undone since, so
 * pressing it again walks back through the session (like `rk8s undo`).
 */
export function undoCandidate(state: Pick<TuiState, 'screen' | 'history'>): HistoryEntry | undefined {
  const changes = state.history.filter((entry) => entry.outcome === 'ok' && entry.mutating === true && entry.operationId !== undefined);
  if (state.screen === 'result') {
    const last = state.history.at(-1);
    return last && changes.includes(last) ? last : undefined;
  }
  const undone = new Set(changes.map((entry) => entry.undoOf).filter((id): id is string => id !== undefined));
  return [...changes].reverse().find((entry) => entry.undoOf === undefined && !undone.has(entry.operationId!));
}

/** The reducer of those requests. */
export function reduceStartedRequest(state: TuiState, action: StartedRequestAction): TuiState {
  switch (action.type) {
    case 'request-started':
      return startProposal({ ...state, draft: action.draft, extraParams: {}, missing: [], line: '' }, undefined, { auto: action.auto === true });
    case 'undo-prepared': {
      const undo = action.undo;
      if (undo.kind === 'refused') return { ...state, transcript: appendLines(state.transcript, [{ kind: 'notice', text: `undo refused: ${undo.message} [${undo.code}]` }]) };
      // The undo is a request like a typed one: the pickers' draft shows it, and it is planned and confirmed as usual.
      const request = undo.request;
      const draft: Draft = { intent: request.intent, resource: request.resource, namespace: request.namespace, name: request.name };
      const noted = appendLines(state.transcript, [{ kind: 'notice', text: `undo: ${undo.summary} — ${undo.why}` }]);
      return startProposal({ ...state, draft, extraParams: {}, transcript: noted }, undefined, { undo });
    }
    case 'remediation-picked': {
      // Planned from a card and validated again like any request; never run as the investigation showed it.
      const { draft, extraParams } = remediationDraft(action.remediation);
      const next = startProposal({ ...state, draft, extraParams, ...(draft.namespace ? { lastNamespace: draft.namespace } : {}) });
      return { ...next, proposal: { ...next.proposal, fromRemediation: action.remediation.title } };
    }
    default:
      return assertNever(action);
  }
}
