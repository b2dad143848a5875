/** `rk8s plan`: retrieve -> plan -> validate, printing the cards, the plan (streamed), and the verdict. */
import type { Command } from 'commander';
import { ExitCode, InputError, type SerializedError } from '../../errors.js';
import type { ConfigOverrides } from '../../config/load-config.js';
import { formatCommand } from '../../corpus/format-command.js';
import type { Core } from '../../pipeline/core.js';
import { createCore } from '../../pipeline/create-core.js';
import type { CardMatch, PipelineEvent } from '../../pipeline/events.js';
import { assertNever } from '../../pipeline/events.js';
import { parsePayload } from '../../pipeline/propose.js';
import { k8s_plan } from '../../tool/k8s-plan.js';
import type { Plan, PlannerKind } from '../../schemas/plan.js';
import type { Constraints, K8sExecPayload } from '../../schemas/request.js';
import type { Verdict } from '../../schemas/verdict.js';
import { action, configFromOptions, globalOptions, printJson, type GlobalOptions } from '../output.js';
import { riskStyle, style } from '../style.js';
import { ownValue, setOwnValue } from '../../own-property.js';

/** Flags `rk8s plan` and `rk8s exec` share. */
export interface RequestOptions {
  intent?: string;
  resource?: string;
  namespace?: string;
  name?: string;
  query?: string;
  /** `--param key=value`, repeatable. */
  param?: string[];
  /** A path, or false for --no-model. */
  model?: string | false;
}

/** Collects repeated `--param key=value` flags. */
function collectParam(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `["replicas=5", "tail=200"]` -> `{replicas: "5", tail: "200"}`; a malformed entry is an InputError naming it. */
export function paramsFromOptions(entries: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const entry of entries) {
    const separator = entry.indexOf('=');
    if (separator <= 0) {
      throw new InputError(`--param ${JSON.stringify(entry)}: expected key=value, e.g. --param replicas=5`, {
        hint: 'parameter names are the card\'s params (rk8s retrieve --json shows each card; docs/corpus-schema.md)',
      });
    }
    setOwnValue(params, entry.slice(0, separator).trim(), entry.slice(separator + 1));
  }
  return params;
}

/** Adds the request flags (and the free-text words argument) to a command. */
export function addRequestOptions(command: Command): Command {
  return command
    .argument('[words...]', 'the request in free text (same as --query)')
    .option('-i, --intent <intent>', 'what to do: restart, scale, logs, diagnose, status, rollback, delete... (see rk8s retrieve)')
    .option('-r, --resource <resource>', 'the resource, any kubectl spelling: deployment, deploy, pod, po, node...')
    .option('-n, --namespace <namespace>', 'the namespace (required except for cluster-scoped resources such as node)')
    .option('--name <name>', 'the object name, e.g. api')
    .option('-q, --query <text>', 'the request in free text, e.g. "scale web to 5"')
    .option('-p, --param <key=value>', 'set a card parameter exactly, e.g. --param replicas=5 (repeatable)', collectParam)
    .option('--model <path>', 'GGUF model for the planner (default: RK8S_MODEL; without one the template planner answers)')
    .option('--no-model', 'use the template planner even when RK8S_MODEL is set');
}

