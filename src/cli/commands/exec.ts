/** `rk8s exec`: plan, validate, preview, confirm and run one kubectl command, streaming its output. */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { splitCommand } from '../../corpus/format-command.js';
import { ExitCode, InputError } from '../../errors.js';
import type { Proposal } from '../../pipeline/events.js';
import { MAX_TIMEOUT_SECONDS, type Constraints } from '../../schemas/request.js';
import { createCoreDrain, type CoreDrain } from '../../server/core-drain.js';
import { k8s_exec, type K8sExecResult } from '../../tool/k8s-exec.js';
import { action, globalOptions, printJson } from '../output.js';
import { forceExitSeconds, installShutdown } from '../shutdown.js';
import { style } from '../style.js';
import {
  EventPrinter,
  addRequestOptions,
  coreFromOptions,
  exitCodeForError,
  printErrorEvent,
  requestFromOptions,
  type RequestOptions,
} from './plan.js';

/** The grace period before the configuration is loaded (only a signal during loading sees it, and nothing runs then). */
const DEFAULT_GRACE_SECONDS = 10;

/** Flags of `rk8s exec`. */
interface ExecOptions extends RequestOptions {
  dryRun?: boolean;
  confirm?: boolean;
  /** The exact command the human approved (`--expect "kubectl ..."`). */
  expect?: string;
  timeout?: string;
  quiet?: boolean;
}

function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new InputError(`--timeout ${value}: must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}`, { hint: 'e.g. --timeout 30' });
  }
  return seconds;
}

/** What a human must type for a high-risk command: the object's name, so the target is read, not skimmed. */
function confirmationWord(proposal: Proposal): string {
  const named = proposal.request.name ?? proposal.plan.params.name;
  return typeof named === 'string' && named !== '' ? named : 'yes';
}

/** Asks on the terminal: y/N for medium risk, the object's name for high risk. */
async function askOnTerminal(proposal: Proposal, signal: AbortSignal): Promise<boolean> {
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  readline.on('SIGINT', () => readline.close());
  try {
    if (proposal.verdict.risk === 'high') {
      const word = confirmationWord(proposal);
      const answer = await readline.question(`${style.red('HIGH RISK.')} Type ${style.bold(word)} to run ${style.cyan(proposal.plan.command)}: `, { signal });
      return answer.trim() === word;
    }
    const answer = await readline.question(`Run ${style.cyan(proposal.plan.command)}? [y/N] `, { signal });
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    // Ctrl-C or a closed stdin answers "no".
    return false;
  } finally {
    readline.close();
  }
}

/** The exit code of a k8s_exec result: kubectl's when it ran, else the status's. */
/** The shell's "command not found" code, which execute() reports when kubectl cannot be started. */
const KUBECTL_NOT_STARTED = 127;

function exitCodeForResult(result: K8sExecResult): number {
  if (result.result) {
    if (result.result.exit_code === KUBECTL_NOT_STARTED) return ExitCode.kubectl;
    return result.result.exit_code === 0 && result.status !== 'executed' ? ExitCode.failure : result.result.exit_code;
  }
  switch (result.status) {
    case 'executed':
      return ExitCode.ok;
    case 'dry-run':
      // A preview that kubectl rejected (NotFound, no rollout history...) means the command would fail.
      return result.dry_run?.exit_code !== undefined && result.dry_run.exit_code !== 0 ? ExitCode.failure : ExitCode.ok;
    case 'needs-confirmation':
      return ExitCode.needsConfirmation;
    case 'blocked':
      return ExitCode.denied;
    case 'failed':
      return result.error ? exitCodeForError(result.error) : ExitCode.failure;
  }
}

