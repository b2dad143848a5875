/**
 * Card choice from a reading: among the cards of exactly the understood intent and resource (never
 * another resource's card), the one whose template expresses every modifier the words asked for
 * (follow, previous, only warnings, sorted by restarts, per node, a selector...) and no feature they
 * did not ask for; retrieval rank breaks ties. Then the card's parameters are filled from the reading.
 * Pure.
 */
import { checkParamValue } from '../corpus/render.js';
import { ownValue, setOwnValue } from '../own-property.js';
import type { CardMatch } from '../contracts/events.js';
import type { Card, CardParam, ParamValue } from '../schemas/card.js';
import type { K8sExecPayload } from '../schemas/request.js';
import { explicitParamProblems, payloadParams } from './planner.js';
import { podTrouble, type RequestReading } from './read-request.js';
import { resolveReplicas } from './slots.js';

/** What a card's template can express, read from the template itself (so new cards need no table). */
export interface CardFeatures {
  follow: boolean;
  previousFixed: boolean;
  previousParam: boolean;
  warningsFixed: boolean;
  typesParam: boolean;
  sortRestarts: boolean;
  sortParam: boolean;
  nodeFilter: boolean;
  selectorParam: boolean;
  allContainers: boolean;
  containersParam: boolean;
  notRunning: boolean;
  describes: boolean;
  listsPods: boolean;
  showLabels: boolean;
}

/** The features of a card (see CardFeatures). */
export function cardFeatures(card: Card): CardFeatures {
  const template = card.command_template;
  const has = (name: string) => card.params.some((param) => param.name === name);
  return {
    follow: template.includes('--follow') || template.includes('-f'),
    previousFixed: template.includes('--previous'),
    previousParam: card.params.some((param) => param.flag === '--previous'),
    warningsFixed: template.some((element) => /type=Warning|--types=Warning/.test(element)),
    typesParam: has('types'),
    sortRestarts: template.some((element) => /restartCount/.test(element)),
    sortParam: has('sort_by'),
    nodeFilter: template.some((element) => /spec\.nodeName=/.test(element)),
    selectorParam: has('selector'),
    allContainers: template.includes('--all-containers'),
    containersParam: has('containers'),
    notRunning: template.some((element) => /status\.phase!=Running/.test(element)),
    describes: template[0] === 'describe',
    listsPods: template[0] === 'get' && template[1] === 'pods',
    showLabels: template.includes('--show-labels'),
  };
}

const NOT_RUNNING = /\b(?:the )?(?:broken|failing|unhealthy|bad|dead) ones\b|\bnot running\b|\baren'?t running\b|\bnot healthy\b|\bunhealthy pods\b|\bfailing pods\b|\bbroken pods\b|\bpods? (?:that are |which are )?(?:failing|broken|down|not ready)\b|\bnon-?running\b|\bnot in running\b/;

/** How well a card fits what the words asked for; higher is better. */
function score(card: Card, reading: RequestReading, text: string): number {
  const features = cardFeatures(card);
  const slots = reading.slots;
  let total = 0;
  const want = (asked: boolean | undefined, fixed: boolean, param = false, weight = 10) => {
    if (asked) total += fixed || param ? weight : -weight;
    else if (fixed) total -= weight * 2;
  };
  want(slots.follow, features.follow);
  // A diagnose card's previous logs or warnings are chosen by the pod's state below, not by the words.
  if (card.intent !== 'diagnose') {
    want(slots.previous, features.previousFixed, features.previousParam, 5);
    want(slots.warnings, features.warningsFixed, features.typesParam, 6);
  }
  want(slots.sortBy === 'restarts', features.sortRestarts);
  if (slots.sortBy === 'cpu' || slots.sortBy === 'memory') total += features.sortParam ? 5 : 0;
  want(reading.nodeFilter !== undefined, features.nodeFilter);
  want(slots.selector !== undefined, false, features.selectorParam);
  want(/\ball (?:the )?containers\b|\bevery container\b|\bboth containers\b|--all-containers\b/.test(text), features.allContainers);
  want(NOT_RUNNING.test(text) && reading.name === undefined, features.notRunning);
  want(/\blabels?\b/.test(text) && slots.selector === undefined, features.showLabels);
  if (slots.perContainer) total += features.containersParam ? 5 : -5;
  if (card.intent === 'diagnose') {
    const state = reading.object?.kind === 'pod' ? podTrouble(reading.object) : undefined;
    const crash = state === 'crash' || state === 'oom' || (state === undefined && !reading.checked && /\bcrash\w*|\boom\w*|\brestarting\b|\bkilled\b/.test(text));
    const pending = state === 'pending' || (state === undefined && !reading.checked && /\bpending\b|\bunschedul/.test(text));
    if (crash) total += features.previousFixed ? 12 : 0;
    else if (pending) total += features.warningsFixed ? 12 : 0;
    else total += features.describes ? 8 : 0;
    if (features.listsPods && !/\bpods\b/.test(text)) total -= 4;
  }
  // A required object the reading has no name for would only go to `missing`.
  const requiresName = card.params.some((param) => param.required && (param.name === 'name' || param.name === 'service'));
  if (requiresName && reading.name === undefined && reading.service === undefined) total -= 15;
  if (!requiresName && reading.name !== undefined && !card.params.some((param) => param.name === 'name' || param.name === 'service')) total -= 15;
  return total;
}

