/**
 * The words of a request, read as an on-call engineer means them: which intents they name (with
 * where and how strongly), and whether a change is commanded, asked about, negated ("do not drain
 * it") or hypothetical ("before maintenance", "what if I drain"). Pure; the text is untrusted and
 * only ever selects among cards.
 */
import { MUTATING_INTENTS, type Intent } from '../schemas/vocabulary.js';

/** One intent the words name: where, how strongly (3 a verb or noun of the intent, 2 a question form, 1 a hint) and the words. */
export interface IntentCue {
  intent: Intent;
  index: number;
  strength: 1 | 2 | 3;
  phrase: string;
  /** For a mutating intent: false when negated, hypothetical or asked about. */
  commanded: boolean;
  /** Why a mutating cue is not commanded. */
  why?: 'negated' | 'hypothetical' | 'question';
}

/** How the request reads as a whole. */
export type Mood = 'command' | 'question' | 'negated' | 'hypothetical' | 'none';

/** Lower-cases and tidies the text; a leading `kubectl`/`k` is dropped (shorthand like "k logs -f deploy/api"). */
export function normalizeRequestText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019`\u00b4]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(?:kubectl|k|kc|kube)\s+/, '');
}

/** The verbs whose misspellings are read as meant ("restrat" -> restart). */
const VERBS = ['restart', 'rollback', 'describe', 'scale', 'drain', 'cordon', 'uncordon', 'logs', 'events', 'history', 'status', 'delete', 'diagnose', 'bounce', 'revert', 'rollout', 'deployment', 'statefulset', 'daemonset', 'replicas'];

/** Words one edit away from a verb that mean something else. */
const ENGLISH = new Set(['stale', 'state', 'skate', 'scare', 'share', 'shale', 'drawn', 'brain', 'train', 'grain', 'delta', 'relate', 'deplete', 'hostory', 'starts', 'stats']);

function distance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  let twoBack: number[] = [];
  for (let row = 1; row <= a.length; row += 1) {
    const current = [row];
    for (let column = 1; column <= b.length; column += 1) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let best = Math.min(previous[column]! + 1, current[column - 1]! + 1, previous[column - 1]! + cost);
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) best = Math.min(best, twoBack[column - 2]! + 1);
      current.push(best);
    }
    twoBack = [...previous];
    previous.splice(0, previous.length, ...current);
  }
  return previous[b.length]!;
}

/**
 * Misspelled verbs and kinds read as meant ("restrat api" -> "restart api", "deploymnet"), never
 * a word that is a name in the cluster (`protect`). One or two edits, by word length.
 */
export function correctVerbs(text: string, protect: ReadonlySet<string> = new Set()): { text: string; corrections: Array<{ typed: string; readAs: string }> } {
  const corrections: Array<{ typed: string; readAs: string }> = [];
  const corrected = text.replace(/[a-z]{5,}/g, (word) => {
    if (protect.has(word) || VERBS.includes(word) || ENGLISH.has(word)) return word;
    // Inflections are not typos: "restarted", "cordoned", "replica".
    if (VERBS.some((verb) => word.startsWith(verb) || verb.startsWith(word))) return word;
    const allowed = word.length >= 7 ? 2 : 1;
    for (const verb of VERBS) {
      if (Math.abs(verb.length - word.length) <= allowed && word[0] === verb[0] && distance(word, verb) <= allowed) {
        corrections.push({ typed: word, readAs: verb });
        return verb;
      }
    }
    return word;
  });
  return { text: corrected, corrections };
}

/** Words split on spaces with sentence punctuation stripped (kept: / = - . % + and flags). */
export function requestTokens(text: string): string[] {
  return text
    .split(/[\s,;!?()]+/)
    .map((token) => token.replace(/^["'[{]+|["'\]}.:]+$/g, ''))
    .filter((token) => token.length > 0);
}

interface CueRule {
  intent: Intent;
  strength: 1 | 2 | 3;
  pattern: RegExp;
}

const cue = (intent: Intent, strength: 1 | 2 | 3, pattern: RegExp): CueRule => ({ intent, strength, pattern });

/** The phrases of each intent. Order does not matter; positions and strengths decide. */
const CUE_RULES: readonly CueRule[] = [
  // rollout subcommands name their intent exactly
  cue('restart', 3, /\brollout restart\b|\brolling restart\b|\brolling-restart\b/),
  cue('rollback', 3, /\brollout undo\b/),
  cue('status', 3, /\brollout status\b/),
  cue('history', 3, /\brollout history\b/),
  cue('pause', 3, /\brollout pause\b/),
  cue('resume', 3, /\brollout resume\b/),
  // changes
  cue('restart', 3, /\b(?:restart|bounce|recycle|reboot|kick(?!\s+off\b)|cycle|redeploy|respawn)\b(?!\s*(?:count|counts|loop)\b)|\broll (?:the )?pods\b|\bfresh (?:set of |batch of )?pods\b|\bturn it off and on\b/),
  cue('scale', 3, /\bscale\b|\b(?:re)?size\b|\bset (?:the )?replicas\b|\bbump\b|\b(?:increase|decrease|reduce|raise|lower) (?:the )?(?:replicas?|replica count|instances|pods)\b|\b(?:add|remove) \d+ (?:more )?(?:replicas?|pods|instances)\b|\bspin (?:up|down)\b|\bmore replicas\b|\bfewer replicas\b/),
  cue('rollback', 3, /\broll ?back\b|\broll [a-z0-9][a-z0-9.-]* back\b|\brevert\b|\bundo\b|\bdowngrade\b|\bgo back to (?:the )?(?:previous|last|old|prior)\b/),
  cue('drain', 3, /\bdrain\b|\bevacuate\b|\bevict (?:all|everything|the pods|pods|every)\b|\bempty (?:out )?node\b/),
  cue('uncordon', 3, /\bback in(?:to)? (?:the )?(?:service|pool|rotation)\b|\buncordon\b|\b(?:make|mark)(?: [a-z0-9.-]+)? schedulable\b|\b(?:allow|re-?enable) scheduling\b|\bback into (?:the )?(?:pool|rotation)\b/),
  cue('cordon', 3, /(?<!un)\bcordon\b|\b(?:make|mark)(?: [a-z0-9.-]+)? unschedulable\b|\b(?:stop|disable|prevent) (?:new )?(?:pods? )?(?:from )?scheduling\b|\bno new pods on\b/),
  cue('delete', 3, /\bdelete\b|\bremove\b(?! \d)|\bkill\b|\bnuke\b|\bget rid of\b|\bclean ?up\b|\bdestroy\b|\bterminate\b|\brm\b/),
  cue('pause', 3, /\bpause\b|\bfreeze (?:the )?rollout\b|\bhold (?:the )?rollout\b/),
  cue('resume', 3, /\bresume\b|\bunpause\b|\bcontinue (?:the )?rollout\b|\bunfreeze\b|\bun-?suspend\b|\bre-?enable (?:the )?(?:[a-z0-9-]+ )?cron/),
  cue('suspend', 3, /\bsuspend\b|\bdisable (?:the )?cron/),
  cue('trigger', 3, /\bre-?run\b|\btrigger\b|\bkick off\b|\brun (?:the )?(?:[a-z0-9-]+ )?(?:cron ?job )?now\b|\bfire (?:off )?(?:the )?(?:[a-z0-9-]+ )?cron/),
  // reads
  cue('logs', 3, /\blogs?\b|\btail\b|\bstdout\b|\bstderr\b|(?:^|\s)-f\b|--follow\b|\bfollow\b|\bstream(?:ing)?\b|\blines?\b/),
  cue('logs', 2, /\bwhat did [a-z0-9.-]+ (?:print|say|log|output)\b|\boutput\b|\bprinted\b/),
  cue('events', 3, /\bevents?\b/),
  cue('events', 2, /\bwarnings\b|\bwhat happened\b|\bwhat changed\b|\bwhat'?s changed\b|\bchanges\b/),
  cue('top', 3, /\btop\b|\b(?:most|highest|heaviest|biggest|max)\s+(?:cpu|memory|mem|ram)\b|\busing the most\b|\beating (?:the most )?(?:cpu|memory|mem|ram)\b|\b(?:cpu|memory|mem|ram) (?:usage|hogs?|consumption)\b/),
  cue('top', 2, /\b(?:cpu|memory|mem|ram)\b(?! (?:limits?|requests?))|\busage\b|\butili[sz]ation\b|\bconsum|\bhogg?ing\b|\bheaviest\b|\busing the most\b|--containers\b|\bper container\b/),
  cue('history', 3, /\bhistory\b|\brevisions\b|\bchangelog\b|\bprevious versions\b|\bversions\b/),
  cue('status', 3, /\bstatus\b|\bprogress\b/),
  cue('scale', 2, /\b(?:down|up) to \d+\b(?!\s*(?:ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|%|lines?)\b)|\b(?:double|triple|halve|twice)\b(?!-check)|\b\d+ (?:replicas|instances|copies)\b|\breplicas?\s*(?:to|=|:)\s*\d+|\bneeds? \d+\b/),
  cue('history', 2, /\brevision \d+\b|\brev \d+\b|\brollouts\b|\b(?:restarted|redeployed|deployed|rolled out|updated|changed) (?:recently|lately|today|yesterday)\b|\bwhen was\b|\blast (?:deploy|rollout|release)\b|\bwhich revision\b/),
  cue('get', 2, /\bimages?\b|\bwhich versions?\b|\bwhat versions?\b/),
  cue('status', 2, /\bhow'?s (?:the )?[a-z0-9-]+ (?:deploy\w*|rollout|release|update) going\b|\bhow is (?:the )?[a-z0-9-]+ (?:deploy\w*|rollout|release|update) going\b|\brollout\b|\brolled out\b|\bdone rolling\b|\bfinished rolling\b/),
  cue('status', 1, /\bhealthy\b|\bhealth\b|\bready\b|\bavailable\b|\bscaling\b|\bis [a-z0-9-]+ up\b/),
  cue('describe', 3, /\bdescribe\b|\bdetails?\b|\binspect\b|\binfo(?:rmation)?\b|\btell me about\b|\bconditions\b/),
  cue('describe', 1, /\bcheck\b|\blook at\b/),
  cue('diagnose', 3, /\bdiagnose\b|\bdebug\b|\btroubleshoot\b|\binvestigate\b|\broot cause\b|\bwhat'?s wrong\b|\bwhat is wrong\b|\bwhats up with\b|\bwhat'?s going on with\b|\bwhat'?s up with\b/),
  cue('diagnose', 2, /\bwhy\b|\bhow come\b/),
  cue('diagnose', 1, /\bcomplain\w*|\bunhappy\b|\bdown\b(?! (?:to|by)\b)|\bnot ?ready\b|\bdid(?:n'?t| not) (?:run|start|finish|complete)\b|\bhas(?:n'?t| not) run\b|\bwhat'?s happening\b|\bwhat is happening\b|\bgoing on\b|\bslow\b|\bflaky\b|\btimes? out\b|\btimeouts\b|\b50[0-9]s?\b|\berrors\b|\bunreachable\b|\bdegraded\b|\bcrash\w*\b|\bfail\w*\b|\bbroken\b|\bstuck\b|\bpending\b|\boom\w*\b|\berroring\b|\bunhealthy\b|\bnot (?:ready|starting|working|running)\b|\bkeeps? restarting\b|\bimagepull\w*\b|\berrimagepull\b/),
  // "get" is English too ("why did it get OOMKilled"): a command only first, or before a kind.
  cue('get', 3, /\blist\b|^(?:get|ls)\b|\b(?:get|ls) (?:all |the |me |my |every )?(?:pods?|po|deploy\w*|svc|services?|nodes?|no|ns|namespaces?|statefulsets?|sts|daemonsets?|ds|jobs?|cronjobs?|cj|hpa|pvcs?|ingress\w*|ing|configmaps?|cm|endpoints?|ep|events?|replicasets?|rs|pdbs?|quota\w*|limitranges?|netpols?|networkpolic\w*|endpointslices?|serviceaccounts?|sa)\b|\bwhich pods\b|\bwhat pods\b|\bhow many\b/),
  cue('get', 1, /\bshow\b|\bdisplay\b|\bsee\b|\bview\b|\bgive me\b|\byaml\b|\bjson\b|\bmanifest\b|\bwide\b|\bwhere\b|\bwhich\b|\bsorted by restarts?\b|\bby restarts?\b|\bmost restarts\b/),
];

/** The rules with global patterns, compiled once (matchAll needs the g flag). */
const GLOBAL_RULES: readonly CueRule[] = CUE_RULES.map((rule) => ({ ...rule, pattern: new RegExp(rule.pattern.source, 'g') }));

/** Words that negate the change right after them ("do not drain", "without restarting", "no need to restart"). */
const NEGATION = /\b(?:don'?t|do not|never|not|no need to|without|avoid|instead of|rather than|no)\s+(?:\w+\s+){0,2}$/;
/** Words that make the change after them hypothetical or a question about it. */
const HYPOTHETICAL = /\b(?:before|if|after|once|unless|in case|whether|prior to|ahead of|planning to|plan to|going to|about to|prepare to|preparing to|safe to|ok to|okay to|should i|should we|can i|could i|may i|do i need to|would it|what happens when)\b(?:\s+\S+){0,4}\s*$/;
/** Phrases that ask rather than command. */
const QUESTION_START = /^(?:why|what|what's|whats|which|how|who|where|when|is|are|was|were|does|do|did|has|have|should|would|any|anything)\b/;
/** Polite forms of a command ("can you restart api?"). */
const POLITE_COMMAND = /^(?:(?:hey|hi|ok|so|yo|quick|urgent)[, ]+)*(?:(?:can|could|would|will) (?:you|u|ya|someone|somebody)|please|pls|plz|kindly|go ahead and|i need (?:you )?to|i want (?:you )?to|we need to|let'?s|need to|gotta|wanna)\b/;

/** The nouns that make "restart"/"scale" a noun ("the last restart", "restart count"). */
const NOUN_BEFORE = /\b(?:the|a|an|last|each|every|its|their|since|before|after)\s+$/;

/** Every intent cue of the (normalised) text, with each mutating cue marked commanded or not. */
export function intentCues(text: string): IntentCue[] {
  const cues: IntentCue[] = [];
  // No words (a form or a picker): no cue, and the rules' regular expressions need not be compiled.
  if (text.trim() === '') return cues;
  const questionForm = QUESTION_START.test(text) && !POLITE_COMMAND.test(text);
  for (const rule of GLOBAL_RULES) {
    for (const match of text.matchAll(rule.pattern)) {
      const index = match.index ?? 0;
      const before = text.slice(0, index);
      const mutating = MUTATING_INTENTS.has(rule.intent);
      if (mutating && !match[0].trim().includes(' ') && NOUN_BEFORE.test(before) && !/\b(?:to|and|then|please|pls)\s+(?:the\s+)?$/.test(before)) continue;
      let why: IntentCue['why'];
      if (mutating) {
        // Only the clause the verb is in counts: "describe node-2, do not drain it".
        const clause = before.split(/[,;.]|\b(?:and|but|then|so)\b/).pop() ?? before;
        if (NEGATION.test(clause)) why = 'negated';
        else if (HYPOTHETICAL.test(before.slice(-60))) why = 'hypothetical';
        else if (questionForm) why = 'question';
      }
      cues.push({ intent: rule.intent, index, strength: rule.strength, phrase: match[0].trim(), commanded: why === undefined, ...(why ? { why } : {}) });
    }
  }
  return cues.sort((a, b) => a.index - b.index);
}

/** How the request reads: a change commanded, asked about, negated or hypothetical; or no change at all. */
export function moodOf(text: string, cues: readonly IntentCue[]): Mood {
  const mutations = cues.filter((cue) => MUTATING_INTENTS.has(cue.intent));
  if (mutations.some((cue) => cue.commanded)) return 'command';
  if (mutations.length === 0) return QUESTION_START.test(text) && !POLITE_COMMAND.test(text) ? 'question' : 'none';
  const first = mutations[0]!;
  const before = text.slice(0, first.index);
  const clause = before.split(/[,;.]|\b(?:and|but|then|so)\b/).pop() ?? before;
  if (NEGATION.test(clause)) return 'negated';
  if (HYPOTHETICAL.test(before.slice(-60))) return 'hypothetical';
  return 'question';
}

/** Specificity among read intents when several are named equally strongly ("show me the logs": logs). */
const READ_ORDER: readonly Intent[] = ['logs', 'events', 'top', 'history', 'status', 'diagnose', 'describe', 'get'];

/**
 * The intent the words command or ask for: a commanded change first (the first one), else the
 * strongest read cue, most specific first. `conflict` lists distinct commanded changes (ask then).
 */
export function mainIntent(cues: readonly IntentCue[]): { intent?: Intent; phrase?: string; conflict?: Intent[]; negated: Intent[]; uncommanded?: boolean } {
  const commanded = cues.filter((cue) => MUTATING_INTENTS.has(cue.intent) && cue.commanded);
  const negated = [...new Set(cues.filter((cue) => MUTATING_INTENTS.has(cue.intent) && !cue.commanded).map((cue) => cue.intent))];
  const distinct = [...new Set(commanded.map((cue) => cue.intent))];
  // "cordon and drain node-3" is one maintenance step: drain cordons first.
  const combined = distinct.length === 2 && distinct.includes('cordon') && distinct.includes('drain') ? ['drain' as Intent] : distinct;
  if (combined.length > 1) return { conflict: combined, negated };
  if (combined.length === 1) {
    const first = commanded.find((cue) => cue.intent === combined[0])!;
    return { intent: first.intent, phrase: first.phrase, negated };
  }
  const reads = cues.filter((cue) => !MUTATING_INTENTS.has(cue.intent));
  const uncommanded = cues.find((cue) => MUTATING_INTENTS.has(cue.intent) && !cue.commanded);
  const strongest = reads.length === 0 ? 0 : Math.max(...reads.map((cue) => cue.strength));
  // "is it safe to drain node-1?", "if I roll back api, which revision?": the change asked about
  // decides which read answers (the caller turns it into a read), unless a clear read is named.
  if (uncommanded && (strongest < 2 && !(uncommanded.why === 'negated' && strongest > 0))) return { intent: uncommanded.intent, phrase: uncommanded.phrase, negated, uncommanded: true };
  if (reads.length === 0) return { negated };
  const top = reads.filter((cue) => cue.strength === strongest);
  top.sort((a, b) => READ_ORDER.indexOf(a.intent) - READ_ORDER.indexOf(b.intent) || a.index - b.index);
  return { intent: top[0]!.intent, phrase: top[0]!.phrase, negated };
}
