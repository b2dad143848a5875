/**
 * Text analysis shared by the lexical embedder and BM25: normalised words, a light stemmer, and a
 * Kubernetes/on-call vocabulary table that expands slang ("bounce", "po", "crashloop") to the
 * canonical terms the cards use. Deterministic and corpus-independent, so vectors stay stable.
 */
import { RESOURCE_ALIASES, RESOURCES } from '../schemas/vocabulary.js';

/** Words too common to carry meaning in an on-call request. */
const STOPWORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'is', 'are', 'was', 'were', 'be', 'been', 'to', 'of', 'in', 'on', 'for', 'at', 'by',
  'my', 'me', 'i', 'we', 'our', 'us', 'it', 'its', 'and', 'or', 'please', 'pls', 'plz', 'can', 'could',
  'you', 'your', 'with', 'this', 'that', 'these', 'those', 'do', 'does', 'did', 'just', 'some', 'any',
  'so', 'then', 'there', 'here', 'hey', 'hi', 'need', 'want', 'would', 'like', 'should', 'let', 'lets',
  'quick', 'quickly', 'now', 'again', 'also', 'into', 'from', 'as', 'about', 'am', 'will', 'have', 'has', 'had',
]);

/** Lower-cases, strips accents and turns every run of non-alphanumerics into one space. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Normalised words, stopwords kept (n-grams and phrases need them). */
export function words(text: string): string[] {
  const normalized = normalizeText(text);
  return normalized === '' ? [] : normalized.split(' ');
}

const KEEP_DOUBLE = new Set(['ll', 'ss', 'zz', 'ff']);

/**
 * A deliberately light stemmer: strips -ing/-ed/-s and a final -e so "scale", "scaled" and
 * "scaling" meet. Consistency on both sides matters more than linguistic accuracy.
 */
export function stem(word: string): string {
  let result = word;
  if (/^[0-9]+$/.test(result) || result.length <= 3) return result;
  if (result.endsWith('ing') && result.length > 5) result = result.slice(0, -3);
  else if (result.endsWith('ied') && result.length > 4) result = `${result.slice(0, -3)}y`;
  else if (result.endsWith('ed') && result.length > 4) result = result.slice(0, -2);
  else if (result.endsWith('ies') && result.length > 4) result = `${result.slice(0, -3)}y`;
  else if (result.endsWith('s') && !result.endsWith('ss') && !result.endsWith('us') && result.length > 3) result = result.slice(0, -1);
  const last2 = result.slice(-2);
  if (result.length > 4 && last2[0] === last2[1] && /[bcdfgkmnprt]/.test(last2[0] ?? '') && !KEEP_DOUBLE.has(last2)) {
    result = result.slice(0, -1);
  }
  if (result.endsWith('e') && result.length > 3) result = result.slice(0, -1);
  return result;
}

/**
 * Slang, short names and symptoms -> the canonical words the cards are written with.
 * Keys are words or phrases (stemmed when the table is built); values are added, never substituted.
 */
