/**
 * The seams createCore() wires: each stage behind one small interface, so tests pass fakes and
 * every front-end shares one implementation.
 */
import type { Card } from '../schemas/card.js';
import type { Plan, PlannerKind } from '../schemas/plan.js';
import type { K8sExecPayload } from '../schemas/request.js';
import type { AuditRecord } from '../schemas/audit.js';
import type { CardMatch, PipelineEvent } from './events.js';

/** Turns texts into L2-normalised vectors. */
export interface Embedder {
  /** Stable id recorded in the index manifest, e.g. "lexical-v1-512" or "transformers:Xenova/all-MiniLM-L6-v2". */
  readonly id: string;
  readonly dimensions: number;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
  /** Counts tokens of a text (a real tokenizer when loaded, else a documented estimate). */
  countTokens?(text: string): number;
}

/** What retrieval is asked. */
export interface RetrieveQuery {
  intent?: string;
  resource?: string;
  query?: string;
  /** How many cards at most (2-4 by default). */
  limit?: number;
}

/** What retrieval answers. */
export interface RetrieveResult {
  matches: CardMatch[];
  /** e.g. "no card for intent=scale resource=pod; showing scale cards for other resources". */
  notes: string[];
  embedder: string;
}

/** Finds the cards that fit a request. */
export interface Retriever {
  retrieve(query: RetrieveQuery, signal?: AbortSignal): Promise<RetrieveResult>;
  readonly embedderId: string;
  readonly size: number;
}

/** Facts from the cluster a planner may use (e.g. for "double it"). */
export interface PlanFacts {
  currentReplicas?: number;
  // --- planner (src/plan/understand-request.ts): name resolution and the reading of the words ---
  /** What exists in the request's namespace (one bounded read, src/cluster/name-resolver.ts); undefined when not read. */
  inventory?: import('../cluster/name-resolver.js').ClusterInventory;
  /** The request as understood from its fields, its words and the inventory. */
  reading?: import('../plan/read-request.js').RequestReading;
  /** Every loaded card, so the template planner can honour an understood intent and resource retrieval did not rank. */
  cards?: CardCatalog;
}

/** What a planner yields: raw tokens, notices (fallbacks, load progress), then exactly one plan-end. */
export type PlannerEvent = Extract<PipelineEvent, { type: 'plan-delta' | 'plan-end' | 'notice' }>;

/** Turns a request and the retrieved cards into a plan. */
export interface Planner {
  readonly kind: PlannerKind;
  /** Model name when kind is llm. */
  readonly model?: string;
  plan(request: K8sExecPayload, matches: readonly CardMatch[], facts: PlanFacts, signal?: AbortSignal): AsyncIterable<PlannerEvent>;
  /** Loads the model ahead of the first request (no-op for the template planner); progress is 0..1. */
  preload?(options?: { signal?: AbortSignal; onProgress?: (progress: number) => void }): Promise<void>;
  dispose?(): Promise<void>;
}

/** Options for one kubectl run. */
export interface KubectlRunOptions {
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

/** Options for one buffered read (a read-only `kubectl get ... -o json` for analysis). */
export interface KubectlReadOptions {
  timeoutSeconds?: number;
  signal?: AbortSignal;
  /** Largest stdout accepted; a larger answer fails instead of being cut (default 64 MiB). */
  maxBytes?: number;
}

/** What a buffered read returns: kubectl's whole stdout, never truncated. */
export interface KubectlReadResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  cancelled: boolean;
  /** One clear line for a failure (kubectl's own message, or why it could not start). */
  errorMessage?: string;
}

/** Runs kubectl argv (no shell) and streams exec-output then one exec-end. */
export interface KubectlRunner {
  run(args: readonly string[], options?: KubectlRunOptions): AsyncIterable<Extract<PipelineEvent, { type: 'exec-output' | 'exec-end' }>>;
  /**
   * Runs argv and returns its whole output at once (large JSON reads). Optional: runners without it
   * are read through run(), whose output cap then applies (see cluster/kubectl-read.ts).
   */
  read?(args: readonly string[], options?: KubectlReadOptions): Promise<KubectlReadResult>;
}

