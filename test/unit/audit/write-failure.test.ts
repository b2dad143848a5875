import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { nodeFileSystem, syncFileSystem } from '../../../src/audit/audit-fs.js';
import { createAuditLog } from '../../../src/audit/audit-log.js';
import { verifyAuditLog } from '../../../src/audit/verify.js';
import { GAP_FILE_BYTES, gapFilePath, parseGapFile } from '../../../src/audit/write-gap.js';
import { AuditWriteError, ExitCode } from '../../../src/errors.js';
import type { AuditRecord } from '../../../src/schemas/audit.js';
import { faultyFileSystem, lockExists, sampleRecord, temporaryLog, type Fault, type FileSystemCall } from './helpers.js';

const bytesOf = (file: string) => (existsSync(file) ? readFileSync(file) : Buffer.alloc(0));
const recordsOf = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditRecord);

/** A log whose fault plan can be switched on and off between appends. */
function switchableLog(file: string) {
  let plan: (call: FileSystemCall) => Fault = () => undefined;
  const { fileSystem, calls } = faultyFileSystem((call) => plan(call));
  const log = createAuditLog({ path: file, fileSystem, lockTimeoutMs: 500 });
  return { log, calls, failWith: (next: (call: FileSystemCall) => Fault) => (plan = next), heal: () => (plan = () => undefined) };
}

const onLogWrite = (file: string, fault: Fault) => (call: FileSystemCall) => (call.operation === 'write' && call.file === file ? fault : undefined);

/** Only the first call that matches fails (a retry of the same call then succeeds). */
function once(plan: (call: FileSystemCall) => Fault): (call: FileSystemCall) => Fault {
  let fired = false;
  return (call) => {
    if (fired) return undefined;
    const fault = plan(call);
    if (fault) fired = true;
    return fault;
  };
}

