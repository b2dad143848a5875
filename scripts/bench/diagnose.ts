/**
 * `rk8s diagnose` at scale, on the sandbox: a generated namespace of 200, 2,000 and 10,000 pods
 * (src/sandbox/generate-large-scenario.ts), timing separately
 *   - the kubectl reads alone: the investigation's own argv, run through the same runner, same phases
 *     (four in parallel, then usage/logs in parallel), no validation, no parsing, no analysis;
 *   - the analysis alone: analyze() over the snapshot the investigation read (index build included);
 *   - the whole investigation: k8s_diagnose() end to end (validated reads, JSON parsing, analysis,
 *     remediation previews through propose(), one fsync'ed audit record).
 * Goals: analysis under 100 ms at 2,000 pods; whole within 1.5x of the reads alone.
 * Run: npx tsx scripts/bench/diagnose.ts [pods...]   (default 200 2000 10000; a few minutes)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClusterReader } from '../../src/cluster/cluster-reader.js';
import { loadConfig } from '../../src/config/load-config.js';
import { splitCommand } from '../../src/corpus/format-command.js';
import { analyzeIndex } from '../../src/diagnose/analyze.js';
import { BATCH_READ_TIMEOUT_SECONDS, readDetails, readNamespace } from '../../src/diagnose/snapshot.js';
import { SnapshotIndex } from '../../src/diagnose/snapshot-index.js';
import { createCore } from '../../src/pipeline/create-core.js';
import { writeLargeScenario } from '../../src/sandbox/generate-large-scenario.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { k8s_diagnose } from '../../src/tool/k8s-diagnose.js';

const SIZES = process.argv.slice(2).map(Number).filter((value) => Number.isInteger(value) && value > 0);
const RUNS = 5;
const ANALYSIS_RUNS = 15;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

interface Row {
  pods: number;
  workloads: number;
  findings: number;
  reads: number;
  jsonMiB: number;
  sandboxStartMs: number;
  readsAloneMs: number;
  analysisMs: number;
  wholeMs: number;
  documentReadMs: number;
}

async function measure(pods: number): Promise<Row> {
  const workloads = Math.max(10, Math.round((pods * 300) / 2000));
  const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-bench-diagnose-'));
  const scenarioPath = path.join(directory, 'scenario.yaml');
  const summary = writeLargeScenario(scenarioPath, { pods, workloads, namespace: 'prod' });
  const started = performance.now();
  const sandbox = await startSandbox({ scenarioPath });
  const sandboxStartMs = performance.now() - started;
  process.env.KUBECACHEDIR = path.join(directory, 'kubecache');
  try {
    const config = loadConfig({ kubeconfig: sandbox.kubeconfigPath, auditLog: path.join(directory, 'agent.log'), cacheDir: path.join(directory, 'cache'), model: null }, {});
    const core = await createCore(config);
    // Warm-up: kubectl's discovery cache, the JIT, the card index.
    const first = await k8s_diagnose({ namespace: 'prod' }, { core, source: 'cli' });
    if (first.status === 'failed') throw new Error(`the investigation failed: ${first.error?.message}`);

    const whole: number[] = [];
    const documentRead: number[] = [];
    let findings = 0;
    let readCommands: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const runStarted = performance.now();
      const document = await k8s_diagnose({ namespace: 'prod' }, { core, source: 'cli' });
      whole.push(performance.now() - runStarted);
      documentRead.push(document.checked.readMs);
      findings = document.findings.length;
      readCommands = document.checked.reads;
    }

    // The same argv, through the same runner, in the same two phases: kubectl alone.
    const argvs = readCommands.map((command) => splitCommand(command).slice(1));
    const second = (args: string[]) => args[0] === 'logs' || args[0] === 'top';
    const alone: number[] = [];
    let bytes = 0;
    for (let run = 0; run < RUNS; run++) {
      const runStarted = performance.now();
      const results = await Promise.all(argvs.filter((args) => !second(args)).map((args) => core.kubectl.read!(args, { maxBytes: 1024 * 1024 * 1024, timeoutSeconds: BATCH_READ_TIMEOUT_SECONDS })));
      const details = await Promise.all(argvs.filter(second).map((args) => core.kubectl.read!(args)));
      alone.push(performance.now() - runStarted);
      // A baseline read that failed (a timeout) would make the investigation look slow by comparison.
      const failed = [...results, ...details].find((result) => result.exitCode !== 0 && result.timedOut);
      if (failed) throw new Error(`a baseline read timed out: ${failed.errorMessage ?? ''}`);
      bytes = results.reduce((sum, result) => sum + Buffer.byteLength(result.stdout), 0);
    }

    // The analysis over one snapshot, many times.
    const reader = createClusterReader(core, { maxReads: 16 });
    const phaseOne = await readNamespace(reader, core.validator, 'prod', () => undefined, () => core.clock.now());
    const index = new SnapshotIndex(phaseOne.snapshot);
    await readDetails(reader, index, index.pods, () => undefined, [], 3);
    await core.close();
    // The sandbox runs in this process (controllers, log timers): stop it so the pure analysis is timed alone.
    await sandbox.stop();
    const analysis: number[] = [];
    for (let run = 0; run < ANALYSIS_RUNS; run++) {
      const runStarted = performance.now();
      analyzeIndex(new SnapshotIndex(phaseOne.snapshot));
      analysis.push(performance.now() - runStarted);
    }
    return {
      pods: summary.pods, workloads, findings, reads: readCommands.length, jsonMiB: bytes / 2 ** 20, sandboxStartMs,
      readsAloneMs: median(alone), analysisMs: median(analysis), wholeMs: median(whole), documentReadMs: median(documentRead),
    };
  } finally {
    await sandbox.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
for (const pods of SIZES.length > 0 ? SIZES : [200, 2000, 10000]) {
  process.stderr.write(`measuring ${pods} pods...\n`);
  try {
    rows.push(await measure(pods));
  } catch (error) {
    process.stdout.write(`${pods} pods: could not measure: ${(error as Error).message}\n`);
  }
}

const format = (value: number) => value.toFixed(value >= 100 ? 0 : 1).padStart(8);
console.log(`rk8s diagnose on the sandbox: medians of ${RUNS} runs (analysis: ${ANALYSIS_RUNS}), Node ${process.version}, ${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(1)}\n`);
console.log('    pods  workloads  findings  reads   JSON MiB  sandbox start  kubectl reads alone  analysis (goal <100 at 2,000)  whole investigation  (its validated reads)  whole/reads (goal <=1.5)');
for (const row of rows) {
  const analysisGoal = row.pods <= 2100 ? (row.analysisMs < 100 ? 'met' : 'MISSED') : '   ';
  console.log(
    `${String(row.pods).padStart(8)}  ${String(row.workloads).padStart(9)}  ${String(row.findings).padStart(8)}  ${String(row.reads).padStart(5)}  ${row.jsonMiB.toFixed(1).padStart(9)}  ${format(row.sandboxStartMs)} ms     ${format(row.readsAloneMs)} ms          ${format(row.analysisMs)} ms ${analysisGoal}              ${format(row.wholeMs)} ms          ${format(row.documentReadMs)} ms       ${(row.wholeMs / row.readsAloneMs).toFixed(2).padStart(5)} ${row.wholeMs / row.readsAloneMs <= 1.5 ? 'met' : 'MISSED'}`,
  );
}
if (rows.length > 1) {
  const base = rows[0]!;
  console.log('\ngrowth from the smallest size:');
  for (const row of rows.slice(1)) {
    console.log(`  x${(row.pods / base.pods).toFixed(0)} pods: reads x${(row.readsAloneMs / base.readsAloneMs).toFixed(1)}, analysis x${(row.analysisMs / base.analysisMs).toFixed(1)}, whole x${(row.wholeMs / base.wholeMs).toFixed(1)}`);
  }
}
