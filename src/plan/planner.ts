/**
 * What every planner shares: the Planner interface (defined with the other seams in
 * pipeline/ports.ts) and the one function that turns a card and parameter values into a Plan.
 * Both planners go through buildPlan, so argv is always rendered by code from a card template.
 */
import { renderCard, type ParamProblem } from '../corpus/render.js';
import type { Card, ParamValue } from '../schemas/card.js';
import type { Plan, PlannerKind } from '../schemas/plan.js';
import type { K8sExecPayload } from '../schemas/request.js';

export type { Planner, PlannerEvent, PlanFacts } from '../pipeline/ports.js';

/**
 * The parameters a request fixes by itself (namespace, name, explicit params): no planner may change
 * them. Explicit params the card does not declare are ignored here; renderCard still checks each value.
 */
export function payloadParams(card: Card, request: K8sExecPayload): Record<string, ParamValue> {
  const declared = new Set(card.params.map((param) => param.name));
  const values: Record<string, ParamValue> = {};
  if (request.namespace !== undefined && declared.has('namespace')) values.namespace = request.namespace;
  if (request.name !== undefined) {
    const target = declared.has('name') ? 'name' : declared.has(card.resource) ? card.resource : undefined;
    if (target !== undefined) values[target] = request.name;
  }
  for (const [key, value] of Object.entries(request.params ?? {})) {
    if (declared.has(key)) values[key] = value;
  }
  return values;
}

/** A plan rendered from a card, plus the parameter problems that kept it from rendering. */
export interface BuiltPlan {
  plan: Plan;
  invalid: ParamProblem[];
}

/** Renders a card with values into a Plan. Extra `missing` names force empty args (e.g. "double it" with no known count). */
export function buildPlan(options: {
  card: Card;
  values: Readonly<Record<string, ParamValue | undefined>>;
  rationale: string;
  planner: PlannerKind;
  model?: string;
  missing?: readonly string[];
}): BuiltPlan {
  const rendered = renderCard(options.card, options.values);
  const missing = [...new Set([...rendered.missing, ...(options.missing ?? [])])];
  const ok = missing.length === 0 && rendered.invalid.length === 0;
  const plan: Plan = {
    card: options.card.id,
    params: rendered.params,
    args: ok ? rendered.args : [],
    command: ok ? rendered.command : '',
    rationale: options.rationale,
    planner: options.planner,
    missing,
  };
  if (options.model !== undefined) plan.model = options.model;
  return { plan, invalid: rendered.invalid };
}
