/**
 * Overhead of execute() over spawning the same command directly (child_process.spawn, output read and
 * discarded), as a ratio of medians in one run, interleaved so both see the same machine load; then
 * the cost of one audit append (lock + read last hash + write + fsync).
 * Run: npx tsx scripts/bench/execute.ts [iterations]   (bounded: ~30 s at the default 40)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { execute } from '../../src/execute/execute.js';

const iterations = Number(process.argv[2] ?? 40);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const deadline = Date.now() + 60_000;

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 25));

function spawnDirect(file: string, args: readonly string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', () => {});
    child.stderr.on('data', () => {});
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - started));
  });
}

async function viaExecute(file: string, args: readonly string[]): Promise<number> {
  const started = performance.now();
  for await (const event of execute(args, { kubectlPath: file })) {
    if (event.type === 'exec-end' && event.exitCode !== 0) throw new Error(`${file} failed: ${event.errorMessage}`);
  }
  return performance.now() - started;
}

async function compare(label: string, file: string, args: readonly string[]): Promise<void> {
  for (let index = 0; index < 3; index++) {
    await spawnDirect(file, args);
    await viaExecute(file, args);
  }
  const direct: number[] = [];
  const wrapped: number[] = [];
  for (let index = 0; index < iterations && Date.now() < deadline; index++) {
    // Alternate which goes first, and let the previous run's processes settle: a run started right
    // after another kubectl is measurably slower, whichever method starts it.
    const order = index % 2 ? [direct, wrapped] : [wrapped, direct];
    for (const samples of order) {
      await settle();
      samples.push(samples === direct ? await spawnDirect(file, args) : await viaExecute(file, args));
    }
  }
  const ratio = median(wrapped) / median(direct);
  console.log(
    `${label.padEnd(34)} n=${direct.length}  direct median ${median(direct).toFixed(2)} ms  execute() median ${median(wrapped).toFixed(2)} ms  ` +
      `ratio ${ratio.toFixed(3)} (goal < 1.10: ${ratio < 1.1 ? 'met' : 'NOT met'})`,
  );
}

async function auditAppend(): Promise<void> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-bench-audit-'));
  const log = createAuditLog({ path: path.join(directory, 'agent.log') });
  const record = {
    level: 'INFO' as const,
    event: 'finished' as const,
    user: 'bench',
    source: 'cli' as const,
    context: 'prod',
    intent: 'restart',
    resource: 'deployment',
    namespace: 'prod',
    name: 'api',
    command: 'kubectl rollout restart deployment/api -n prod',
    args: ['rollout', 'restart', 'deployment/api', '-n', 'prod'],
    card: 'deployment/restart-rollout',
    planner: 'template',
    decision: 'confirm',
    risk: 'medium',
    exit_code: 0,
    duration: 0.42,
  };
  const timings: number[] = [];
  for (let index = 0; index < 200 && Date.now() < deadline + 15_000; index++) {
    const started = performance.now();
    await log.append({ ...record, operation_id: randomUUID() });
    timings.push(performance.now() - started);
  }
  rmSync(directory, { recursive: true, force: true });
  console.log(
    `audit append (lock+fsync) in ${os.tmpdir()}  n=${timings.length}  median ${median(timings).toFixed(3)} ms  p95 ${percentile(timings, 0.95).toFixed(3)} ms`,
  );
}

const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((candidate) => existsSync(candidate));
if (kubectl) await compare('kubectl version --client', kubectl, ['version', '--client']);
else console.log('kubectl not installed: skipping the kubectl comparison');
await compare('fixture both-streams.mjs (node)', path.join(root, 'test/fixtures/bin/both-streams.mjs'), ['3']);
await compare('/bin/true (worst case: ~1 ms program)', '/bin/true', []);
await auditAppend();
