/**
 * Signal handling shared by every long-running front-end (`rk8s serve`, `mcp`, `exec`, `tui`).
 *
 * The first SIGTERM, SIGINT or SIGHUP *requests* a shutdown: the front-end stops taking work and
 * drains. Running kubectl commands get `shutdownGraceSeconds` to finish; then `cancel` aborts and
 * they are stopped. Either way the front-end writes every outcome record and answers every request
 * before it returns. A second signal cancels at once; a third exits at once. After a cancel, the
 * process exits anyway once `forceExitSeconds` have passed, so a wedged stage never keeps it up.
 *
 * Listeners are added with process.on and stay until the process ends. execa's `cleanup` (the
 * signal-exit package) re-raises a signal when its own listeners are the only ones left, and Node
 * removes a process.once listener before calling it: that pair killed the process mid-command with
 * the audit log ending at `started`. A listener that stays keeps signal-exit from ever re-raising.
 */
import { CancelledError, ExitCode } from '../errors.js';
import type { Config } from '../schemas/config.js';

/** The signals every front-end handles. */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** Why a shutdown started: a signal, or a front-end's own reason (stdin closed, the core failed). */
export type ShutdownCause = (typeof SHUTDOWN_SIGNALS)[number] | 'input-closed' | 'output-closed' | 'startup-failed';

/** Where signals come from (the process; tests pass an EventEmitter). */
export interface SignalSource {
  on(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
}

/** How a shutdown behaves. */
export interface ShutdownOptions {
  /** Seconds running commands get to finish (read when the shutdown starts, so a command can set it once its config is loaded). */
  graceSeconds: number | (() => number);
  /** After `cancel` aborts, seconds until the process exits whatever is left (default 5: kubectl's SIGTERM-to-SIGKILL grace plus writing the records). */
  forceExitSeconds?: number | (() => number);
  /** Progress lines for stderr ("SIGTERM: stopping; waiting up to 10 s ..."). */
  log: (message: string) => void;
  /** Default: process. */
  source?: SignalSource;
  /** Default: process.exit. Only used when the process must end before the front-end has drained. */
  exit?: (code: number) => void;
}

/** A shutdown in waiting or in progress. */
export interface Shutdown {
  /** Aborts when the shutdown starts: stop taking work; abort what has not started a command. */
  readonly requested: AbortSignal;
  /** Aborts when the grace period is over or a second signal came: cancel the commands still running. */
  readonly cancel: AbortSignal;
  /** What started the shutdown (undefined while none has). */
  readonly cause: ShutdownCause | undefined;
  /** Resolves with the cause when the shutdown starts. */
  readonly started: Promise<ShutdownCause>;
  /** Starts the shutdown for a reason of the front-end's own; idempotent (the first cause wins). */
  request(cause: ShutdownCause): void;
  /**
   * The front-end has drained (every outcome written, every request answered): stops the timers and
   * returns the process exit code (see shutdownExitCode).
   */
  finish(outcome: { cancelled: boolean }): number;
  /** Removes the listeners. Front-ends never call it (see the module comment); tests do. */
  dispose(): void;
}

/**
 * The exit code of a front-end stopped by a shutdown: 130 (cancelled) when work had to be cancelled
 * (grace period over, second signal) or when SIGINT (Ctrl-C) stopped it, else 0 (a clean drain
 * after SIGTERM or SIGHUP, or after the client closed the connection).
 */
export function shutdownExitCode(cause: ShutdownCause | undefined, cancelled: boolean): number {
  if (cancelled || cause === 'SIGINT') return ExitCode.cancelled;
  return ExitCode.ok;
}

function seconds(value: number | (() => number)): number {
  return typeof value === 'function' ? value() : value;
}

function describe(seconds: number): string {
  return `${Number(seconds.toFixed(2))} s`;
}

/** After a cancel: kubectl's SIGTERM-to-SIGKILL grace, then a few seconds to write the records and answer. */
export function forceExitSeconds(config: Pick<Config, 'exec'>): number {
  return config.exec.killGraceMs / 1000 + 3;
}

/** Installs the signal listeners and returns the shutdown they drive. */
export function installShutdown(options: ShutdownOptions): Shutdown {
  const source = options.source ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const requested = new AbortController();
  const cancel = new AbortController();
  let cause: ShutdownCause | undefined;
  let finished = false;
  let exitCode: number | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  let forceTimer: NodeJS.Timeout | undefined;
  let announceStart: (cause: ShutdownCause) => void = () => undefined;
  const started = new Promise<ShutdownCause>((resolve) => (announceStart = resolve));

  const cancelNow = (why: string) => {
    clearTimeout(graceTimer);
    if (cancel.signal.aborted || finished) return;
    options.log(`${why}: cancelling the commands still running (their outcome is recorded)`);
    cancel.abort(new CancelledError(`cancelled: ${why}`));
    const forceSeconds = seconds(options.forceExitSeconds ?? 5);
    forceTimer = setTimeout(() => {
      options.log(`still not drained ${describe(forceSeconds)} after cancelling: exiting`);
      exit(ExitCode.cancelled);
    }, forceSeconds * 1000);
    forceTimer.unref();
  };

  const request = (reason: ShutdownCause) => {
    if (cause !== undefined || finished) return;
    cause = reason;
    const graceSeconds = Math.max(0, seconds(options.graceSeconds));
    options.log(`${reason}: shutting down; running commands get ${describe(graceSeconds)} to finish (a second signal cancels them now)`);
    requested.abort(new CancelledError(`shutting down (${reason})`));
    announceStart(reason);
    if (graceSeconds === 0) {
      cancelNow('no grace period (shutdownGraceSeconds is 0)');
      return;
    }
    graceTimer = setTimeout(() => cancelNow(`grace period of ${describe(graceSeconds)} over`), graceSeconds * 1000);
    graceTimer.unref();
  };

  const listeners = SHUTDOWN_SIGNALS.map((signal) => {
    const listener = () => {
      // Drained already (closing the core, the sandbox): nothing is left to lose.
      if (finished) return exit(exitCode ?? ExitCode.cancelled);
      // A signal during a shutdown escalates it, whatever started it (a client that closed stdin and
      // then sends SIGTERM, as MCP clients do, wants the process gone soon).
      if (cause === undefined) request(signal);
      else if (!cancel.signal.aborted) cancelNow(`${signal} during shutdown`);
      else {
        options.log(`${signal} again: exiting now`);
        exit(ExitCode.cancelled);
      }
    };
    source.on(signal, listener);
    return { signal, listener };
  });

  return {
    requested: requested.signal,
    cancel: cancel.signal,
    get cause() {
      return cause;
    },
    started,
    request,
    finish(outcome) {
      finished = true;
      clearTimeout(graceTimer);
      clearTimeout(forceTimer);
      exitCode = shutdownExitCode(cause, outcome.cancelled || cancel.signal.aborted);
      return exitCode;
    },
    dispose() {
      clearTimeout(graceTimer);
      clearTimeout(forceTimer);
      for (const { signal, listener } of listeners) source.off(signal, listener);
    },
  };
}
