/**
 * Approvers: how a door obtains the confirmation the core demands. An approver only relays: it asks a
 * human (on screen, on the terminal, through MCP elicitation, in the inbox) or hands out a ticket, and
 * returns what the human answered; runRequest() checks the answer against the requirement.
 */
import type { ApprovalRequestRef, ApprovalTicket, Confirmation } from '../schemas/approval.js';
import type { Core } from '../contracts/core.js';
import type { Proposal } from '../contracts/events.js';
import type { ViolationCode } from '../schemas/verdict.js';

/** The dry-run preview an approver may show next to the command. */
export interface ApprovalPreview {
  output?: string;
  exitCode?: number;
  note?: string;
}

/** What an approver is asked. */
export interface ApprovalContext {
  proposal: Proposal;
  requirement: Confirmation;
  preview: ApprovalPreview;
  core: Core;
  signal?: AbortSignal;
  /** Why the previous answer was not enough (a mistyped name): shown when the human is asked again. */
  refusal?: string;
}

/** What an approver answers. */
export type ApprovalAnswer =
  /** A human said yes; `text` is what they typed (typed-name), `pinnedArgs` the exact argv a script pinned. */
  | { type: 'confirmed'; by: string; text?: string; pinnedArgs?: readonly string[] }
  /** A human said no. */
  | { type: 'declined'; by: string; message?: string }
  /** Nobody here can confirm; `ticket` (if any) lets the caller confirm in a second call. */
  | { type: 'needs-confirmation'; message?: string; ticket?: ApprovalTicket }
  /** Filed for a person; not decided yet. */
  | { type: 'needs-approval'; request: ApprovalRequestRef; message?: string }
  /** A person denied it. */
  | { type: 'denied'; by: string; reason?: string; request: ApprovalRequestRef }
  /** The request expired before anyone decided. */
  | { type: 'expired'; request: ApprovalRequestRef }
  /** Nobody may confirm this at this door (a never rule), or the confirmation is invalid. */
  | { type: 'refused'; code: ViolationCode; message: string };

/** How one door gets confirmations. */
export interface Approver {
  /** For messages and the audit log: "tui", "terminal", "flags", "token", "mcp-elicitation", "inbox", "none". */
  readonly kind: string;
  /** Ask even when nothing needs confirming (the TUI's Enter before any run). */
  readonly confirmsEverything?: boolean;
  /** Run the dry-run preview before asking, so the human sees what would change. */
  readonly wantsPreview: boolean;
  /** How many times a human may answer (a mistyped name is asked again); default 1. */
  readonly attempts?: number;
  decide(context: ApprovalContext): Promise<ApprovalAnswer>;
}

/** Nobody can confirm here: a command that needs confirmation ends as needs-confirmation, with no ticket. */
export function createNoApprover(message?: string): Approver {
  return {
    kind: 'none',
    wantsPreview: true,
    decide: async () => ({ type: 'needs-confirmation', ...(message ? { message } : {}) }),
  };
}

/** A human answers through `ask` (TUI, terminal prompt, MCP elicitation): undefined means no. */
export function createInteractiveApprover(options: {
  kind: string;
  by: string;
  confirmsEverything?: boolean;
  /** How many answers a human gets for a typed-name confirmation (default 1). */
  attempts?: number;
  ask(context: ApprovalContext): Promise<{ confirmed: boolean; text?: string } | undefined>;
}): Approver {
  return {
    kind: options.kind,
    confirmsEverything: options.confirmsEverything ?? false,
    wantsPreview: true,
    attempts: options.attempts ?? 1,
    async decide(context) {
      const answer = await options.ask(context);
      if (!answer?.confirmed) return { type: 'declined', by: options.by, message: 'not confirmed' };
      return { type: 'confirmed', by: options.by, ...(answer.text === undefined ? {} : { text: answer.text }) };
    },
  };
}

/**
 * Confirmation given up front by a person's own flags (`rk8s exec --confirm [--confirm-name X]
 * [--expect "kubectl ..."]`), for scripts off a terminal. Without --confirm it needs confirmation.
 */
export function createFlagsApprover(options: { confirm: boolean; confirmName?: string; expectArgs?: readonly string[]; by: string }): Approver {
  return {
    kind: 'flags',
    wantsPreview: false,
    async decide() {
      if (!options.confirm) return { type: 'needs-confirmation', message: 'read it, then pass --confirm (and --confirm-name for high risk), or run on a terminal to be asked' };
      return {
        type: 'confirmed',
        by: options.by,
        ...(options.confirmName === undefined ? {} : { text: options.confirmName }),
        ...(options.expectArgs === undefined ? {} : { pinnedArgs: options.expectArgs }),
      };
    },
  };
}

/** How long an approval token stays valid by default. */
export const DEFAULT_TOKEN_TTL_MS = 10 * 60 * 1000;

/**
 * Hands the caller a single-use approval token for exactly this proposal (HTTP, `k8s_exec` from code):
 * the answer is needs-confirmation with `ticket`; sending `constraints.approvalToken` (and, for high risk,
 * `constraints.confirmText`) back runs exactly the stored command, once, before the token expires.
 */
export function createTokenApprover(options: { requestedBy: string; ttlMs?: number }): Approver {
  return {
    kind: 'token',
    wantsPreview: true,
    async decide({ proposal, requirement, preview, core }) {
      const now = core.clock.now();
      const expiresAt = new Date(now.getTime() + (options.ttlMs ?? core.config.approvals.tokenTtlSeconds * 1000)).toISOString();
      const created = await core.approvalStore.create({
        kind: 'token',
        createdAt: now.toISOString(),
        expiresAt,
        requestedBy: options.requestedBy,
        proposal: storedProposal(proposal, requirement),
        ...(preview.output !== undefined || preview.note !== undefined
          ? { preview: { output: preview.output ?? '', ...(preview.exitCode === undefined ? {} : { exitCode: preview.exitCode }), ...(preview.note ? { note: preview.note } : {}) } }
          : {}),
      });
      const hint =
        requirement.kind === 'typed-name'
          ? `show the command to the human; to run it, send the same request with constraints.approvalToken and constraints.confirmText "${requirement.word ?? ''}" (the name they typed)`
          : 'show the command to the human; to run it, send the same request with constraints.approvalToken';
      return { type: 'needs-confirmation', message: hint, ticket: { token: created.token!, expiresAt } };
    },
  };
}

/** The part of a proposal the approvals store keeps. */
export function storedProposal(proposal: Proposal, requirement: Confirmation) {
  return {
    operationId: proposal.operationId,
    source: proposal.source,
    user: proposal.user,
    request: withoutConstraints(proposal.request),
    plan: proposal.plan,
    verdict: proposal.verdict,
    dryRun: proposal.dryRun,
    context: proposal.context,
    policyVersion: proposal.policyVersion,
    createdAt: proposal.createdAt,
    confirmation: requirement,
  };
}

/** A request without its constraints: what a confirmation must repeat exactly. */
export function withoutConstraints<T extends { constraints?: unknown }>(request: T): Omit<T, 'constraints'> {
  const { constraints: _constraints, ...rest } = request;
  return rest;
}
