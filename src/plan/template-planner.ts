/**
 * The template planner: no model, pure, always available. It picks the best retrieved card that
 * fits the request's intent and resource, fills namespace and name from the request, and the rest
 * from the slot grammar (slots.ts). A required parameter it cannot fill goes to `missing`: it
 * never guesses.
 */
import { checkParamValue } from '../corpus/render.js';
import { PlanError } from '../errors.js';
import type { CardMatch } from '../pipeline/events.js';
import type { Planner, PlanFacts, PlannerEvent } from '../pipeline/ports.js';
import type { Card, CardParam, ParamValue } from '../schemas/card.js';
import type { Plan } from '../schemas/plan.js';
import type { K8sExecPayload } from '../schemas/request.js';
import { readObjectName } from './object-name.js';
import { buildPlan, explicitParamProblems, payloadParams } from './planner.js';
import { extractSlots, resolveReplicas, type Slots } from './slots.js';
import { ownValue, setOwnValue } from '../own-property.js';

/** Which slot fills a parameter, by the parameter names cards use for it. */
const SLOT_PARAMS = {
  replicas: ['replicas', 'replica_count', 'count'],
  tailLines: ['tail', 'tail_lines', 'lines'],
  since: ['since', 'since_duration', 'window'],
  timeout: ['timeout', 'wait_timeout'],
  previous: ['previous'],
  container: ['container', 'container_name'],
  revision: ['revision', 'to_revision'],
  node: ['node', 'node_name'],
  output: ['output', 'output_format', 'format'],
} as const satisfies Partial<Record<keyof Slots, readonly string[]>>;

type SlotKey = keyof typeof SLOT_PARAMS;

/** The card the template planner picks, and why. */
export function chooseCard(request: K8sExecPayload, matches: readonly CardMatch[]): { match: CardMatch; notes: string[] } {
  const fitsIntent = (match: CardMatch) => request.intent === undefined || match.card.intent === request.intent;
  const fitsResource = (match: CardMatch) => request.resource === undefined || match.card.resource === request.resource;
  // Among the cards that fit, one that takes every explicit param ("--param previous=true" -> the
  // card that has "previous"); the explicit params never make a card fit that otherwise would not.
  const takesParams = (match: CardMatch) => explicitParamProblems(match.card, request).length === 0;
  const both = matches.find((match) => fitsIntent(match) && fitsResource(match) && takesParams(match)) ?? matches.find((match) => fitsIntent(match) && fitsResource(match));
  if (both) return { match: both, notes: [] };
  const fallback = matches.find(fitsIntent) ?? matches.find(fitsResource) ?? matches[0];
  if (!fallback) {
    throw new PlanError('no command card matches this request', {
      hint: 'try another intent or resource, or rephrase the query (`rk8s retrieve` shows what matches)',
    });
  }
  const wanted = [request.intent && `intent=${request.intent}`, request.resource && `resource=${request.resource}`].filter(Boolean).join(' ');
  return {
    match: fallback,
    notes: [`no retrieved card fits ${wanted}; using ${fallback.id} (${fallback.card.intent} ${fallback.card.resource}), check it is what you meant`],
  };
}

function slotFor(param: CardParam, card: Card): SlotKey | undefined {
  for (const [slot, names] of Object.entries(SLOT_PARAMS) as [SlotKey, readonly string[]][]) {
    if ((names as readonly string[]).includes(param.name)) return slot;
  }
  if (param.type === 'boolean' && (param.flag === '--previous' || param.flag === '-p')) return 'previous';
  // Node cards name their object "name"; "on node-2" in the text fills it when the request did not.
  if (card.resource === 'node' && param.name === 'name') return 'node';
  return undefined;
}

/** "--all-containers" is mentioned as "all containers" or "all-containers". */
function flagMentioned(flag: string, text: string): boolean {
  const words = flag.replace(/^-+/, '').split('-').map((word) => word.replace(/[^a-z0-9]/g, ''));
  if (words.length === 0 || words.some((word) => word.length === 0)) return false;
  const last = words.length - 1;
  const pattern = words.map((word, index) => (index === last ? `${word}s?` : word)).join('[-\\s]');
  return new RegExp(`(?:^|[^a-z0-9-])-{0,2}${pattern}(?![a-z0-9])`).test(text.toLowerCase());
}

