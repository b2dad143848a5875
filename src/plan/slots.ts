/**
 * The slot grammar: the documented phrases the template planner understands in free text
 * ("to 5", "last 200 lines", "since 15m", "the sidecar container"...). Pure and total: the text is
 * untrusted, so a slot only ever proposes a value; the caller checks it against the card parameter
 * (checkParamValue) before it is used. See docs/planner.md for the full table.
 */
import { ownValue } from '../own-property.js';

import { DURATION_NUMBER_PATTERN, DURATION_UNIT_PATTERN, wordsToGoDuration } from '../schemas/duration.js';

/** A replica request: an absolute count, a change by some replicas, or a factor of the current count. */
export type ReplicaSlot =
  | { kind: 'absolute'; value: number; phrase: string }
  | { kind: 'delta'; value: number; phrase: string }
  | { kind: 'factor'; value: number; phrase: string };

/** What the slot grammar found in a text; every field is optional. `phrases` says which words produced each slot. */
export interface Slots {
  replicas?: ReplicaSlot;
  tailLines?: number;
  /** A Go duration such as "15m" or "2h" (days are converted to hours, kubectl has no "d"). */
  since?: string;
  previous?: boolean;
  container?: string;
  revision?: number;
  node?: string;
  output?: 'wide' | 'yaml' | 'json' | 'name';
  /** A Go duration for how long to wait. */
  timeout?: string;
  /** Sort order asked for: cpu/memory (top) or restarts (pods). */
  sortBy?: 'cpu' | 'memory' | 'restarts';
  /** Stream live ("-f", "follow", "tail -f", "stream"). */
  follow?: boolean;
  /** Only Warning events ("warnings", "only warnings", "type=Warning"). */
  warnings?: boolean;
  /** Usage per container ("per container", "--containers"). */
  perContainer?: boolean;
  /** A label selector ("-l app=api", "with label tier=backend"). */
  selector?: string;
  /** Every absolute replica count the text names ("to 10 then back to 3": two, a contradiction). */
  replicaTargets?: number[];
  /** The matched words per slot, for rationales and notes. */
  phrases: Partial<Record<SlotName, string>>;
}

/** The names of the slots. */
export type SlotName =
  | 'replicas' | 'tailLines' | 'since' | 'previous' | 'container' | 'revision' | 'node' | 'output' | 'timeout'
  | 'sortBy' | 'follow' | 'warnings' | 'perContainer' | 'selector';

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fifteen: 15, twenty: 20,
};
const NUMBER = `(\\d{1,6}|${Object.keys(NUMBER_WORDS).join('|')})`;

function toNumber(token: string): number {
  return ownValue(NUMBER_WORDS, token) ?? Number(token);
}

/** Duration units in words (the shared duration grammar, src/schemas/duration.ts). */
const UNIT = `(${DURATION_UNIT_PATTERN})`;
/** An amount before a unit: digits or a number word ("twenty minutes"). */
const AMOUNT = `(${DURATION_NUMBER_PATTERN})`;

/** A duration in words: "20 minutes", "90s", "half an hour", "an hour and a half", "a minute". */
const DURATION_PHRASE = `((?:${DURATION_NUMBER_PATTERN})\\s*${DURATION_UNIT_PATTERN}(?:\\s+and\\s+a\\s+half)?|half\\s+an?\\s+hour|an?\\s+(?:hour|minute)(?:\\s+and\\s+a\\s+half)?|(?:a\\s+)?quarter\\s+of\\s+an\\s+hour)`;

/** "20" + "minutes" -> "20m"; days become hours (kubectl durations have no "d"). */
function toDuration(amount: string | number, unit: string): string | undefined {
  return wordsToGoDuration(`${amount} ${unit}`);
}

/** Words that follow "the"/"container" but are not container names. */
const NOT_A_CONTAINER = new Set([
  'crashed', 'crashing', 'previous', 'prior', 'failed', 'failing', 'dead', 'same', 'other', 'first', 'last', 'current',
  'new', 'old', 'this', 'that', 'a', 'an', 'the', 'its', 'my', 'our', 'their', 'restarted', 'broken', 'logs', 'log',
  'is', 'was', 'in', 'of', 'for', 'and', 'or', 'which', 'named', 'called', 'container', 'containers', 'pod',
  'since', 'with', 'from', 'on', 'at', 'to', 'only', 'please', 'restarts', 'keeps', 'crashes', 'died', 'exited', 'output',
]);

