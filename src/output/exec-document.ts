/**
 * The exec document: what `k8s_exec`, `rk8s exec --json`, `POST /k8s-exec` and MCP `k8s_exec` answer,
 * built by folding runRequest()'s events. One schema, one status rule, one place.
 */
import { z } from 'zod';
import { summarizeKubectlError } from '../execute/kubectl-errors.js';
import type { SerializedError } from '../errors.js';
import type { PipelineEvent, Proposal } from '../contracts/events.js';
import { ApprovalRequestRefSchema, ApprovalTicketSchema, ConfirmationSchema } from '../schemas/approval.js';
import { ChangeSchema, type Change } from '../schemas/change.js';
import { PlannerKindSchema, type Plan, type PlannerKind } from '../schemas/plan.js';
import { DecisionSchema, SuggestionSchema, ViolationSchema, type Verdict } from '../schemas/verdict.js';
import { RiskLevelSchema } from '../schemas/vocabulary.js';
import { DocumentErrorSchema, documentError } from './document-error.js';
import { statusOfVerdict } from './plan-document.js';

/** What happened: see docs/prompts.md for how an agent should react to each. */
export const EXEC_STATUSES = ['executed', 'dry-run', 'needs-confirmation', 'needs-approval', 'needs-input', 'blocked', 'denied', 'expired', 'failed'] as const;
/** An exec status. */
export type ExecStatus = (typeof EXEC_STATUSES)[number];

/** The exec document's schema (also the MCP k8s_exec output schema). */
export const ExecDocumentSchema = z.object({
  operation_id: z.string().describe('The audit log operation id (empty when the request never reached the pipeline).'),
  status: z.enum(EXEC_STATUSES),
  plan: z
    .object({
      command: z.string().describe('Display form, for reading only; args is what runs.'),
      args: z.array(z.string()).describe('argv after kubectl'),
      card: z.string(),
      risk: RiskLevelSchema,
      rationale: z.string(),
      planner: PlannerKindSchema,
    })
    .nullable(),
  verdict: z.object({ decision: DecisionSchema, violations: z.array(ViolationSchema), suggestions: z.array(SuggestionSchema) }).nullable(),
  confirmation: ConfirmationSchema.optional().describe('What a human must do before this command runs.'),
  approval: z
    .object({
      outcome: z.string().describe('approved, not-needed, needs-confirmation, needs-approval, declined, denied, expired or refused'),
      by: z.string().optional(),
      message: z.string().optional(),
      ticket: ApprovalTicketSchema.optional().describe('needs-confirmation over the API: send ticket.token back as constraints.approvalToken.'),
      request: ApprovalRequestRefSchema.optional().describe('needs-approval: the inbox request a person decides (rk8s approve ID).'),
    })
    .optional(),
  result: z
    .object({
      exit_code: z.number().int(),
      stdout: z.string(),
      stderr: z.string(),
      truncated: z.boolean(),
      timed_out: z.boolean(),
      duration_ms: z.number(),
    })
    .optional(),
  preview: z
    .object({
      output: z.string(),
      exit_code: z.number().int().optional(),
      note: z.string().optional().describe('Why there is no server-side dry-run, when there is none.'),
      changes: z.array(ChangeSchema).optional().describe('What the command would change, from the live objects and the dry-run: replicas 2 → 5, image a → b, a drain\'s evictions and the PodDisruptionBudgets that block them.'),
    })
    .optional()
    .describe('The dry-run preview of a change (constraints.dryRun, or shown before a confirmation).'),
  missing: z.array(z.string()).optional().describe('Required parameters the request did not give.'),
  notes: z.array(z.string()).optional().describe('Retrieval notes and warnings (fallbacks, owner lookups).'),
  error: DocumentErrorSchema.optional(),
});
/** The exec document. */
export type ExecDocument = z.infer<typeof ExecDocumentSchema>;

type ApprovalEnd = Extract<PipelineEvent, { type: 'approval-end' }>;
type ExecEnd = Extract<PipelineEvent, { type: 'exec-end' }>;

