/**
 * Runs kubectl (an argv array through execa, never a shell) and streams its output line by line as
 * `exec-output` events, stdout and stderr kept apart, then one `exec-end`. A timeout or an abort sends
 * SIGTERM to kubectl and every process it started, then SIGKILL after a grace period; once kubectl has
 * exited, a descendant still holding its output pipes gets the same grace period before the pipes are
 * closed. So a hung kubectl (or a child it started) never hangs rk8s. Output past the cap is still read, so kubectl never blocks on a full
 * pipe, but no longer emitted: one marker line says so and `exec-end.truncated` is true.
 */
import { createHash, type Hash } from 'node:crypto';
import { constants as osConstants } from 'node:os';
import { execa } from 'execa';
import type { PipelineEvent } from '../contracts/events.js';
import { kubectlNotFoundMessage, summarizeKubectlError } from './kubectl-errors.js';
import { LineSplitter } from './line-splitter.js';
import { processTree } from './process-tree.js';
import { ownValue } from '../own-property.js';

/** How one kubectl run is configured. Unset numbers take the config defaults. */
export interface ExecuteOptions {
  /** Path or name (looked up on PATH) of the kubectl binary. */
  kubectlPath?: string;
  /** Passed as KUBECONFIG (never as a flag, so it stays out of displayed commands). */
  kubeconfig?: string;
  /** Adds `--context <name>` in front of the args, unless the args already name one. */
  context?: string;
  /** Default 15. */
  timeoutSeconds?: number;
  /** Time between SIGTERM and SIGKILL; default 2000. */
  killGraceMs?: number;
  /** Cap on emitted output, stdout and stderr together, counting each line's newline; default 256 KiB. */
  maxOutputBytes?: number;
  /** Cap on emitted lines, both streams together; default 5000. */
  maxOutputLines?: number;
  /** Stop kubectl when the cap is reached instead of reading on (default false). */
  killOnTruncate?: boolean;
  /** Extra environment variables, on top of the inherited environment. */
  env?: Readonly<Record<string, string>>;
}

/** An output line. */
export type ExecOutputEvent = Extract<PipelineEvent, { type: 'exec-output' }>;
/** The end of a run, plus SHA-256 of everything kubectl wrote on each stream (emitted or not). */
export type ExecEndEvent = Extract<PipelineEvent, { type: 'exec-end' }> & { stdoutSha256: string; stderrSha256: string };
/** What execute() yields. */
export type ExecuteEvent = ExecOutputEvent | ExecEndEvent;

/** The marker line emitted (on stderr) when output reaches the cap. */
export function truncationMarker(reason: 'bytes' | 'lines', limit: number, killed: boolean): string {
  const what = reason === 'bytes' ? `${limit} bytes` : `${limit} lines`;
  return `[rk8s] output truncated at ${what}; ${killed ? 'kubectl was stopped' : 'the rest is not shown'}`;
}

const STDERR_TAIL_LINES = 30;
const STDERR_TAIL_LINE_LENGTH = 4096;

function signalExitCode(signal: string | undefined): number | undefined {
  if (signal === undefined) return undefined;
  const number = ownValue(osConstants.signals as Readonly<Record<string, number>>, signal);
  return number === undefined ? undefined : 128 + number;
}

/** Signals `pid`, its current descendants and the ones seen earlier (reparented once their parent died). */
function killTree(pid: number | undefined, signal: NodeJS.Signals, known: Set<number>): void {
  if (pid === undefined) return;
  for (const member of processTree(pid)) known.add(member);
  for (const member of known) {
    try {
      process.kill(member, signal);
    } catch {
      known.delete(member); // already gone
    }
  }
}

// execa's cleanup stops kubectl itself when rk8s exits; this also stops what kubectl started.
const running = new Set<number>();
let exitHookInstalled = false;
function trackRunning(pid: number | undefined): void {
  if (pid === undefined) return;
  running.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of running) killTree(pid, 'SIGTERM', new Set());
  });
}