/** Adds `rk8s exec` to the program. */
export function registerExecCommand(program: Command): void {
  addRequestOptions(program.command('exec').description('plan, check, preview, confirm and run one kubectl command (every step is audited)'))
    .option('--dry-run', 'show the plan, the verdict and the server-side dry-run; run nothing')
    .option('--confirm', 'confirm a medium/high-risk command without a prompt (a human has read it)')
    .option('--expect <command>', 'with --confirm: run only if the plan is exactly this command (paste the one rk8s plan showed)')
    .option('--timeout <seconds>', `kill kubectl after this many seconds (1-${MAX_TIMEOUT_SECONDS}; capped by RK8S_EXEC_MAX_TIMEOUT)`)
    .option('--quiet', 'print only kubectl\'s output (and warnings/errors)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  rk8s exec -n prod --intent status --resource deployment --name api\n' +
        '  rk8s exec -n prod --intent restart --resource deploy --name api --dry-run\n' +
        '  rk8s exec -n staging restart api --dry-run\n' +
        '  rk8s exec -n staging --intent scale --resource deploy --name web --query "to 5" --confirm\n' +
        '  rk8s exec -n staging scale web to 5 --confirm --expect "kubectl scale deployment/web -n staging --replicas=5"\n' +
        '  rk8s exec -n dev --intent get --resource pod --json\n' +
        '\nOn a terminal, a medium-risk command asks y/N and a high-risk one asks you to type the object name.\n' +
        'Without a terminal (or with --json), such a command runs only with --confirm; otherwise it exits 3.\n' +
        'kubectl\'s output goes to stdout/stderr as it comes; the plan and verdict go to stderr.\n' +
        '\nOn SIGTERM/SIGINT a running kubectl gets RK8S_SHUTDOWN_GRACE_SECONDS (10) to finish, then is stopped;\n' +
        'the outcome is recorded either way (a second signal stops it at once).\n' +
        '\nExit codes: kubectl\'s own when it ran; 3 needs confirmation, 4 denied or incomplete, 2 bad flags, 130 cancelled.',
    )
    .action(
      action(async (words: string[], options: ExecOptions, command: Command) => {
        const globals = globalOptions(command);
        if (options.expect !== undefined && !options.confirm) {
          throw new InputError('--expect goes with --confirm: it pins the command that --confirm approves', { hint: 'add --confirm, or drop --expect' });
        }
        const expectArgs = options.expect === undefined ? undefined : splitCommand(options.expect).filter((argument, index) => !(index === 0 && argument === 'kubectl'));
        if (expectArgs !== undefined && expectArgs.length === 0) {
          throw new InputError('--expect: empty command', { hint: 'paste the command rk8s plan showed, e.g. --expect "kubectl rollout restart deployment/api -n prod"' });
        }
        const constraints: Constraints = {
          ...(options.confirm ? { confirm: true } : {}),
          ...(expectArgs ? { expectArgs } : {}),
          ...(options.dryRun ? { dryRun: true } : {}),
          ...(options.timeout !== undefined ? { timeoutSeconds: parseTimeout(options.timeout) } : {}),
        };
        const request = requestFromOptions(words, options, constraints, 'exec');
        // SIGTERM/SIGINT: what has not started kubectl stops at once; a running kubectl gets the
        // grace period, then is cancelled; the outcome is recorded either way (src/cli/shutdown.ts).
        let drain: CoreDrain | undefined = undefined;
        const operation = new AbortController();
        const shutdown = installShutdown({
          graceSeconds: () => drain?.core.config.shutdownGraceSeconds ?? DEFAULT_GRACE_SECONDS,
          forceExitSeconds: () => (drain ? forceExitSeconds(drain.core.config) : 5),
          log: (message) => process.stderr.write(`${style.yellow('rk8s:')} ${message}\n`),
        });
        shutdown.requested.addEventListener('abort', () => {
          drain?.close();
          if (drain === undefined || drain.runningCommands === 0) operation.abort(shutdown.requested.reason);
        });
        shutdown.cancel.addEventListener('abort', () => operation.abort(shutdown.cancel.reason));
        drain = createCoreDrain(await coreFromOptions(globals, options, {}, operation.signal), { cancel: shutdown.cancel });
        if (shutdown.requested.aborted) drain.close();
        const core = drain.core;
        const interactive = !globals.json && process.stdin.isTTY === true && process.stderr.isTTY === true;
        try {
          const printer = new EventPrinter((text) => process.stderr.write(text), { quiet: options.quiet });
          const result = await k8s_exec(request, {
            core,
            source: 'cli',
            signal: operation.signal,
            onEvent: (event) => {
              if (globals.json || event.type === 'error') return;
              printer.print(event);
            },
            ...(interactive ? { confirm: (proposal: Proposal) => askOnTerminal(proposal, operation.signal) } : {}),
          });
          if (globals.json) {
            printJson(result);
          } else if (result.status === 'needs-confirmation') {
            process.stderr.write(
              interactive
                ? `${style.yellow('not run:')} not confirmed\n`
                : `${style.yellow('not run:')} this ${result.plan?.risk ?? ''}-risk command needs confirmation: read it, then pass --confirm (or run on a terminal to be asked)\n`,
            );
          } else if (result.status === 'dry-run') {
            const previewFailed = result.dry_run?.exit_code !== undefined && result.dry_run.exit_code !== 0;
            process.stderr.write(
              previewFailed
                ? `${style.red('dry run failed:')} kubectl rejected the preview (exit ${result.dry_run!.exit_code}); nothing was changed\n`
                : `${style.dim('dry run: nothing was changed')}\n`,
            );
          } else if (result.error && !result.result) {
            printErrorEvent(result.error);
          }
          // Every outcome is written by now (k8s_exec returns after runApproved's last record).
          await drain.idle();
          // After a signal: 130 when the command had to be cancelled, else what it did (kubectl's code).
          if (shutdown.cause !== undefined) {
            // Stopped before kubectl ran (planning, the prompt) counts as cancelled too.
            const cancelled = result.error?.code === 'CANCELLED' || (operation.signal.aborted && result.result === undefined);
            shutdown.finish({ cancelled });
            if (cancelled) return ExitCode.cancelled;
          }
          return exitCodeForResult(result);
        } finally {
          await core.close();
        }
      }),
    );
}
