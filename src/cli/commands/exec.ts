/** `rk8s exec`: plan, validate, preview, confirm and run one kubectl command, streaming its output. */
import type { Command } from 'commander';
import { splitCommand } from '../../corpus/format-command.js';
import { InputError } from '../../errors.js';
import { defaultUser } from '../../pipeline/audit-fields.js';
import type { ApprovalContext } from '../../pipeline/approvers.js';
import { confirmationPrompt } from '../../pipeline/confirmation.js';
import { MAX_TIMEOUT_SECONDS, type Constraints } from '../../schemas/request.js';
import { k8s_exec } from '../../tool/k8s-exec.js';
import { EventPrinter } from '../event-printer.js';
import { action, printJson } from '../output.js';
import { addRequestOptions, coreFromOptions, requestFromOptions, type RequestOptions } from '../request-options.js';
import { style } from '../style.js';
import { cliApprover, finishExec, printExecOutcome, startExecLifecycle } from '../exec-lifecycle.js';
import { exitCodesHelp } from '../exit-help.js';


/** Flags of `rk8s exec`. */
interface ExecOptions extends RequestOptions {
  dryRun?: boolean;
  confirm?: boolean;
  /** For a high-risk --confirm off a terminal: the object's name, as a person would type it. */
  confirmName?: string;
  /** The exact command the human approved (`--expect "kubectl ..."`). */
  expect?: string;
  timeout?: string;
  quiet?: boolean;
  fullPreview?: boolean;
}

/** `--timeout` in seconds, checked (shared with `rk8s undo`). */
export function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new InputError(`--timeout ${value}: must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}`, { hint: 'e.g. --timeout 30' });
  }
  return seconds;
}

/** Asks on the terminal what the core requires: y/N for a key, the object's name for typed-name. */
export async function askOnTerminal(context: ApprovalContext, signal: AbortSignal): Promise<{ confirmed: boolean; text?: string }> {
  // Loaded when a command asks, not at every start (four of Node's modules to compile).
  const { createInterface } = await import('node:readline/promises');
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  readline.on('SIGINT', () => readline.close());
  const { requirement, proposal } = context;
  try {
    if (requirement.kind === 'typed-name') {
      const answer = await readline.question(`${style.red('HIGH RISK.')} Type ${style.bold(requirement.word ?? '')} to run ${style.cyan(proposal.plan.command)}: `, { signal });
      // The core compares it exactly; a stray newline from the terminal is not part of what was typed.
      return { confirmed: true, text: answer.replace(/\r?\n$/, '') };
    }
    const answer = await readline.question(`Run ${style.cyan(proposal.plan.command)}? [y/N] (${confirmationPrompt(requirement)}) `, { signal });
    return { confirmed: /^y(es)?$/i.test(answer.trim()) };
  } catch {
    // Ctrl-C or a closed stdin answers "no".
    return { confirmed: false };
  } finally {
    readline.close();
  }
}

function expectedArgs(expect: string | undefined): string[] | undefined {
  if (expect === undefined) return undefined;
  const args = splitCommand(expect).filter((argument, index) => !(index === 0 && argument === 'kubectl'));
  if (args.length === 0) {
    throw new InputError('--expect: empty command', { hint: 'paste the command rk8s plan showed, e.g. --expect "kubectl rollout restart deployment/api -n prod"' });
  }
  return args;
}

/** Adds `rk8s exec` to the program. */
export function registerExecCommand(program: Command): void {
  addRequestOptions(program.command('exec').description('plan, check, preview, confirm and run one kubectl command (every step is audited)'))
    .option('--dry-run', 'show the plan, the verdict and the server-side dry-run; run nothing')
    .option('--confirm', 'confirm a medium/high-risk command without a prompt (a human has read it)')
    .option('--confirm-name <name>', 'with --confirm, for a high-risk command: the object\'s name, typed as a person would')
    .option('--expect <command>', 'with --confirm: run only if the plan is exactly this command (paste the one rk8s plan showed)')
    .option('--timeout <seconds>', `kill kubectl after this many seconds (1-${MAX_TIMEOUT_SECONDS}; capped by RK8S_EXEC_MAX_TIMEOUT)`)
    .option('--quiet', 'print only kubectl\'s output (and warnings/errors)')
    .option('--full-preview', 'print kubectl\'s whole dry-run output, not only the change summary (replicas 2 → 5)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  rk8s exec -n prod --intent status --resource deployment --name api\n' +
        '  rk8s exec -n prod --intent restart --resource deploy --name api --dry-run\n' +
        '  rk8s exec -n staging --intent scale --resource deploy --name web --query "to 5" --confirm\n' +
        '  rk8s exec -n staging scale web to 5 --confirm --expect "kubectl scale deployment/web -n staging --replicas=5"\n' +
        '  rk8s exec -n prod --intent rollback --resource deploy --name api --confirm --confirm-name api\n' +
        '  rk8s exec -n dev --intent get --resource pod --json\n' +
        '\nOn a terminal, a medium-risk command asks y/N and a high-risk one asks you to type the object name.\n' +
        'Without a terminal (or with --json), such a command runs only with --confirm (a high-risk one also\n' +
        'with --confirm-name NAME); a change read from free text only (no --intent) also needs --expect.\n' +
        'kubectl\'s output goes to stdout/stderr as it comes; the plan and verdict go to stderr.\n' +
        '\nOn SIGTERM/SIGINT a running kubectl gets RK8S_SHUTDOWN_GRACE_SECONDS (10) to finish, then is stopped;\n' +
        'the outcome is recorded either way (a second signal stops it at once).\n' +
        exitCodesHelp({ kubectlOwn: true, needsConfirmation: 'needs confirmation', denied: 'denied or incomplete', usage: 'bad flags', auditWriteFailed: 'audit log not written', cancelled: 'cancelled' }),
    )
    .action(
      action(async (globals, words: string[], options: ExecOptions) => {
        if (options.expect !== undefined && !options.confirm) {
          throw new InputError('--expect goes with --confirm: it pins the command that --confirm approves', { hint: 'add --confirm, or drop --expect' });
        }
        if (options.confirmName !== undefined && !options.confirm) {
          throw new InputError('--confirm-name goes with --confirm: it is the name a high-risk confirmation types', { hint: 'add --confirm, or drop --confirm-name' });
        }
        const expectArgs = expectedArgs(options.expect);
        const constraints: Constraints = {
          ...(options.dryRun ? { dryRun: true } : {}),
          ...(options.timeout !== undefined ? { timeoutSeconds: parseTimeout(options.timeout) } : {}),
        };
        const request = requestFromOptions(words, options, constraints, 'exec');
        const { drain, operation, shutdown } = await startExecLifecycle((signal) => coreFromOptions(globals, options, {}, signal, request));
        const core = drain.core;
        const user = defaultUser();
        const approver = cliApprover({ json: globals.json === true, confirm: options.confirm, ...(options.confirmName === undefined ? {} : { confirmName: options.confirmName }), ...(expectArgs === undefined ? {} : { expectArgs }), command: 'exec', signal: operation.signal });
        try {
          const printer = new EventPrinter((text) => process.stderr.write(text), { quiet: options.quiet, fullPreview: options.fullPreview === true });
          const result = await k8s_exec(request, {
            core,
            source: 'cli',
            user,
            signal: operation.signal,
            approver,
            onEvent: (event) => {
              if (globals.json || event.type === 'error') return;
              printer.print(event);
            },
          });
          if (globals.json) printJson(result);
          else printExecOutcome(result);
          return await finishExec(result, drain, shutdown, operation.signal);
        } finally {
          await core.close();
        }
      }),
    );
}