/** Words after "node" that are not node names. */
const NOT_A_NODE = new Set([
  'is', 'was', 'the', 'a', 'an', 'that', 'which', 'and', 'or', 'for', 'in', 'on', 'named', 'called', 'pressure', 'pool',
  'has', 'have', 'had', 'each', 'every', 'labels', 'label', 'with', 'usage', 'cpu', 'memory', 'status', 'list', 'events', 'it',
  'they', 'runs', 'run', 'running', 'names', 'name', 'pools', 'are', 'does', 'do', 'did', 'should', 'can', 'will', 'to', 'of',
]);

const LABEL = '([a-z0-9](?:[a-z0-9.-]{0,61}[a-z0-9])?)';

interface Rule<Value> {
  pattern: RegExp;
  value: (match: RegExpMatchArray) => Value | undefined;
}

const globalPatterns = new WeakMap<RegExp, RegExp>();

/** The rule's pattern with the g flag, compiled once. */
function globalOf(pattern: RegExp): RegExp {
  let global = globalPatterns.get(pattern);
  if (!global) globalPatterns.set(pattern, (global = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`)));
  return global;
}

function firstMatch<Value>(text: string, rules: readonly Rule<Value>[]): { value: Value; phrase: string } | undefined {
  for (const rule of rules) {
    for (const match of text.matchAll(globalOf(rule.pattern))) {
      const value = rule.value(match);
      if (value !== undefined) return { value, phrase: match[0].trim() };
    }
  }
  return undefined;
}

const REPLICA_RULES: readonly Rule<Omit<ReplicaSlot, 'phrase'>>[] = [
  { pattern: new RegExp(`\\b(?:scale\\s+)?up\\s+(?:[a-z0-9][a-z0-9.-]*\\s+)?by\\s+${NUMBER}(?!\\s*%)\\b`), value: (m) => ({ kind: 'delta', value: toNumber(m[1]!) }) },
  { pattern: new RegExp(`\\b(?:scale\\s+)?down\\s+(?:[a-z0-9][a-z0-9.-]*\\s+)?by\\s+${NUMBER}(?!\\s*%)\\b`), value: (m) => ({ kind: 'delta', value: -toNumber(m[1]!) }) },
  { pattern: new RegExp(`\\b(?:scale\\s+)?up\\s+by\\s+${NUMBER}(?!\\s*%)\\b`), value: (m) => ({ kind: 'delta', value: toNumber(m[1]!) }) },
  { pattern: new RegExp(`\\b(?:scale\\s+)?down\\s+by\\s+${NUMBER}(?!\\s*%)\\b`), value: (m) => ({ kind: 'delta', value: -toNumber(m[1]!) }) },
  { pattern: /\b(?:down|decrease|reduce|cut|shrink)\b(?:[^%]*?\s)?by\s+(\d{1,3})\s*%/, value: (m) => ({ kind: 'factor', value: 1 - Number(m[1]) / 100 }) },
  { pattern: /\bby\s+(\d{1,4})\s*%/, value: (m) => ({ kind: 'factor', value: 1 + Number(m[1]) / 100 }) },
  { pattern: /\b(double|twice)\b/, value: () => ({ kind: 'factor', value: 2 }) },
  { pattern: /\btriple\b/, value: () => ({ kind: 'factor', value: 3 }) },
  { pattern: /\b(halve|half)\b/, value: () => ({ kind: 'factor', value: 0.5 }) },
  { pattern: new RegExp(`\\b(?:add|plus)\\s+${NUMBER}\\s+(?:more\\s+)?(?:replicas?|pods?|instances?)\\b`), value: (m) => ({ kind: 'delta', value: toNumber(m[1]!) }) },
  { pattern: new RegExp(`\\b(?:remove|drop)\\s+${NUMBER}\\s+(?:replicas?|pods?|instances?)\\b`), value: (m) => ({ kind: 'delta', value: -toNumber(m[1]!) }) },
  { pattern: new RegExp(`\\b(?:${NUMBER})\\s+more\\s+(?:replicas?|pods?|instances?)\\b`), value: (m) => ({ kind: 'delta', value: toNumber(m[1]!) }) },
  { pattern: new RegExp(`\\b(?:${NUMBER})\\s+(?:fewer|less)\\s+(?:replicas?|pods?|instances?)\\b`), value: (m) => ({ kind: 'delta', value: -toNumber(m[1]!) }) },
  { pattern: /(?:^|\s)([+-])(\d{1,4})\b(?!\s*%)/, value: (m) => ({ kind: 'delta', value: (m[1] === '-' ? -1 : 1) * Number(m[2]) }) },
  { pattern: new RegExp(`\\b(?:replicas?\\s*[=:]\\s*|--replicas[= ])${NUMBER}\\b`), value: (m) => ({ kind: 'absolute', value: toNumber(m[1]!) }) },
  { pattern: new RegExp(`\\b${NUMBER}\\s+(?:replicas?|pods|instances|copies)\\b`), value: (m) => ({ kind: 'absolute', value: toNumber(m[1]!) }) },
  // "to 5" but not "to revision 3", "to 5 lines", "to 5m" (a duration) or "to 50%".
  { pattern: new RegExp(`\\bto\\s+${NUMBER}\\b(?!\\s*(?:%|lines?|${UNIT}\\b))`), value: (m) => ({ kind: 'absolute', value: toNumber(m[1]!) }) },
];

const TAIL_RULES: readonly Rule<number>[] = [
  { pattern: /(?:--tail[= ]|\btail[= ]?)(\d{1,6})\b/, value: (m) => Number(m[1]) },
  { pattern: /\b(?:last|latest|final|first|recent)\s+(\d{1,6})\s+(?:log\s+)?lines?\b/, value: (m) => Number(m[1]) },
  { pattern: /\b(\d{1,6})\s+(?:log\s+)?lines\b/, value: (m) => Number(m[1]) },
  { pattern: new RegExp(`\\b(?:last|latest|final)\\s+(\\d{1,5})\\b(?!\\s*(?:%|revisions?|versions?|${UNIT}\\b))`), value: (m) => Number(m[1]) },
];

const SINCE_RULES: readonly Rule<string>[] = [
  { pattern: new RegExp(`(?:--since[= ]|\\bsince\\s+|\\bfrom\\s+the\\s+last\\s+)${AMOUNT}\\s*${UNIT}\\b`), value: (m) => toDuration(m[1]!, m[2]!) },
  { pattern: new RegExp(`\\b(?:in\\s+the\\s+|over\\s+the\\s+|for\\s+the\\s+|during\\s+the\\s+)?(?:last|past|previous)\\s+${AMOUNT}\\s*${UNIT}\\b`), value: (m) => toDuration(m[1]!, m[2]!) },
  { pattern: /\b(?:in\s+the\s+|over\s+the\s+|for\s+the\s+)?(?:last|past|previous)\s+(?:an?\s+|one\s+)?(hour|minute|day)\b/, value: (m) => toDuration(1, m[1]!) },
  { pattern: /\b(?:last|past)\s+half\s+(?:an?\s+)?hour\b/, value: () => '30m' },
  { pattern: new RegExp(`\\b${AMOUNT}\\s*${UNIT}\\s+ago\\b`), value: (m) => toDuration(m[1]!, m[2]!) },
];

const TIMEOUT_RULES: readonly Rule<string>[] = [
  { pattern: new RegExp(`(?:--timeout[= ]|\\btimeout\\s*(?:of\\s+|=\\s*|:\\s*)?)${AMOUNT}\\s*${UNIT}\\b`), value: (m) => toDuration(m[1]!, m[2]!) },
  { pattern: new RegExp(`\\b(?:timeout|time-?out|deadline)\\s*(?:of\\s+|=\\s*|:\\s*)?${DURATION_PHRASE}`), value: (m) => wordsToGoDuration(m[1]!) },
  { pattern: new RegExp(`\\b${AMOUNT}\\s*-?\\s*${UNIT}\\s+(?:timeout|time-?out|deadline|limit)\\b`), value: (m) => toDuration(m[1]!, m[2]!) },
  { pattern: new RegExp(`\\b(?:wait|waiting)\\s+(?:up\\s+to\\s+|for\\s+|at\\s+most\\s+|max\\s+)?${AMOUNT}\\s*${UNIT}\\b`), value: (m) => toDuration(m[1]!, m[2]!) },
  { pattern: new RegExp(`\\b(?:give\\s+it|give\\s+them|give\\s+the\\s+pods|allow|allowing|for\\s+up\\s+to|up\\s+to|within|at\\s+most|max(?:imum)?|no\\s+more\\s+than)\\s+${AMOUNT}\\s*${UNIT}\\b`), value: (m) => toDuration(m[1]!, m[2]!) },
  { pattern: new RegExp(`\\b(?:give(?:\\s+(?:it|them|the\\s+pods|pods|the\\s+node|it\\s+a))?|allow|up\\s+to|within|at\\s+most|wait(?:\\s+for)?)\\s+${DURATION_PHRASE}`), value: (m) => wordsToGoDuration(m[1]!) },
  { pattern: new RegExp(`\\b${DURATION_PHRASE}\\s+(?:timeout|time-?out|deadline|to\\s+finish|to\\s+drain|max)\\b`), value: (m) => wordsToGoDuration(m[1]!) },
];

const PREVIOUS_RULES: readonly Rule<boolean>[] = [
  { pattern: /(?:--previous\b|\bprevious\b(?!\s+\d)|\bprior\s+(?:container|instance|run)\b)/, value: () => true },
  { pattern: /\b(?:the\s+)?(?:crashed|dead|last\s+crashed|killed|oom-?killed)\s+(?:[a-z0-9][a-z0-9-]*\s+)?(?:container|instance|run|one)\b/, value: () => true },
  { pattern: /\bbefore\s+(?:it|the\s+(?:pod|container|app)|[a-z0-9-]+)\s+(?:crashed|restarted|died|was\s+(?:oom\s?)?killed|got\s+(?:oom\s?)?killed|was\s+restarted|went\s+down)\b/, value: () => true },
  { pattern: /\bbefore\s+the\s+(?:restart|crash|oom|kill)\b|\blast\s+(?:run|instance|crash)\b|\bcrashed\s+one\b|\bprevious\s+(?:run|instance|container)\b/, value: () => true },
];

const CONTAINER_RULES: readonly Rule<string>[] = [
  { pattern: new RegExp(`(?:^|\\s)(?:-c|--container)[= ]${LABEL}\\b`), value: (m) => m[1] },
  { pattern: new RegExp(`\\b(?:the|its|from)\\s+${LABEL}\\s+container\\b`), value: (m) => (NOT_A_CONTAINER.has(m[1]!) ? undefined : m[1]) },
  { pattern: new RegExp(`\\bcontainer\\s*(?:=|:|\\s+named\\s+|\\s+called\\s+|\\s+)${LABEL}\\b`), value: (m) => (NOT_A_CONTAINER.has(m[1]!) ? undefined : m[1]) },
];

const REVISION_RULES: readonly Rule<number>[] = [
  { pattern: /(?:--to-revision[= ]|--revision[= ])(\d{1,6})\b/, value: (m) => Number(m[1]) },
  { pattern: /\b(?:revision|rev)\s*(?:=|:|#|number\s+|no\.?\s*)?\s*(\d{1,6})\b/, value: (m) => Number(m[1]) },
];

const NODE_RULES: readonly Rule<string>[] = [
  { pattern: new RegExp(`\\bnode\\s*(?:=|:|\\s+named\\s+|\\s+called\\s+|\\s+)${LABEL}\\b`), value: (m) => (NOT_A_NODE.has(m[1]!) ? undefined : m[1]) },
  { pattern: /\b(?:on|from)\s+((?:node|worker|ip-|gke-|aks-|kind-|minikube)[a-z0-9.-]*[a-z0-9])\b/, value: (m) => (/[0-9-]/.test(m[1]!) ? m[1] : undefined) },
  { pattern: /\b((?:node|worker)-[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\b/, value: (m) => m[1] },
];

const OUTPUT_RULES: readonly Rule<Slots['output']>[] = [
  { pattern: /(?:^|\s)(?:-o|--output)[= ]?(wide|yaml|json|name)\b/, value: (m) => m[1] as Slots['output'] },
  { pattern: /\b(wide|yaml|json)\b/, value: (m) => m[1] as Slots['output'] },
  {
    pattern: /\bwith (?:their|the|its) nodes?\b|\bwhich nodes? (?:each|every|the|they|it)\b|\bnode each\b|\bwhere (?:are|is|do|does) (?:the |all )?(?:\S+ )?(?:pods? )?(?:running|run|scheduled|placed)\b|\bwhat nodes? (?:they|the pods?|each)\b|\bwith (?:the )?(?:ips?|ip addresses|node names)\b|\bpod ips?\b|\bmore columns\b/,
    value: () => 'wide',
  },
  { pattern: /\bmanifest\b|\bfull (?:spec|definition|object)\b|\bthe spec\b|\bdefinition\b/, value: () => 'yaml' },
  { pattern: /\bimages?\b|\bwhich versions?\b|\bwhat versions?\b/, value: () => 'wide' },
];

const SORT_RULES: readonly Rule<NonNullable<Slots['sortBy']>>[] = [
  { pattern: /--sort-by[= ](cpu|memory)\b/, value: (m) => m[1] as 'cpu' | 'memory' },
  { pattern: /\b(?:restarts?|restart count|restartcount)\b(?=.*\b(?:sort|sorted|order|ordered|most|highest|top)\b)|\b(?:sort(?:ed)?|order(?:ed)?) by (?:the )?(?:number of )?restarts?\b|\bmost restarts\b|\bby restarts?\b|\brestarted the most\b/, value: () => 'restarts' },
  { pattern: /\b(?:sort(?:ed)?|order(?:ed)?|rank(?:ed)?) by (?:the )?(?:most )?(cpu|memory|mem|ram)\b/, value: (m) => (m[1] === 'cpu' ? 'cpu' : 'memory') },
  { pattern: /\b(?:by|most|highest|top|heaviest|biggest|max)\s+(?:\w+\s+)?(cpu|memory|mem|ram)\b|\b(cpu|memory|mem|ram)[- ](?:hog|hogs|hungry|heavy|heaviest)\b|\busing the most (cpu|memory|mem|ram)\b/, value: (m) => ((m[1] ?? m[2] ?? m[3]) === 'cpu' ? 'cpu' : 'memory') },
];

const FOLLOW_RULES: readonly Rule<boolean>[] = [
  { pattern: /(?:^|\s)(?:-f|--follow)\b|\bfollow(?:ing)?\b|\bstream(?:ing)?\b|\btail -f\b|\blive\b|\bkeep (?:watching|tailing)\b|\bas (?:they|it) (?:come|happen)s?\b/, value: () => true },
];

const WARNING_RULES: readonly Rule<boolean>[] = [
  { pattern: /\bwarnings?\b|--types[= ]warning\b|\btype[= ]warning\b/, value: () => true },
];

const PER_CONTAINER_RULES: readonly Rule<boolean>[] = [
  { pattern: /--containers\b|\b(?:per|by|each|every|for each|broken down by) container\b|\bcontainer[- ]level\b|\bper-container\b/, value: () => true },
];

const SELECTOR_RULES: readonly Rule<string>[] = [
  { pattern: /(?:^|\s)(?:-l|--selector|--selector=|-l=)\s?([a-z0-9][a-z0-9./-]*(?:!=|==|=)[a-z0-9._-]*(?:,[a-z0-9][a-z0-9./-]*(?:!=|==|=)[a-z0-9._-]*)*)/, value: (m) => m[1] },
  { pattern: /\b(?:label|labels|labelled|labeled|selector)\s+([a-z0-9][a-z0-9./-]*(?:!=|==|=)[a-z0-9._-]+)/, value: (m) => m[1] },
];

/** Extracts every slot the grammar recognises from free text (case-insensitive). Never throws. */
export function extractSlots(text: string | undefined): Slots {
  const slots: Slots = { phrases: {} };
  if (!text) return slots;
  const normalized = text.toLowerCase().replace(/\s+/g, ' ').trim();
  const take = <Value>(name: SlotName, rules: readonly Rule<Value>[]): Value | undefined => {
    const found = firstMatch(normalized, rules);
    if (found) slots.phrases[name] = found.phrase;
    return found?.value;
  };
  // Revisions and durations are read first so their numbers are not mistaken for replica counts.
  slots.revision = take('revision', REVISION_RULES);
  slots.timeout = take('timeout', TIMEOUT_RULES);
  slots.since = take('since', SINCE_RULES);
  slots.tailLines = take('tailLines', TAIL_RULES);
  const replicas = firstMatch(normalized, REPLICA_RULES);
  if (replicas && !overlapsRevision(replicas.phrase, slots)) {
    slots.replicas = { ...replicas.value, phrase: replicas.phrase } as ReplicaSlot;
    slots.phrases.replicas = replicas.phrase;
  }
  slots.previous = take('previous', PREVIOUS_RULES);
  slots.container = take('container', CONTAINER_RULES);
  slots.node = take('node', NODE_RULES);
  slots.output = take('output', OUTPUT_RULES);
  slots.sortBy = take('sortBy', SORT_RULES);
  slots.follow = take('follow', FOLLOW_RULES);
  slots.warnings = take('warnings', WARNING_RULES);
  slots.perContainer = take('perContainer', PER_CONTAINER_RULES);
  slots.selector = take('selector', SELECTOR_RULES);
  const targets = replicaTargets(normalized, slots);
  if (targets.length > 1) slots.replicaTargets = targets;
  for (const key of Object.keys(slots) as (keyof Slots)[]) {
    if (slots[key] === undefined) delete slots[key];
  }
  return slots;
}

/** Every absolute count the text gives ("to 10 then back to 3" -> [10, 3]); revisions and durations excluded. */
function replicaTargets(text: string, slots: Slots): number[] {
  const found = new Set<number>();
  const patterns = [
    new RegExp(`\\bto\\s+${NUMBER}\\b(?!\\s*(?:%|lines?|${UNIT}\\b))`, 'g'),
    new RegExp(`\\b${NUMBER}\\s+(?:replicas?|pods|instances|copies)\\b`, 'g'),
    new RegExp(`(?:--replicas[= ]|\\breplicas?\\s*[=:]\\s*)${NUMBER}\\b`, 'g'),
  ];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      if (slots.phrases.revision?.includes(match[1]!)) continue;
      found.add(toNumber(match[1]!));
    }
  }
  return [...found];
}

/**
 * A bare count on a scale request ("scale web 5", "scale web=5", or just "5" with the object given
 * in the fields), when nothing else in the text can be that number. Used only on scale requests.
 */
export function bareReplicaCount(text: string, objectName: string | undefined): number | undefined {
  const normalized = text.toLowerCase().replace(/\s+/g, ' ').trim();
  const numbers = normalized.match(/(?<![\w.-])\d+(?![\w%.:-])/g) ?? [];
  if (numbers.length !== 1) return undefined;
  // A number that belongs to another slot ("revision 2", "50 lines", "in 5 minutes") is not a count.
  if (/\b(?:revision|rev|lines?|tail|since|timeout|minutes?|mins?|seconds?|secs?|hours?|hrs?|days?|percent)\b|%/.test(normalized)) return undefined;
  if (normalized === numbers[0]) return Number(numbers[0]);
  if (objectName === undefined) return undefined;
  const escaped = objectName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(?:^|[\\s/])${escaped}(?:\\s+|=|:)(\\d{1,4})(?![\\w%.:])`).exec(normalized);
  return match ? Number(match[1]) : undefined;
}

function overlapsRevision(phrase: string, slots: Slots): boolean {
  return slots.phrases.revision !== undefined && slots.phrases.revision.includes(phrase.replace(/^to\s+/, ''));
}

/** Resolves a replica slot to a count, or explains why it cannot (relative forms need the current count). */
export function resolveReplicas(slot: ReplicaSlot, currentReplicas: number | undefined): { value: number } | { reason: string } {
  if (slot.kind === 'absolute') return { value: slot.value };
  if (currentReplicas === undefined) {
    return { reason: `"${slot.phrase}" is relative and the current replica count is unknown; say the target count, e.g. "to 5"` };
  }
  const value = slot.kind === 'delta' ? currentReplicas + slot.value : Math.round(currentReplicas * slot.value);
  if (value < 0) return { reason: `"${slot.phrase}" from ${currentReplicas} replicas would be ${value}` };
  return { value };
}