/** The card for a reading among the catalog, or the intents that resource has cards for when none fits. */
export function chooseCardForReading(reading: RequestReading, request: K8sExecPayload, catalog: readonly Card[], matches: readonly CardMatch[], text: string): Card | undefined {
  const candidates = catalog.filter((card) => card.intent === reading.intent && card.resource === reading.resource);
  if (candidates.length === 0) return undefined;
  const rankOf = (card: Card) => {
    const index = matches.findIndex((match) => match.id === card.id);
    return index < 0 ? matches.length : index;
  };
  const fitsParams = (card: Card) => explicitParamProblems(card, request).length === 0;
  return [...candidates].sort((a, b) =>
    Number(fitsParams(b)) - Number(fitsParams(a)) ||
    score(b, reading, text) - score(a, reading, text) ||
    rankOf(a) - rankOf(b) ||
    a.id.length - b.id.length ||
    a.id.localeCompare(b.id),
  )[0];
}

/** One filled parameter and the words it came from. */
interface Filled {
  value: ParamValue;
  from: string;
}

/** "--all-containers" is mentioned as "all containers" or "all-containers". */
function flagMentioned(flag: string, text: string): boolean {
  const words = flag.replace(/^-+/, '').split('-').map((word) => word.replace(/[^a-z0-9]/g, ''));
  if (words.length === 0 || words.some((word) => word.length === 0)) return false;
  const last = words.length - 1;
  const pattern = words.map((word, index) => (index === last ? `${word}s?` : word)).join('[-\\s]');
  return new RegExp(`(?:^|[^a-z0-9-])-{0,2}${pattern}(?![a-z0-9])`).test(text.toLowerCase());
}

function fillFor(param: CardParam, card: Card, reading: RequestReading, text: string, currentReplicas: number | undefined): Filled | { missing: string } | undefined {
  const { slots } = reading;
  const phrase = (key: keyof typeof slots.phrases, fallback: string) => slots.phrases[key] ?? fallback;
  switch (param.name) {
    case 'name':
      if (card.resource === 'node' && reading.name === undefined && slots.node !== undefined) return { value: slots.node, from: phrase('node', slots.node) };
      return reading.name !== undefined ? { value: reading.name, from: reading.name } : undefined;
    case 'service':
      return reading.service !== undefined ? { value: reading.service, from: reading.service } : reading.resource === 'service' && reading.name ? { value: reading.name, from: reading.name } : undefined;
    case 'node':
    case 'node_name':
      return reading.nodeFilter !== undefined ? { value: reading.nodeFilter, from: phrase('node', reading.nodeFilter) } : slots.node !== undefined ? { value: slots.node, from: phrase('node', slots.node) } : undefined;
    case 'replicas': {
      if (!slots.replicas) return undefined;
      const resolved = resolveReplicas(slots.replicas, currentReplicas);
      if ('reason' in resolved) return { missing: resolved.reason };
      return { value: resolved.value, from: slots.replicas.phrase };
    }
    case 'tail':
    case 'tail_lines':
      return slots.tailLines !== undefined ? { value: slots.tailLines, from: phrase('tailLines', String(slots.tailLines)) } : undefined;
    case 'since':
      return slots.since !== undefined ? { value: slots.since, from: phrase('since', slots.since) } : undefined;
    case 'timeout':
      return slots.timeout !== undefined ? { value: slots.timeout, from: phrase('timeout', slots.timeout) } : undefined;
    case 'container':
      return reading.container !== undefined ? { value: reading.container, from: slots.phrases.container ?? reading.container } : undefined;
    case 'revision':
    case 'to_revision':
      return slots.revision !== undefined ? { value: slots.revision, from: phrase('revision', String(slots.revision)) } : undefined;
    case 'output':
      if (slots.output === undefined) return undefined;
      return { value: slots.output, from: phrase('output', slots.output) };
    case 'sort_by':
      return slots.sortBy === 'cpu' || slots.sortBy === 'memory' ? { value: slots.sortBy, from: phrase('sortBy', slots.sortBy) } : undefined;
    case 'containers':
      return slots.perContainer ? { value: true, from: phrase('perContainer', 'per container') } : undefined;
    case 'types':
      return slots.warnings ? { value: 'Warning', from: phrase('warnings', 'warnings') } : undefined;
    case 'selector':
      return slots.selector !== undefined ? { value: slots.selector, from: phrase('selector', slots.selector) } : undefined;
    case 'previous':
      return slots.previous ? { value: true, from: phrase('previous', 'previous') } : undefined;
    default:
      break;
  }
  if (param.type === 'boolean' && param.flag && flagMentioned(param.flag, text)) return { value: true, from: param.flag.replace(/^-+/, '') };
  return undefined;
}

/** The values of a card's parameters from the request's own fields, then the reading. */
export function fillCard(card: Card, reading: RequestReading, request: K8sExecPayload, text: string, currentReplicas: number | undefined): { values: Record<string, ParamValue>; filled: string[]; missing: string[]; notes: string[] } {
  const values: Record<string, ParamValue> = payloadParams(card, request);
  const filled: string[] = [];
  const missing: string[] = [];
  const notes: string[] = [];
  if (request.namespace === undefined && reading.namespace !== undefined && card.params.some((param) => param.name === 'namespace')) values.namespace = reading.namespace;
  for (const param of card.params) {
    if (ownValue(values, param.name) !== undefined && !(param.name === 'name' && reading.name !== undefined && reading.nameFrom === 'cluster')) continue;
    const candidate = fillFor(param, card, reading, text, currentReplicas);
    if (!candidate) continue;
    if ('missing' in candidate) {
      missing.push(param.name);
      notes.push(`${param.name}: ${candidate.missing}`);
      continue;
    }
    const checked = checkParamValue(param, candidate.value);
    if ('error' in checked) {
      notes.push(`ignored "${candidate.from}": ${param.name} ${checked.error}`);
      continue;
    }
    setOwnValue(values, param.name, checked.value);
    if (param.name !== 'namespace') filled.push(`${param.name}=${String(checked.value)} from "${candidate.from}"`);
  }
  return { values, filled, missing, notes };
}
