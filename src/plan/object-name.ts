/**
 * The object-name slot: reads the name of the object a request is about from common phrasings
 * ("restart api", "the web deployment", "deployment/web", "logs of api-7d9f", "why is api crashing",
 * "on node worker-3"). Pure and conservative: a token is a candidate only when it is a DNS-1123 name
 * and not a word of the request vocabulary (intents, resource names, stop words, slot words,
 * numbers, durations); when the phrasings point at more than one name, nobody guesses.
 */
import { DNS1123_SUBDOMAIN, INTENTS, RESOURCES, RESOURCE_ALIASES, normalizeResource, type Resource } from '../schemas/vocabulary.js';

/** One name the text points at, the words that said so, and the resource those words named (if any). */
export interface ObjectNameCandidate {
  value: string;
  phrase: string;
  /** The resource named next to it ("web deployment" -> deployment), when the phrase had one. */
  resource?: Resource;
  /**
   * `explicit`: "deployment/web" or "named web"; `qualified`: next to a resource word ("web deployment");
   * `phrase`: after a verb or in a question ("restart web", "why is web crashing").
   */
  kind: 'explicit' | 'qualified' | 'phrase';
}

/** The outcome of reading a name: one value, none, or several (then nothing is chosen). */
export type ObjectNameResult =
  | { value: string; phrase: string }
  | { ambiguous: string[] }
  | undefined;

/** Verbs that take the object right after them: "restart api", "scale web to 5", "drain worker-3". */
const VERBS = [
  'restart', 'bounce', 'recycle', 'reboot', 'scale', 'rollback', 'roll back', 'undo', 'drain', 'cordon', 'uncordon',
  'describe', 'diagnose', 'debug', 'inspect', 'status of', 'state of', 'history of', 'logs of', 'logs for', 'logs from',
  'log of', 'log for', 'events of', 'events for',
];

/** What may follow "why is <name>": the states people ask about. */
const STATES = new Set([
  'crashing', 'crashlooping', 'pending', 'failing', 'failed', 'down', 'restarting', 'not', 'stuck', 'oomkilled', 'broken',
  'unhealthy', 'dying', 'erroring', 'slow', 'unavailable', 'unready', 'evicted', 'terminating', 'hanging', 'flapping',
]);

/** Articles and possessives skipped between a verb and its object ("restart the api"). */
const ARTICLES = new Set(['the', 'my', 'our', 'this', 'that']);

/** Words that are never object names, even though they are valid DNS-1123 names. */
const VOCABULARY: ReadonlySet<string> = new Set([
  ...INTENTS,
  ...RESOURCES,
  ...Object.values(RESOURCE_ALIASES).flat(),
  ...VERBS.flatMap((verb) => verb.split(' ')),
  ...STATES,
  ...ARTICLES,
  // stop words
  'a', 'an', 'it', 'its', 'them', 'they', 'those', 'these', 'all', 'every', 'each', 'any', 'some', 'everything', 'me', 'us', 'i',
  'in', 'on', 'of', 'for', 'to', 'from', 'with', 'without', 'by', 'at', 'into', 'onto', 'and', 'or', 'but', 'then', 'so',
  'please', 'now', 'again', 'just', 'only', 'also', 'up', 'down', 'back', 'out', 'over', 'off', 'is', 'are', 'was', 'were',
  'be', 'been', 'why', 'what', 'how', 'which', 'who', 'where', 'when', 'does', 'do', 'did', 'can', 'could', 'would', 'should',
  'will', 'named', 'called', 'cluster', 'namespace', 'current', 'latest', 'new', 'old', 'same', 'other', 'one', 'there', 'here',
  // verbs and nouns of requests
  'show', 'list', 'get', 'check', 'see', 'view', 'watch', 'tell', 'find', 'give', 'kill', 'remove', 'stop', 'start', 'run',
  'rollout', 'roll', 'log', 'status', 'state', 'history', 'events', 'event', 'top', 'usage', 'resources', 'health', 'info',
  'details', 'detail', 'config', 'spec', 'yaml', 'json', 'wide', 'output', 'error', 'errors', 'issue', 'issues', 'problem',
  'crash', 'crashes', 'crashed', 'restarts', 'restarted', 'keeps', 'keep', 'ready', 'running', 'healthy', 'fine', 'ok',
  // slot words
  'replicas', 'replica', 'instances', 'instance', 'copies', 'copy', 'lines', 'line', 'tail', 'since', 'last', 'past', 'previous',
  'prior', 'container', 'containers', 'sidecar', 'revision', 'rev', 'timeout', 'wait', 'within', 'ago', 'more', 'less',
  'double', 'twice', 'triple', 'half', 'halve', 'increase', 'decrease', 'reduce', 'add', 'plus', 'minus', 'timestamps',
  'zero', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'fifteen', 'twenty',
  'second', 'seconds', 'sec', 'secs', 'minute', 'minutes', 'min', 'mins', 'hour', 'hours', 'hr', 'hrs', 'day', 'days',
]);

const NUMBER_OR_DURATION = /^(?:\d+|\d+(?:ms|s|m|h|d)(?:\d+(?:ms|s|m|h))*|\d+%)$/;

/** True when a token may be an object name: DNS-1123, not a number or duration, not a vocabulary word. */
export function isNameToken(token: string): boolean {
  return (
    token.length > 0 &&
    token.length <= 253 &&
    DNS1123_SUBDOMAIN.test(token) &&
    !NUMBER_OR_DURATION.test(token) &&
    !VOCABULARY.has(token)
  );
}

