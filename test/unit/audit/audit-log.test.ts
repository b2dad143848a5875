import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAuditLog, readAuditRecords, UNREDACTED_FIELDS } from '../../../src/audit/audit-log.js';
import { GENESIS_HASH, hashRecord } from '../../../src/audit/canonical-json.js';
import { verifyAuditLog } from '../../../src/audit/verify.js';
import { AuditError } from '../../../src/errors.js';
import { AuditRecordSchema } from '../../../src/schemas/audit.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { faultyFileSystem, lockExists, repositoryRoot, runFixture, sampleRecord, temporaryLog } from './helpers.js';

const fixedClock = { now: () => new Date('2025-03-01T12:00:00.000Z') };
const readLines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('createAuditLog', () => {
  it('group-commits concurrent appends: one chain, in call order, each resolved only once durable', async () => {
    const { file } = temporaryLog();
    const log = createAuditLog({ path: file });
    const records = await Promise.all(Array.from({ length: 150 }, (_, index) => log.append(sampleRecord({ name: `app-${index}` }))));
    expect(records.map((record) => record.name)).toEqual(Array.from({ length: 150 }, (_, index) => `app-${index}`));
    for (let index = 1; index < records.length; index++) expect(records[index]!.prev_hash).toBe(records[index - 1]!.hash);
    const onDisk = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { name: string; hash: string });
    expect(onDisk.map((record) => record.hash)).toEqual(records.map((record) => record.hash));
    expect(await verifyAuditLog(file)).toMatchObject({ ok: true, count: 150 });
  });

  it('group commit: 31 concurrent appends take at most two batches of one lock, one write and one fsync each', async () => {
    const { file } = temporaryLog();
    const { fileSystem, calls } = faultyFileSystem();
    const log = createAuditLog({ path: file, fileSystem });
    await log.append(sampleRecord());
    const before = calls.length;
    const first = log.append(sampleRecord());
    const rest = Array.from({ length: 30 }, () => log.append(sampleRecord()));
    await Promise.all([first, ...rest]);
    const during = calls.slice(before);
    const count = (operation: string, onLog = true) => during.filter((call) => call.operation === operation && (!onLog || call.file === file)).length;
    // At most two batches (the first append may go alone, the 30 queued behind it form one), each one lock, one write, one fsync.
    const locks = count('symlink', false);
    expect(locks).toBeGreaterThanOrEqual(1);
    expect(locks).toBeLessThanOrEqual(2);
    expect({ writes: count('write'), fsyncs: count('sync') }).toEqual({ writes: locks, fsyncs: locks });
    expect(await verifyAuditLog(file)).toMatchObject({ ok: true, count: 32 });
  });

  it('rejects only the invalid record of a batch and chains the rest', async () => {
    const { file } = temporaryLog();
    const log = createAuditLog({ path: file });
    const [first, bad, third] = await Promise.allSettled([
      log.append(sampleRecord()),
      log.append(sampleRecord({ operation_id: 'not-a-uuid' })),
      log.append(sampleRecord()),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
    expect(third.status).toBe('fulfilled');
    expect(await verifyAuditLog(file)).toMatchObject({ ok: true, count: 2 });
  });

  it('appends one JSON line per record, chained from the genesis hash', async () => {
    const { file } = temporaryLog();
    const log = createAuditLog({ path: file, clock: fixedClock });
    const first = await log.append(sampleRecord({ event: 'proposed' }));
    const second = await log.append(sampleRecord({ event: 'confirmed' }));
    const lines = readLines(file);
    expect(lines).toHaveLength(2);
    const records = lines.map((line) => AuditRecordSchema.parse(JSON.parse(line)));
    expect(records).toEqual([first, second]);
    expect(first.prev_hash).toBe(GENESIS_HASH);
    expect(second.prev_hash).toBe(first.hash);
    expect(hashRecord(first)).toBe(first.hash);
    expect(first.timestamp).toBe('2025-03-01T12:00:00.000Z');
    expect(Object.keys(JSON.parse(lines[0]!))[0]).toBe('timestamp');
    expect(Object.keys(JSON.parse(lines[0]!)).slice(-2)).toEqual(['prev_hash', 'hash']);
  });

  it('redacts args, command, message and violations before hashing and writing', async () => {
    const { file } = temporaryLog();
    const log = createAuditLog({ path: file });
    const record = await log.append(
      sampleRecord({
        command: 'kubectl get pods --token=abc123 -n prod',
        args: ['get', 'pods', '--token', 'abc123', '-n', 'prod'],
        message: 'Authorization: Bearer abc123',
        violations: ['flag --token=abc123 is not allowed'],
      }),
    );
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('abc123');
    expect(record.args).toEqual(['get', 'pods', '--token', '[REDACTED]', '-n', 'prod']);
    expect((await verifyAuditLog(file)).ok).toBe(true);
  });

  it('rejects a record that does not match the schema, writing nothing', async () => {
    const { file } = temporaryLog();
    const log = createAuditLog({ path: file });
    await expect(log.append(sampleRecord({ operation_id: 'not-a-uuid' }))).rejects.toThrow(AuditError);
    await expect(log.append(sampleRecord({ operation_id: 'not-a-uuid' }))).rejects.toThrow(/operation_id/);
    expect(existsSync(file)).toBe(false);
  });

  it('takes its path and size from the config', () => {
    const { file } = temporaryLog();
    const log = createAuditLog(loadConfig({ auditLog: file }, {}));
    expect(log.path).toBe(file);
  });

  it('serialises concurrent appends within one process into one chain', async () => {
    const { file } = temporaryLog();
    const log = createAuditLog({ path: file });
    const other = createAuditLog({ path: file });
    await Promise.all(Array.from({ length: 40 }, (_unused, index) => (index % 2 ? log : other).append(sampleRecord({ message: `n${index}` }))));
    const result = await verifyAuditLog(file);
    expect(result).toMatchObject({ ok: true, count: 40 });
  });

  it('rotates by size and keeps the chain across files', async () => {
    const { file } = temporaryLog();
    const log = createAuditLog({ path: file, maxBytes: 2500 });
    const written = [];
    for (let index = 0; index < 20; index++) written.push(await log.append(sampleRecord({ message: `record ${index}` })));
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(existsSync(`${file}.2`)).toBe(true);
    for (const candidate of [file, `${file}.1`, `${file}.2`]) expect(readFileSync(candidate).length).toBeLessThanOrEqual(2500);
    const newestFirstLine = JSON.parse(readLines(file)[0]!);
    const previousLast = JSON.parse(readLines(`${file}.1`).at(-1)!);
    expect(newestFirstLine.prev_hash).toBe(previousLast.hash);
    const all = await verifyAuditLog(file, { includeRotated: true });
    expect(all).toMatchObject({ ok: true, count: 20, lastHash: written.at(-1)!.hash });
    expect(all.files[0]).toMatch(/agent\.log\.\d+$/);
    expect(all.files.at(-1)).toBe(file);
    expect((await verifyAuditLog(file)).ok).toBe(true);
    const tail = await readAuditRecords(file, { limit: 7 });
    expect(tail.map((record) => record.message)).toEqual(Array.from({ length: 7 }, (_unused, index) => `record ${13 + index}`));
  });

  it('recovers a lock left by a process that died, and waits for a live holder', async () => {
    const { file } = temporaryLog();
    const dead = spawn(process.execPath, ['-e', '0']);
    const deadPid = await new Promise<number>((resolve) => dead.on('exit', () => resolve(dead.pid!)));
    expect(pidAlive(deadPid)).toBe(false);
    const os = await import('node:os');
    writeFileSync(`${file}.lock`, `${deadPid} ${os.hostname()} ${Date.now()}\n`);
    await createAuditLog({ path: file }).append(sampleRecord());
    expect(lockExists(`${file}.lock`)).toBe(false);

    writeFileSync(`${file}.lock`, `${process.pid} ${os.hostname()} ${Date.now()}\n`);
    await expect(createAuditLog({ path: file, lockTimeoutMs: 150 }).append(sampleRecord())).rejects.toThrow(/locked by pid/);
    expect(readLines(file)).toHaveLength(1);
  });

  it('never glues a record onto a torn last line', async () => {
    const { file } = temporaryLog();
    const log = createAuditLog({ path: file });
    const first = await log.append(sampleRecord());
    appendFileSync(file, '{"timestamp":"2025-');
    const second = await log.append(sampleRecord());
    const lines = readLines(file);
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2]!)).toEqual(second);
    expect(second.prev_hash).toBe(first.hash);
    const result = await verifyAuditLog(file);
    expect(result.problems).toEqual([{ file, line: 2, message: expect.stringMatching(/not a JSON record/) }]);
  });

  it('two processes appending 200 records each at once leave one valid chain', async () => {
    const { file } = temporaryLog();
    const [first, second] = await Promise.all([runFixture('audit-append.ts', [file, '200', 'writer-a']), runFixture('audit-append.ts', [file, '200', 'writer-b'])]);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(second.exitCode, second.stderr).toBe(0);
    const lines = readLines(file);
    expect(lines).toHaveLength(400);
    const users = lines.map((line) => JSON.parse(line).user as string);
    expect(users.filter((user) => user === 'writer-a')).toHaveLength(200);
    // Both writers really overlapped: their records alternate somewhere in the file.
    expect(users.some((user, index) => index > 0 && user !== users[index - 1])).toBe(true);
    expect(await verifyAuditLog(file)).toMatchObject({ ok: true, count: 400, problems: [] });
  });

  it('two processes appending across rotation keep the chain over every file', async () => {
    const { file } = temporaryLog();
    await Promise.all([runFixture('audit-append.ts', [file, '60', 'writer-a', '8000']), runFixture('audit-append.ts', [file, '60', 'writer-b', '8000'])]);
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(await verifyAuditLog(file, { includeRotated: true })).toMatchObject({ ok: true, count: 120 });
  });

  it('a process killed with SIGKILL while kubectl runs leaves a log that verifies and shows `started`', async () => {
    const { file } = temporaryLog();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, 'test/fixtures/bin/audit-started-then-run.ts'), file], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const sleeperPid = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /sleeping (\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      child.on('exit', () => reject(new Error(`the fixture exited early: ${stderr}`)));
    });
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    // Nothing runs in a SIGKILLed process, so kubectl outlives it; clean it up.
    process.kill(sleeperPid, 'SIGKILL');

    const result = await verifyAuditLog(file);
    expect(result).toMatchObject({ ok: true, count: 1 });
    const [record] = await readAuditRecords(file);
    expect(record).toMatchObject({ event: 'started', name: 'api', namespace: 'prod' });
    expect(record!.args).toContain('--token=[REDACTED]');
    expect(readFileSync(file, 'utf8')).not.toContain('sekrit');
  });
});

