/** The TUI's state and the actions that change it (see reducer.ts). */
import type { SerializedError } from '../../src/errors.js';
import type { ApprovalOutcome, CardMatch, PipelineEvent, Proposal } from '../../src/contracts/events.js';
import type { Confirmation } from '../../src/schemas/approval.js';
import type { Plan, PlannerKind } from '../../src/schemas/plan.js';
import type { Verdict } from '../../src/schemas/verdict.js';
import type { Change } from '../../src/schemas/change.js';
import type { WordsScope } from '../../src/plan/words-scope.js';
import type { Intent, Resource } from '../../src/schemas/vocabulary.js';
import type { TuiUndo } from '../services.js';
import type { UnderstoodPart, VerdictChoice } from './understood.js';
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
  /** The command changed the cluster (what the undo key offers to invert). */
  mutating?: boolean;
  /** This run undid that operation. */
  undoOf?: string;
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
  /** Started by the TUI itself (the rollout watch): a read the core lets run without a question runs without a key. */
  auto?: boolean;
  /** The remediation (its title) this proposal came from: Esc goes back to the findings. */
  fromRemediation?: string;
}

/** The dry-run preview shown before a mutation is confirmed. */
export interface PreviewView {
  status: 'idle' | 'loading' | 'done' | 'unavailable' | 'failed';
  output: string;
  exitCode?: number;
  message?: string;
  /** What the change changes, one line per field (src/preview/): the primary preview. */
  changes?: Change[];
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
  /** The request being run is the undo of an earlier operation (set by the undo key, kept by a retry). */
  undo?: Extract<TuiUndo, { kind: 'ready' }>;
  /** The request line on the first screen (a letter opens it). */
  line: string;
  /** A picker reached to change one part (or to give a typed request its namespace): picking plans again at once. */
  replan: boolean;
  /** The resource step was skipped (one choice): Esc from the next screen goes back to the intent. */
  skippedResource: boolean;
  /** The confirm screen shows the full dry-run output instead of the change summary. */
  fullPreview: boolean;
  /** The diagnose screens (#15). */
  diagnose: DiagnoseView;
  /** The approvals inbox (#17): the badge and the panel. */
  approvals: ApprovalsView;
}

/** UI actions and pipeline events, the only inputs of the reducer. */
export type TuiAction =
  /** `onlyResource`: the intent has cards for one resource only, so that step is skipped. */
  | { type: 'intent-picked'; intent: Intent; onlyResource?: Resource }
  | { type: 'line-changed'; text: string }
  /**
   * Keys typed on the request line, applied to the line as it is now (never to a value a handler saw
   * earlier: keys of one burst may arrive before the previous one rendered). On an empty line a digit
   * is `pick` (its intent) instead of text.
   */
  | { type: 'line-typed'; text: string; pick?: { intent: Intent; onlyResource?: Resource } }
  | { type: 'line-erased'; count: number }
  /** A typed request, with where its words say it applies (read by the core). */
  | { type: 'line-submitted'; query: string; scope: WordsScope }
  | { type: 'part-edit'; part: UnderstoodPart }
  | { type: 'choice-accepted'; choice: VerdictChoice }
  /** A follow-up or the rollout watch: a new request; `auto` runs it without a key when the core asks none. */
  | { type: 'request-started'; draft: Draft; auto?: boolean }
  | { type: 'preview-toggled' }
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
  /** The core prepared an undo: plan it as a new request (or show why it refused). */
  | { type: 'undo-prepared'; undo: TuiUndo }
  /** A finding's remediation, picked on the diagnose screens: it becomes an ordinary request. */
  | { type: 'remediation-picked'; remediation: Remediation }
  | DiagnoseAction
  | ApprovalsAction;
