/** Prints pipeline events for humans: the plan and verdict on one stream, kubectl's output as it is. */
import type { SerializedError } from '../errors.js';
import { formatCommand } from '../corpus/format-command.js';
import { assertNever, type CardMatch, type PipelineEvent } from '../contracts/events.js';
import type { Plan, PlannerKind } from '../schemas/plan.js';
import type { Verdict } from '../schemas/verdict.js';
import { formatChange } from '../preview/change-summary.js';
import { verdictHeadline } from '../output/verdict-headline.js';
import { riskStyle, style } from './style.js';

/** Lines of kubectl's dry-run output printed when there is no change summary (the rest on --full-preview). */
const PREVIEW_LINES_WITHOUT_SUMMARY = 20;
/** Preview output this short is printed under the summary too: it costs less than the hint. */
const SHORT_PREVIEW_LINES = 4;

/** Prints an error event as one line plus its hint. */
export function printErrorEvent(error: SerializedError, write: (text: string) => void = (text) => process.stderr.write(text)): void {
  write(`${style.red(error.code === 'CANCELLED' ? 'cancelled' : 'error:')} ${error.code === 'CANCELLED' ? '' : error.message}\n`);
  if (error.hint) write(`${style.dim(`hint: ${error.hint}`)}\n`);
}

