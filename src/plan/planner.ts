/**
 * What every planner shares: the Planner interface (defined with the other seams in
 * contracts/ports.ts) and the one function that turns a card and parameter values into a Plan.
 * Both planners go through buildPlan, so argv is always rendered by code from a card template.
 */
import { checkParamValue, renderCard, type ParamProblem } from '../corpus/render.js';
import type { Card, ParamValue } from '../schemas/card.js';
import type { Plan, PlannerKind } from '../schemas/plan.js';
import type { K8sExecPayload } from '../schemas/request.js';
import type { CardMatch } from '../contracts/events.js';
import { setOwnValue } from '../own-property.js';

export type { Planner, PlannerEvent, PlanFacts } from '../contracts/ports.js';

/**
 * The parameters a request fixes by itself (namespace, name, explicit params): no planner may change
 * them. Explicit params the card does not declare are passed through too, so renderCard refuses to
 * render (explicitParamProblems says why); an explicit value is never dropped in favour of a default.
 */
export function payloadParams(card: Card, request: K8sExecPayload): Record<string, ParamValue> {
  const declared = new Set(card.params.map((param) => param.name));
  const values: Record<string, ParamValue> = {};
  if (request.namespace !== undefined && declared.has('namespace')) values.namespace = request.namespace;
  if (request.name !== undefined) {
    const target = declared.has('name') ? 'name' : declared.has(card.resource) ? card.resource : undefined;
    if (target !== undefined) values[target] = request.name;
  }
  for (const [key, value] of Object.entries(request.params ?? {})) setOwnValue(values, key, value);
  return values;
}

/** The parameters of a card a caller may set with explicit params (namespace and name have their own fields). */
export function settableParams(card: Card): string[] {
  return card.params.map((param) => param.name).filter((name) => name !== 'namespace' && name !== 'name');
}

/**
 * What is wrong with the request's explicit params for this card: a key the card does not declare,
 * or a value that fails the parameter's check. Each message names the param and the fix. Such a
 * request must stop (PARAMS_INVALID): an explicit value is never replaced by a default or a slot.
 */
export function explicitParamProblems(card: Card, request: K8sExecPayload): ParamProblem[] {
  const problems: ParamProblem[] = [];
  for (const [key, value] of Object.entries(request.params ?? {})) {
    const param = card.params.find((candidate) => candidate.name === key);
    if (!param) {
      const settable = settableParams(card);
      const choices = settable.length > 0 ? `its parameters are: ${settable.join(', ')}` : 'it takes no parameters besides namespace and name';
      problems.push({ param: key, message: `param "${key}": card ${card.id} has no such parameter; ${choices}` });
      continue;
    }
    const checked = checkParamValue(param, value);
    if ('error' in checked) {
      const example = param.default !== undefined ? ` (card default: ${String(param.default)})` : '';
      problems.push({ param: key, message: `param ${key}=${JSON.stringify(value)}: ${key} ${checked.error}${example}` });
    }
  }
  return problems;
}

/** The request's explicit params checked and normalised for the card (only the ones that pass). */
export function checkedExplicitParams(card: Card, request: K8sExecPayload): Record<string, ParamValue> {
  const values: Record<string, ParamValue> = {};
  for (const [key, value] of Object.entries(request.params ?? {})) {
    const param = card.params.find((candidate) => candidate.name === key);
    if (!param) continue;
    const checked = checkParamValue(param, value);
    if (!('error' in checked)) setOwnValue(values, key, checked.value);
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

/**
 * The retrieved cards a planner may choose from: those consistent with the request's explicit
 * intent and resource when any are (a follow-up card retrieved as context is not a choice then),
 * else all of them.
 */
export function cardsFittingRequest(request: K8sExecPayload, matches: readonly CardMatch[]): readonly CardMatch[] {
  const fitting = matches.filter(
    (match) =>
      (request.intent === undefined || match.card.intent === request.intent) &&
      (request.resource === undefined || match.card.resource === request.resource),
  );
  return fitting.length > 0 ? fitting : matches;
}