const VOCABULARY_SOURCE: Readonly<Record<string, readonly string[]>> = {
  // restart
  bounce: ['restart'], recycle: ['restart'], reboot: ['restart'], kick: ['restart'], cycle: ['restart'],
  respawn: ['restart'], redeploy: ['restart'], 'roll the pods': ['restart'], 'fresh pods': ['restart'],
  'turn it off and on': ['restart'], 'off and on': ['restart'], refresh: ['restart'], reload: ['restart'],
  // rollback
  revert: ['rollback'], undo: ['rollback'], 'roll back': ['rollback'], 'go back': ['rollback'], downgrade: ['rollback'],
  'previous version': ['rollback', 'previous'], 'last version': ['rollback', 'previous'], 'bad deploy': ['rollback'],
  'bad release': ['rollback'], 'last good': ['rollback'],
  // scale
  resize: ['scale'], replica: ['scale', 'replicas'], 'scale up': ['scale'], 'scale down': ['scale'], 'more pods': ['scale'],
  'fewer pods': ['scale'], 'less pods': ['scale'], grow: ['scale'], shrink: ['scale'], 'add capacity': ['scale'],
  'zero replicas': ['scale'], 'spin up': ['scale'], 'spin down': ['scale'], instances: ['scale', 'replicas'],
  // logs
  log: ['logs'], stdout: ['logs'], stderr: ['logs'], output: ['logs'], tail: ['logs'], print: ['logs'],
  'what did it print': ['logs'], 'previous container': ['logs', 'previous'],
  // diagnose and symptoms
  debug: ['diagnose'], troubleshoot: ['diagnose'], 'what is wrong': ['diagnose'], 'whats wrong': ['diagnose'],
  broken: ['diagnose'], failing: ['diagnose'], fail: ['diagnose'], crash: ['diagnose', 'crashloop'],
  crashloop: ['diagnose', 'crashloopbackoff'], crashloopbackoff: ['diagnose', 'crashloop'], 'crash loop': ['diagnose', 'crashloop'],
  crashlooping: ['diagnose', 'crashloop'], 'keeps restarting': ['diagnose', 'crashloop'], 'keeps crashing': ['diagnose', 'crashloop'],
  oom: ['diagnose', 'oomkilled', 'memory'], oomkilled: ['diagnose', 'oom', 'memory'], 'out of memory': ['diagnose', 'oom', 'memory'],
  evicted: ['diagnose', 'evict'], pending: ['diagnose', 'pending'], stuck: ['diagnose', 'stuck'], unhealthy: ['diagnose'],
  'not ready': ['diagnose', 'ready'], notready: ['diagnose', 'ready'], imagepullbackoff: ['diagnose', 'image'],
  errimagepull: ['diagnose', 'image'], 'wont start': ['diagnose'], 'not starting': ['diagnose'], dead: ['diagnose'],
  down: ['diagnose'], flapping: ['diagnose', 'crashloop'], 'why is': ['diagnose'],
  // events
  event: ['events'], 'what happened': ['events'], warnings: ['events'], warning: ['events'],
  // top
  usage: ['top'], cpu: ['top', 'cpu'], memory: ['top', 'memory'], mem: ['top', 'memory'], ram: ['top', 'memory'],
  metrics: ['top'], consumption: ['top'], hog: ['top'], hogging: ['top'], heavy: ['top'], 'eating memory': ['top', 'memory'],
  // nodes: cordon / uncordon / drain
  unschedulable: ['cordon'], 'mark unschedulable': ['cordon'], 'stop scheduling': ['cordon'], fence: ['cordon'],
  'schedulable again': ['uncordon'], 'back in rotation': ['uncordon'], 'allow scheduling': ['uncordon'], 'resume scheduling': ['uncordon'],
  evacuate: ['drain'], 'empty the node': ['drain'], maintenance: ['drain'], decommission: ['drain'],
  // delete
  remove: ['delete'], nuke: ['delete'], destroy: ['delete'], rm: ['delete'], del: ['delete'], 'get rid': ['delete'],
  kill: ['delete'], zap: ['delete'], 'clean up': ['delete'], cleanup: ['delete'],
  // describe / get / status / history
  details: ['describe'], detail: ['describe'], inspect: ['describe'], 'more info': ['describe'], 'tell me about': ['describe'],
  list: ['get'], ls: ['get'], show: ['get'], 'which pods': ['get', 'pod'], view: ['get'], 'what pods': ['get', 'pod'],
  progress: ['status'], done: ['status'], finished: ['status'], 'rolled out': ['status'], 'rollout status': ['status'],
  revisions: ['history'], revision: ['history'], 'past versions': ['history'], 'what changed': ['history'], changelog: ['history'],
  // resources beyond kubectl's own aliases
  autoscaler: ['hpa'], autoscaling: ['hpa'], 'volume claim': ['pvc'], volume: ['pvc'], disk: ['pvc'], storage: ['pvc'],
  cron: ['cronjob'], 'load balancer': ['service'], lb: ['service'], machine: ['node'], host: ['node'], box: ['node'],
  worker: ['node'], vm: ['node'], container: ['pod'], app: ['deployment'], config: ['configmap'], route: ['ingress'],
  endpoint: ['endpoints'], backends: ['endpoints'], 'batch job': ['job'],
};

