/** The TUI's state and the actions that change it (see reducer.ts). */
import type { SerializedError } from '../../src/errors.js';
import type { ApprovalOutcome, CardMatch, PipelineEvent, Proposal } from '../../src/contracts/events.js';
import type { Confirmation } from '../../src/schemas/approval.js';
import type { Plan, PlannerKind } from '../../src/schemas/plan.js';
import type { Verdict } from '../../src/schemas/verdict.js';
import type { Intent, Resource } from '../../src/schemas/vocabulary.js';
import type { Remediation } from '../../src/diagnose/finding.js';
import type { ApprovalsAction, ApprovalsScreen, ApprovalsView } from './approvals-state.js';
import type { DiagnoseAction, DiagnoseScreen, DiagnoseView } from './diagnose-state.js';

/** The screens of the flow, in order. */
export type Screen =
  | 'intent'
  | 'resource'
  | 'namespace'
  | 'name'
  | 'query'
  | 'proposing'
  | 'params'
  | 'verdict'
  | 'confirm'
  | 'running'
  | 'result'
  // diagnose (#15) and the approvals inbox (#17): state/diagnose-state.ts, state/approvals-state.ts
  | DiagnoseScreen
  | ApprovalsScreen;

/** Where the one request stream is: planning, waiting for the human, or running kubectl. */
export type Phase = 'propose' | 'approve' | 'run';

/** The request being built by the pickers. */
export interface Draft {
  intent?: Intent;
  resource?: Resource;
  namespace?: string;
  name?: string;
  query?: string;
}

/** A finished line of the session transcript, rendered once in <Static>. */
export interface TranscriptLine {
  id: number;
  kind: 'command' | 'stdout' | 'stderr' | 'truncated' | 'summary' | 'notice';
  text: string;
}

/** One operation in the session history. */
export interface HistoryEntry {
  operationId?: string;
  command: string;
  namespace?: string;
  outcome: 'ok' | 'failed' | 'cancelled' | 'timed-out' | 'denied' | 'error';
  exitCode?: number;
  durationMs?: number;
}

/** A notice from the pipeline (fallbacks, model progress, "no dry-run for this card"). */
export interface NoticeView {
  level: 'info' | 'warn';
  stage: string;
  message: string;
}

/** What the request stream has produced before anything runs. */
export interface ProposalView {
  cards: CardMatch[];
  embedder?: string;
  notes: string[];
  planText: string;
  /** Increases with every new request; the App starts a stream when it changes. */
  requestId: number;
  plan?: Plan;
  planner?: PlannerKind;
  verdict?: Verdict;
  proposal?: Proposal;
  /** What the core says a human must do before it runs. */
  confirmation?: Confirmation;
  /** The core is waiting for the human's answer. */
  pendingApproval: boolean;
  /** How the approval step ended when nothing ran (declined, refused...). */
  approvalEnd?: { outcome: ApprovalOutcome; code?: string; message?: string };
  operationId?: string;
  busy: boolean;
  cancelled: boolean;
  error?: SerializedError;
  /** The suggested argv the user accepted, when this proposal came from one. */
  fromSuggestion?: string[];
  /** The remediation (its title) this proposal came from: Esc goes back to the findings. */
  fromRemediation?: string;
}

/** The dry-run preview shown before a mutation is confirmed. */
export interface PreviewView {
  status: 'idle' | 'loading' | 'done' | 'unavailable' | 'failed';
  output: string;
  exitCode?: number;
  message?: string;
}

/** The end of a kubectl run. */
export type ExecEnd = Extract<PipelineEvent, { type: 'exec-end' }>;

/** The run panel. */
export interface RunView {
  command: string;
  busy: boolean;
  cancelling: boolean;
  stdoutLines: number;
  stderrLines: number;
  end?: ExecEnd;
  operationId?: string;
  error?: SerializedError;
}

/** The whole TUI state. */
export interface TuiState {
  screen: Screen;
  phase: Phase;
  readOnly: boolean;
  /** From --namespace: preselected, so the namespace picker is skipped (Esc still reaches it). */
  defaultNamespace?: string;
  /** The namespace picked last: preselected (not skipped) in the namespace picker of the next request. */
  lastNamespace?: string;
  draft: Draft;
  /** Parameters the user typed inline for a plan that was missing them. */
  extraParams: Record<string, string>;
  /** Required parameters still to ask for, in order. */
  missing: string[];
  proposal: ProposalView;
  preview: PreviewView;
  /** The typed-name field, and why the core refused the last answer. */
  confirm: { input: string; refusal?: string };
  run: RunView;
  notices: NoticeView[];
  transcript: TranscriptLine[];
  history: HistoryEntry[];
  helpOpen: boolean;
  /** The diagnose screens (#15). */
  diagnose: DiagnoseView;
  /** The approvals inbox (#17): the badge and the panel. */
  approvals: ApprovalsView;
}

/** UI actions and pipeline events, the only inputs of the reducer. */
export type TuiAction =
  | { type: 'intent-picked'; intent: Intent }
  | { type: 'resource-picked'; resource: Resource }
  | { type: 'namespace-picked'; namespace: string }
  | { type: 'name-picked'; name?: string }
  | { type: 'query-submitted'; query: string }
  | { type: 'param-submitted'; name: string; value: string }
  | { type: 'suggestion-accepted'; args: string[] }
  /** The core asks the human (`refusal`: why the previous answer was not enough). */
  | { type: 'approval-asked'; refusal?: string }
  | { type: 'approval-answered' }
  | { type: 'confirm-input'; input: string }
  /** Plan the same request again (after a decline). */
  | { type: 'retry' }
  | { type: 'cancel-requested' }
  | { type: 'stream-finished' }
  | { type: 'pipeline-event'; event: PipelineEvent }
  | { type: 'back' }
  | { type: 'reset' }
  | { type: 'help-toggled' }
  /** A finding's remediation, picked on the diagnose screens: it becomes an ordinary request. */
  | { type: 'remediation-picked'; remediation: Remediation }
  | DiagnoseAction
  | ApprovalsAction;
