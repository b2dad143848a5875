import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../src/audit/audit-log.js';
import { acquireFileLock, FileLockError } from '../../../src/audit/file-lock.js';
import { processStartTime } from '../../../src/audit/process-start-time.js';
import { verifyAuditLog } from '../../../src/audit/verify.js';
import { AuditWriteError } from '../../../src/errors.js';
import { faultyFileSystem, lockExists, runFixture, sampleRecord, temporaryLog } from './helpers.js';

// Above the largest pid_max Linux allows, so never a running process.
const deadPid = 4_194_305;
const host = os.hostname();
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A live process that is not this one (its start time is readable on Linux). */
async function liveProcess(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return child.pid!;
}

function backdate(file: string, seconds: number): void {
  const past = new Date(Date.now() - seconds * 1000);
  utimesSync(file, past, past);
}

const lockFile = () => `${temporaryLog().file}.lock`;
const acquire = (lockPath: string, timeoutMs = 400) => acquireFileLock(lockPath, { timeoutMs, staleMs: 5_000, unreadableGraceMs: 300 });

describe('acquireFileLock recovers stale locks', () => {
  it.each<[string, (lockPath: string) => void | Promise<void>]>([
    [
      'an empty lock left by a full disk (issue 12 item 6)',
      (lockPath) => {
        writeFileSync(lockPath, '');
        backdate(lockPath, 1);
      },
    ],
    [
      'a lock of garbage',
      (lockPath) => {
        writeFileSync(lockPath, '\u0000\u0000not a lock');
        backdate(lockPath, 1);
      },
    ],
    ['a dead pid on this host (old file format)', (lockPath) => writeFileSync(lockPath, `${deadPid} ${host} ${Date.now()}\n`)],
    ['a dead pid on this host (symlink)', (lockPath) => symlinkSync(`${deadPid} ${host} ${Date.now()} 12345 abcd0123`, lockPath)],
    [
      'a live pid that belongs to another process now (pid reuse: its start time differs)',
      async (lockPath) => symlinkSync(`${await liveProcess()} ${host} ${Date.now()} 1 abcd0123`, lockPath),
    ],
    [
      'a live pid whose start time is unknown, older than the stale age',
      async (lockPath) => symlinkSync(`${await liveProcess()} ${host} ${Date.now() - 10_000} - abcd0123`, lockPath),
    ],
    ['another host, older than the stale age', (lockPath) => symlinkSync(`123 other-host ${Date.now() - 10_000} - abcd0123`, lockPath)],
    ['this process, not held by it (a release that failed)', (lockPath) => symlinkSync(`${process.pid} ${host} ${Date.now()} ${processStartTime(process.pid) ?? '-'} abcd0123`, lockPath)],
  ])('%s', async (_name, plant) => {
    const lockPath = lockFile();
    await plant(lockPath);
    const lock = await acquire(lockPath);
    expect(lockExists(lockPath)).toBe(true);
    expect(await lock.release()).toEqual({ wasBroken: false });
    expect(lockExists(lockPath)).toBe(false);
  });

  it('a fresh empty lock is waited for, then recovered after the grace (an older writer may be filling it in)', async () => {
    const lockPath = lockFile();
    writeFileSync(lockPath, '');
    await expect(acquireFileLock(lockPath, { timeoutMs: 100, unreadableGraceMs: 5_000 })).rejects.toThrow(/locked by an unreadable lock/);
    const lock = await acquireFileLock(lockPath, { timeoutMs: 5_000, unreadableGraceMs: 300 });
    await lock.release();
  });

  it.each<[string, (lockPath: string) => Promise<void> | void, RegExp]>([
    [
      'a live process confirmed by its start time, however old its lock',
      async (lockPath) => {
        const pid = await liveProcess();
        symlinkSync(`${pid} ${host} ${Date.now() - 60_000} ${processStartTime(pid)} abcd0123`, lockPath);
      },
      /locked by pid \d+ \(alive, holding it for 6\d\.\d s\)/,
    ],
    ['another host, recently', (lockPath) => symlinkSync(`123 other-host ${Date.now()} - abcd0123`, lockPath), /locked by pid 123 on other-host/],
    ['this process, held by another of its logs (old file format)', (lockPath) => writeFileSync(lockPath, `${process.pid} ${host} ${Date.now()}\n`), /locked by pid/],
  ])('never breaks a lock that may be live: %s', async (_name, plant, message) => {
    if (_name.startsWith('a live process confirmed')) expect(processStartTime(process.pid), 'this test needs /proc (Linux)').toBeDefined();
    const lockPath = lockFile();
    await plant(lockPath);
    const error = await acquire(lockPath).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FileLockError);
    expect(error).toMatchObject({ reason: 'LOCK_TIMEOUT', message: expect.stringMatching(message) });
    expect(lockExists(lockPath)).toBe(true);
  });

  it('a lock that cannot be written (ENOSPC) is never left behind, with or without symlinks', async () => {
    const { file } = temporaryLog();
    const noSpace = faultyFileSystem((call) => (call.operation === 'symlink' ? { code: 'ENOSPC' } : undefined));
    await expect(createAuditLog({ path: file, fileSystem: noSpace.fileSystem }).append(sampleRecord())).rejects.toMatchObject({ code: 'AUDIT_WRITE_FAILED', reason: 'ENOSPC' });
    expect(lockExists(`${file}.lock`)).toBe(false);

    // Without symlink support the lock is an O_EXCL file; a failed write of its content removes it.
    const { file: other } = temporaryLog();
    const fileLocks = faultyFileSystem((call) =>
      call.operation === 'symlink' ? { code: 'EPERM' } : call.operation === 'write' && call.file.endsWith('.lock') ? { code: 'ENOSPC' } : undefined,
    );
    const error = await createAuditLog({ path: other, fileSystem: fileLocks.fileSystem }).append(sampleRecord()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuditWriteError);
    expect(lockExists(`${other}.lock`)).toBe(false);
    // Space is back: the next append neither waits nor fails.
    const healthy = createAuditLog({ path: other, lockTimeoutMs: 200 });
    expect((await healthy.append(sampleRecord())).gap?.lost).toBe(1);
  });

  it('a lock broken by another process while held is reported on release, and its file is left alone', async () => {
    const lockPath = lockFile();
    const lock = await acquire(lockPath);
    // Another process judged it stale and took it over.
    const { unlinkSync } = await import('node:fs');
    unlinkSync(lockPath);
    symlinkSync(`123 other-host ${Date.now()} - feedbeef`, lockPath);
    expect(await lock.release()).toEqual({ wasBroken: true });
    expect(lockExists(lockPath)).toBe(true);
  });
});