/** How one API list is made. */
export interface ApiListOptions {
  signal?: AbortSignal;
  /** For the whole list, every type and page. */
  timeoutMs: number;
  /** Largest answer accepted over every page; a larger one is left to kubectl. */
  maxBytes: number;
  /** Objects per page (default 500, kubectl's --chunk-size). */
  pageSize?: number;
}

/** The objects listed (every type in order, each item's `kind` set), why kubectl must list them instead, or a timeout. */
export type ApiListAnswer = { items: object[]; durationMs: number; bytes: number } | { fallback: string } | { error: string; durationMs: number };

/** One object read, why kubectl must read it instead (a 404 included: kubectl says it its way), or a timeout. */
export type ApiGetAnswer = { object: object; durationMs: number; bytes: number } | { fallback: string } | { error: string; durationMs: number };

/**
 * Lists objects straight from the API server, standing in for `kubectl get <types> [-n namespace]`
 * where it can do exactly what kubectl does (cluster/api-lister.ts); the read is validated as that
 * kubectl command first, like any other.
 */
export interface ApiLister {
  list(types: readonly string[], namespace: string | undefined, options: ApiListOptions): Promise<ApiListAnswer>;
  /** One object of a kind (`deployment`, `pod`... as the validator's parser names it), standing in for `kubectl get <kind> <name> [-n namespace] -o json`. */
  get?(resource: string, name: string, namespace: string | undefined, options: ApiListOptions): Promise<ApiGetAnswer>;
  /** Gets ready to list (reads the kubeconfig, connects) without sending the server anything. */
  warm?(): void;
  /** Stops what warm() or list() started. */
  close?(): Promise<void>;
}

/** An audit record before the log adds `prev_hash` and `hash`. */
export type AuditRecordInput = Omit<AuditRecord, 'prev_hash' | 'hash' | 'timestamp'> & { timestamp?: string };

/** Append-only, hash-chained, fsync'ed JSONL log. */
export interface AuditLog {
  readonly path: string;
  append(record: AuditRecordInput): Promise<AuditRecord>;
  /** The newest `limit` records, oldest first (undo reads its history here); default: read the file at `path`. */
  readRecent?(limit: number): Promise<AuditRecord[]>;
}

/** Resolves a pod's controlling owner so the guardrail can suggest `rollout restart <kind>/<owner>`. */
export interface OwnerResolver {
  resolvePodOwner(namespace: string, pod: string, signal?: AbortSignal): Promise<{ kind: string; name: string } | undefined>;
}

/** Resolves what exists in a namespace for the planner (one bounded read, cached): src/cluster/name-resolver.ts. */
export interface NameResolver {
  /**
   * The inventory for `namespace`. `focus` is the object the request names exactly (resource and
   * name given, no words): a resolver may then read only what that object needs (its kind first).
   */
  resolve(namespace: string | undefined, signal?: AbortSignal, focus?: import('../cluster/name-resolver.js').NameFocus): Promise<import('../cluster/name-resolver.js').NameResolution>;
  /**
   * Starts the read for `namespace` (and `focus`) now, so it runs while the rest of the core loads;
   * the next resolve() of the same namespace and focus takes its answer (and its reads, for the audit record).
   */
  prefetch?(namespace: string | undefined, signal?: AbortSignal, focus?: import('../cluster/name-resolver.js').NameFocus): void;
}

/** A clock, so tests control time. */
export interface Clock {
  now(): Date;
}

/** Cards by id, as loaded. */
export type CardCatalog = ReadonlyMap<string, Card>;

/** The plan a planner must never be trusted on: re-exported for convenience. */
export type { Plan };