/** Prints pipeline events for humans. kubectl output goes to stdout/stderr as is; the rest to `write`. */
export class EventPrinter {
  private streaming = false;
  /** The plan the next verdict is about (it tells what is missing). */
  private lastPlan: Plan | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly options: { quiet?: boolean; fullPreview?: boolean } = {},
  ) {}

  /**
   * The change summary ("deployment/web  replicas 2 → 5") is what a person reads before confirming;
   * kubectl's dry-run YAML is 70 lines of metadata, so it is printed only with --full-preview, or,
   * capped, when no summary could be computed.
   */
  private printPreview(event: Extract<PipelineEvent, { type: 'dry-run-end' }>): void {
    const failed = event.exitCode !== 0;
    const lines = event.output.split('\n');
    const changes = event.changes ?? [];
    this.write(`${style.bold('preview')} ${failed ? style.red(`(kubectl exit ${event.exitCode})`) : ''}\n`);
    for (const change of changes) this.write(`  ${formatChange(change)}\n`);
    const showOutput = this.options.fullPreview === true || changes.length === 0 || failed || lines.length <= SHORT_PREVIEW_LINES;
    if (showOutput) {
      const limit = this.options.fullPreview === true || failed ? lines.length : PREVIEW_LINES_WITHOUT_SUMMARY;
      for (const line of lines.slice(0, limit)) this.write(`  ${style.gray(line)}\n`);
      if (lines.length > limit) this.write(`  ${style.dim(`… ${lines.length - limit} more lines (--full-preview prints all of kubectl's preview output)`)}\n`);
    } else if (event.output.trim() !== '') {
      this.write(`  ${style.dim(`(kubectl's preview output, ${lines.length} lines: --full-preview prints it)`)}\n`);
    }
    if (failed) {
      this.write(`${style.red('warning:')} the server-side dry-run failed (kubectl exit ${event.exitCode}): the command itself will probably fail too\n`);
    }
  }

  /** Prints one event. */
  print(event: PipelineEvent): void {
    const quiet = this.options.quiet === true;
    if (this.streaming && event.type !== 'plan-delta') {
      this.write('\n');
      this.streaming = false;
    }
    switch (event.type) {
      case 'retrieve-end':
        if (!quiet) this.printCards(event.cards, event.notes);
        break;
      case 'plan-delta':
        if (quiet) break;
        if (!this.streaming) this.write(style.dim('model  '));
        this.streaming = true;
        this.write(style.dim(event.text));
        break;
      case 'plan-end':
        if (!quiet) this.printPlan(event.plan, event.planner);
        break;
      case 'validate-end':
        if (!quiet) this.printVerdict(event.verdict);
        break;
      case 'dry-run-end':
        this.printPreview(event);
        break;
      case 'exec-output':
        (event.stream === 'stdout' ? process.stdout : process.stderr).write(`${event.line}\n`);
        break;
      case 'exec-end':
        if (!quiet) {
          const seconds = (event.durationMs / 1000).toFixed(2);
          const flags = [event.timedOut ? 'timed out' : '', event.truncated ? 'output truncated' : '', event.cancelled ? 'cancelled' : ''].filter(Boolean).join(', ');
          const summary = `kubectl exited ${event.exitCode} in ${seconds}s${flags ? ` (${flags})` : ''}${event.errorMessage ? `: ${event.errorMessage}` : ''}`;
          this.write(`${event.exitCode === 0 ? style.green('✔') : style.red('✗')} ${style.dim(summary)}\n`);
        }
        break;
      case 'notice':
        if (!quiet || event.level === 'warn') this.write(`${event.level === 'warn' ? style.yellow('warning:') : style.dim('note:')} ${event.message}\n`);
        break;
      case 'approval-end':
        this.printApproval(event);
        break;
      case 'approval-request':
      case 'audit-end':
        break;
      case 'error':
        printErrorEvent(event.error, this.write);
        break;
      default:
        assertNever(event);
    }
  }

  private printApproval(event: Extract<PipelineEvent, { type: 'approval-end' }>): void {
    switch (event.outcome) {
      case 'not-needed':
        return;
      case 'approved':
        if (!this.options.quiet) this.write(`${style.dim(`confirmed by ${event.by ?? 'a human'}`)}\n`);
        return;
      case 'needs-confirmation':
        this.write(`${style.yellow('not run:')} this command needs confirmation${event.message ? `: ${event.message}` : ''}\n`);
        if (event.ticket) this.write(`${style.dim(`approval token (valid until ${event.ticket.expiresAt}): ${event.ticket.token}`)}\n`);
        return;
      case 'needs-approval':
        this.write(`${style.yellow('waiting for approval:')} ${event.request ? `request ${style.bold(event.request.id)} (expires ${event.request.expiresAt}); a person approves it with rk8s approve ${event.request.id}` : event.message ?? ''}\n`);
        return;
      case 'declined':
      case 'denied':
      case 'expired':
      case 'refused':
        this.write(`${style.red('not run:')} ${event.message ?? event.outcome}${event.code ? ` ${style.dim(`[${event.code}]`)}` : ''}\n`);
        return;
    }
  }

  private printCards(cards: readonly CardMatch[], notes: readonly string[]): void {
    for (const note of notes) this.write(`${style.yellow('note:')} ${note}\n`);
    cards.forEach((match, index) => {
      const label = index === 0 ? style.bold('cards ') : '      ';
      this.write(`${label} ${match.id} ${style.dim(`${match.score.toFixed(2)}  ${match.why.slice(0, 3).join(', ')}`)}\n`);
    });
  }

  private printPlan(plan: Plan, planner: PlannerKind): void {
    this.lastPlan = plan;
    const who = planner === 'llm' ? `llm planner${plan.model ? ` (${plan.model})` : ''}` : 'template planner';
    // A clarification or a refusal comes from no card: say what it is instead of "card ".
    const source = plan.card ? `${who}, card ${plan.card}` : who;
    const what = plan.missing.length > 0 ? '(incomplete)' : plan.clarification ? '(a question)' : plan.refusal ? '(refused)' : '(incomplete)';
    if (plan.args.length > 0) this.write(`${style.bold('plan  ')} ${style.cyan(plan.command)}  ${style.dim(`[${source}]`)}\n`);
    else this.write(`${style.bold('plan  ')} ${style.yellow(what)}  ${style.dim(`[${source}]`)}\n`);
    if (plan.rationale) this.write(`       ${style.dim(plan.rationale)}\n`);
  }

  private printVerdict(verdict: Verdict): void {
    const headline = verdictHeadline(verdict, this.lastPlan);
    const badge = headline.riskBadge ? riskStyle(verdict.risk)(headline.badge) : headline.tone === 'danger' ? style.red(headline.badge) : headline.tone === 'warning' ? style.yellow(headline.badge) : style.dim(headline.badge);
    const tone = headline.tone === 'success' ? style.green : headline.tone === 'warning' ? style.yellow : style.red;
    const decision = tone(headline.word.toLowerCase());
    const where = verdict.namespace ? style.dim(` · namespace ${verdict.namespace}${verdict.tier ? ` (tier ${verdict.tier})` : ''}`) : '';
    this.write(`${style.bold('verdict')} ${badge}  ${decision}${where}\n`);
    for (const violation of verdict.violations) this.write(`  ${style.red('✗')} ${violation.message} ${style.dim(`[${violation.code}]`)}\n`);
    for (const suggestion of verdict.suggestions) {
      this.write(`  ${style.green('→')} ${suggestion.message}: ${style.cyan(formatCommand(suggestion.command))}\n`);
    }
  }
}

