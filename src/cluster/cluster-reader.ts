/**
 * The one read path for analysis and name resolution: every read is a kubectl argv that the
 * validator must allow as a read-only command under the org policy (so an investigation can never
 * read what a person could not), the number of reads is bounded, and each read is remembered so the
 * caller can list them in its audit record.
 */
import { formatCommand } from '../corpus/format-command.js';
import { KubectlError, PolicyDeniedError } from '../errors.js';
import type { CommandValidator } from '../contracts/core.js';
import type { ApiLister, ApiListOptions, KubectlReadResult, KubectlRunner } from '../contracts/ports.js';

/** One read an investigation (or a name lookup) made, as recorded in the audit log. */
export interface ClusterRead {
  command: string;
  args: string[];
  exitCode: number;
  durationMs: number;
  bytes: number;
  error?: string;
}

/** Per-read options. */
export interface ClusterReadCallOptions {
  timeoutSeconds?: number;
  /** Largest answer accepted (default 64 MiB); a larger one fails rather than being cut. */
  maxBytes?: number;
}

/** Validated, bounded, recorded read-only cluster access. */
export interface ClusterReader {
  /** kubectl's stdout for a read-only argv. Throws PolicyDeniedError (not a permitted read) or KubectlError. */
  text(args: readonly string[], options?: ClusterReadCallOptions): Promise<string>;
  /** The parsed JSON answer of a read-only argv (give `-o json`). Throws like text(), or KubectlError for non-JSON. */
  json<T = unknown>(args: readonly string[], options?: ClusterReadCallOptions): Promise<T>;
  /**
   * The objects `args` (a `kubectl get` of `types`) lists, read straight from the API server, validated
   * as `args` first; undefined when the core has no API lister or it cannot stand in for kubectl here
   * (then nothing is recorded: make the read with text() or json()). Recorded as the kubectl command
   * with " (API)". Throws PolicyDeniedError, or KubectlError when the API server did not answer in time.
   */
  list(args: readonly string[], types: readonly string[], namespace: string | undefined, options?: ClusterReadCallOptions): Promise<object[] | undefined>;
  /** Like list(), for `args` reading one object (`get <resource> <name> [-n namespace] -o json`). */
  object(args: readonly string[], resource: string, name: string, namespace: string | undefined, options?: ClusterReadCallOptions): Promise<object | undefined>;
  /** Every read made so far, in order (failed ones included). */
  readonly reads: readonly ClusterRead[];
}

/** How a reader is made. */
export interface ClusterReaderOptions {
  signal?: AbortSignal;
  /** Most reads this reader may make (default 32): an investigation is a bounded number of batched reads. */
  maxReads?: number;
  /** Default per-read timeout in seconds (default: the runner's). */
  timeoutSeconds?: number;
}

/** Details carried by a failed read's KubectlError. */
export interface ClusterReadFailure {
  exitCode: number;
  stderr: string;
  /** kubectl said the object or type does not exist. */
  notFound: boolean;
}

const NOT_FOUND = /\bNotFound\b|\bnot found\b|doesn't have a resource type/i;

async function collectRun(kubectl: KubectlRunner, args: readonly string[], options: { signal?: AbortSignal; timeoutSeconds?: number }): Promise<KubectlReadResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const started = performance.now();
  for await (const event of kubectl.run(args, options)) {
    if (event.type === 'exec-output') (event.stream === 'stdout' ? stdout : stderr).push(event.line);
    else {
      if (event.truncated) {
        return { exitCode: event.exitCode === 0 ? 1 : event.exitCode, stdout: '', stderr: stderr.join('\n'), durationMs: event.durationMs, timedOut: event.timedOut, cancelled: event.cancelled, errorMessage: 'the answer passed the output cap and was cut; read less at once' };
      }
      return {
        exitCode: event.exitCode,
        stdout: stdout.join('\n'),
        stderr: stderr.join('\n'),
        durationMs: event.durationMs,
        timedOut: event.timedOut,
        cancelled: event.cancelled,
        ...(event.errorMessage === undefined ? {} : { errorMessage: event.errorMessage }),
      };
    }
  }
  return { exitCode: 1, stdout: '', stderr: '', durationMs: performance.now() - started, timedOut: false, cancelled: false, errorMessage: 'kubectl ended without an exit code' };
}

