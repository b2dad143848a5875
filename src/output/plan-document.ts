/**
 * The plan document: what `k8s_plan`, `rk8s plan --json`, `POST /plan` and MCP `k8s_plan` answer,
 * built by folding propose()'s events. One schema, one status rule.
 */
import { z } from 'zod';
import type { SerializedError } from '../errors.js';
import type { PipelineEvent } from '../contracts/events.js';
import { ConfirmationSchema } from '../schemas/approval.js';
import { PlanSchema } from '../schemas/plan.js';
import { VerdictSchema, type Verdict } from '../schemas/verdict.js';
import { RiskLevelSchema } from '../schemas/vocabulary.js';
import { DocumentErrorSchema, documentError } from './document-error.js';

/** What running the planned command would need. */
export const PLAN_STATUSES = ['allowed', 'needs-confirmation', 'needs-input', 'blocked', 'failed'] as const;
/** A plan status. */
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** The plan document's schema (also the MCP k8s_plan output schema). */
export const PlanDocumentSchema = z.object({
  operation_id: z.string().describe('The audit log operation id of the proposal (empty when it was not recorded).'),
  status: z
    .enum(PLAN_STATUSES)
    .describe(
      'allowed: k8s_exec would run it; needs-confirmation: a human must confirm (see confirmation); needs-input: a parameter is missing or the request is ambiguous (see plan.missing and verdict.violations); blocked: the policy denies it or it is out of scope (see verdict.violations and verdict.suggestions); failed: no plan.',
    ),
  plan: PlanSchema.nullable(),
  verdict: VerdictSchema.nullable(),
  confirmation: ConfirmationSchema.optional().describe('What a human must do before it runs (when it may run).'),
  cards: z.array(z.object({ id: z.string(), title: z.string(), score: z.number(), why: z.array(z.string()), risk: RiskLevelSchema })),
  notes: z.array(z.string()).optional().describe('Retrieval notes and warnings (fallbacks, relaxed filters).'),
  error: DocumentErrorSchema.optional(),
});
/** The plan document. */
export type PlanDocument = z.infer<typeof PlanDocumentSchema>;

/** Violation codes that mean "tell me more", not "no". */
const NEEDS_INPUT_CODES: ReadonlySet<string> = new Set(['PARAMS_MISSING', 'NEEDS_CLARIFICATION']);

/** The status a verdict implies: the one rule every document uses. */
export function statusOfVerdict(verdict: Verdict): Exclude<PlanStatus, 'failed'> {
  if (verdict.decision === 'allow') return 'allowed';
  if (verdict.decision === 'confirm') return 'needs-confirmation';
  return verdict.violations.length > 0 && verdict.violations.every((violation) => NEEDS_INPUT_CODES.has(violation.code)) ? 'needs-input' : 'blocked';
}

/** Folds propose() events into a plan document, one event at a time. */
export class PlanDocumentBuilder {
  private operationId = '';
  private plan: PlanDocument['plan'] = null;
  private verdict: PlanDocument['verdict'] = null;
  private confirmation: PlanDocument['confirmation'];
  private cards: PlanDocument['cards'] = [];
  private readonly notes: string[] = [];
  private error: SerializedError | undefined;

  /** Takes one event. */
  add(event: PipelineEvent): void {
    switch (event.type) {
      case 'retrieve-end':
        this.notes.push(...event.notes);
        this.cards = event.cards.map((match) => ({ id: match.id, title: match.card.title, score: match.score, why: match.why, risk: match.card.risk_level }));
        break;
      case 'plan-end':
        this.plan = event.plan;
        break;
      case 'validate-end':
        this.verdict = event.verdict;
        break;
      case 'approval-request':
        this.operationId = event.proposal.operationId;
        this.confirmation = event.proposal.confirmation;
        break;
      case 'audit-end':
        this.operationId = event.operationId;
        break;
      case 'notice':
        if (event.level === 'warn') this.notes.push(event.message);
        break;
      case 'error':
        this.error ??= event.error;
        break;
      default:
        break;
    }
  }

  /** The document for everything seen so far. */
  build(): PlanDocument {
    const status: PlanStatus = this.error || !this.verdict ? 'failed' : statusOfVerdict(this.verdict);
    return {
      operation_id: this.operationId,
      status,
      plan: this.plan,
      verdict: this.verdict,
      ...(this.confirmation && status !== 'blocked' ? { confirmation: this.confirmation } : {}),
      cards: this.cards,
      ...(this.notes.length > 0 ? { notes: this.notes } : {}),
      ...(this.error ? { error: documentError(this.error) } : {}),
    };
  }
}