function stemPhrase(phrase: string): string {
  return words(phrase).map(stem).join(' ');
}

/** Stemmed word or phrase -> stemmed canonical terms. */
const VOCABULARY: ReadonlyMap<string, readonly string[]> = (() => {
  const table = new Map<string, string[]>();
  const add = (key: string, values: readonly string[]) => {
    const stemmedKey = stemPhrase(key);
    const existing = table.get(stemmedKey) ?? [];
    for (const value of values) {
      const stemmedValue = stem(value);
      if (stemmedValue !== stemmedKey && !existing.includes(stemmedValue)) existing.push(stemmedValue);
    }
    if (existing.length > 0) table.set(stemmedKey, existing);
  };
  for (const [key, values] of Object.entries(VOCABULARY_SOURCE)) add(key, values);
  // kubectl's own spellings of resources: po -> pod, deploy -> deployment, sts -> statefulset...
  for (const resource of RESOURCES) {
    for (const alias of RESOURCE_ALIASES[resource]) {
      if (!alias.includes('.')) add(alias, [resource]);
    }
  }
  return table;
})();

/** The longest phrase in the vocabulary, in words. */
const MAX_PHRASE_WORDS = Math.max(...[...VOCABULARY.keys()].map((key) => key.split(' ').length));

/** Every single word the vocabulary table knows, unstemmed (so typo correction can reach slang too). */
export function vocabularyWords(): string[] {
  const result = new Set<string>();
  for (const key of Object.keys(VOCABULARY_SOURCE)) for (const word of words(key)) result.add(word);
  for (const resource of RESOURCES) for (const alias of RESOURCE_ALIASES[resource]) if (!alias.includes('.')) result.add(alias);
  return [...result];
}

/** True for words that carry no meaning in a request. */
export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** A vocabulary hit: which words of the text triggered which canonical terms. */
export interface VocabularyHit {
  phrase: string;
  terms: readonly string[];
}

/** What analysis yields: stems of content words, canonical expansions and the hits that produced them. */
export interface Analysis {
  /** Stems of the non-stopword words, in order. */
  stems: string[];
  /** Canonical terms added by the vocabulary table. */
  expansions: string[];
  hits: VocabularyHit[];
  /** All normalised words (stopwords included), for n-grams. */
  words: string[];
}

/** Analyses a text: stems, stopwords removed, slang and short names expanded. */
export function analyze(text: string): Analysis {
  const allWords = words(text);
  const allStems = allWords.map(stem);
  const stems: string[] = [];
  const expansions: string[] = [];
  const hits: VocabularyHit[] = [];
  for (let index = 0; index < allWords.length; index++) {
    if (!STOPWORDS.has(allWords[index]!)) stems.push(allStems[index]!);
    for (let length = 1; length <= MAX_PHRASE_WORDS && index + length <= allStems.length; length++) {
      const key = allStems.slice(index, index + length).join(' ');
      const terms = VOCABULARY.get(key);
      if (terms) {
        expansions.push(...terms);
        hits.push({ phrase: allWords.slice(index, index + length).join(' '), terms });
      }
    }
  }
  return { stems, expansions, hits, words: allWords };
}

/** Stems plus expansions: the terms BM25 indexes and matches. */
export function terms(text: string): string[] {
  const analysis = analyze(text);
  return [...analysis.stems, ...analysis.expansions];
}

/** Damerau-Levenshtein distance (optimal string alignment), stopping early above `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const previousPrevious = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0);
    current[0] = i;
    let rowMinimum = current[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previousPrevious[j - 2]! + 1);
      current[j] = value;
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > limit) return limit + 1;
    previousPrevious.splice(0, previousPrevious.length, ...previous);
    previous = current;
  }
  return previous[b.length]!;
}
