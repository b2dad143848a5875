/**
 * Median validation time per command over a realistic mix (reads, rollouts, guarded deletes, denials).
 * Goal: under 50 µs. Run: npx tsx scripts/bench/validate.ts  (bounded: about 2 s per pass)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicy } from '../../src/validate/load-policy.js';
import { validate } from '../../src/validate/validate.js';
import { formatCommand } from '../../src/corpus/format-command.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const loaded = loadPolicy(path.join(root, 'org'));
if (!loaded.policy) throw new Error(`org/ does not load: ${JSON.stringify(loaded.problems)}`);
const policy = loaded.policy;

const MIX: Array<{ args: string[]; owner?: { kind: string; name: string } | null }> = [
  { args: ['get', 'pods', '-n', 'prod'] },
  { args: ['get', 'pods', '-n', 'prod', '-o', 'wide', '--field-selector=status.phase!=Running'] },
  { args: ['describe', 'pod', 'payments-6b7c8d9f4-lk2jd', '-n', 'prod'] },
  { args: ['logs', 'payments-6b7c8d9f4-lk2jd', '-n', 'prod', '--previous', '--tail=200'] },
  { args: ['logs', 'deploy/api', '-c', 'envoy', '--namespace=prod', '--since=10m'] },
  { args: ['events', '-n', 'staging', '--for', 'pod/ml-trainer-5c4b3a291-tq7pz'] },
  { args: ['top', 'pod', '-n', 'prod', '--sort-by=memory'] },
  { args: ['rollout', 'status', 'deployment/api', '-n', 'prod'] },
  { args: ['rollout', 'restart', 'deployment/api', '-n', 'prod'] },
  { args: ['rollout', 'undo', 'deployment/api', '-n', 'prod', '--to-revision=1'] },
  { args: ['scale', 'deployment/worker', '--replicas=0', '-n', 'staging'] },
  { args: ['delete', 'pod', 'api-5d8f7c9b6-2xkqp', '-n', 'staging'], owner: { kind: 'ReplicaSet', name: 'api-5d8f7c9b6' } },
  { args: ['delete', 'pod', 'api-5d8f7c9b6-2xkqp', '-n', 'staging'] },
  { args: ['drain', 'node-1', '--ignore-daemonsets', '--delete-emptydir-data'] },
  { args: ['get', 'secret', 'db', '-n', 'dev', '-o', 'yaml'] },
  { args: ['exec', '-it', 'api-1', '-n', 'prod', '--', 'sh'] },
  { args: ['--kubeconfig=/tmp/admin', 'get', 'pods', '-A'] },
];

const BATCH = 500;
const BATCHES = 41;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

// Warm up the JIT on the whole mix first.
for (let round = 0; round < 2_000; round++) for (const entry of MIX) validate(entry.args, { policy, owner: entry.owner });

const rows: Array<{ command: string; decision: string; medianMicroseconds: number }> = [];
for (const entry of MIX) {
  const perCall: number[] = [];
  let decision = '';
  for (let batch = 0; batch < BATCHES; batch++) {
    const start = process.hrtime.bigint();
    for (let index = 0; index < BATCH; index++) decision = validate(entry.args, { policy, owner: entry.owner }).decision;
    perCall.push(Number(process.hrtime.bigint() - start) / 1_000 / BATCH);
  }
  rows.push({ command: formatCommand(entry.args), decision, medianMicroseconds: median(perCall) });
}

const width = Math.max(...rows.map((row) => row.command.length));
console.log(`validate(): median µs per call (${BATCHES} batches of ${BATCH} calls per command, Node ${process.version})\n`);
for (const row of rows) console.log(`${row.command.padEnd(width)}  ${row.decision.padEnd(7)}  ${row.medianMicroseconds.toFixed(2).padStart(7)} µs`);
const overall = median(rows.map((row) => row.medianMicroseconds));
const worst = Math.max(...rows.map((row) => row.medianMicroseconds));
console.log(`\nmedian over the mix: ${overall.toFixed(2)} µs; slowest command: ${worst.toFixed(2)} µs; goal < 50 µs: ${worst < 50 ? 'met' : 'NOT met'}`);
