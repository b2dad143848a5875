/**
 * Runs a labelled set through the real pipeline (propose with planOnly: nothing runs, nothing is
 * recorded) and scores it: right when the plan is one of the expected argvs (flag order aside), or the planner asked /
 * refused when that was expected. A wrong mutation (a mutating command that is not the expected one)
 * is counted apart: it is the worst outcome.
 */
import type { Core } from '../contracts/core.js';
import { ownValue, setOwnValue } from '../own-property.js';
import { propose } from '../pipeline/propose.js';
import { MUTATING_INTENTS } from '../schemas/vocabulary.js';
import type { EvalItem, EvalKind } from './eval-set.js';

/** What the pipeline did with one item. */
export type EvalOutcome =
  | { kind: 'command'; args: string[]; card: string; mutating: boolean }
  | { kind: 'ask'; message: string }
  | { kind: 'refuse'; message: string }
  | { kind: 'incomplete'; message: string }
  | { kind: 'error'; message: string };

/** One scored item. */
export interface EvalResult {
  item: EvalItem;
  got: EvalOutcome;
  right: boolean;
  wrongMutation: boolean;
  milliseconds: number;
}

/** Right / total for a group. */
export interface Tally {
  right: number;
  total: number;
}

/** The report `rk8s eval` prints (and `--json` emits). */
export interface EvalReport {
  planner: string;
  total: number;
  right: number;
  accuracy: number;
  wrongMutations: number;
  bySplit: Record<string, Tally & { accuracy: number; wrongMutations: number }>;
  byKind: Partial<Record<EvalKind, Tally>>;
  byIntent: Record<string, Tally>;
  /** Per split, per kind and intent (the holdout must be reported apart). */
  bySplitKind: Record<string, Partial<Record<EvalKind, Tally>>>;
  bySplitIntent: Record<string, Record<string, Tally>>;
  probes: { total: number; asked: number; refused: number; read: number; wrongMutations: number };
  failures: Array<{ id: string; split: string; request: string; want: string; got: string; wrongMutation: boolean }>;
  medianMilliseconds: number;
}

/**
 * An argv in a form where flag order does not matter (kubectl does not care): positional arguments in
 * order, then the flags sorted, with "-n X" read as "-n=X".
 */
export function canonicalArgv(args: readonly string[]): string[] {
  const positional: string[] = [];
  const flags: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const argument = args[index]!;
    if (argument === '-n' && index + 1 < args.length) {
      flags.push(`-n=${args[index + 1]!}`);
      index += 1;
    } else if (argument.startsWith('-')) flags.push(argument);
    else positional.push(argument);
  }
  return [...positional, ...flags.sort()];
}

