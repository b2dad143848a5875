/**
 * The template planner: no model, pure, always available. It reads the request (read-request.ts:
 * intent, resource and object, resolved against the cluster inventory when the pipeline read one),
 * picks the card of exactly that intent and resource whose template expresses the modifiers
 * (choose-card.ts), and fills its parameters. It asks when the words are ambiguous, contradictory or
 * empty, refuses (with the reason and the nearest allowed alternative) what is out of scope, and a
 * required value it cannot fill goes to `missing`: it never guesses.
 */
import { formatCommand } from '../corpus/format-command.js';
import { ownValue } from '../own-property.js';
import { PlanError } from '../errors.js';
import { renderCard } from '../corpus/render.js';
import type { CardMatch } from '../contracts/events.js';
import type { Planner, PlanFacts, PlannerEvent } from '../contracts/ports.js';
import type { Card } from '../schemas/card.js';
import type { Clarification, Plan, PlanChoice } from '../schemas/plan.js';
import type { K8sExecPayload } from '../schemas/request.js';
import { chooseCardForReading, fillCard } from './choose-card.js';
import { buildPlan, explicitParamProblems } from './planner.js';
import { readRequest, understoodOf, type RequestReading } from './read-request.js';
import { normalizeRequestText } from './request-words.js';
import { MUTATING_INTENTS } from '../schemas/vocabulary.js';

/** The cards a template plan may use: every loaded card when the pipeline gave them, else the retrieved ones. */
function catalogOf(matches: readonly CardMatch[], facts: PlanFacts): Card[] {
  return facts.cards ? [...facts.cards.values()] : matches.map((match) => match.card);
}

/** Renders each choice that names a full request into the argv it would plan (so front-ends can show and suggest it). */
function withArgs(choices: readonly PlanChoice[], catalog: readonly Card[], facts: PlanFacts): PlanChoice[] {
  return choices.map((entry) => {
    if (entry.request.intent === undefined) return entry;
    const request = { ...entry.request, ...(entry.request.query === '' ? { query: undefined } : {}) } as K8sExecPayload;
    const reading = readRequest(request, { catalog, ...(facts.inventory ? { inventory: facts.inventory } : {}) });
    if (reading.outcome.kind !== 'plan') return entry;
    const card = chooseCardForReading(reading, request, catalog, [], normalizeRequestText(request.query ?? ''));
    if (!card) return entry;
    const { values } = fillCard(card, reading, request, normalizeRequestText(request.query ?? ''), reading.object?.replicas);
    const rendered = renderCard(card, values);
    return rendered.args.length > 0 && rendered.missing.length === 0 ? { ...entry, args: rendered.args } : entry;
  });
}

/** An empty plan that asks or refuses instead of planning. */
function planWithout(reading: RequestReading, outcome: { clarification?: Clarification; refusal?: Plan['refusal'] }, rationale: string): Plan {
  return {
    card: '',
    params: {},
    args: [],
    command: '',
    rationale,
    planner: 'template',
    missing: [],
    understood: understoodOf(reading),
    ...outcome,
  };
}