describe('a write that fails', () => {
  it('ENOSPC (issue 12 item 6): the finished record is rejected with AUDIT_WRITE_FAILED, nothing is left in the file, and the next record declares the gap', async () => {
    const { file } = temporaryLog();
    const { log, failWith, heal } = switchableLog(file);
    const started = await log.append(sampleRecord({ event: 'started' }));
    const before = bytesOf(file);

    failWith(onLogWrite(file, { code: 'ENOSPC' }));
    const finished = sampleRecord({ event: 'finished', operation_id: started.operation_id, exit_code: 0 });
    const error = await log.append(finished).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuditWriteError);
    const writeError = error as AuditWriteError;
    expect(writeError).toMatchObject({ code: 'AUDIT_WRITE_FAILED', exitCode: ExitCode.auditWriteFailed, operationId: started.operation_id, event: 'finished', reason: 'ENOSPC', fileIntact: true });
    expect(writeError.message).toMatch(/finished record of operation .* is not on record/);
    expect(bytesOf(file).equals(before)).toBe(true);
    expect(log.health()).toMatchObject({ ok: false, lastFailure: { reason: 'ENOSPC' }, pendingGap: { lost: 1, records: [{ operation_id: started.operation_id, event: 'finished', error: 'ENOSPC' }] } });
    // Another process finds out from the sidecar, which was preallocated while there was space.
    expect(readFileSync(gapFilePath(file)).length).toBe(GAP_FILE_BYTES);
    expect(parseGapFile(readFileSync(gapFilePath(file), 'utf8'))).toMatchObject({ gap: { lost: 1 } });

    heal();
    const next = await log.append(sampleRecord({ event: 'proposed' }));
    expect(next.gap).toEqual({
      lost: 1,
      first_lost_at: writeError.details && (writeError.details as { lost: { at: string } }).lost.at,
      last_lost_at: (writeError.details as { lost: { at: string } }).lost.at,
      records: [{ operation_id: started.operation_id, event: 'finished', at: (writeError.details as { lost: { at: string } }).lost.at, error: 'ENOSPC' }],
    });
    expect(next.prev_hash).toBe(started.hash);
    expect(log.health()).toMatchObject({ ok: true, pendingGap: null });
    expect(parseGapFile(readFileSync(gapFilePath(file), 'utf8'))).toEqual({ gap: undefined });

    const verification = await verifyAuditLog(file);
    expect(verification).toMatchObject({ ok: true, count: 2, problems: [], pendingGap: null });
    expect(verification.gaps).toEqual([expect.objectContaining({ file, line: 2, lost: 1, operation_id: next.operation_id })]);

    // Declared once: the record after it carries no gap.
    expect((await log.append(sampleRecord())).gap).toBeUndefined();
  });

  it.each<[string, (file: string) => (call: FileSystemCall) => Fault, string]>([
    ['a short write (the disk filled mid-line)', (file) => onLogWrite(file, { shortWrite: 37 }), 'SHORT_WRITE'],
    ['EIO on fsync', (file) => once((call) => (call.operation === 'sync' && call.file === file ? { code: 'EIO' } : undefined)), 'EIO'],
    ['EACCES on open', (file) => (call) => (call.operation === 'open' && call.file === file ? { code: 'EACCES' } : undefined), 'EACCES'],
    ['EIO on write', (file) => onLogWrite(file, { code: 'EIO' }), 'EIO'],
  ])('%s: rejected, the file cut back to its size before, the gap declared later', async (_name, plan, reason) => {
    const { file } = temporaryLog();
    const { log, failWith, heal } = switchableLog(file);
    const first = await log.append(sampleRecord());
    const before = bytesOf(file);
    failWith(plan(file));
    const lost = sampleRecord({ event: 'finished' });
    await expect(log.append(lost)).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED', reason, operationId: lost.operation_id, fileIntact: true });
    expect(bytesOf(file).equals(before)).toBe(true);
    heal();
    const next = await log.append(sampleRecord());
    expect(next).toMatchObject({ prev_hash: first.hash, gap: { lost: 1, records: [{ operation_id: lost.operation_id, event: 'finished', error: reason }] } });
    expect(await verifyAuditLog(file)).toMatchObject({ ok: true, count: 2, gaps: [{ line: 2, lost: 1 }] });
  });

  it('a short write whose truncation also fails says the file is not intact; verify shows the torn line and the next record starts a new line', async () => {
    const { file } = temporaryLog();
    const { log, failWith, heal } = switchableLog(file);
    await log.append(sampleRecord());
    failWith((call) => (call.operation === 'write' && call.file === file ? { shortWrite: 40 } : call.operation === 'truncate' ? { code: 'EIO' } : undefined));
    await expect(log.append(sampleRecord())).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED', fileIntact: false });
    heal();
    const next = await log.append(sampleRecord());
    expect(next.gap?.lost).toBe(1);
    const result = await verifyAuditLog(file);
    expect(result.problems).toEqual([{ file, line: 2, message: expect.stringMatching(/not a JSON record/) }]);
    expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[2]!)).toEqual(next);
  });

  it('every append of a failed group commit is rejected and listed; the ones written before a failing rotation stay resolved', async () => {
    const { file } = temporaryLog();
    const { log, failWith, heal } = switchableLog(file);
    await log.append(sampleRecord());
    failWith(onLogWrite(file, { code: 'ENOSPC' }));
    const batch = Array.from({ length: 5 }, (_unused, index) => sampleRecord({ name: `app-${index}` }));
    const results = await Promise.allSettled(batch.map((record) => log.append(record)));
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(log.health().pendingGap?.records.map((record) => record.operation_id)).toEqual(batch.map((record) => record.operation_id));
    heal();
    expect((await log.append(sampleRecord())).gap?.lost).toBe(5);

    // Rotation: the first records fit, then renaming agent.log fails; those before it are on disk and resolve.
    const { file: small } = temporaryLog();
    let failRename = false;
    const { fileSystem } = faultyFileSystem((call) => (failRename && call.operation === 'rename' ? { code: 'EIO' } : undefined));
    const rotating = createAuditLog({ path: small, fileSystem, maxBytes: 1500 });
    await rotating.append(sampleRecord());
    failRename = true;
    const settled = await Promise.allSettled(Array.from({ length: 6 }, () => rotating.append(sampleRecord())));
    const fulfilled = settled.filter((result) => result.status === 'fulfilled').length;
    expect(fulfilled).toBeGreaterThan(0);
    expect(fulfilled).toBeLessThan(6);
    expect(recordsOf(small)).toHaveLength(1 + fulfilled);
    failRename = false;
    await rotating.append(sampleRecord());
    expect(await verifyAuditLog(small, { includeRotated: true })).toMatchObject({ ok: true, gaps: [{ lost: 6 - fulfilled }] });
  });

  it('a directory fsync that fails after the file is created rejects before any record is written; one the file system does not support is a warning', async () => {
    const { directory, file } = temporaryLog();
    const { fileSystem } = faultyFileSystem((call) => (call.operation === 'sync' && call.file === directory ? { code: 'EIO' } : undefined));
    await expect(createAuditLog({ path: file, fileSystem }).append(sampleRecord())).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED', reason: 'EIO' });
    expect(bytesOf(file).length).toBe(0);

    const { directory: other, file: otherFile } = temporaryLog();
    const unsupported = faultyFileSystem((call) => (call.operation === 'sync' && call.file === other ? { code: 'EINVAL' } : undefined));
    const log = createAuditLog({ path: otherFile, fileSystem: unsupported.fileSystem });
    await log.append(sampleRecord());
    expect(log.health().warnings).toEqual([expect.stringMatching(/does not fsync directories \(EINVAL\)/)]);
  });

  it('a directory fsync that fails after a rotation (issue 13: it used to be swallowed) rejects the records meant for the new file', async () => {
    const { directory, file } = temporaryLog();
    let failDirectorySync = false;
    const { fileSystem } = faultyFileSystem((call) => (failDirectorySync && call.operation === 'sync' && call.file === directory ? { code: 'EIO' } : undefined));
    const log = createAuditLog({ path: file, fileSystem, maxBytes: 1500 });
    const kept = [await log.append(sampleRecord()), await log.append(sampleRecord())];
    failDirectorySync = true;
    const lost = sampleRecord();
    await expect(log.append(lost)).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED', reason: 'EIO', operationId: lost.operation_id });
    // The rename happened, the new file has no record: nothing claims a durability it does not have.
    expect(recordsOf(`${file}.1`).map((record) => record.hash)).toEqual(kept.map((record) => record.hash));
    expect(bytesOf(file).length).toBe(0);
    failDirectorySync = false;
    expect((await log.append(sampleRecord())).gap?.records[0]?.operation_id).toBe(lost.operation_id);
    expect(await verifyAuditLog(file, { includeRotated: true })).toMatchObject({ ok: true, gaps: [{ lost: 1 }] });
  });

  it('another process learns of the loss from agent.log.gap and declares it once; a declaration already on disk is not repeated', async () => {
    const { file } = temporaryLog();
    const failing = switchableLog(file);
    await failing.log.append(sampleRecord());
    failing.failWith(onLogWrite(file, { code: 'ENOSPC' }));
    const lost = sampleRecord({ event: 'finished' });
    await expect(failing.log.append(lost)).rejects.toThrow(AuditWriteError);

    // A separate log object has none of the failing one's memory: only the sidecar tells it.
    const other = createAuditLog({ path: file });
    const declaring = await other.append(sampleRecord());
    expect(declaring.gap?.records).toEqual([expect.objectContaining({ operation_id: lost.operation_id, event: 'finished' })]);
    failing.heal();
    expect((await failing.log.append(sampleRecord())).gap).toBeUndefined();

    // A crash between writing the declaring record and blanking the sidecar: the sidecar still holds the
    // gap the newest record declares, and the next writer does not declare it again.
    const declaringAgain = await createAuditLog({ path: file }).append(sampleRecord({ message: 'before the crash' }));
    expect(declaringAgain.gap).toBeUndefined();
    const { file: crashed } = temporaryLog();
    const crashing = switchableLog(crashed);
    await crashing.log.append(sampleRecord());
    crashing.failWith(onLogWrite(crashed, { code: 'ENOSPC' }));
    await expect(crashing.log.append(sampleRecord())).rejects.toThrow(AuditWriteError);
    const pending = readFileSync(gapFilePath(crashed));
    crashing.heal();
    const declared = await crashing.log.append(sampleRecord());
    expect(declared.gap?.lost).toBe(1);
    writeFileSync(gapFilePath(crashed), pending);
    expect((await createAuditLog({ path: crashed }).append(sampleRecord())).gap).toBeUndefined();
    expect(parseGapFile(readFileSync(gapFilePath(crashed), 'utf8'))).toEqual({ gap: undefined });
    expect(await verifyAuditLog(crashed)).toMatchObject({ ok: true, pendingGap: null, gaps: [{ lost: 1 }] });
  });
});

