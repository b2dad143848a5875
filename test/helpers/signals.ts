/**
 * Test helper for the signal tests: spawn the built rk8s, send it signals, and read back what the
 * audit log says about every operation (each `started` must have an outcome) and what
 * `rk8s audit verify` says about the chain.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { processTree } from '../../src/execute/process-tree.js';
import { auditRecords } from './audit.js';
import { RK8S_BIN, runCli } from './cli.js';
import { waitFor } from './sandbox.js';

/** A spawned rk8s process. */
export interface Spawned {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when a signal killed it) and that signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal, then waits until stderr shows `heard` (signals of one kind sent together merge). */
  signal(signal: NodeJS.Signals, heard?: RegExp): Promise<void>;
}

/** Starts `rk8s <args>` with NO_COLOR and the given environment (on top of this process's). */
export function spawnRk8s(args: readonly string[], env: Record<string, string>, options: { stdin?: 'pipe' | 'ignore' } = {}): Spawned {
  if (!existsSync(RK8S_BIN)) throw new Error(`${RK8S_BIN} is missing: run npm run build (npm test does it in pretest)`);
  const child = spawn(process.execPath, [RK8S_BIN, ...args], {
    env: { ...process.env, NO_COLOR: '1', RK8S_SERVER_TOKEN: '', ...env },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async signal(signal, heard) {
      const before = stderr.length;
      child.kill(signal);
      if (heard) await waitFor(() => heard.test(stderr.slice(before)) || child.exitCode !== null || child.signalCode !== null, { what: `rk8s to hear ${signal}`, timeoutMs: 10_000, intervalMs: 20 });
    },
  };
}

/** One audit record, as far as these tests read it. */
export interface AuditLine {
  operation_id: string;
  event: string;
  source: string;
  exit_code?: number;
  message?: string;
}

/** What the log says: every record, and the operations that started without an outcome record. */
export interface AuditOutcomes {
  records: AuditLine[];
  started: string[];
  /** Started operations with no finished/failed/cancelled record: must be empty. */
  lost: string[];
  /** The outcome event of each started operation. */
  outcomes: Map<string, string>;
}

const OUTCOMES = new Set(['finished', 'failed', 'cancelled']);

/** Reads the audit log at `path` (an absent log has no records). */
export function auditOutcomes(path: string): AuditOutcomes {
  const records: AuditLine[] = auditRecords(path);
  const started = records.filter((record) => record.event === 'started').map((record) => record.operation_id);
  const outcomes = new Map<string, string>();
  for (const record of records) if (OUTCOMES.has(record.event) && started.includes(record.operation_id)) outcomes.set(record.operation_id, record.event);
  return { records, started, lost: started.filter((id) => !outcomes.has(id)), outcomes };
}

/** Runs `rk8s audit verify` on the log; resolves with its exit code and output. */
export async function verifyAudit(path: string): Promise<{ exitCode: number; output: string }> {
  const result = await runCli(['audit', 'verify', '--audit-log', path]);
  return { exitCode: result.exitCode, output: `${result.stdout}${result.stderr}` };
}

/** The argv of each live descendant of `pid` (read from /proc) whose argv holds every word in `words`. */
export function descendantsRunning(pid: number, words: readonly string[]): string[][] {
  const found: string[][] = [];
  for (const member of processTree(pid).slice(1)) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${member}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // exited meanwhile
    }
    if (words.every((word) => argv.includes(word))) found.push(argv);
  }
  return found;
}

/**
 * Waits until `count` kubectl processes running `words` (e.g. rollout status) are children of `pid`.
 * The `started` record is written just before kubectl is spawned; a signal in between finds no
 * kubectl running and cancels at once (the right behaviour, but not what a grace-period test means).
 */
export async function waitForKubectl(pid: number, words: readonly string[], count = 1): Promise<void> {
  await waitFor(() => descendantsRunning(pid, words).length >= count, { what: `${count} kubectl ${words.join(' ')} to run under pid ${pid}`, timeoutMs: 60_000, intervalMs: 20 });
}
