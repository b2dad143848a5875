/**
 * The answer to "plan only" (HTTP POST /plan, MCP k8s_plan): the propose() events folded into one
 * document shaped like the k8s_exec result, with a status saying what running it would need.
 */
import { z } from 'zod';
import type { SerializedError } from '../errors.js';
import type { Core } from '../pipeline/core.js';
import type { PipelineEvent } from '../pipeline/events.js';
import { propose } from '../pipeline/propose.js';
import { PlanSchema } from '../schemas/plan.js';
import type { K8sExecPayload, RequestSource } from '../schemas/request.js';
import { VerdictSchema } from '../schemas/verdict.js';
import { RiskLevelSchema } from '../schemas/vocabulary.js';

/** What running the planned command would need. */
export const PLAN_STATUSES = ['allowed', 'needs-confirmation', 'blocked', 'failed'] as const;

/** The plan document's schema (also the MCP k8s_plan output schema). */
export const PlanDocumentSchema = z.object({
  operation_id: z.string().describe('The audit log operation id of the proposal.'),
  status: z.enum(PLAN_STATUSES).describe('allowed: k8s_exec would run it; needs-confirmation: a human must confirm; blocked: policy denies it or parameters are missing; failed: no plan.'),
  plan: PlanSchema.nullable(),
  verdict: VerdictSchema.nullable(),
  cards: z.array(
    z.object({ id: z.string(), title: z.string(), score: z.number(), why: z.array(z.string()), risk: RiskLevelSchema }),
  ),
  notes: z.array(z.string()).optional().describe('Retrieval notes and warnings.'),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
});
/** The plan document. */
export type PlanDocument = z.infer<typeof PlanDocumentSchema>;

/** Folds propose() events into a plan document, one event at a time. */
export class PlanDocumentBuilder {
  private operationId = '';
  private plan: PlanDocument['plan'] = null;
  private verdict: PlanDocument['verdict'] = null;
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
    const status: PlanDocument['status'] = this.error
      ? 'failed'
      : !this.verdict
        ? 'failed'
        : this.verdict.decision === 'allow'
          ? 'allowed'
          : this.verdict.decision === 'confirm'
            ? 'needs-confirmation'
            : 'blocked';
    return {
      operation_id: this.operationId,
      status,
      plan: this.plan,
      verdict: this.verdict,
      cards: this.cards,
      ...(this.notes.length > 0 ? { notes: this.notes } : {}),
      ...(this.error ? { error: { code: this.error.code, message: this.error.message, ...(this.error.hint ? { hint: this.error.hint } : {}) } } : {}),
    };
  }
}

/** Runs propose() for a request and returns its plan document; `onEvent` sees every event as it happens. */
export async function planRequest(
  request: K8sExecPayload,
  core: Core,
  options: { source: RequestSource; user?: string; signal?: AbortSignal; onEvent?: (event: PipelineEvent) => void },
): Promise<PlanDocument> {
  const builder = new PlanDocumentBuilder();
  for await (const event of propose(request, core, { source: options.source, user: options.user, signal: options.signal })) {
    options.onEvent?.(event);
    builder.add(event);
  }
  return builder.build();
}
