/**
 * `rk8s diagnose` at scale, on the sandbox: a generated namespace of 200, 2,000 and 10,000 pods
 * (src/sandbox/generate-large-scenario.ts), timing separately
 *   - the kubectl reads alone: the investigation's own argv, run through the same runner, same phases
 *     (four in parallel, then usage/logs in parallel), no validation, no parsing, no analysis;
 *   - the analysis alone: analyze() over the snapshot the investigation read (index build included);
 *   - the remediation previews: the investigation's "remediations" step (each remediation of the top
 *     findings planned and validated through propose(), plan-only), timed from its progress events;
 *   - the whole investigation: k8s_diagnose() end to end (validated reads, JSON parsing, analysis,
 *     remediation previews, one fsync'ed audit record).
 * Each investigation run is followed by a run of its reads alone, so a change in the machine's load
 * (it is shared) hits both series alike.
 * Goals (issue #15): analysis under 100 ms at 2,000 pods; whole within 1.5x of the reads alone.
 * Run: npx tsx scripts/bench/diagnose.ts [--check-names] [pods...]   (default 200 2000 10000; a few minutes)
 *   --check-names  also checks, per size, that the names the previews are planned against (built from
 *                  the snapshot: src/diagnose/snapshot-names.ts) are what name resolution's own read gives.
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
import { resolveNames, type InventoryObject } from '../../src/cluster/name-resolver.js';
import { snapshotInventory } from '../../src/diagnose/snapshot-names.js';
import { ownValue } from '../../src/own-property.js';

const SIZES = process.argv.slice(2).map(Number).filter((value) => Number.isInteger(value) && value > 0);
const CHECK_NAMES = process.argv.includes('--check-names');
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
  /** Remediations shown with a planned command and verdict. */
  previewed: number;
  reads: number;
  jsonMiB: number;
  sandboxStartMs: number;
  readsAloneMs: number;
  analysisMs: number;
  remediesMs: number;
  wholeMs: number;
  documentReadMs: number;
  /** --check-names: the snapshot's inventory against name resolution's own read. */
  names?: string;
}

/**
 * The snapshot's inventory against name resolution's own read (custom columns, given the time a
 * namespace this size needs), read at the same time; again (up to 3 times) when they differ, as the
 * sandbox's crash loops move restart counts and states between two reads.
 */
