/**
 * Buffered kubectl reads for analysis (`get ... -o json` of a whole namespace): the output is taken
 * whole or not at all, because a JSON document cut at a cap is not a smaller truth but a parse error.
 * Same binary, KUBECONFIG and pinned context as every other run; argv, never a shell.
 */
import { execa } from 'execa';
import type { KubectlReadOptions, KubectlReadResult } from '../contracts/ports.js';
import { kubectlNotFoundMessage, summarizeKubectlError } from './kubectl-errors.js';

/** Largest answer a read accepts by default. */
export const DEFAULT_READ_MAX_BYTES = 64 * 1024 * 1024;

/** Where and how a read runs. */
export interface KubectlReadTarget {
  kubectlPath: string;
  kubeconfig?: string;
  context?: string;
  /** Default timeout when the read does not give one (seconds). */
  timeoutSeconds: number;
  killGraceMs: number;
}

/** Runs `kubectl <args>` once and returns its whole stdout. Never throws for a kubectl failure. */
export async function readKubectlOutput(args: readonly string[], target: KubectlReadTarget, options: KubectlReadOptions = {}): Promise<KubectlReadResult> {
  const started = performance.now();
  const hasContext = args.some((argument) => argument === '--context' || argument.startsWith('--context='));
  const fullArgs = target.context !== undefined && !hasContext ? ['--context', target.context, ...args] : [...args];
  const timeoutSeconds = options.timeoutSeconds ?? target.timeoutSeconds;
  const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
  if (options.signal?.aborted) {
    return { exitCode: 130, stdout: '', stderr: '', durationMs: 0, timedOut: false, cancelled: true, errorMessage: 'cancelled before kubectl started' };
  }
  const result = await execa(target.kubectlPath, fullArgs, {
    stdin: 'ignore',
    reject: false,
    timeout: timeoutSeconds * 1000,
    forceKillAfterDelay: target.killGraceMs,
    maxBuffer: options.maxBytes ?? DEFAULT_READ_MAX_BYTES,
    stripFinalNewline: false,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    ...(target.kubeconfig === undefined ? {} : { env: { KUBECONFIG: target.kubeconfig } }),
  });
  const stdout = String(result.stdout ?? '');
  const stderr = String(result.stderr ?? '');
  const cancelled = result.isCanceled === true;
  const timedOut = result.timedOut === true;
  const spawnFailed = result.exitCode === undefined && result.signal === undefined;
  let exitCode = result.exitCode ?? 1;
  let errorMessage: string | undefined;
  if (spawnFailed && result.code === 'ENOENT') {
    exitCode = 127;
    errorMessage = kubectlNotFoundMessage(target.kubectlPath);
  } else if (result.isMaxBuffer === true) {
    errorMessage = `kubectl's answer is larger than ${options.maxBytes ?? DEFAULT_READ_MAX_BYTES} bytes; read less at once`;
    exitCode = exitCode === 0 ? 1 : exitCode;
  } else if (timedOut) {
    errorMessage = `kubectl timed out after ${timeoutSeconds} s and was stopped`;
  } else if (cancelled) {
    errorMessage = 'cancelled: kubectl was stopped';
  } else if (spawnFailed) {
    errorMessage = `cannot run kubectl (${target.kubectlPath}): ${result.shortMessage ?? 'unknown error'}`;
  } else if (exitCode !== 0) {
    errorMessage = summarizeKubectlError(stderr) || `kubectl exited with code ${exitCode}`;
  }
  if (cancelled || timedOut) exitCode = exitCode === 0 ? 1 : exitCode;
  return { exitCode, stdout, stderr, durationMs: elapsed(), timedOut, cancelled, ...(errorMessage === undefined ? {} : { errorMessage }) };
}