/** Plans from a card without a model: pure, deterministic, never guesses a required value. */
export function planFromTemplate(request: K8sExecPayload, matches: readonly CardMatch[], facts: PlanFacts): { plan: Plan; notes: string[] } {
  const catalog = catalogOf(matches, facts);
  if (catalog.length === 0) {
    throw new PlanError('no command card matches this request', { hint: 'try another intent or resource, or rephrase the query (`rk8s retrieve` shows what matches)' });
  }
  let reading = facts.reading ?? readRequest(request, { catalog, ...(facts.inventory ? { inventory: facts.inventory } : {}) });
  const notes = [...reading.notes];
  if (reading.outcome.kind === 'ask') {
    const clarification = { ...reading.outcome.clarification, choices: withArgs(reading.outcome.clarification.choices, catalog, facts) };
    return { plan: planWithout(reading, { clarification }, `Needs clarification: ${clarification.question}`), notes };
  }
  if (reading.outcome.kind === 'refuse') {
    const refusal = { ...reading.outcome.refusal, alternatives: withArgs(reading.outcome.refusal.alternatives, catalog, facts) };
    return { plan: planWithout(reading, { refusal }, `Refused: ${refusal.reason}`), notes };
  }
  const text = normalizeRequestText(request.query ?? '');
  const card = chooseCardForReading(reading, request, catalog, matches, text);
  if (!card) {
    const refusal = { code: 'NO_CARD' as const, reason: `no card for ${reading.intent ?? '?'} ${reading.resource ?? '?'}`, alternatives: [] };
    return { plan: planWithout(reading, { refusal }, `Refused: ${refusal.reason}`), notes };
  }
  const currentReplicas = facts.currentReplicas ?? reading.object?.replicas;
  const filled = fillCard(card, reading, request, text, currentReplicas);
  // "describe the hpa" when the namespace has one: a read may take the only object of its kind; a change never does.
  const required = card.params.find((param) => param.name === 'name' && param.required);
  const only = facts.inventory?.objects.filter((object) => object.kind === card.resource) ?? [];
  if (required && filled.values.name === undefined && only.length === 1 && !MUTATING_INTENTS.has(card.intent)) {
    filled.values.name = only[0]!.name;
    filled.filled.push(`name=${only[0]!.name}: the only ${card.resource} in ${request.namespace ?? 'the cluster'}`);
    reading = { ...reading, name: only[0]!.name, nameFrom: 'cluster' };
  }
  notes.push(...filled.notes);
  const match = matches.find((candidate) => candidate.id === card.id);
  const parts = [`${card.title} (card ${card.id}${match && match.why.length > 0 ? `; ${match.why.join(', ')}` : ''}).`];
  const fromRequest = Object.keys(filled.values).filter((key) => key === 'namespace' || (key === 'name' && reading.nameFrom === 'explicit') || ownValue(request.params, key) !== undefined);
  if (fromRequest.length > 0) parts.push(`${fromRequest.join(', ')} from the request.`);
  if (reading.nameFrom === 'cluster' && reading.name) parts.push(`${reading.resource} ${reading.name} resolved from the cluster.`);
  if (filled.filled.length > 0) parts.push(`${filled.filled.join('; ')}.`);
  const { plan, invalid } = buildPlan({ card, values: filled.values, rationale: parts.join(' '), planner: 'template', missing: filled.missing });
  // Problems with the request's own params are not notes: the pipeline denies them (PARAMS_INVALID).
  const explicit = new Set(Object.keys(request.params ?? {}));
  for (const problem of invalid) if (!explicit.has(problem.param)) notes.push(problem.message);
  plan.understood = understoodOf({ ...reading, intent: card.intent, resource: card.resource });
  if (plan.missing.length > 0) {
    plan.rationale += ` Needs: ${plan.missing.join(', ')}.`;
    plan.clarification = missingClarification(card, plan.missing, reading, request, catalog, facts);
  }
  if (explicitParamProblems(card, request).length === 0 && plan.args.length > 0) plan.command = formatCommand(plan.args);
  return { plan, notes };
}

/** "which deployment?" with the live objects as choices, when the name is what is missing. */
function missingClarification(card: Card, missing: readonly string[], reading: RequestReading, request: K8sExecPayload, catalog: readonly Card[], facts: PlanFacts): Clarification {
  const what = missing.map((name) => (name === 'name' ? `which ${card.resource}` : name)).join(' and ');
  const choices: PlanChoice[] = [];
  if (missing.includes('name') && facts.inventory) {
    const names = facts.inventory.objects.filter((object) => object.kind === card.resource).map((object) => object.name).slice(0, 8);
    for (const name of names) {
      choices.push({ label: name, request: { ...(request.namespace ? { namespace: request.namespace } : {}), intent: card.intent, resource: card.resource, name, ...(request.query ? { query: request.query } : {}) } });
    }
  }
  const question = `${card.title}: ${what}?${missing.includes('name') ? ` (give --name${choices.length > 0 ? `, e.g. ${choices.map((entry) => entry.label).slice(0, 4).join(', ')}` : ''})` : ''}`;
  void reading;
  return { question, choices: withArgs(choices, catalog, facts) };
}

/** The model-free planner: wraps planFromTemplate as a Planner (notes become info notices). */
export function createTemplatePlanner(): Planner {
  return {
    kind: 'template',
    async *plan(request: K8sExecPayload, matches: readonly CardMatch[], facts: PlanFacts, signal?: AbortSignal): AsyncIterable<PlannerEvent> {
      signal?.throwIfAborted();
      const { plan, notes } = planFromTemplate(request, matches, facts);
      for (const message of notes) yield { type: 'notice', level: 'info', stage: 'plan', message };
      yield { type: 'plan-end', plan, planner: 'template' };
    },
  };
}
