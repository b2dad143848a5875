/** k8s_plan(payload): retrieve -> plan -> validate as one document; runs nothing (CLI `plan --json`, POST /plan, MCP k8s_plan). */
import { z } from 'zod';
import type { SerializedError } from '../errors.js';
import type { Core } from '../pipeline/core.js';
import type { CardMatch, PipelineEvent } from '../pipeline/events.js';
import { parsePayload, propose } from '../pipeline/propose.js';
import { PlanSchema } from '../schemas/plan.js';
import type { RequestSource } from '../schemas/request.js';
import { VerdictSchema } from '../schemas/verdict.js';
import { RiskLevelSchema } from '../schemas/vocabulary.js';
import { getDefaultCore } from './k8s-exec.js';

/** The k8s_plan document's schema. */
export const K8sPlanResultSchema = z.object({
  operation_id: z.string().describe('The audit operation id (empty for planOnly requests, which are not recorded).'),
  plan: PlanSchema.nullable(),
  verdict: VerdictSchema.nullable(),
  cards: z.array(z.object({ id: z.string(), title: z.string(), score: z.number(), why: z.array(z.string()), risk: RiskLevelSchema })),
  notes: z.array(z.string()).optional(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
});
/** The k8s_plan document. */
export type K8sPlanResult = z.infer<typeof K8sPlanResultSchema>;

/** Options of k8s_plan. */
export interface K8sPlanOptions {
  core?: Core;
  source?: RequestSource;
  user?: string;
  signal?: AbortSignal;
  onEvent?: (event: PipelineEvent) => void;
  /** Skip the audit record and the approval (default false: the proposal is recorded like any other). */
  planOnly?: boolean;
}

/** Plans and validates one request. Throws InputError for an invalid payload, like k8s_exec. */
export async function k8s_plan(payload: unknown, options: K8sPlanOptions = {}): Promise<K8sPlanResult> {
  const request = parsePayload(payload);
  const core = options.core ?? (await getDefaultCore());
  const document: K8sPlanResult = { operation_id: '', plan: null, verdict: null, cards: [] };
  const notes: string[] = [];
  let error: SerializedError | undefined;
  for await (const event of propose(request, core, { source: options.source ?? 'tool', user: options.user, signal: options.signal, planOnly: options.planOnly })) {
    options.onEvent?.(event);
    if (event.type === 'retrieve-end') {
      document.cards = event.cards.map((match: CardMatch) => ({ id: match.id, title: match.card.title, score: match.score, why: match.why, risk: match.card.risk_level }));
      notes.push(...event.notes);
    } else if (event.type === 'plan-end') document.plan = event.plan;
    else if (event.type === 'validate-end') document.verdict = event.verdict;
    else if (event.type === 'audit-end') document.operation_id = event.operationId;
    else if (event.type === 'notice' && event.level === 'warn') notes.push(event.message);
    else if (event.type === 'error') error = event.error;
  }
  if (notes.length > 0) document.notes = notes;
  if (error) document.error = { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return document;
}