/** A reader over the core's validator and kubectl runner. */
export function createClusterReader(core: { validator: CommandValidator; kubectl: KubectlRunner; api?: ApiLister }, options: ClusterReaderOptions = {}): ClusterReader {
  const reads: ClusterRead[] = [];
  const maxReads = options.maxReads ?? 32;

  /** The display command of a read the policy permits, with room for it; throws otherwise. */
  const permitted = (args: readonly string[]): string => {
    options.signal?.throwIfAborted();
    const command = formatCommand(args);
    const verdict = core.validator.validate(args, {});
    if (verdict.decision !== 'allow' || verdict.mutating) {
      const why = verdict.violations.map((violation) => violation.message).join('; ') || (verdict.mutating ? 'it changes the cluster' : `it needs confirmation (${verdict.risk} risk)`);
      throw new PolicyDeniedError(`the read "${command}" is not permitted: ${why}`, { details: { verdict } });
    }
    if (reads.length >= maxReads) {
      throw new KubectlError(`too many cluster reads (at most ${maxReads} per request): "${command}" was not run`);
    }
    return command;
  };

  /** A read straight from the API server, validated and recorded as `args` with " (API)"; undefined when kubectl must make it. */
  const throughApi = async <Answer extends { durationMs: number; bytes: number }>(
    args: readonly string[],
    call: ClusterReadCallOptions,
    ask: (options: ApiListOptions) => Promise<Answer | { fallback: string } | { error: string; durationMs: number }>,
  ): Promise<Answer | undefined> => {
    const command = permitted(args);
    const timeoutSeconds = call.timeoutSeconds ?? options.timeoutSeconds ?? 10;
    const answer = await ask({ timeoutMs: timeoutSeconds * 1000, maxBytes: call.maxBytes ?? 64 * 1024 * 1024, ...(options.signal ? { signal: options.signal } : {}) });
    if ('fallback' in answer) return undefined;
    if ('error' in answer) {
      reads.push({ command: `${command} (API)`, args: [...args], exitCode: 1, durationMs: answer.durationMs, bytes: 0, error: answer.error });
      throw new KubectlError(`${command}: ${answer.error}`, { details: { exitCode: 1, stderr: answer.error, notFound: false } satisfies ClusterReadFailure });
    }
    reads.push({ command: `${command} (API)`, args: [...args], exitCode: 0, durationMs: answer.durationMs, bytes: answer.bytes });
    return answer;
  };

  const text = async (args: readonly string[], call: ClusterReadCallOptions = {}): Promise<string> => {
    const command = permitted(args);
    const timeoutSeconds = call.timeoutSeconds ?? options.timeoutSeconds;
    const readOptions = { ...(options.signal ? { signal: options.signal } : {}), ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }) };
    const result = core.kubectl.read
      ? await core.kubectl.read(args, { ...readOptions, ...(call.maxBytes === undefined ? {} : { maxBytes: call.maxBytes }) })
      : await collectRun(core.kubectl, args, readOptions);
    reads.push({
      command,
      args: [...args],
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      bytes: Buffer.byteLength(result.stdout),
      ...(result.exitCode === 0 ? {} : { error: result.errorMessage ?? `exit ${result.exitCode}` }),
    });
    if (result.cancelled) options.signal?.throwIfAborted();
    if (result.exitCode !== 0) {
      const failure: ClusterReadFailure = { exitCode: result.exitCode, stderr: result.stderr, notFound: NOT_FOUND.test(result.stderr) || NOT_FOUND.test(result.errorMessage ?? '') };
      throw new KubectlError(`${command}: ${result.errorMessage ?? `kubectl exited with ${result.exitCode}`}`, { details: failure });
    }
    return result.stdout;
  };

  return {
    text,
    async json<T>(args: readonly string[], call?: ClusterReadCallOptions): Promise<T> {
      const output = await text(args, call);
      try {
        return JSON.parse(output) as T;
      } catch {
        throw new KubectlError(`${formatCommand(args)} did not print JSON`);
      }
    },
    async list(args, types, namespace, call = {}) {
      const api = core.api;
      if (!api) return undefined;
      return (await throughApi(args, call, (options) => api.list(types, namespace, options)))?.items;
    },
    async object(args, resource, name, namespace, call = {}) {
      const api = core.api;
      if (!api?.get) return undefined;
      return (await throughApi(args, call, (options) => api.get!(resource, name, namespace, options)))?.object;
    },
    get reads() {
      return reads;
    },
  };
}

/** The failure details of a read's KubectlError, when it came from a reader. */
export function readFailure(error: unknown): ClusterReadFailure | undefined {
  if (!(error instanceof KubectlError)) return undefined;
  const details = error.details as Partial<ClusterReadFailure> | undefined;
  return details && typeof details.exitCode === 'number' ? (details as ClusterReadFailure) : undefined;
}
