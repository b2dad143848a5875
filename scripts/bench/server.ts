/**
 * HTTP server benchmark (loopback only, bounded):
 *  1. POST /plan throughput and latency with the template planner, concurrency 32, >= 20,000 requests,
 *     against `rk8s serve` in a child process (so the load generator does not share its event loop),
 *     with the real fsync'ed audit log; then the same with the audit log in memory, to show the ceiling
 *     of HTTP + pipeline and how much of the time is the audit log.
 *  2. Where one /plan goes, in-process and sequential: retrieve, plan, validate, audit append.
 *  3. The end-to-end overhead of `rk8s exec --dry-run` over the bare kubectl command (sandbox cluster).
 * Run: npx tsx scripts/bench/server.ts [requests=20000]   (about 1-2 minutes; every stage has a deadline)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { loadConfig } from '../../src/config/load-config.js';
import { checkCommand } from '../../src/pipeline/check-command.js';
import type { Core } from '../../src/contracts/core.js';
import { createCore } from '../../src/pipeline/create-core.js';
import { propose } from '../../src/pipeline/propose.js';
import type { AuditLog, AuditRecordInput } from '../../src/contracts/ports.js';
import type { AuditRecord } from '../../src/schemas/audit.js';
import type { K8sExecPayload } from '../../src/schemas/request.js';
import { createHttpServer } from '../../src/server/http.js';

/** The part of autocannon's result this benchmark reads (the package ships no types). */
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { total: number };
  latency: { p50: number; p99: number; max: number };
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: Record<string, unknown>) => Promise<AutocannonResult>;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REQUESTS = Math.max(20_000, Number(process.argv.find((argument) => /^\d+$/.test(argument)) ?? 20_000));
const CONCURRENCY = 32;
const PAYLOADS: K8sExecPayload[] = [
  { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' },
  { intent: 'scale', resource: 'deployment', namespace: 'staging', name: 'web', query: 'to 5' },
  { intent: 'logs', resource: 'pod', namespace: 'dev', name: 'worker-abc123' },
  { intent: 'get', resource: 'pod', namespace: 'prod' },
  { namespace: 'prod', query: 'why is checkout crashlooping' },
];

/** A memory-only audit log: the same interface, no file, no fsync (for the ceiling measurement). */
function memoryAuditLog(): AuditLog {
  return {
    path: ':memory:',
    async append(record: AuditRecordInput): Promise<AuditRecord> {
      return { timestamp: new Date().toISOString(), ...record, prev_hash: '', hash: '' } as AuditRecord;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Child mode: serve /plan and print the URL on stdout.
// ---------------------------------------------------------------------------------------------
async function serveChild(audit: 'file' | 'memory', auditPath: string): Promise<void> {
  const config = loadConfig({ model: null, auditLog: auditPath });
  const core = await createCore(config, audit === 'memory' ? { auditLog: memoryAuditLog() } : {});
  const server = createHttpServer({ config, core, host: '127.0.0.1', port: 0 });
  const url = await server.listen();
  process.stdout.write(`${url}\n`);
  process.once('SIGTERM', () => void server.shutdown().then(() => process.exit(0)));
}

function startChild(audit: 'file' | 'memory', auditPath: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', audit, auditPath], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start within 60 s')), 60_000);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, child });
      }
    });
    child.on('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
}

interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  timeouts: number;
}

async function load(url: string, amount: number): Promise<LoadResult> {
  const result = await autocannon({
    url: `${url}/plan`,
    connections: CONCURRENCY,
    amount,
    timeout: 10,
    // Each connection cycles through the payloads, so several cards and verdicts are exercised.
    requests: PAYLOADS.map((payload) => ({ method: 'POST' as const, path: '/plan', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })),
  });
  const seconds = result.duration;
  return {
    requests: result.requests.total,
    seconds,
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
  };
}

function printLoad(label: string, result: LoadResult): void {
  console.log(
    `  ${label.padEnd(34)} ${result.requests} req in ${result.seconds.toFixed(1)} s = ${Math.round(result.rps)} req/s; ` +
      `latency p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms; errors ${result.errors}, non-2xx ${result.non2xx}, timeouts ${result.timeouts}`,
  );
}

