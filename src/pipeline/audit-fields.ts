/** Builds audit records from what the pipeline knows, so every stage records the same fields. */
import os from 'node:os';
import type { RequestSource, K8sExecPayload } from '../schemas/request.js';
import type { Plan } from '../schemas/plan.js';
import type { Verdict } from '../schemas/verdict.js';
import type { AuditEvent } from '../schemas/audit.js';
import type { AuditRecordInput } from '../contracts/ports.js';
import type { Proposal } from '../contracts/events.js';

/** What an audit record is built from. */
export interface AuditSubject {
  operationId: string;
  source: RequestSource;
  user: string;
  context: string | null;
  request: K8sExecPayload;
  plan?: Plan;
  verdict?: Verdict;
  /** The operation this one undoes. */
  undoOf?: string;
}

/** The audit subject of an existing proposal (the later stages of one operation). */
export function subjectOfProposal(proposal: Proposal): AuditSubject {
  return {
    operationId: proposal.operationId,
    source: proposal.source,
    user: proposal.user,
    context: proposal.context,
    request: proposal.request,
    plan: proposal.plan,
    verdict: proposal.verdict,
    ...(proposal.undo ? { undoOf: proposal.undo.of } : {}),
  };
}

/** The user recorded when a front-end does not name one: the OS account running rk8s. */
export function defaultUser(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    // userInfo throws in some containers without a passwd entry
    return process.env.USER ?? 'unknown';
  }
}

const LEVELS: Record<AuditEvent, AuditRecordInput['level']> = {
  proposed: 'INFO',
  denied: 'WARN',
  confirmed: 'INFO',
  started: 'INFO',
  finished: 'INFO',
  'dry-run': 'INFO',
  cancelled: 'WARN',
  failed: 'ERROR',
  investigated: 'INFO',
  declined: 'WARN',
  'approval-requested': 'INFO',
  approved: 'INFO',
};

/** One audit record for an event of an operation; `extra` adds the event-specific fields. */
export function auditRecord(event: AuditEvent, subject: AuditSubject, extra: Partial<AuditRecordInput> = {}): AuditRecordInput {
  const { plan, verdict, request } = subject;
  const hasArgs = plan !== undefined && plan.args.length > 0;
  return {
    level: LEVELS[event],
    operation_id: subject.operationId,
    event,
    user: subject.user,
    source: subject.source,
    context: subject.context,
    intent: request.intent ?? null,
    resource: request.resource ?? null,
    namespace: verdict?.namespace ?? request.namespace ?? null,
    name: request.name ?? null,
    command: hasArgs ? plan.command : null,
    args: hasArgs ? [...plan.args] : null,
    card: plan?.card ? plan.card : null,
    planner: plan?.planner ?? null,
    decision: verdict?.decision ?? null,
    risk: verdict?.risk ?? null,
    ...(request.query ? { query: request.query } : {}),
    ...(verdict && verdict.violations.length > 0 ? { violations: verdict.violations.map((violation) => `${violation.code}: ${violation.message}`) } : {}),
    ...(subject.undoOf ? { undo_of: subject.undoOf } : {}),
    ...extra,
  };
}