function same(a: readonly string[], b: readonly string[]): boolean {
  const left = canonicalArgv(a);
  const right = canonicalArgv(b);
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

/** Runs one item through propose(planOnly) and says what came out. */
export async function runItem(item: EvalItem, core: Core, signal?: AbortSignal): Promise<EvalOutcome> {
  let outcome: EvalOutcome = { kind: 'error', message: 'no plan' };
  for await (const event of propose(item.request, core, { source: 'tool', planOnly: true, ...(signal ? { signal } : {}) })) {
    if (event.type === 'error') return { kind: 'error', message: `${event.error.code}: ${event.error.message}` };
    if (event.type === 'plan-end') {
      const { plan } = event;
      if (plan.refusal) outcome = { kind: 'refuse', message: plan.refusal.reason };
      else if (plan.clarification || plan.missing.length > 0) outcome = { kind: 'ask', message: plan.clarification?.question ?? `missing ${plan.missing.join(', ')}` };
      else if (plan.args.length > 0) {
        const card = core.cards.get(plan.card);
        outcome = { kind: 'command', args: plan.args, card: plan.card, mutating: card !== undefined && MUTATING_INTENTS.has(card.intent) };
      } else outcome = { kind: 'incomplete', message: plan.rationale };
    }
    if (event.type === 'validate-end') {
      const verdict = event.verdict;
      if (outcome.kind === 'command') outcome = { ...outcome, mutating: outcome.mutating || verdict.mutating };
      else if (outcome.kind === 'incomplete' && verdict.violations.some((violation) => violation.code === 'PARAMS_MISSING')) outcome = { kind: 'ask', message: verdict.violations[0]!.message };
      else if (outcome.kind === 'incomplete') outcome = { kind: 'incomplete', message: verdict.violations.map((violation) => violation.message).join('; ') };
    }
  }
  return outcome;
}

/** Scores one outcome against its item's expectation. */
export function score(item: EvalItem, got: EvalOutcome): { right: boolean; wrongMutation: boolean } {
  const expect = item.expect;
  let right = false;
  if (expect.kind === 'ask') right = got.kind === 'ask';
  else if (expect.kind === 'refuse') right = got.kind === 'refuse';
  else right = (got.kind === 'command' && expect.commands.some((command) => same(command, got.args))) || (expect.askOk && got.kind === 'ask');
  const wrongMutation = got.kind === 'command' && got.mutating && !right;
  return { right, wrongMutation };
}

function describeOutcome(got: EvalOutcome): string {
  return got.kind === 'command' ? `kubectl ${got.args.join(' ')}` : `${got.kind}: ${got.message}`;
}

function describeWant(item: EvalItem): string {
  const expect = item.expect;
  if (expect.kind !== 'commands') return expect.kind;
  return [...expect.commands.map((command) => `kubectl ${command.join(' ')}`), ...(expect.askOk ? ['ask'] : [])].join(' | ');
}

/** The entry of `key` in a record built from outside strings (an eval set's kinds, tags, splits), created on first use. */
function entryOf<Value>(record: Record<string, Value>, key: string, create: () => Value): Value {
  const existing = ownValue(record, key);
  if (existing !== undefined) return existing;
  const created = create();
  setOwnValue(record, key, created);
  return created;
}

function add(tally: Record<string, Tally>, key: string, right: boolean): void {
  const entry = entryOf(tally, key, () => ({ right: 0, total: 0 }));
  entry.total += 1;
  if (right) entry.right += 1;
}

/** Builds the report from scored results. */
export function buildReport(results: readonly EvalResult[], planner: string): EvalReport {
  const bySplit: EvalReport['bySplit'] = {};
  const byKind: Record<string, Tally> = {};
  const byIntent: Record<string, Tally> = {};
  const bySplitKind: Record<string, Record<string, Tally>> = {};
  const bySplitIntent: Record<string, Record<string, Tally>> = {};
  const probes = { total: 0, asked: 0, refused: 0, read: 0, wrongMutations: 0 };
  for (const result of results) {
    const { item, right } = result;
    const split = entryOf(bySplit, item.split, () => ({ right: 0, total: 0, accuracy: 0, wrongMutations: 0 }));
    split.total += 1;
    if (right) split.right += 1;
    if (result.wrongMutation) split.wrongMutations += 1;
    add(byKind, item.kind, right);
    add(byIntent, item.tag, right);
    add(entryOf(bySplitKind, item.split, () => ({})), item.kind, right);
    add(entryOf(bySplitIntent, item.split, () => ({})), item.tag, right);
    if (item.kind === 'probe') {
      probes.total += 1;
      if (result.got.kind === 'ask') probes.asked += 1;
      else if (result.got.kind === 'refuse') probes.refused += 1;
      else if (result.got.kind === 'command' && !result.got.mutating) probes.read += 1;
      if (result.wrongMutation) probes.wrongMutations += 1;
    }
  }
  for (const split of Object.values(bySplit)) split.accuracy = split.total === 0 ? 0 : split.right / split.total;
  const right = results.filter((result) => result.right).length;
  const times = results.map((result) => result.milliseconds).sort((a, b) => a - b);
  return {
    planner,
    total: results.length,
    right,
    accuracy: results.length === 0 ? 0 : right / results.length,
    wrongMutations: results.filter((result) => result.wrongMutation).length,
    bySplit,
    byKind,
    byIntent,
    bySplitKind,
    bySplitIntent,
    probes,
    failures: results
      .filter((result) => !result.right)
      .map((result) => ({ id: result.item.id, split: result.item.split, request: result.item.text, want: describeWant(result.item), got: describeOutcome(result.got), wrongMutation: result.wrongMutation })),
    medianMilliseconds: times.length === 0 ? 0 : times[Math.floor(times.length / 2)]!,
  };
}

/** Runs every item (one at a time: a model answers one request at a time anyway) and reports. */
export async function runEval(items: readonly EvalItem[], core: Core, options: { signal?: AbortSignal; onResult?: (result: EvalResult) => void } = {}): Promise<EvalReport> {
  const results: EvalResult[] = [];
  for (const item of items) {
    options.signal?.throwIfAborted();
    const started = performance.now();
    const got = await runItem(item, core, options.signal);
    const result: EvalResult = { item, got, ...score(item, got), milliseconds: performance.now() - started };
    results.push(result);
    options.onResult?.(result);
  }
  return buildReport(results, core.planner.kind === 'llm' ? `llm (${core.planner.model ?? 'model'})` : 'template');
}

/** The report as text: totals, per split, per kind and per intent, probes, then every failure. */
export function formatReport(report: EvalReport, floor: number): string {
  const percent = (tally: Tally) => (tally.total === 0 ? '  -  ' : `${((tally.right / tally.total) * 100).toFixed(1).padStart(5)}%`);
  const lines: string[] = [];
  lines.push(`planner ${report.planner}: ${report.right}/${report.total} right (${(report.accuracy * 100).toFixed(1)}%), ${report.wrongMutations} wrong mutation(s), floor ${(floor * 100).toFixed(0)}%, median ${report.medianMilliseconds.toFixed(1)} ms per request`);
  for (const [split, tally] of Object.entries(report.bySplit)) {
    lines.push('', `${split}: ${tally.right}/${tally.total} (${(tally.accuracy * 100).toFixed(1)}%), ${tally.wrongMutations} wrong mutation(s)`);
    const kinds = ownValue(report.bySplitKind, split) ?? {};
    lines.push(`  by kind:   ${Object.entries(kinds).map(([kind, entry]) => `${kind} ${entry.right}/${entry.total} ${percent(entry).trim()}`).join(' · ')}`);
    const intents = Object.entries(ownValue(report.bySplitIntent, split) ?? {}).sort(([a], [b]) => a.localeCompare(b));
    lines.push(`  by intent: ${intents.map(([intent, entry]) => `${intent} ${entry.right}/${entry.total}`).join(' · ')}`);
  }
  lines.push('', `probes: ${report.probes.total}: ${report.probes.asked} asked, ${report.probes.refused} refused, ${report.probes.read} answered with a read, ${report.probes.wrongMutations} wrong mutation(s)`);
  if (report.failures.length > 0) {
    lines.push('', `failures (${report.failures.length}):`);
    for (const failure of report.failures) {
      lines.push(`  ${failure.wrongMutation ? 'WRONG MUTATION ' : ''}${failure.id} [${failure.split}] ${failure.request}`, `      want ${failure.want}`, `      got  ${failure.got}`);
    }
  }
  return lines.join('\n');
}