describe('redaction of every record field (class guard)', () => {
  const secret = 'PASSWORD hunter5 and ghp_vwiE5BtHFVjRTXLTPphRPJIEaebum2ZJXFdJ';
  const fields = Object.keys(AuditRecordSchema.shape).filter((field) => !['prev_hash', 'hash', 'gap'].includes(field));

  it.each(fields)('%s: a secret in it is redacted, or the schema refuses it, or it is one of the fixed-format fields', async (field) => {
    const { file } = temporaryLog();
    const log = createAuditLog({ path: file });
    const base = sampleRecord() as unknown as Record<string, unknown>;
    const asArray = AuditRecordSchema.shape[field as keyof typeof AuditRecordSchema.shape].safeParse([secret]).success;
    const record = { ...base, [field]: asArray ? ['get', secret] : secret };
    const outcome = await log.append(record as never).then(
      () => 'written',
      (error: unknown) => (error instanceof AuditError ? 'refused' : 'other'),
    );
    if (outcome === 'refused') return;
    expect(outcome).toBe('written');
    const text = readFileSync(file, 'utf8');
    if (UNREDACTED_FIELDS.has(field)) {
      // Fixed-format fields are written by rk8s itself, never from user text; they pass as they are.
      expect(['timestamp', 'policy_version', 'stdout_sha256', 'stderr_sha256']).toContain(field);
      return;
    }
    expect(text).not.toContain('hunter5');
    expect(text).not.toContain('ghp_vwiE5BtHFVjRTXLTPphRPJIEaebum2ZJXFdJ');
  });

  it('redacts the issue 12 record in message and query, and nothing leaks into the file', async () => {
    const { file } = temporaryLog();
    const record = await createAuditLog({ path: file }).append(
      sampleRecord({
        message: 'PASSWORD hunter5 (secret value: hunter6)',
        query: 'restart api, DB_PASS=Wm4pR7tQ, Cookie: sid=9d8f7a6b5c4e; credentials=dXNlcjpw and key sk-proj-HjXWOme2uh9plxo4IznLfjX7PTiqSadJFRt0U0vqS1Bd, header bearer%20Zm9vYmFyLXRva2Vu',
        violations: ['flag --password=Rt5!vB8q is not allowed'],
        reads: ['kubectl get pods --token=s3cr3tT0k3n -n prod'],
      }),
    );
    expect(record.message).toBe('PASSWORD [REDACTED] (secret value: [REDACTED])');
    const text = readFileSync(file, 'utf8');
    for (const value of ['hunter5', 'hunter6', 'Wm4pR7tQ', '9d8f7a6b5c4e', 'dXNlcjpw', 'HjXWOme2uh9plxo4', 'Zm9vYmFyLXRva2Vu', 'Rt5!vB8q', 's3cr3tT0k3n']) expect(text).not.toContain(value);
    expect((await verifyAuditLog(file)).ok).toBe(true);
  });
});