async function checkNames(core: Awaited<ReturnType<typeof createCore>>): Promise<string> {
  let differences: string[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    const reader = createClusterReader(core, { maxReads: 16 });
    const [read, fresh] = await Promise.all([
      readNamespace(reader, core.validator, 'prod', () => undefined, () => core.clock.now()),
      resolveNames(core, 'prod', { cacheMilliseconds: 0, timeoutSeconds: 300 }),
    ]);
    if (!fresh.inventory) return `not compared (${fresh.notice})`;
    const built = snapshotInventory({ snapshot: read.snapshot, ...(read.namespaceObjects ? { namespaceObjects: read.namespaceObjects } : {}) }, 'prod');
    if (!built) return 'not built from the snapshot (a kind was not read)';
    const theirs = fresh.inventory.objects;
    differences = [];
    for (let position = 0; position < Math.max(built.objects.length, theirs.length); position++) {
      const mine = built.objects[position];
      const other = theirs[position];
      if (JSON.stringify(mine) === JSON.stringify(other)) continue;
      const field = (object: InventoryObject | undefined, name: string) => JSON.stringify(ownValue(object as Readonly<Record<string, unknown>> | undefined, name));
      const fields = [...new Set([...Object.keys(mine ?? {}), ...Object.keys(other ?? {})])].filter((name) => field(mine, name) !== field(other, name));
      differences.push(`${mine?.kind ?? other?.kind}/${mine?.name ?? other?.name}: ${fields.join(', ')}`);
    }
    if (differences.length === 0) return `the same as name resolution's read (${built.objects.length} objects${attempt > 1 ? `, attempt ${attempt}` : ''})`;
  }
  return `DIFFERENT from name resolution's read in ${differences.length} objects (${differences.slice(0, 5).join('; ')})`;
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

    // The same argv as the investigation's, through the same runner, in the same two phases: kubectl alone.
    const argvs = first.checked.reads.map((command) => splitCommand(command).slice(1));
    const second = (args: string[]) => args[0] === 'logs' || args[0] === 'top';
    let bytes = 0;
    const readsAlone = async (): Promise<number> => {
      const runStarted = performance.now();
      const results = await Promise.all(argvs.filter((args) => !second(args)).map((args) => core.kubectl.read!(args, { maxBytes: 1024 * 1024 * 1024, timeoutSeconds: BATCH_READ_TIMEOUT_SECONDS })));
      const details = await Promise.all(argvs.filter(second).map((args) => core.kubectl.read!(args)));
      const elapsed = performance.now() - runStarted;
      // A baseline read that failed (a timeout) would make the investigation look slow by comparison.
      const failed = [...results, ...details].find((result) => result.exitCode !== 0 && result.timedOut);
      if (failed) throw new Error(`a baseline read timed out: ${failed.errorMessage ?? ''}`);
      bytes = results.reduce((sum, result) => sum + Buffer.byteLength(result.stdout), 0);
      return elapsed;
    };

    // Interleaved (investigation, then its reads alone), so a change in the machine's load hits both series alike.
    const whole: number[] = [];
    const alone: number[] = [];
    const documentRead: number[] = [];
    const remedies: number[] = [];
    let findings = 0;
    let previewed = 0;
    let readCommands: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      let remediesStarted = 0;
      let remediesMs = 0;
      const runStarted = performance.now();
      const document = await k8s_diagnose({ namespace: 'prod' }, {
        core, source: 'cli',
        onEvent: (event) => {
          if (event.type !== 'investigation-step' || event.check !== 'remediations') return;
          if (event.status === 'running') remediesStarted = performance.now();
          else remediesMs = performance.now() - remediesStarted;
        },
      });
      whole.push(performance.now() - runStarted);
      if (document.status === 'failed') throw new Error(`the investigation failed: ${document.error?.message}`);
      documentRead.push(document.checked.readMs);
      remedies.push(remediesMs);
      findings = document.findings.length;
      previewed = document.findings.reduce((sum, finding) => sum + finding.remediations.filter((remediation) => remediation.preview).length, 0);
      readCommands = document.checked.reads;
      alone.push(await readsAlone());
    }

    // The analysis over one snapshot, many times.
    const reader = createClusterReader(core, { maxReads: 16 });
    const phaseOne = await readNamespace(reader, core.validator, 'prod', () => undefined, () => core.clock.now());
    const index = new SnapshotIndex(phaseOne.snapshot);
    await readDetails(reader, index, index.pods, () => undefined, [], 3);
    const names = CHECK_NAMES ? await checkNames(core) : undefined;
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
      pods: summary.pods, workloads, findings, previewed, reads: readCommands.length, jsonMiB: bytes / 2 ** 20, sandboxStartMs,
      readsAloneMs: median(alone), analysisMs: median(analysis), remediesMs: median(remedies), wholeMs: median(whole), documentReadMs: median(documentRead),
      ...(names ? { names } : {}),
    };
  } finally {
    await sandbox.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

const loadAtStart = os.loadavg()[0]!;
const rows: Row[] = [];
for (const pods of SIZES.length > 0 ? SIZES : [200, 2000, 10000]) {
  process.stderr.write(`measuring ${pods} pods...\n`);
  try {
    rows.push(await measure(pods));
  } catch (error) {
    process.stdout.write(`${pods} pods: could not measure: ${(error as Error).message}\n`);
  }
}

const ms = (value: number) => `${value.toFixed(value >= 100 ? 0 : 1)} ms`;
const table = (header: string[], lines: string[][]) => {
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  for (const line of [header, ...lines]) console.log(line.map((cell, column) => cell.padStart(widths[column]!)).join('  '));
};
console.log(`rk8s diagnose on the sandbox: medians of ${RUNS} runs (analysis: ${ANALYSIS_RUNS}), Node ${process.version}, ${os.availableParallelism()} cores, load average ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end\n`);
table(
  ['pods', 'workloads', 'findings', 'previewed', 'reads', 'JSON MiB', 'sandbox start'],
  rows.map((row) => [String(row.pods), String(row.workloads), String(row.findings), String(row.previewed), String(row.reads), row.jsonMiB.toFixed(1), ms(row.sandboxStartMs)]),
);
console.log('');
table(
  ['pods', 'kubectl reads alone', 'validated reads', 'analysis', 'remediation previews', 'whole investigation', 'whole/reads'],
  rows.map((row) => {
    const analysisGoal = row.pods <= 2100 ? (row.analysisMs < 100 ? ' (<100: met)' : ' (<100: MISSED)') : '';
    const ratio = row.wholeMs / row.readsAloneMs;
    return [String(row.pods), ms(row.readsAloneMs), ms(row.documentReadMs), `${ms(row.analysisMs)}${analysisGoal}`, ms(row.remediesMs), ms(row.wholeMs), `${ratio.toFixed(2)} (<=1.5: ${ratio <= 1.5 ? 'met' : 'MISSED'})`];
  }),
);
console.log('\nvalidated reads: the investigation\'s own reads (validated, JSON parsed); remediation previews: its "remediations" step; whole: k8s_diagnose() end to end');
if (rows.length > 1) {
  const base = rows[0]!;
  const times = (value: number, from: number) => `x${(value / from).toFixed(1)}`;
  console.log(`\ngrowth from ${base.pods} pods:`);
  for (const row of rows.slice(1)) {
    console.log(`  ${row.pods} pods (${times(row.pods, base.pods)}): reads ${times(row.readsAloneMs, base.readsAloneMs)}, analysis ${times(row.analysisMs, base.analysisMs)}, remediation previews ${times(row.remediesMs, base.remediesMs)}, whole ${times(row.wholeMs, base.wholeMs)}`);
  }
}
for (const row of rows) if (row.names) console.log(`names at ${row.pods} pods: the snapshot's inventory is ${row.names}`);
