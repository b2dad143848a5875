/**
 * The diagnose screens' state (#15): namespace -> (optional) object -> the investigation's checks as
 * they stream -> findings -> one finding's evidence. Pure; the stream itself is owned by
 * hooks/use-diagnose.ts. A remediation leaves these screens as an ordinary request (the main reducer's
 * `remediation-picked`), planned, validated, previewed and confirmed like any other.
 */
import { assertNever } from '../../src/contracts/events.js';
import { setOwnValue } from '../../src/own-property.js';
import type { DiagnoseDocument } from '../../src/diagnose/document.js';
import type { InvestigationEvent, InvestigationStepStatus } from '../../src/diagnose/events.js';
import type { Finding, Remediation } from '../../src/diagnose/finding.js';
import type { SerializedError } from '../../src/errors.js';
import type { Draft, TuiState } from './types.js';

/** The diagnose screens, in order. */
export const DIAGNOSE_SCREENS = ['diagnose-namespace', 'diagnose-target', 'diagnose-run', 'diagnose-findings', 'diagnose-evidence'] as const;
/** A diagnose screen. */
export type DiagnoseScreen = (typeof DIAGNOSE_SCREENS)[number];

/** One check of the investigation, updated in place as it runs. */
export interface DiagnoseStepView {
  check: string;
  status: InvestigationStepStatus;
  detail?: string;
}

/** What the diagnose screens show. */
export interface DiagnoseView {
  /** Increases with every investigation; use-diagnose starts a stream when it changes. */
  runId: number;
  namespace?: string;
  /** KIND/NAME or a workload name; undefined: the whole namespace. */
  target?: string;
  busy: boolean;
  cancelled: boolean;
  steps: DiagnoseStepView[];
  notices: string[];
  operationId?: string;
  document?: DiagnoseDocument;
  error?: SerializedError;
  /** The finding under the cursor. */
  selected: number;
  /** The first evidence line shown on the evidence screen. */
  evidenceOffset: number;
  /** Why the last investigation ended without findings to show (cancelled). */
  message?: string;
}

/** The actions of the diagnose screens. */
export type DiagnoseAction =
  | { type: 'diagnose-opened' }
  | { type: 'diagnose-namespace-picked'; namespace: string }
  | { type: 'diagnose-target-picked'; target?: string }
  | { type: 'investigation-event'; runId: number; event: InvestigationEvent }
  | { type: 'investigation-finished'; runId: number }
  | { type: 'diagnose-cancel-requested' }
  | { type: 'finding-moved'; delta: number }
  | { type: 'evidence-opened' }
  | { type: 'evidence-scrolled'; delta: number; total: number }
  | { type: 'diagnose-back' };

const DIAGNOSE_ACTION_TYPES: ReadonlySet<string> = new Set<DiagnoseAction['type']>([
  'diagnose-opened', 'diagnose-namespace-picked', 'diagnose-target-picked', 'investigation-event', 'investigation-finished',
  'diagnose-cancel-requested', 'finding-moved', 'evidence-opened', 'evidence-scrolled', 'diagnose-back',
]);

/** True for the actions reduceDiagnose handles. */
export function isDiagnoseAction(action: { type: string }): action is DiagnoseAction {
  return DIAGNOSE_ACTION_TYPES.has(action.type);
}

/** True on a diagnose screen. */
export function isDiagnoseScreen(screen: string): screen is DiagnoseScreen {
  return (DIAGNOSE_SCREENS as readonly string[]).includes(screen);
}

/** The state before any investigation. */
export function emptyDiagnose(runId = 0): DiagnoseView {
  return { runId, busy: false, cancelled: false, steps: [], notices: [], selected: 0, evidenceOffset: 0 };
}

/** The finding under the cursor, if any. */
export function selectedFinding(view: DiagnoseView): Finding | undefined {
  return view.document?.findings[view.selected];
}

/** The remediations of a finding as the screens number them: fixes first, then read-only next steps, at most 9. */
export function numberedRemediations(finding: Finding | undefined): Remediation[] {
  if (!finding) return [];
  return [...finding.remediations.filter((item) => item.kind === 'fix'), ...finding.remediations.filter((item) => item.kind !== 'fix')].slice(0, 9);
}

/**
 * The request a remediation becomes: the pickers' draft plus its params (as text, like parameters
 * typed inline; each is checked against the card again). Never an argv: it is planned like any request.
 */