/**
 * The object named in the free text (object-name.ts). A required name is read from every phrasing
 * ("restart api", "the web deployment"); an optional one (e.g. on list cards) only from the explicit
 * forms "deployment/web" and "pod named web-1", so "list pods sorted by age" never names a pod.
 */
function objectNameFromText(param: CardParam, card: Card, request: K8sExecPayload, text: string): Candidate | undefined {
  const result = readObjectName(text, {
    resource: card.resource,
    ...(request.namespace !== undefined ? { namespace: request.namespace } : {}),
    kinds: param.required ? ['explicit', 'qualified', 'phrase'] : ['explicit'],
  });
  if (result === undefined) return undefined;
  if ('ambiguous' in result) {
    return { ambiguousReason: `the text names several objects (${result.ambiguous.join(', ')}); give the one you mean as the name (--name)` };
  }
  return result;
}

interface Candidate {
  value?: ParamValue;
  phrase?: string;
  /** Why a parameter the text asked for cannot be filled (it goes to `missing`). */
  missingReason?: string;
  /** Why a name was not taken from the text although it mentions some (the parameter stays unfilled). */
  ambiguousReason?: string;
}

function candidateFor(param: CardParam, card: Card, slots: Slots, request: K8sExecPayload, facts: PlanFacts): Candidate | undefined {
  const text = request.query ?? '';
  const slot = slotFor(param, card);
  if (slot === 'replicas') {
    if (!slots.replicas) return undefined;
    const resolved = resolveReplicas(slots.replicas, facts.currentReplicas);
    if ('reason' in resolved) return { missingReason: resolved.reason, phrase: slots.replicas.phrase };
    return { value: resolved.value, phrase: slots.replicas.phrase };
  }
  if (slot !== undefined) {
    const value = slots[slot];
    if (value !== undefined) return { value, phrase: slots.phrases[slot] };
  }
  if (param.type === 'boolean' && param.flag && flagMentioned(param.flag, text)) {
    return { value: true, phrase: param.flag.replace(/^-+/, '') };
  }
  if (param.name === 'name' || param.name === card.resource) return objectNameFromText(param, card, request, text);
  return undefined;
}

/** Plans from a card without a model: pure, deterministic, never guesses a required value. */
export function planFromTemplate(request: K8sExecPayload, matches: readonly CardMatch[], facts: PlanFacts): { plan: Plan; notes: string[] } {
  const { match, notes } = chooseCard(request, matches);
  const card = match.card;
  const text = request.query ?? '';
  const slots = extractSlots(text);
  const values: Record<string, ParamValue> = payloadParams(card, request);
  const fromRequest = Object.keys(values);
  const filled: string[] = [];
  const extraMissing: string[] = [];
  for (const param of card.params) {
    if (ownValue(values, param.name) !== undefined) continue;
    const candidate = candidateFor(param, card, slots, request, facts);
    if (!candidate) continue;
    if (candidate.ambiguousReason !== undefined) {
      notes.push(`${param.name}: ${candidate.ambiguousReason}`);
      continue;
    }
    if (candidate.missingReason !== undefined) {
      extraMissing.push(param.name);
      notes.push(`${param.name}: ${candidate.missingReason}`);
      continue;
    }
    if (candidate.value === undefined) continue;
    const checked = checkParamValue(param, candidate.value);
    if ('error' in checked) {
      notes.push(`ignored "${candidate.phrase ?? String(candidate.value)}": ${param.name} ${checked.error}`);
      continue;
    }
    setOwnValue(values, param.name, checked.value);
    filled.push(`${param.name}=${String(checked.value)} from "${candidate.phrase ?? String(candidate.value)}"`);
  }
  const parts = [`${card.title} (card ${card.id}${match.why.length > 0 ? `; ${match.why.join(', ')}` : ''}).`];
  if (fromRequest.length > 0) parts.push(`${fromRequest.join(', ')} from the request.`);
  if (filled.length > 0) parts.push(`${filled.join('; ')}.`);
  const { plan, invalid } = buildPlan({ card, values, rationale: parts.join(' '), planner: 'template', missing: extraMissing });
  // Problems with the request's own params are not notes: the pipeline denies them (PARAMS_INVALID).
  const explicit = new Set(Object.keys(request.params ?? {}));
  for (const problem of invalid) if (!explicit.has(problem.param)) notes.push(problem.message);
  if (plan.missing.length > 0) plan.rationale += ` Needs: ${plan.missing.join(', ')}.`;
  return { plan, notes };
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