/** A resource named by a word; "no" (kubectl's short name for nodes) is English far more often. */
function resourceWord(word: string): Resource | undefined {
  return word === 'no' ? undefined : normalizeResource(word);
}

/** Lower-cases, splits on spaces and strips punctuation that sentences put around words. */
function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\s+/)
    .filter((token) => token.length > 0)
    // Not filtered again: positions must match the raw words (a lone "," stays as an empty token).
    .map((token) => token.replace(/^["'`(]+|["'`),.;:!?]+$/g, ''));
}

/** Every name the text points at, in order of appearance (may repeat a value). */
export function objectNameCandidates(text: string | undefined): ObjectNameCandidate[] {
  if (!text) return [];
  const raw = text.toLowerCase().split(/\s+/).filter((token) => token.length > 0);
  const tokens = tokenize(text);
  const candidates: ObjectNameCandidate[] = [];
  const positions: number[] = [];
  const add = (value: string | undefined, phrase: string, kind: ObjectNameCandidate['kind'], resource?: Resource, at = -1) => {
    if (value === undefined || !isNameToken(value)) return;
    candidates.push({ value, phrase, kind, ...(resource ? { resource } : {}) });
    positions.push(at);
  };
  tokens.forEach((token, index) => {
    const next = tokens[index + 1];
    const previous = tokens[index - 1];
    // "deployment/web", "deploy/web", "deployment.apps/web"
    const slash = /^([a-z.]+)\/(.+)$/.exec(token);
    if (slash) {
      const resource = resourceWord(slash[1]!);
      if (resource) add(slash[2], token, 'explicit', resource);
      return;
    }
    const resource = resourceWord(token);
    if (resource) {
      // "web deployment", "the api deployment"
      if (previous !== undefined) add(previous, `${previous} ${token}`, 'qualified', resource, index - 1);
      // "deployment web", "pod named web-1", "node called worker-3"
      if (next === 'named' || next === 'called') add(tokens[index + 2], `${token} ${next} ${tokens[index + 2] ?? ''}`, 'explicit', resource);
      else if (next !== undefined) add(next, `${token} ${next}`, 'qualified', resource, index + 1);
      return;
    }
    // "named web-1" without a resource word
    if ((token === 'named' || token === 'called') && !resourceWord(previous ?? '')) {
      add(next, `${token} ${next ?? ''}`, 'explicit');
      return;
    }
    // "why is api crashing", "why is the api pending"
    if (token === 'why' && next !== undefined && ['is', 'are', 'does', 'did', 'do', 'was'].includes(next)) {
      let at = index + 2;
      if (ARTICLES.has(tokens[at] ?? '')) at += 1;
      const state = tokens[at + 1];
      if (state !== undefined && STATES.has(state)) add(tokens[at], tokens.slice(index, at + 2).join(' '), 'phrase', undefined, at);
      return;
    }
  });
  // Verbs of one or two words: "restart api", "roll back web", "logs of api-7d9f", "status of the web".
  for (const verb of VERBS) {
    const words = verb.split(' ');
    for (let index = 0; index + words.length <= tokens.length; index += 1) {
      if (!words.every((word, offset) => tokens[index + offset] === word)) continue;
      let at = index + words.length;
      if (ARTICLES.has(tokens[at] ?? '')) at += 1;
      add(tokens[at], tokens.slice(index, at + 1).join(' '), 'phrase', undefined, at);
    }
  }
  // "restart api and web", "restart api, web": the list names more than one object.
  const listed = candidates.length;
  for (let index = 0; index < listed; index += 1) {
    const at = positions[index]!;
    if (at < 0) continue;
    const joined = ['and', 'or', '&', '+'].includes(tokens[at + 1] ?? '') ? at + 2 : raw[at]?.endsWith(',') ? at + 1 : -1;
    if (joined > 0) add(tokens[joined], tokens.slice(at, joined + 1).join(' '), candidates[index]!.kind, candidates[index]!.resource, joined);
  }
  return candidates;
}

/**
 * The one object name a text names, for a card of `resource`. Candidates that name another resource
 * ("restart api pod" for a deployment card) and the request's namespace are dropped; `kinds` limits
 * which phrasings count. Several distinct names: ambiguous, nothing is chosen.
 */
export function readObjectName(
  text: string | undefined,
  options: { resource: Resource; namespace?: string; kinds?: readonly ObjectNameCandidate['kind'][] },
): ObjectNameResult {
  const kinds = options.kinds ?? ['explicit', 'qualified', 'phrase'];
  const candidates = objectNameCandidates(text).filter((candidate) => kinds.includes(candidate.kind) && candidate.value !== options.namespace);
  // "restart api pod" on a deployment card: api is a pod's name, not this card's object.
  const elsewhere = new Set(candidates.filter((candidate) => candidate.resource !== undefined && candidate.resource !== options.resource).map((candidate) => candidate.value));
  const usable = candidates.filter((candidate) => !elsewhere.has(candidate.value));
  const values = [...new Set(usable.map((candidate) => candidate.value))];
  if (values.length === 0) return undefined;
  if (values.length > 1) return { ambiguous: values };
  return { value: values[0]!, phrase: usable[0]!.phrase };
}