/** The payload the flags describe; throws InputError naming the flag when something is invalid. */
export function requestFromOptions(words: readonly string[], options: RequestOptions, constraints?: Constraints, commandName: 'plan' | 'exec' = 'plan'): K8sExecPayload {
  const query = [options.query, ...words].filter((part): part is string => part !== undefined && part.trim() !== '').join(' ');
  const params = paramsFromOptions(options.param ?? []);
  const saysWhat = query !== '' || [options.intent, options.resource, options.name].some((value) => value !== undefined) || Object.keys(params).length > 0;
  if (!saysWhat) {
    // Called bare (or with only -n): say what a request is made of, not just the first schema issue.
    const namespace = options.namespace === undefined ? ' and a namespace (-n/--namespace)' : '';
    throw new InputError(
      `rk8s ${commandName}: nothing to do: give what you want, in free text ("restart api") or with --intent/--resource/--name${namespace}`,
      { hint: `e.g. rk8s ${commandName} -n staging restart api, or rk8s ${commandName} -n prod --intent restart --resource deployment --name api (rk8s ${commandName} --help)` },
    );
  }
  const payload = {
    ...(options.intent !== undefined ? { intent: options.intent } : {}),
    ...(options.resource !== undefined ? { resource: options.resource } : {}),
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(query !== '' ? { query } : {}),
    ...(Object.keys(params).length > 0 ? { params } : {}),
    ...(constraints && Object.keys(constraints).length > 0 ? { constraints } : {}),
  };
  try {
    return parsePayload(payload);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // Name the flag, not the JSON field: "--namespace: is required ...".
    const message = error.message.replace(/^invalid request: (\w+)(\.\w+)?:/, (_match, field: string, sub?: string) => {
      const flags: Record<string, string> = { intent: '--intent', resource: '--resource', namespace: '--namespace', name: '--name', query: '--query', params: '--param' };
      if (field === 'constraints' && sub === '.timeoutSeconds') return '--timeout:';
      return `${ownValue(flags, field) ?? field}:`;
    });
    throw new InputError(message, { hint: 'e.g. rk8s plan -n prod --intent restart --resource deployment --name api', details: error.details });
  }
}

/** Builds the core for a CLI command (a missing --model file is an error, a missing RK8S_MODEL a warning). */
export async function coreFromOptions(globals: GlobalOptions, options: RequestOptions, extra: ConfigOverrides = {}, signal?: AbortSignal): Promise<Core> {
  const config = configFromOptions(globals, { ...extra, ...(options.model === false ? { model: null } : options.model !== undefined ? { model: options.model } : {}) });
  return createCore(config, {}, { signal, strictModel: typeof options.model === 'string' });
}

/** Aborts on Ctrl-C; dispose() removes the handler. */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.on('SIGINT', onInterrupt);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onInterrupt) };
}

const ERROR_EXIT_CODES: Readonly<Record<string, number>> = {
  INPUT_INVALID: ExitCode.usage,
  CONFIG_INVALID: ExitCode.config,
  POLICY_DENIED: ExitCode.denied,
  APPROVAL_MISMATCH: ExitCode.denied,
  CONFIRMATION_REQUIRED: ExitCode.needsConfirmation,
  KUBECTL_FAILED: ExitCode.kubectl,
  CANCELLED: ExitCode.cancelled,
};

/** The exit code for an error that arrived as an event. */
export function exitCodeForError(error: SerializedError): number {
  return ownValue(ERROR_EXIT_CODES, error.code) ?? ExitCode.failure;
}

/** Prints an error event as one line plus its hint. */
export function printErrorEvent(error: SerializedError, write: (text: string) => void = (text) => process.stderr.write(text)): void {
  write(`${style.red(error.code === 'CANCELLED' ? 'cancelled' : 'error:')} ${error.code === 'CANCELLED' ? '' : error.message}\n`);
  if (error.hint) write(`${style.dim(`hint: ${error.hint}`)}\n`);
}

/** The exit code of a verdict: 0 allow, 3 confirm, 4 deny. */
export function exitCodeForVerdict(verdict: Verdict): number {
  return verdict.decision === 'allow' ? ExitCode.ok : verdict.decision === 'confirm' ? ExitCode.needsConfirmation : ExitCode.denied;
}