/** How the appends before the one that fails set the log up, and how its lock looks. */
interface Scenario {
  name: string;
  /** Appends made before the failing one. */
  before: number;
  maxBytes?: number;
  /** Done just before the failing append (plant a stale lock ...). */
  arrange?: (file: string) => void;
}

const deadPid = (() => {
  // A pid that is certainly not running: past the kernel's pid_max.
  return 4_194_305;
})();

const scenarios: Scenario[] = [
  { name: 'an append to an existing log', before: 1 },
  { name: 'the first append (creates the file, its directory entry and the gap sidecar)', before: 0 },
  { name: 'an append that rotates the file', before: 2, maxBytes: 1200 },
  {
    name: 'an append that must first recover a dead process\'s lock',
    before: 1,
    arrange: (file) => writeFileSync(`${file}.lock`, `${deadPid} ${os.hostname()} ${Date.now()}\n`),
  },
];

// Both ways the real file system is reached: node:fs/promises (servers, the TUI) and synchronous calls (one-shot CLI commands).
describe.each([
  ['node:fs/promises', nodeFileSystem],
  ['synchronous calls', syncFileSystem],
] as const)('fault injection over every file-system call of an append, through %s (class guard)', (_name, base) => {
  const faults = ['ENOSPC', 'EIO', 'EACCES'];

  it.each(scenarios)('$name: whichever call fails, the append resolves with its record on disk or rejects with AUDIT_WRITE_FAILED; the log verifies and the loss is declared', async (scenario) => {
    const setUp = async (fileSystem: ReturnType<typeof faultyFileSystem>['fileSystem']) => {
      const { file } = temporaryLog();
      const log = createAuditLog({ path: file, fileSystem, lockTimeoutMs: 300, maxBytes: scenario.maxBytes });
      for (let index = 0; index < scenario.before; index++) await log.append(sampleRecord());
      scenario.arrange?.(file);
      return { file, log };
    };
    // Count the calls of one clean run of the append under test.
    const probing = faultyFileSystem(undefined, base);
    const probe = await setUp(probing.fileSystem);
    const callsBefore = probing.calls.length;
    await probe.log.append(sampleRecord());
    const perAppend = probing.calls.length - callsBefore;
    expect(perAppend).toBeGreaterThan(5);

    let rejected = 0;
    for (let target = 0; target < perAppend; target++) {
      for (const code of faults) {
        let armed = false;
        let seen = 0;
        const { fileSystem } = faultyFileSystem(() => (armed && seen++ === target ? { code } : undefined), base);
        const { file, log } = await setUp(fileSystem);
        armed = true;
        const record = sampleRecord({ event: 'finished' });
        const outcome = await log.append(record).then(
          (written) => ({ written }),
          (error: unknown) => ({ error }),
        );
        armed = false;
        const label = `${code} on call ${target} of ${perAppend} (${probing.calls[callsBefore + target]?.operation} ${probing.calls[callsBefore + target]?.file})`;
        const stored = () => (existsSync(file) ? recordsOf(file) : []);
        if ('error' in outcome) {
          rejected++;
          expect(outcome.error, label).toBeInstanceOf(AuditWriteError);
          expect(stored().some((line) => line.operation_id === record.operation_id), label).toBe(false);
          const next = await log.append(sampleRecord());
          expect(next.gap?.records.map((lost) => lost.operation_id), label).toContain(record.operation_id);
        } else {
          expect(stored().at(-1)?.operation_id, label).toBe(record.operation_id);
        }
        // A lock whose removal failed stays (said in health()) until this process's next append takes it back.
        if (lockExists(`${file}.lock`)) {
          expect(log.health().warnings, label).toContainEqual(expect.stringMatching(/cannot remove the audit lock/));
          await log.append(sampleRecord());
        }
        expect(lockExists(`${file}.lock`), label).toBe(false);
        const verification = await verifyAuditLog(file, { includeRotated: true });
        expect(verification.problems, label).toEqual([]);
        expect(verification.pendingGap, label).toBeNull();
      }
    }
    console.log(`fault injection, ${scenario.name}: ${perAppend} calls x ${faults.length} errors, ${rejected} appends rejected`);
    // Most calls are on the write path: a failure there must be an honest rejection, not a silent success.
    expect(rejected).toBeGreaterThan(perAppend);
  });
});
