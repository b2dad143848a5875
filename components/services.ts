/**
 * What the TUI needs from the outside world, behind one interface: the pipeline streams, the
 * read-only cluster queries for the pickers, and status facts. The real implementation wires the
 * core (pipeline-services.ts); component tests pass a fake.
 */
import type { PipelineEvent, Proposal, UndoContext } from '../src/contracts/events.js';
import type { Confirmation } from '../src/schemas/approval.js';
import type { K8sExecPayload } from '../src/schemas/request.js';
import type { Intent, Resource } from '../src/schemas/vocabulary.js';
import type { WordsScope } from '../src/plan/words-scope.js';
import type { SideServices } from './diagnose-services.js';

/** One card's (intent, resource) pair and which parameters it requires, for the pickers. */
export interface CatalogEntry {
  cardId: string;
  intent: Intent;
  resource: Resource;
  /** Required parameter names (e.g. "name", "replicas"). */
  required: string[];
  /** The card's title (a follow-up is offered, and planned, by it). */
  title?: string;
  /** Card ids of the card's `follow_up`: the next steps offered after it ran. */
  followUp?: string[];
}

/** A namespace in the picker, with the org policy tier when known. */
export interface NamespaceItem {
  name: string;
  status: string;
  tier?: string;
  /** `policy` when the cluster could not be listed and the name comes from org/namespaces.yaml. */
  source?: 'cluster' | 'policy';
}

/** A live object in the name picker. */
export interface ObjectItem {
  name: string;
  /** e.g. "Running 1/1", "CrashLoopBackOff", "3/3 ready". */
  status: string;
}

/** Facts the status bar shows; fields fill in as the session starts up. */
export interface StatusInfo {
  context?: string;
  server?: string;
  namespace?: string;
  /** "template", or the model's name. */
  planner: string;
  /** 0..1 while the model loads; undefined when loaded or when there is no model. */
  modelProgress?: number;
  /** Set when loading the model failed (the template planner answers instead). */
  modelError?: string;
  embedder?: string;
  auditLogPath?: string;
  sandbox: boolean;
  readOnly: boolean;
  /** What the session is waiting for, e.g. "starting sandbox…"; undefined when ready. */
  starting?: string;
  /** A startup failure worth showing (e.g. the sandbox did not start). */
  error?: string;
}

/** What the core asks the human through the TUI, and what the human answered (undefined: no). */
export type TuiAsk = (question: { proposal: Proposal; requirement: Confirmation; refusal?: string }, signal: AbortSignal) => Promise<{ confirmed: boolean; text?: string } | undefined>;

/** An undo the core prepared (the request to plan, and what links and re-checks it), or why it refused. */
export type TuiUndo =
  | { kind: 'ready'; request: K8sExecPayload; summary: string; why: string; context: UndoContext; reads: string[] }
  | { kind: 'refused'; code: string; message: string };

/** What a request stream carries besides the request (an undo's link and the reads it made). */
export interface TuiRunOptions {
  undo?: UndoContext;
  reads?: readonly string[];
}

/** The TUI's view of the pipeline and the cluster. Every long call takes an AbortSignal. */
export interface TuiServices {
  /** Cards as (intent, resource) pairs: drives which intents and resources are offered. */
  readonly catalog: readonly CatalogEntry[];
  /**
   * The whole request (propose, preview, approval, run, audit) as one stream; the core asks the human
   * through `ask` before anything runs, even an allowed read (the TUI's Enter).
   */
  run(request: K8sExecPayload, ask: TuiAsk, signal: AbortSignal, options?: TuiRunOptions): AsyncIterable<PipelineEvent>;
  /**
   * The undo of an operation (the core reads the audit log and the live object): a request that then
   * goes through run() like any other, or the refusal. Absent: the TUI offers no undo key.
   */
  undo?(operationId: string, signal: AbortSignal): Promise<TuiUndo>;
  listNamespaces(signal: AbortSignal): Promise<NamespaceItem[]>;
  /** Where a typed request applies (the namespace its words name, or a cluster-scoped kind), read by the core's reader. */
  scopeOf(query: string, signal: AbortSignal): Promise<WordsScope>;
  listObjects(resource: Resource, namespace: string | undefined, signal: AbortSignal): Promise<ObjectItem[]>;
  /** Current status facts. */
  getStatus(): StatusInfo;
  /** Calls back whenever a status fact changes; returns the unsubscribe function. */
  subscribeStatus(listener: (status: StatusInfo) => void): () => void;
  // --- diagnose (#15) and approvals (#17): absent in sessions without them (the keys are hidden) ---
  /** Investigations and the approvals inbox (components/diagnose-services.ts). */
  readonly side?: SideServices;
}