/** Folds runRequest() events into an exec document. */
export class ExecDocumentBuilder {
  private operationId = '';
  private plan: Plan | undefined;
  private planner: PlannerKind | undefined;
  private verdict: Verdict | undefined;
  private proposal: Proposal | undefined;
  private cardRisk: Verdict['risk'] | undefined;
  private approval: ApprovalEnd | undefined;
  private preview: { output?: string; exitCode?: number; note?: string; changes?: Change[] } | undefined;
  private end: ExecEnd | undefined;
  private readonly stdout: string[] = [];
  private readonly stderr: string[] = [];
  private readonly notes: string[] = [];
  private error: SerializedError | undefined;
  private runError: SerializedError | undefined;

  constructor(private readonly options: { dryRun?: boolean } = {}) {}

  /** Takes one event. */
  add(event: PipelineEvent): void {
    switch (event.type) {
      case 'retrieve-end':
        this.notes.push(...event.notes);
        this.cardRisk = event.cards[0]?.card.risk_level;
        break;
      case 'plan-delta':
        break;
      case 'plan-end':
        this.plan = event.plan;
        this.planner = event.planner;
        break;
      case 'validate-end':
        this.verdict = event.verdict;
        break;
      case 'approval-request':
        this.proposal = event.proposal;
        this.operationId = event.proposal.operationId;
        this.plan ??= event.proposal.plan;
        this.planner ??= event.proposal.plan.planner;
        this.verdict ??= event.proposal.verdict;
        break;
      case 'approval-end':
        this.approval = event;
        break;
      case 'dry-run-end':
        this.preview = { ...this.preview, output: event.output, exitCode: event.exitCode, ...(event.changes ? { changes: event.changes } : {}) };
        break;
      case 'exec-output':
        (event.stream === 'stdout' ? this.stdout : this.stderr).push(event.line);
        break;
      case 'exec-end':
        this.end = event;
        break;
      case 'audit-end':
        this.operationId = event.operationId;
        break;
      case 'notice':
        if (event.stage === 'execute' && this.end === undefined && this.approval === undefined) {
          // Preview notices ("no dry-run for this card") describe the preview, not the run.
          this.preview = { ...this.preview, note: this.preview?.note ? `${this.preview.note}; ${event.message}` : event.message };
        }
        if (event.level === 'warn') this.notes.push(event.message);
        break;
      case 'error':
        if (this.approval && (this.approval.outcome === 'approved' || this.approval.outcome === 'not-needed')) this.runError ??= event.error;
        else this.error ??= event.error;
        break;
      default:
        break;
    }
  }

  /** The document for everything seen so far. */
  build(): ExecDocument {
    const { status, error, verdict } = this.decide();
    const plan = this.plan;
    const shownVerdict = verdict ?? this.verdict;
    return {
      operation_id: this.operationId,
      status,
      plan: plan
        ? { command: plan.command, args: plan.args, card: plan.card, risk: shownVerdict?.risk ?? this.cardRisk ?? 'none', rationale: plan.rationale, planner: this.planner ?? plan.planner }
        : null,
      verdict: shownVerdict ? { decision: shownVerdict.decision, violations: shownVerdict.violations, suggestions: shownVerdict.suggestions } : null,
      ...(this.proposal && this.proposal.confirmation.kind !== 'none' ? { confirmation: this.proposal.confirmation } : {}),
      ...(this.approval
        ? {
            approval: {
              outcome: this.approval.outcome,
              ...(this.approval.by ? { by: this.approval.by } : {}),
              ...(this.approval.message ? { message: this.approval.message } : {}),
              ...(this.approval.ticket ? { ticket: this.approval.ticket } : {}),
              ...(this.approval.request ? { request: this.approval.request } : {}),
            },
          }
        : {}),
      ...(this.end
        ? {
            result: {
              exit_code: this.end.exitCode,
              stdout: this.stdout.join('\n'),
              stderr: this.stderr.join('\n'),
              truncated: this.end.truncated,
              timed_out: this.end.timedOut,
              duration_ms: this.end.durationMs,
            },
          }
        : {}),
      ...(this.preview
        ? {
            preview: {
              output: this.preview.output ?? '',
              ...(this.preview.exitCode === undefined ? {} : { exit_code: this.preview.exitCode }),
              ...(this.preview.note ? { note: this.preview.note } : {}),
              ...(this.preview.changes ? { changes: this.preview.changes } : {}),
            },
          }
        : {}),
      ...(plan && plan.missing.length > 0 ? { missing: plan.missing } : {}),
      ...(this.notes.length > 0 ? { notes: this.notes } : {}),
      ...(error ? { error: documentError(error) } : {}),
    };
  }

