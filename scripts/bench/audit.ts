/**
 * Cost of the audit log: one append (lock + chain + write + fsync) in sequence, a group commit of
 * concurrent appends (and how many lock/write/fsync calls it shares), and redaction of one record.
 * Prints each figure next to its baseline, measured at 747adb7 (before the audit hardening) on the
 * 2-core development machine; the disk and the machine's load move the fsync figures a lot.
 * Run: npx tsx scripts/bench/audit.ts   (bounded: about 10 s)
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeFileSystem, type AuditFileSystem } from '../../src/audit/audit-fs.js';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { redactArgs, redactText } from '../../src/audit/redact.js';

/**
 * Figures at 747adb7 (before the audit hardening), this script's sections run against that tree in /tmp
 * on the 2-core machine. The sequential figure is from a quiet machine (load 0.6, also what
 * scripts/bench/execute.ts printed); the others were measured under load (~11), interleaved with runs of
 * this tree, as medians of 6 runs.
 */
const BASELINE = {
  sequentialMedianMs: 1.252,
  sequentialP95Ms: 2.287,
  concurrentPerRecordMs: 0.48,
  redactRecordMicroseconds: 76,
};

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

const record = () => ({
  level: 'INFO' as const,
  operation_id: randomUUID(),
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
  query: 'restart the api in prod, it is stuck after the deploy',
  exit_code: 0,
  duration: 0.42,
});

/** Counts the calls the log makes, by operation, to show what a group commit shares. */
function countingFileSystem(): { fileSystem: AuditFileSystem; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const count = (operation: string) => counts.set(operation, (counts.get(operation) ?? 0) + 1);
  const fileSystem: AuditFileSystem = {
    ...nodeFileSystem,
    symlink: (target, file) => (count('lock'), nodeFileSystem.symlink(target, file)),
    open: async (file, flags, mode) => {
      const handle = await nodeFileSystem.open(file, flags, mode);
      return {
        write: (buffer, offset, length, position) => (count(file.endsWith('.log') ? 'write' : 'other write'), handle.write(buffer, offset, length, position)),
        read: (buffer, offset, length, position) => handle.read(buffer, offset, length, position),
        sync: () => (count(file.endsWith('.log') ? 'fsync' : 'other fsync'), handle.sync()),
        truncate: (length) => handle.truncate(length),
        stat: () => handle.stat(),
        close: () => handle.close(),
      };
    },
  };
  return { fileSystem, counts };
}

const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-bench-audit-'));
try {
  // 1. Sequential appends: what one CLI command's record costs.
  const sequential = createAuditLog({ path: path.join(directory, 'sequential.log') });
  for (let index = 0; index < 10; index++) await sequential.append(record());
  const timings: number[] = [];
  for (let index = 0; index < 200; index++) {
    const started = performance.now();
    await sequential.append(record());
    timings.push(performance.now() - started);
  }
  console.log(
    `audit append, sequential, in ${os.tmpdir()}  n=${timings.length}  median ${median(timings).toFixed(3)} ms (baseline ${BASELINE.sequentialMedianMs} ms)  ` +
      `p95 ${percentile(timings, 0.95).toFixed(3)} ms (baseline ${BASELINE.sequentialP95Ms} ms)`,
  );

  // 2. Group commit: 50 appends at once share one lock, one write and one fsync.
  const { fileSystem, counts } = countingFileSystem();
  const concurrent = createAuditLog({ path: path.join(directory, 'concurrent.log'), fileSystem });
  await concurrent.append(record());
  counts.clear();
  const rounds = 10;
  const perRound = 50;
  const started = performance.now();
  for (let round = 0; round < rounds; round++) await Promise.all(Array.from({ length: perRound }, () => concurrent.append(record())));
  const perRecord = (performance.now() - started) / (rounds * perRound);
  const shared = ['lock', 'write', 'fsync'].map((operation) => `${operation}s ${(counts.get(operation) ?? 0) / rounds}`).join(', ');
  console.log(
    `audit append, ${perRound} concurrent x ${rounds} rounds  ${perRecord.toFixed(3)} ms per record (baseline ${BASELINE.concurrentPerRecordMs} ms)  per round: ${shared} (group commit: the first append of a burst may go alone, the rest share one)`,
  );

  // 3. Redaction of one record's strings (runs before the lock, on every append).
  const strings = [record().command, record().query, 'confirmed by alice', 'prod', 'api', 'deployment'];
  for (let index = 0; index < 2000; index++) strings.forEach(redactText);
  const redactStarted = performance.now();
  const iterations = 20_000;
  for (let index = 0; index < iterations; index++) {
    for (const text of strings) redactText(text);
    redactArgs(record().args);
  }
  const microseconds = ((performance.now() - redactStarted) * 1000) / iterations;
  console.log(`redaction of one record  ${microseconds.toFixed(1)} µs (baseline ${BASELINE.redactRecordMicroseconds} µs, fewer rules and fields but no prefilter)`);

  // 4. Inputs built to make a careless pattern backtrack: each must stay linear (a few ms for 100 KB).
  const hostile = ['https://a:'.repeat(10_000), 'a=b'.repeat(33_000), 'password '.repeat(11_000), 'x-y.z_'.repeat(16_000) + ':', '"name": "a",'.repeat(8_000)];
  const worst = Math.max(
    ...hostile.map((text) => {
      const begin = performance.now();
      redactText(text);
      return performance.now() - begin;
    }),
  );
  console.log(`redaction, worst of ${hostile.length} hostile 100 KB inputs  ${worst.toFixed(1)} ms`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