describe('processes recovering stale locks at once', () => {
  it('three processes that keep crashing inside the lock (leaving an empty or a dead pid\'s lock) are never inside it together', async () => {
    const { directory, file } = temporaryLog();
    const lockPath = `${file}.lock`;
    const journal = path.join(directory, 'journal');
    writeFileSync(lockPath, '');
    backdate(lockPath, 60);
    const runs = await Promise.all(['a', 'b', 'c'].map(() => runFixture('lock-critical-section.ts', [lockPath, '40', journal, '4'])));
    for (const run of runs) expect(run.exitCode, run.stderr).toBe(0);
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3 * 40 * 2);
    for (let index = 0; index < lines.length; index += 2) {
      const [enter, exit] = [lines[index]!, lines[index + 1]!];
      expect(enter, `line ${index + 1}`).toMatch(/^enter \d+$/);
      // The next line is the same process leaving: nobody else entered in between.
      expect(exit, `line ${index + 2}`).toBe(enter.replace('enter', 'exit'));
    }
    // They really took turns (and so recovered each other's crashed locks).
    expect(new Set(lines.map((line) => line.split(' ')[1])).size).toBe(3);
  });

  it('two writers appending 150 records each over a planted empty lock and a dead pid\'s lock leave one valid chain', async () => {
    const { file } = temporaryLog();
    writeFileSync(`${file}.lock`, '');
    backdate(`${file}.lock`, 5);
    const first = runFixture('audit-append.ts', [file, '150', 'writer-a']);
    const second = runFixture('audit-append.ts', [file, '150', 'writer-b']);
    const [a, b] = await Promise.all([first, second]);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.exitCode, b.stderr).toBe(0);
    writeFileSync(`${file}.lock`, `${deadPid} ${host} ${Date.now()}\n`);
    const [c, d] = await Promise.all([runFixture('audit-append.ts', [file, '50', 'writer-c']), runFixture('audit-append.ts', [file, '50', 'writer-d'])]);
    expect(c.exitCode, c.stderr).toBe(0);
    expect(d.exitCode, d.stderr).toBe(0);
    expect(await verifyAuditLog(file)).toMatchObject({ ok: true, count: 400, problems: [], gaps: [] });
    expect(lockExists(`${file}.lock`)).toBe(false);
  });
});
