/**
 * A person deciding an approvals-inbox request (`rk8s approve ID`, `rk8s deny ID`, the TUI's approvals
 * panel). The core checks everything a decision rests on: the request is still pending and for this
 * kube context and policy, its argv is still allowed, and for an approval the person typed what the
 * confirmation requires. Every decision is one audit record with who decided.
 */
import { approvalState, ApprovalStoreError, type ApprovalRecord } from '../approvals/approval-store.js';
import { auditFailure } from '../errors.js';
import { auditRecord, subjectOfProposal } from './audit-fields.js';
import { checkCommand } from './check-command.js';
import { checkConfirmation, type ConfirmationAnswer } from './confirmation.js';
import type { Core } from '../contracts/core.js';
import { proposalFromRecord, staleApproval } from './run-request.js';
import type { ViolationCode } from '../schemas/verdict.js';

/** What deciding answered. */
export type DecisionResult =
  | { ok: true; record: ApprovalRecord }
  | { ok: false; code: ViolationCode; message: string; record?: ApprovalRecord };

/** Why a request cannot be decided here and now (undefined: it can). */
async function undecidable(core: Core, record: ApprovalRecord): Promise<{ code: ViolationCode; message: string } | undefined> {
  const state = approvalState(record, core.clock.now());
  if (state !== 'pending') {
    const who = record.decision ? ` by ${record.decision.by}` : '';
    return { code: state === 'expired' ? 'APPROVAL_EXPIRED' : 'APPROVAL_ALREADY_DECIDED', message: `approval request ${record.id} is ${state}${who}` };
  }
  // The door that filed it decides the door check; a person may decide a request from any door.
  const stale = staleApproval(record, core, record.proposal.source);
  if (stale) return stale;
  return undefined;
}

/** The requests waiting for a person, oldest first (expired ones are pruned a day after they end). */
export async function pendingApprovals(core: Core): Promise<ApprovalRecord[]> {
  await core.approvalStore.prune(core.clock.now()).catch(() => 0);
  const now = core.clock.now();
  return (await core.approvalStore.list()).filter((record) => record.kind === 'inbox' && approvalState(record, now) === 'pending').reverse();
}

/**
 * Approves or denies an inbox request as `by` (the person's OS account and the door they used).
 * An approval needs `answer` to satisfy the request's confirmation (a yes; the name typed for high risk).
 */
export async function decideApproval(
  core: Core,
  id: string,
  decision: { outcome: 'approved' | 'denied'; by: string; reason?: string; answer?: ConfirmationAnswer },
): Promise<DecisionResult> {
  const record = await core.approvalStore.get(id);
  if (!record || record.kind !== 'inbox') return { ok: false, code: 'APPROVAL_UNKNOWN', message: `no approval request ${id} (rk8s approvals lists the pending ones)` };
  const blocked = await undecidable(core, record);
  if (blocked) return { ok: false, ...blocked, record };
  const proposal = proposalFromRecord(record, core);
  if (decision.outcome === 'approved') {
    // Approving what the policy would now deny would only fail later: say so now.
    const check = await checkCommand(core, record.proposal.plan.args, core.cards.get(record.proposal.plan.card)?.risk_level);
    if (check.verdict.decision === 'deny') {
      return { ok: false, code: 'POLICY_DENIED', message: `the policy now denies this command: ${check.verdict.violations.map((violation) => violation.message).join('; ')}`, record };
    }
    const refusal = checkConfirmation(record.proposal.confirmation, decision.answer ?? { confirmed: false });
    if (refusal) return { ok: false, code: refusal.code, message: refusal.message, record };
  }
  const at = core.clock.now().toISOString();
  let decided: ApprovalRecord;
  try {
    decided = await core.approvalStore.decide(id, {
      outcome: decision.outcome,
      by: decision.by,
      at,
      ...(decision.reason ? { reason: decision.reason } : {}),
      ...(decision.outcome === 'approved' && decision.answer?.text !== undefined ? { confirmText: decision.answer.text } : {}),
    });
  } catch (error) {
    if (error instanceof ApprovalStoreError) return { ok: false, code: error.code, message: error.message, record };
    throw error;
  }
  try {
    await core.auditLog.append(
      auditRecord(decision.outcome === 'approved' ? 'approved' : 'declined', subjectOfProposal(proposal), {
        timestamp: at,
        approval_id: id,
        decided_by: decision.by,
        message: decision.outcome === 'approved' ? `approved by ${decision.by}` : `denied by ${decision.by}${decision.reason ? `: ${decision.reason}` : ''}`,
      }),
    );
  } catch (error) {
    // The decision is stored; say loudly that its record is missing rather than pretend.
    throw auditFailure(error, `the decision on ${id} was stored but its audit record could not be written`);
  }
  return { ok: true, record: decided };
}
