/**
 * How an agent's door (MCP, HTTP, k8s_exec from code) gets a confirmation: the door policy
 * (org/approvals.yaml) routes each proposal to the caller itself (an approval token), the MCP client's
 * prompt, the approvals inbox (a person decides with `rk8s approve` or the TUI), or nobody.
 */
import { approvalState, type ApprovalRecord } from '../approvals/approval-store.js';
import { routeApproval } from '../approvals/door-policy.js';
import type { ApprovalRequestRef } from '../schemas/approval.js';
import type { AgentDoor } from '../schemas/approvals-policy.js';
import { auditRecord, subjectOfProposal } from './audit-fields.js';
import {
  createInteractiveApprover,
  createTokenApprover,
  storedProposal,
  type ApprovalAnswer,
  type ApprovalContext,
  type Approver,
} from './approvers.js';
import type { Core } from '../contracts/core.js';

/** The state of an inbox entry as a door reports it. */
export function requestRef(record: ApprovalRecord, now: Date): ApprovalRequestRef {
  return {
    id: record.id,
    state: approvalState(record, now),
    expiresAt: record.expiresAt,
    ...(record.decision ? { decidedBy: record.decision.by } : {}),
    ...(record.decision?.reason ? { reason: record.decision.reason } : {}),
  };
}

const POLL_MS = 200;

/**
 * Waits (at most `waitMs`, or until the signal aborts) for a person to decide an inbox entry, and
 * turns the outcome into an approver's answer. An approved entry is claimed here, once: of several
 * waiters (the first call, the agent asking again) exactly one gets `confirmed`.
 */
export async function awaitDecision(core: Core, id: string, options: { waitMs: number; signal?: AbortSignal; claimedBy: string }): Promise<ApprovalAnswer> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const record = await core.approvalStore.get(id);
    if (!record) return { type: 'refused', code: 'APPROVAL_UNKNOWN', message: `no approval request ${id}` };
    const now = core.clock.now();
    const state = approvalState(record, now);
    const ref = requestRef(record, now);
    switch (state) {
      case 'approved': {
        const claimed = await core.approvalStore.consume(id, { at: now.toISOString(), by: options.claimedBy });
        if (!claimed) return { type: 'refused', code: 'APPROVAL_USED', message: `approval request ${id} was already run: an approval runs its command once` };
        return { type: 'confirmed', by: `${record.decision!.by} (approvals inbox ${id})`, ...(record.decision!.confirmText === undefined ? {} : { text: record.decision!.confirmText }) };
      }
      case 'denied':
        return { type: 'denied', by: record.decision!.by, request: ref, ...(record.decision!.reason ? { reason: record.decision!.reason } : {}) };
      case 'expired':
        return { type: 'expired', request: ref };
      case 'executed':
        return { type: 'refused', code: 'APPROVAL_USED', message: `approval request ${id} was already run: an approval runs its command once` };
      case 'pending':
        break;
    }
    if (Date.now() >= deadline || options.signal?.aborted) {
      return { type: 'needs-approval', request: ref, message: `waiting for a person: rk8s approve ${id} (or rk8s deny ${id}); ask again with constraints.approvalId "${id}"` };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
  }
}

/** Files the proposal in the approvals inbox, records it, and waits a while for a person's decision. */
export function createInboxApprover(options: { requestedBy: string; waitMs?: number }): Approver {
  return {
    kind: 'inbox',
    wantsPreview: true,
    async decide(context: ApprovalContext): Promise<ApprovalAnswer> {
      const { core, proposal, requirement, preview } = context;
      const now = core.clock.now();
      const settings = core.approvalsPolicy.policy.inbox;
      const created = await core.approvalStore.create({
        kind: 'inbox',
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + settings.ttl_seconds * 1000).toISOString(),
        requestedBy: options.requestedBy,
        proposal: storedProposal(proposal, requirement),
        ...(preview.output !== undefined || preview.note !== undefined
          ? { preview: { output: preview.output ?? '', ...(preview.exitCode === undefined ? {} : { exitCode: preview.exitCode }), ...(preview.note ? { note: preview.note } : {}) } }
          : {}),
      });
      await core.auditLog.append(
        auditRecord('approval-requested', subjectOfProposal(proposal), {
          timestamp: now.toISOString(),
          approval_id: created.record.id,
          message: `filed in the approvals inbox by ${options.requestedBy}; expires ${created.record.expiresAt}`,
        }),
      );
      return awaitDecision(core, created.record.id, { waitMs: options.waitMs ?? settings.wait_seconds * 1000, ...(context.signal ? { signal: context.signal } : {}), claimedBy: options.requestedBy });
    },
  };
}

/** The agent doors, by audit source. */
export function doorOf(source: string): AgentDoor {
  return source === 'mcp' || source === 'http' ? source : 'tool';
}

/**
 * The approver of an agent door: each proposal goes where org/approvals.yaml routes it. `elicit`
 * (MCP clients that can prompt their user) is used only for the risks the policy lets elicitation confirm.
 */
export function createDoorApprover(options: {
  door: AgentDoor;
  requestedBy: string;
  elicit?: (context: ApprovalContext) => Promise<{ confirmed: boolean; text?: string } | undefined>;
  elicitedBy?: string;
  waitMs?: number;
}): Approver {
  const token = createTokenApprover({ requestedBy: options.requestedBy });
  const inbox = createInboxApprover({ requestedBy: options.requestedBy, ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }) });
  const elicitation = options.elicit
    ? createInteractiveApprover({ kind: 'mcp-elicitation', by: options.elicitedBy ?? `${options.requestedBy} (elicitation)`, ask: options.elicit })
    : undefined;
  return {
    kind: `door:${options.door}`,
    wantsPreview: true,
    async decide(context) {
      const verb = context.core.validator.target(context.proposal.plan.args)?.verb;
      const route = routeApproval(context.core.approvalsPolicy.policy, options.door, { verdict: context.proposal.verdict, ...(verb ? { verb } : {}) }, { canElicit: elicitation !== undefined });
      switch (route.kind) {
        case 'self':
          return token.decide(context);
        case 'elicitation':
          return elicitation!.decide(context);
        case 'inbox':
          return inbox.decide(context);
        case 'nobody':
          return {
            type: 'needs-confirmation',
            message: `nobody at the ${options.door} door may confirm a ${context.proposal.verdict.risk}-risk command (org/approvals.yaml): show it to the user, who can run it with rk8s exec or the TUI`,
          };
        case 'never':
          return { type: 'refused', code: 'AGENT_NOT_ALLOWED', message: `${route.reason} (org/approvals.yaml rule ${route.rule}); nothing was run` };
      }
    },
  };
}
