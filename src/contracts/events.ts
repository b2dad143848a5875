/** The one contract: the event stream every front-end (TUI, CLI, HTTP, MCP, k8s_exec) consumes. */
import type { SerializedError } from '../errors.js';
import type { ApprovalRequestRef, ApprovalTicket, Confirmation } from '../schemas/approval.js';
import type { Change } from '../schemas/change.js';
import type { Card } from '../schemas/card.js';
import type { Plan, PlannerKind } from '../schemas/plan.js';
import type { K8sExecPayload, RequestSource } from '../schemas/request.js';
import type { ViolationCode, Verdict } from '../schemas/verdict.js';
import type { ObjectState } from '../schemas/audit.js';

/** A retrieved card with its score, why it matched, and the snippet given to the planner. */
export interface CardMatch {
  id: string;
  card: Card;
  /** Fused relevance score, higher is better (0..1). */
  score: number;
  /** Human-readable reasons: "intent matches", "keyword: bounce"... */
  why: string[];
  /** The compact text given to the planner (counted against the token budget). */
  snippet: string;
  /** Estimated or counted tokens of the snippet. */
  tokens: number;
}

/** What a human must confirm, exactly: the approval token is bound to these args. */
export interface Proposal {
  operationId: string;
  source: RequestSource;
  user: string;
  request: K8sExecPayload;
  plan: Plan;
  verdict: Verdict;
  /** The card the plan was rendered from. */
  card?: Card;
  /** Whether and how the card supports a dry-run preview. */
  dryRun: 'server' | 'client' | 'none';
  /** kube context the command will run against (null: kubeconfig's current context). */
  context: string | null;
  policyVersion: string;
  /** HMAC over args, namespace, context and policy version; runApproved refuses anything else. */
  approvalToken: string;
  createdAt: string;
  /** What a human must do before it runs, decided by the core (none, a key, the name typed). */
  confirmation: Confirmation;
  /** Set when this proposal undoes an earlier operation (src/pipeline/undo-request.ts). */
  undo?: UndoContext;
}

/** What an undo carries through the pipeline: the operation it undoes and the state the object must still have. */
export interface UndoContext {
  /** The operation id undone (recorded as `undo_of` on every record of the undo). */
  of: string;
  /** The fields rk8s set and the object must still show just before the inverse runs. */
  expect: ObjectState;
}

/**
 * How the approval step of a request ended:
 * - `approved`: a human confirmed (on screen, on the terminal, in the inbox, or with a valid token);
 * - `not-needed`: nothing to confirm (an allowed command);
 * - `needs-confirmation`: nobody here could confirm; `ticket` lets the caller confirm in a second call;
 * - `needs-approval`: filed in the inbox (`request`) and not decided within the wait;
 * - `declined`: the human said no (or typed the wrong name);
 * - `denied`: a person denied the inbox request (`request.reason`);
 * - `expired`: the inbox request or the token expired;
 * - `refused`: the confirmation itself is invalid (unknown, reused, mismatched token; wrong door).
 */
export type ApprovalOutcome = 'approved' | 'not-needed' | 'needs-confirmation' | 'needs-approval' | 'declined' | 'denied' | 'expired' | 'refused';

/** Stream events, noun-verb. Consumers switch over `type` exhaustively. */
export type PipelineEvent =
  | { type: 'retrieve-end'; cards: CardMatch[]; embedder: string; notes: string[] }
  | { type: 'plan-delta'; text: string; /** 1 for the first answer, 2 for the retry (shown as a new attempt). */ attempt?: number }
  | { type: 'plan-end'; plan: Plan; planner: PlannerKind }
  | { type: 'validate-end'; verdict: Verdict }
  | { type: 'approval-request'; proposal: Proposal }
  | {
      type: 'approval-end';
      outcome: ApprovalOutcome;
      /** Stable code for declined/refused/expired outcomes (APPROVAL_USED, CONFIRM_TEXT_MISMATCH...). */
      code?: ViolationCode;
      message?: string;
      /** Who approved or decided (OS user, "tui", "mcp elicitation"...). */
      by?: string;
      ticket?: ApprovalTicket;
      request?: ApprovalRequestRef;
    }
  | {
      type: 'dry-run-end';
      output: string;
      exitCode: number;
      /** What the command would change, computed from the live objects and the dry-run ("replicas 2 → 5"). */
      changes?: Change[];
    }
  | { type: 'exec-output'; stream: 'stdout' | 'stderr'; line: string }
  | {
      type: 'exec-end';
      exitCode: number;
      durationMs: number;
      truncated: boolean;
      timedOut: boolean;
      cancelled: boolean;
      /** One clear line for a failure (kubectl's last meaningful stderr line, or why it could not start). */
      errorMessage?: string;
      /** SHA-256 of everything kubectl wrote, including what truncation cut from the display. */
      stdoutSha256?: string;
      stderrSha256?: string;
    }
  | { type: 'audit-end'; operationId: string }
  | { type: 'notice'; level: 'info' | 'warn'; stage: 'retrieve' | 'plan' | 'validate' | 'execute' | 'audit' | 'model'; message: string }
  | { type: 'error'; error: SerializedError };

/** The `type` of every event. */
export type PipelineEventType = PipelineEvent['type'];

/** Compile-time exhaustiveness guard for `switch (event.type)`. */
export function assertNever(value: never): never {
  throw new Error(`unexpected event: ${JSON.stringify(value)}`);
}