/** Runs `kubectl <args>` and yields its output as events; see the module comment. */
export async function* execute(args: readonly string[], options: ExecuteOptions = {}, signal?: AbortSignal): AsyncGenerator<ExecuteEvent, void, undefined> {
  const kubectlPath = options.kubectlPath ?? 'kubectl';
  const timeoutMs = (options.timeoutSeconds ?? 15) * 1000;
  const killGraceMs = options.killGraceMs ?? 2000;
  const maxOutputBytes = options.maxOutputBytes ?? 256 * 1024;
  const maxOutputLines = options.maxOutputLines ?? 5000;
  const hasContext = args.some((argument) => argument === '--context' || argument.startsWith('--context='));
  const fullArgs = options.context !== undefined && !hasContext ? ['--context', options.context, ...args] : [...args];
  const hashes: Record<'stdout' | 'stderr', Hash> = { stdout: createHash('sha256'), stderr: createHash('sha256') };
  const started = performance.now();

  const endEvent = (fields: Omit<ExecEndEvent, 'type' | 'durationMs' | 'stdoutSha256' | 'stderrSha256'>): ExecEndEvent => ({
    type: 'exec-end',
    ...fields,
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    stdoutSha256: hashes.stdout.digest('hex'),
    stderrSha256: hashes.stderr.digest('hex'),
  });

  if (signal?.aborted) {
    yield endEvent({ exitCode: 130, truncated: false, timedOut: false, cancelled: true, errorMessage: 'cancelled before kubectl started' });
    return;
  }

  const queue: ExecuteEvent[] = [];
  let head = 0;
  let wake: (() => void) | undefined;
  const push = (event: ExecuteEvent) => {
    queue.push(event);
    wake?.();
    wake = undefined;
  };

  let emittedBytes = 0;
  let emittedLines = 0;
  let truncated = false;
  let timedOut = false;
  let cancelled = false;
  let stoppedForCap = false;
  let finished = false;
  let terminating = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stderrTail: string[] = [];

  // execa's `cleanup` stays on: it stops kubectl if rk8s dies. It works through signal-exit, which
  // re-raises SIGTERM/SIGINT once its own listeners are the only ones; rk8s's front-ends keep theirs
  // for the whole process (src/cli/shutdown.ts), so a signal drains instead of killing mid-command.
  const subprocess = execa(kubectlPath, fullArgs, {
    stdin: 'ignore',
    buffer: false,
    reject: false,
    env: options.kubeconfig === undefined ? options.env : { ...options.env, KUBECONFIG: options.kubeconfig },
  });

  trackRunning(subprocess.pid);
  const signalled = new Set<number>();

  const terminate = () => {
    if (terminating) return;
    terminating = true;
    killTree(subprocess.pid, 'SIGTERM', signalled);
    killTimer = setTimeout(() => killTree(subprocess.pid, 'SIGKILL', signalled), killGraceMs);
  };

  // kubectl has exited but something it started still holds the pipes: stop it, then stop waiting.
  let drainTimer: NodeJS.Timeout | undefined;
  subprocess.once('exit', () => {
    drainTimer = setTimeout(() => {
      for (const member of signalled) {
        try {
          process.kill(member, 'SIGKILL');
        } catch {
          // gone
        }
      }
      subprocess.stdout?.destroy();
      subprocess.stderr?.destroy();
    }, killGraceMs);
  });

  const emit = (stream: 'stdout' | 'stderr', line: string) => {
    if (stream === 'stderr') {
      stderrTail.push(line.slice(0, STDERR_TAIL_LINE_LENGTH));
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    }
    if (truncated) return;
    const bytes = Buffer.byteLength(line) + 1;
    const overLines = emittedLines + 1 > maxOutputLines;
    if (overLines || emittedBytes + bytes > maxOutputBytes) {
      truncated = true;
      stoppedForCap = options.killOnTruncate === true;
      push({ type: 'exec-output', stream: 'stderr', line: truncationMarker(overLines ? 'lines' : 'bytes', overLines ? maxOutputLines : maxOutputBytes, stoppedForCap) });
      if (stoppedForCap) terminate();
      return;
    }
    emittedBytes += bytes;
    emittedLines += 1;
    push({ type: 'exec-output', stream, line });
  };

  const splitters = {
    stdout: new LineSplitter(maxOutputBytes + 1),
    stderr: new LineSplitter(maxOutputBytes + 1),
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    subprocess[stream]?.on('data', (chunk: Buffer | string) => {
      hashes[stream].update(chunk);
      for (const line of splitters[stream].write(chunk)) emit(stream, line);
    });
  }

  // Not execa's own `timeout` / `cancelSignal` / `forceKillAfterDelay`: they signal kubectl alone, and
  // what kubectl started (an exec credential plugin, a `kubectl-<plugin>`) would keep running and keep
  // the pipes open. terminate() snapshots and signals the whole tree, then SIGKILLs it after the grace
  // period, which is what those options do for one process (test/unit/execute/execute.test.ts: "kills
  // kubectl's descendants too").
  const timeoutTimer = setTimeout(() => {
    timedOut = true;
    terminate();
  }, timeoutMs);
  const onAbort = () => {
    cancelled = true;
    terminate();
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  const done = subprocess.then((result) => {
    if (subprocess.pid !== undefined) running.delete(subprocess.pid);
    clearTimeout(timeoutTimer);
    clearTimeout(killTimer);
    clearTimeout(drainTimer);
    signal?.removeEventListener('abort', onAbort);
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = splitters[stream].end();
      if (rest !== undefined) emit(stream, rest);
    }
    const spawnCode = result.code;
    const spawnFailed = result.exitCode === undefined && result.signal === undefined;
    let exitCode = result.exitCode ?? signalExitCode(result.signal) ?? 1;
    let errorMessage: string | undefined;
    if (spawnFailed && spawnCode === 'ENOENT') {
      exitCode = 127;
      errorMessage = kubectlNotFoundMessage(kubectlPath);
    } else if (spawnFailed && spawnCode === 'EACCES') {
      exitCode = 126;
      errorMessage = `kubectl at ${kubectlPath} is not executable: fix its permissions or set RK8S_KUBECTL`;
    } else if (spawnFailed) {
      errorMessage = `cannot run kubectl (${kubectlPath}): ${result.shortMessage ?? result.message ?? 'unknown error'}`;
    } else if (timedOut) {
      errorMessage = `kubectl timed out after ${timeoutMs / 1000} s and was stopped`;
    } else if (cancelled) {
      errorMessage = 'cancelled: kubectl was stopped';
    } else if (stoppedForCap) {
      errorMessage = `kubectl was stopped: its output passed the cap (${maxOutputLines} lines / ${maxOutputBytes} bytes)`;
    } else if (exitCode !== 0) {
      errorMessage = summarizeKubectlError(stderrTail) || `kubectl exited with code ${exitCode}`;
    }
    push(endEvent({ exitCode, truncated, timedOut, cancelled, ...(errorMessage === undefined ? {} : { errorMessage }) }));
    finished = true;
    wake?.();
  });

  try {
    for (;;) {
      while (head < queue.length) yield queue[head++]!;
      // Drop what was yielded so a long run does not keep every line alive.
      queue.length = 0;
      head = 0;
      if (finished) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    // The consumer stopped early (break, throw): never leave kubectl running behind us.
    if (!finished) {
      terminate();
      await done;
    }
    clearTimeout(timeoutTimer);
  }
}
