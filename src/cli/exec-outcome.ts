/** How `rk8s exec` and `rk8s undo` end: the last line for humans, the drain after a signal, the exit code. */
import { ExitCode } from '../errors.js';
import type { CoreDrain } from '../lifecycle/core-drain.js';
import type { ExecDocument } from '../output/exec-document.js';
import { exitCodeForExec } from '../output/exit-codes.js';
import { printErrorEvent } from './event-printer.js';
import type { Shutdown } from './shutdown.js';
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