  private decide(): { status: ExecStatus; error?: SerializedError; verdict?: Verdict } {
    const end = this.end;
    if (end) {
      // It ran; a lost outcome record is said with it (exit code 7), never hidden behind "executed".
      const lostRecord = this.runError?.code === 'AUDIT_WRITE_FAILED' ? this.runError : undefined;
      if (end.exitCode === 0 && !end.timedOut && !end.cancelled) return { status: 'executed', ...(lostRecord ? { error: lostRecord } : {}) };
      const error: SerializedError =
        this.runError ??
        (end.cancelled
          ? { code: 'CANCELLED', message: 'cancelled' }
          : end.timedOut
            ? { code: 'KUBECTL_TIMEOUT', message: end.errorMessage ?? 'kubectl timed out' }
            : { code: 'KUBECTL_FAILED', message: end.errorMessage ?? (summarizeKubectlError(this.stderr) || `kubectl exited with ${end.exitCode}`) });
      return { status: 'failed', error };
    }
    if (this.runError) {
      const details = this.runError.details as { verdict?: Verdict } | undefined;
      if (this.runError.code === 'POLICY_DENIED') return { status: 'blocked', error: this.runError, ...(details?.verdict ? { verdict: details.verdict } : {}) };
      if (this.runError.code === 'CONFIRMATION_REQUIRED') return { status: 'needs-confirmation', error: this.runError };
      return { status: 'failed', error: this.runError };
    }
    if (this.error) return { status: this.error.code === 'POLICY_DENIED' ? 'blocked' : 'failed', error: this.error };
    const approval = this.approval;
    if (approval) {
      const coded = approval.code ? { code: approval.code, message: approval.message ?? approval.code } : undefined;
      switch (approval.outcome) {
        case 'needs-confirmation':
          return { status: 'needs-confirmation' };
        case 'needs-approval':
          return { status: 'needs-approval' };
        case 'declined':
          return { status: 'needs-confirmation', ...(coded ? { error: coded } : {}) };
        case 'denied':
          return { status: 'denied', error: { code: 'APPROVAL_DENIED', message: approval.message ?? 'a person denied this request' } };
        case 'expired':
          return { status: 'expired', error: coded ?? { code: 'APPROVAL_EXPIRED', message: 'the approval expired' } };
        case 'refused': {
          const violation = coded ?? { code: 'APPROVAL_REFUSED', message: 'the confirmation was refused' };
          const verdict = this.verdict ? { ...this.verdict, decision: 'deny' as const, violations: [violation], suggestions: [] } : undefined;
          return { status: 'blocked', error: { ...violation, hint: refusedHint(violation.code) }, ...(verdict ? { verdict } : {}) };
        }
        case 'approved':
        case 'not-needed':
          return { status: 'failed', error: { code: 'KUBECTL_FAILED', message: 'kubectl ended without reporting an exit code' } };
      }
    }
    if (this.options.dryRun && this.proposal) return { status: 'dry-run' };
    if (this.verdict) {
      const status = statusOfVerdict(this.verdict);
      if (status === 'blocked' || status === 'needs-input') return { status };
    }
    return { status: 'failed', error: { code: 'PLAN_FAILED', message: 'no command was planned' } };
  }
}

function refusedHint(code: string): string {
  switch (code) {
    case 'APPROVAL_MISMATCH':
      return 'show the new plan to the human; if they confirm it, confirm that one';
    case 'APPROVAL_USED':
    case 'APPROVAL_UNKNOWN':
      return 'send the request again without approvalToken to get a new approval for the human to confirm';
    case 'EXPECT_REQUIRED':
      return 'add --expect with the exact command rk8s plan showed, or run on a terminal';
    default:
      return 'send the request again without approvalToken and let a human confirm the new answer';
  }
}