async function loadStage(directory: string): Promise<void> {
  console.log(`\n/plan, template planner, concurrency ${CONCURRENCY}, ${REQUESTS} requests (after a 1,000-request warm-up), ${os.availableParallelism()} cores`);
  for (const audit of ['file', 'memory'] as const) {
    const { url, child } = await startChild(audit, path.join(directory, `audit-${audit}.log`));
    try {
      await load(url, 1000);
      printLoad(audit === 'file' ? 'audit log on disk (fsync each)' : 'audit log in memory (ceiling)', await load(url, REQUESTS));
    } finally {
      child.kill('SIGTERM');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Where the time goes, in-process.
// ---------------------------------------------------------------------------------------------
function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeEach(count: number, run: (index: number) => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await run(index);
    samples.push(performance.now() - started);
  }
  return median(samples);
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _event of stream) {
    // consume
  }
}

async function breakdownStage(directory: string): Promise<void> {
  const config = loadConfig({ model: null, auditLog: path.join(directory, 'breakdown.log') });
  const core: Core = await createCore(config);
  const inMemory: Core = { ...core, auditLog: memoryAuditLog() };
  const request = PAYLOADS[0]!;
  const count = 400;
  const retrieved = await core.retriever.retrieve({ intent: request.intent, resource: request.resource });
  let plannedArgs: string[] = [];
  for await (const event of core.planner.plan(request, retrieved.matches, {})) if (event.type === 'plan-end') plannedArgs = event.plan.args;
  const auditLog = createAuditLog({ path: path.join(directory, 'append.log') });
  const record: AuditRecordInput = {
    level: 'INFO', operation_id: '00000000-0000-4000-8000-000000000000', event: 'proposed', user: 'bench', source: 'http', context: null,
    intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api', command: 'kubectl rollout restart deployment/api -n prod',
    args: plannedArgs, card: 'restart-deployment', planner: 'template', decision: 'confirm', risk: 'medium',
  };
  const rows: Array<[string, number]> = [
    ['retrieve (lexical + usearch)', await timeEach(count, () => core.retriever.retrieve({ intent: request.intent, resource: request.resource }))],
    ['plan (template)', await timeEach(count, () => drain(core.planner.plan(request, retrieved.matches, {})))],
    ['validate (policy)', await timeEach(count, () => checkCommand(core, plannedArgs, 'medium'))],
    ['audit append (lock + write + fsync)', await timeEach(count, () => auditLog.append(record))],
    ['propose(), audit in memory', await timeEach(count, () => drain(propose(request, inMemory, { source: 'http' })))],
    ['propose(), audit on disk', await timeEach(count, () => drain(propose(request, core, { source: 'http' })))],
  ];
  console.log(`\nWhere one /plan goes (median of ${count} sequential calls, in-process):`);
  for (const [label, milliseconds] of rows) console.log(`  ${label.padEnd(38)} ${milliseconds.toFixed(3)} ms`);
  const appendMs = rows[3]![1];
  console.log(`  => one sequential append costs ${appendMs.toFixed(3)} ms (~${Math.round(1000 / appendMs)}/s); concurrent appends share one lock, write and fsync (group commit), which is why the loaded server goes beyond that`);
  await core.close();
}

// ---------------------------------------------------------------------------------------------
// rk8s exec --dry-run vs bare kubectl, against the sandbox.
// ---------------------------------------------------------------------------------------------
function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; code: number; stdout: string; stderr: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, code: code ?? -1, stdout, stderr });
    });
  });
}

async function dryRunStage(directory: string): Promise<void> {
  const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((candidate) => existsSync(candidate));
  const bin = path.join(root, 'dist/src/cli/rk8s.cjs');
  if (!kubectl || !existsSync(bin)) {
    console.log(`\nrk8s exec --dry-run overhead: skipped (${!kubectl ? 'kubectl not installed' : 'dist/ missing: run npm run build'})`);
    return;
  }
  const { startSandbox } = await import('../../src/sandbox/index.js');
  const sandbox = await startSandbox({ kubeconfigPath: path.join(directory, 'kubeconfig') });
  try {
    const env = { ...process.env, KUBECONFIG: sandbox.kubeconfigPath, KUBECACHEDIR: path.join(directory, 'kube-cache'), NO_COLOR: '1', RK8S_AUDIT_LOG: path.join(directory, 'exec.log') };
    const bare = ['scale', 'deployment/api', '-n', 'prod', '--replicas=3', '--dry-run=server'];
    const viaRk8s = [bin, 'exec', '-n', 'prod', '--intent', 'scale', '--resource', 'deployment', '--name', 'api', '--query', 'to 3', '--dry-run', '--no-model', '--json'];
    const check = await run(process.execPath, viaRk8s, env);
    const document = JSON.parse(check.stdout || '{}') as { status?: string; plan?: { args?: string[] } };
    if (check.code !== 0 || document.status !== 'dry-run') {
      console.log(`\nrk8s exec --dry-run overhead: skipped (rk8s exec answered ${check.code}: ${document.status ?? check.stderr.trim().split('\n')[0]})`);
      return;
    }
    await run(kubectl, bare, env);
    const bareSamples: number[] = [];
    const rk8sSamples: number[] = [];
    const iterations = 12;
    for (let index = 0; index < iterations; index++) {
      // Interleaved, so both see the same machine load.
      bareSamples.push((await run(kubectl, bare, env)).ms);
      rk8sSamples.push((await run(process.execPath, viaRk8s, env)).ms);
    }
    const bareMs = median(bareSamples);
    const rk8sMs = median(rk8sSamples);
    console.log(`\nrk8s exec --dry-run vs bare kubectl (sandbox, median of ${iterations}, interleaved):`);
    console.log(`  kubectl ${bare.join(' ')}    ${bareMs.toFixed(0)} ms`);
    console.log(`  rk8s exec ... --dry-run --no-model --json (runs: kubectl ${document.plan?.args?.join(' ')} --dry-run=server)    ${rk8sMs.toFixed(0)} ms`);
    console.log(`  overhead: +${(rk8sMs - bareMs).toFixed(0)} ms (node start, cards, policy, index load, plan, validate, 2 audit records)`);
  } finally {
    await sandbox.stop();
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--serve') {
    await serveChild(process.argv[3] === 'memory' ? 'memory' : 'file', process.argv[4]!);
    return;
  }
  const watchdog = setTimeout(() => {
    console.error('benchmark deadline (5 minutes) reached');
    process.exit(1);
  }, 5 * 60_000);
  watchdog.unref();
  const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-bench-server-'));
  try {
    await loadStage(directory);
    await breakdownStage(directory);
    await dryRunStage(directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
