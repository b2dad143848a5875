/**
 * The life of one `rk8s exec` / `rk8s undo`: the core behind a drain that SIGTERM/SIGINT closes, then
 * the last line for humans, the wait for every outcome record, and the exit code.
 */
import { ExitCode } from '../errors.js';
import type { Core } from '../contracts/core.js';
import { defaultUser } from '../pipeline/audit-fields.js';
import { createFlagsApprover, createInteractiveApprover, type Approver } from '../pipeline/approvers.js';
import { askOnTerminal } from './commands/exec.js';
import { createCoreDrain, type CoreDrain } from '../lifecycle/core-drain.js';
import type { ExecDocument } from '../output/exec-document.js';
import { exitCodeForExec } from '../output/exit-codes.js';
import { printErrorEvent } from './event-printer.js';
import { forceExitSeconds, installShutdown, type Shutdown } from './shutdown.js';

/** The grace period before the configuration is loaded (only a signal during loading sees it, and nothing runs then). */
const DEFAULT_GRACE_SECONDS = 10;
import { style } from './style.js';

/** The closing line of an exec document on a terminal (dry run, or the error nothing else printed). */
export function printExecOutcome(result: ExecDocument): void {
  if (result.status === 'dry-run') {
    const previewFailed = result.preview?.exit_code !== undefined && result.preview.exit_code !== 0;
    process.stderr.write(
      previewFailed
        ? `${style.red('dry run failed:')} kubectl rejected the preview (exit ${result.preview!.exit_code}); nothing was changed\n`
        : `${style.dim('dry run: nothing was changed')}\n`,
    );
  } else if (result.error && ((!result.result && !result.approval) || result.error.code === 'AUDIT_WRITE_FAILED')) {
    printErrorEvent(result.error);
  }
}

/**
 * Waits until every outcome is written (k8s_exec returns after runApproved's last record), then the
 * exit code: after a signal 130 when the command had to be cancelled, else what it did (kubectl's code).
 */
export async function finishExec(result: ExecDocument, drain: CoreDrain, shutdown: Shutdown, operation: AbortSignal): Promise<number> {
  await drain.idle();
  if (shutdown.cause !== undefined) {
    // Stopped before kubectl ran (planning, the prompt) counts as cancelled too.
    const cancelled = result.error?.code === 'CANCELLED' || (operation.aborted && result.result === undefined);
    shutdown.finish({ cancelled });
    if (cancelled) return ExitCode.cancelled;
  }
  return exitCodeForExec(result);
}

/** A command run under the shutdown rules: its drainable core, the signal that cancels it, and the shutdown. */
export interface ExecLifecycle {
  drain: CoreDrain;
  operation: AbortController;
  shutdown: Shutdown;
}

/**
 * SIGTERM/SIGINT: what has not started kubectl stops at once; a running kubectl gets the grace period,
 * then is cancelled; the outcome is recorded either way (src/cli/shutdown.ts). `loadCore` gets the
 * signal that a signal aborts.
 */
export async function startExecLifecycle(loadCore: (signal: AbortSignal) => Promise<Core>): Promise<ExecLifecycle> {
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
  drain = createCoreDrain(await loadCore(operation.signal), { cancel: shutdown.cancel });
  if (shutdown.requested.aborted) drain.close();
  return { drain, operation, shutdown };
}

/**
 * Who confirms for a CLI command: the person at the terminal (y/N, or the typed name), or, off a
 * terminal, the flags (--confirm, --confirm-name, --expect) as the core's flags approver reads them.
 */
export function cliApprover(options: { json: boolean; confirm?: boolean; confirmName?: string; expectArgs?: readonly string[]; command: string; signal: AbortSignal }): Approver {
  const interactive = !options.json && !options.confirm && process.stdin.isTTY === true && process.stderr.isTTY === true;
  const user = defaultUser();
  return interactive
    ? createInteractiveApprover({ kind: 'terminal', by: `${user} (terminal)`, ask: (context) => askOnTerminal(context, options.signal) })
    : createFlagsApprover({
        confirm: options.confirm === true,
        by: `${user} (rk8s ${options.command} --confirm)`,
        ...(options.confirmName === undefined ? {} : { confirmName: options.confirmName }),
        ...(options.expectArgs === undefined ? {} : { expectArgs: [...options.expectArgs] }),
      });
}