/** Prints pipeline events for humans. kubectl output goes to stdout/stderr as is; the rest to `write`. */
export class EventPrinter {
  private streaming = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly options: { quiet?: boolean } = {},
  ) {}

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
        this.write(`${style.bold('preview')} ${event.exitCode === 0 ? '' : style.red(`(kubectl exit ${event.exitCode})`)}\n`);
        for (const line of event.output.split('\n')) this.write(`  ${style.gray(line)}\n`);
        if (event.exitCode !== 0) {
          this.write(`${style.red('warning:')} the server-side dry-run failed (kubectl exit ${event.exitCode}): the command itself will probably fail too\n`);
        }
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

  private printCards(cards: readonly CardMatch[], notes: readonly string[]): void {
    for (const note of notes) this.write(`${style.yellow('note:')} ${note}\n`);
    cards.forEach((match, index) => {
      const label = index === 0 ? style.bold('cards ') : '      ';
      this.write(`${label} ${match.id} ${style.dim(`${match.score.toFixed(2)}  ${match.why.slice(0, 3).join(', ')}`)}\n`);
    });
  }

  private printPlan(plan: Plan, planner: PlannerKind): void {
    const who = planner === 'llm' ? `llm planner${plan.model ? ` (${plan.model})` : ''}` : 'template planner';
    if (plan.args.length > 0) this.write(`${style.bold('plan  ')} ${style.cyan(plan.command)}  ${style.dim(`[${who}, card ${plan.card}]`)}\n`);
    else this.write(`${style.bold('plan  ')} ${style.yellow('(incomplete)')}  ${style.dim(`[${who}, card ${plan.card}]`)}\n`);
    if (plan.rationale) this.write(`       ${style.dim(plan.rationale)}\n`);
  }

  private printVerdict(verdict: Verdict): void {
    const badge = riskStyle(verdict.risk)(`${verdict.risk.toUpperCase()} RISK`);
    const decision =
      verdict.decision === 'allow' ? style.green('allowed') : verdict.decision === 'confirm' ? style.yellow('needs confirmation') : style.red('denied');
    const where = verdict.namespace ? style.dim(` namespace ${verdict.namespace}${verdict.tier ? ` (tier ${verdict.tier})` : ''}`) : '';
    this.write(`${style.bold('verdict')} ${badge}  ${decision}${where}\n`);
    for (const violation of verdict.violations) this.write(`  ${style.red('✗')} ${violation.message} ${style.dim(`[${violation.code}]`)}\n`);
    for (const suggestion of verdict.suggestions) {
      this.write(`  ${style.green('→')} ${suggestion.message}: ${style.cyan(formatCommand(suggestion.command))}\n`);
    }
  }
}

/** Adds `rk8s plan` to the program. */
export function registerPlanCommand(program: Command): void {
  addRequestOptions(program.command('plan').description('plan a kubectl command from the cards and check it against the policy; runs nothing'))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  rk8s plan -n prod --intent restart --resource deployment --name api\n' +
        '  rk8s plan -n staging scale web to 5\n' +
        '  rk8s plan -n prod why is api-7d9f-x2 crashing\n' +
        '  rk8s plan -n prod --intent logs --resource pod --name api-7d9f-x2 --param tail=50\n' +
        '  rk8s plan -n prod --intent logs --resource pod --name api-7d9f-x2 --json\n' +
        '\nExit codes: 0 allowed, 3 needs confirmation, 4 denied or incomplete, 2 bad flags, 5 config.',
    )
    .action(
      action(async (words: string[], options: RequestOptions, command: Command) => {
        const globals = globalOptions(command);
        const request = requestFromOptions(words, options);
        const interrupt = interruptSignal();
        const core = await coreFromOptions(globals, options, {}, interrupt.signal);
        try {
          const printer = new EventPrinter((text) => process.stdout.write(text));
          const document = await k8s_plan(request, {
            core,
            source: 'cli',
            signal: interrupt.signal,
            onEvent: (event) => {
              if (!globals.json && event.type !== 'error') printer.print(event);
            },
          });
          if (globals.json) printJson(document);
          else if (document.error) printErrorEvent(document.error);
          if (document.error) return exitCodeForError(document.error);
          return document.verdict ? exitCodeForVerdict(document.verdict) : ExitCode.failure;
        } finally {
          interrupt.dispose();
          await core.close();
        }
      }),
    );
}