export function remediationDraft(remediation: Remediation): { draft: Draft; extraParams: Record<string, string> } {
  const { request } = remediation;
  const draft: Draft = { intent: request.intent, resource: request.resource, ...(request.namespace ? { namespace: request.namespace } : {}), ...(request.name ? { name: request.name } : {}) };
  const extraParams: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.params ?? {})) if (key !== 'namespace' && key !== 'name') setOwnValue(extraParams, key, String(value));
  return { draft, extraParams };
}

function upsertStep(steps: readonly DiagnoseStepView[], step: DiagnoseStepView): DiagnoseStepView[] {
  const index = steps.findIndex((existing) => existing.check === step.check);
  if (index < 0) return [...steps, step];
  const next = [...steps];
  next[index] = step;
  return next;
}

function reduceEvent(view: DiagnoseView, event: InvestigationEvent): DiagnoseView {
  switch (event.type) {
    case 'investigation-start':
      return { ...view, operationId: event.operationId };
    case 'investigation-step':
      return { ...view, steps: upsertStep(view.steps, { check: event.check, status: event.status, ...(event.detail ? { detail: event.detail } : {}) }) };
    case 'notice':
      return { ...view, notices: [...view.notices, event.message] };
    case 'investigation-end':
      return { ...view, document: event.document };
    case 'error':
      return { ...view, error: event.error };
    default:
      return assertNever(event);
  }
}

const within = (value: number, count: number) => (count <= 0 ? 0 : Math.max(0, Math.min(count - 1, value)));

/** The reducer of the diagnose screens (over the whole TUI state: they move `screen`). */
export function reduceDiagnose(state: TuiState, action: DiagnoseAction): TuiState {
  const view = state.diagnose;
  switch (action.type) {
    case 'diagnose-opened':
      return { ...state, screen: 'diagnose-namespace', diagnose: { ...emptyDiagnose(view.runId), ...(view.namespace ? { namespace: view.namespace } : {}) } };
    case 'diagnose-namespace-picked':
      return { ...state, screen: 'diagnose-target', lastNamespace: action.namespace, diagnose: { ...view, namespace: action.namespace, message: undefined } };
    case 'diagnose-target-picked': {
      if (!view.namespace) return state;
      const next: DiagnoseView = { ...emptyDiagnose(view.runId + 1), namespace: view.namespace, ...(action.target ? { target: action.target } : {}), busy: true };
      return { ...state, screen: 'diagnose-run', diagnose: next };
    }
    case 'investigation-event':
      if (action.runId !== view.runId) return state;
      return { ...state, diagnose: reduceEvent(view, action.event) };
    case 'investigation-finished': {
      if (action.runId !== view.runId || !view.busy) return state;
      const done = { ...view, busy: false };
      if (view.cancelled) return { ...state, screen: 'diagnose-target', diagnose: { ...done, message: 'investigation cancelled: nothing was changed (the audit log records it)' } };
      return { ...state, screen: state.screen === 'diagnose-run' ? 'diagnose-findings' : state.screen, diagnose: { ...done, selected: 0, evidenceOffset: 0 } };
    }
    case 'diagnose-cancel-requested':
      return view.busy ? { ...state, diagnose: { ...view, cancelled: true } } : state;
    case 'finding-moved': {
      const count = view.document?.findings.length ?? 0;
      if (count === 0) return state;
      return { ...state, diagnose: { ...view, selected: (view.selected + action.delta + count) % count, evidenceOffset: 0 } };
    }
    case 'evidence-opened':
      return selectedFinding(view) ? { ...state, screen: 'diagnose-evidence', diagnose: { ...view, evidenceOffset: 0 } } : state;
    case 'evidence-scrolled':
      return { ...state, diagnose: { ...view, evidenceOffset: within(view.evidenceOffset + action.delta, action.total) } };
    case 'diagnose-back':
      switch (state.screen) {
        case 'diagnose-evidence':
          return { ...state, screen: 'diagnose-findings' };
        case 'diagnose-findings':
          return { ...state, screen: 'diagnose-target', diagnose: { ...view, message: undefined } };
        case 'diagnose-target':
          return { ...state, screen: 'diagnose-namespace' };
        case 'diagnose-namespace':
          return { ...state, screen: 'intent' };
        default:
          // A running investigation is cancelled (Esc), not left.
          return state;
      }
    default:
      return assertNever(action);
  }
}
