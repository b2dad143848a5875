/**
 * A real full disk: a 64 KiB tmpfs. Mounting needs root on Linux; where it is impossible the test says
 * so and does not run, and write-failure.test.ts (injected ENOSPC, short writes, EIO) covers the same
 * behaviour on every machine.
 */
import { execa } from 'execa';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, rmdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../src/audit/audit-log.js';
import { verifyAuditLog } from '../../../src/audit/verify.js';
import { gapFilePath, parseGapFile } from '../../../src/audit/write-gap.js';
import { AuditWriteError } from '../../../src/errors.js';
import { lockExists, runFixture, sampleRecord } from './helpers.js';

// Mounted while the file is collected, so that runIf below knows whether the test can run.
const mountPoint = mkdtempSync(path.join(os.tmpdir(), 'rk8s-full-disk-'));
const mounting = await execa('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint], { reject: false });
const mounted = mounting.exitCode === 0;

beforeAll(() => {
  console.log(
    mounted
      ? `full-disk test: a real 64 KiB tmpfs at ${mountPoint}`
      : `full-disk test NOT run: tmpfs cannot be mounted here (${String(mounting.stderr || mounting.message || 'no reason given').trim()}); the injected-failure tests in write-failure.test.ts ran instead`,
  );
});

afterAll(async () => {
  if (mounted) await execa('umount', [mountPoint], { reject: false });
  rmdirSync(mountPoint);
});

describe('a real full disk (tmpfs)', () => {
  it.runIf(mounted)('the append that does not fit is rejected with nothing half-written; once space is back a new process declares every lost record', async () => {
    const file = path.join(mountPoint, 'agent.log');
    const log = createAuditLog({ path: file, lockTimeoutMs: 2_000 });
    const started = await log.append(sampleRecord({ event: 'started' }));
    // Fill the disk with another file until it is full.
    const filler = path.join(mountPoint, 'filler');
    const chunk = Buffer.alloc(1024, 0x78);
    try {
      for (let index = 0; index < 128; index++) appendFileSync(filler, chunk);
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    // The log file's last page may still have room for a record or two: append until one does not fit.
    let failure: AuditWriteError | undefined;
    const written = [started];
    for (let index = 0; index < 40 && failure === undefined; index++) {
      const record = sampleRecord({ event: 'finished', operation_id: started.operation_id, message: 'x'.repeat(300) });
      await log.append(record).then(
        (stored) => written.push(stored),
        (error: unknown) => (failure = error as AuditWriteError),
      );
    }
    expect(failure).toBeInstanceOf(AuditWriteError);
    expect(failure).toMatchObject({ code: 'AUDIT_WRITE_FAILED', fileIntact: true });
    expect(['ENOSPC', 'SHORT_WRITE']).toContain(failure!.reason);
    expect(lockExists(`${file}.lock`)).toBe(false);
    expect(await verifyAuditLog(file)).toMatchObject({ ok: true, count: written.length, problems: [], pendingGap: { lost: 1 } });
    // The preallocated sidecar took the note although the disk is full.
    expect(parseGapFile(readFileSync(gapFilePath(file), 'utf8'))).toMatchObject({ gap: { lost: 1, records: [{ operation_id: started.operation_id, event: 'finished' }] } });

    // Another process while the disk is still full: its record is lost too, and noted too.
    const whileFull = await runFixture('audit-append-one.ts', [file, 'finished']);
    expect(JSON.parse(whileFull.stdout)).toMatchObject({ ok: false, code: 'AUDIT_WRITE_FAILED' });
    expect(parseGapFile(readFileSync(gapFilePath(file), 'utf8'))).toMatchObject({ gap: { lost: 2 } });

    // Space returns: a fresh process appends at once (no stale lock to wait for) and declares both.
    rmSync(filler);
    const afterwards = await runFixture('audit-append-one.ts', [file, 'proposed']);
    expect(afterwards.exitCode, afterwards.stderr).toBe(0);
    const outcome = JSON.parse(afterwards.stdout) as { ok: boolean; gap: { lost: number; records: Array<{ operation_id: string }> } };
    expect(outcome).toMatchObject({ ok: true, gap: { lost: 2 } });
    expect(outcome.gap.records[0]!.operation_id).toBe(started.operation_id);
    const verification = await verifyAuditLog(file);
    expect(verification).toMatchObject({ ok: true, problems: [], pendingGap: null, gaps: [{ lost: 2 }] });
  });
});
