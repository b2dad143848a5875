/**
 * The append-only, hash-chained JSONL audit log. Each append is one whole-line write with O_APPEND
 * followed by fsync, under a cross-process lock, so a record returned by append() is on disk, two
 * processes never interleave, and every record's `prev_hash` is the hash of the record before it,
 * across size-based rotation (agent.log -> agent.log.1 -> agent.log.2 ...).
 */
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AuditError } from '../errors.js';
import type { AuditLog, AuditRecordInput, Clock } from '../pipeline/ports.js';
import { AuditRecordSchema, type AuditRecord } from '../schemas/audit.js';
import type { Config } from '../schemas/config.js';
import { GENESIS_HASH, hashRecord } from './canonical-json.js';
import { acquireFileLock } from './file-lock.js';
import { lastRecordHash, readTailLines, rotatedIndexes, rotatedPath } from './log-files.js';
import { redactArgs, redactText } from './redact.js';

/** Options for createAuditLog. */
export interface AuditLogOptions {
  path: string;
  /** Rotate before a write would make the file larger than this (default 10 MiB). */
  maxBytes?: number;
  clock?: Clock;
  /** How long to wait for another process's lock (default 10 s). */
  lockTimeoutMs?: number;
}

const FIELD_ORDER = Object.keys(AuditRecordSchema.shape) as (keyof AuditRecord)[];

/** Secrets out of every free-text field before anything is hashed or written. */
function redactRecord(record: AuditRecordInput): AuditRecordInput {
  return {
    ...record,
    command: record.command === null ? null : redactText(record.command),
    args: record.args === null ? null : redactArgs(record.args),
    ...(record.message === undefined ? {} : { message: redactText(record.message) }),
    ...(record.query === undefined ? {} : { query: redactText(record.query) }),
    ...(record.violations === undefined ? {} : { violations: record.violations.map(redactText) }),
  };
}

/** Schema order, so lines read naturally (timestamp first, hashes last); the hash does not depend on it. */
function orderFields(record: AuditRecord): AuditRecord {
  const ordered: Record<string, unknown> = {};
  for (const key of FIELD_ORDER) if (record[key] !== undefined) ordered[key] = record[key];
  return ordered as AuditRecord;
}

async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, constants.O_RDONLY).catch(() => undefined);
  if (handle === undefined) return;
  // Some filesystems refuse fsync on a directory; the rename itself still happened.
  await handle.sync().catch(() => undefined);
  await handle.close();
}

/** Renames agent.log.N -> agent.log.N+1 ... agent.log -> agent.log.1 (newest rotated file is .1). */
async function rotate(file: string): Promise<void> {
  for (const index of rotatedIndexes(file).reverse()) await fs.rename(rotatedPath(file, index), rotatedPath(file, index + 1));
  await fs.rename(file, rotatedPath(file, 1));
  await fsyncDirectory(path.dirname(file));
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return -1;
    throw error;
  }
}

/** True when the file is non-empty and does not end with a newline (a torn last write). */
async function endsWithoutNewline(file: string, size: number): Promise<boolean> {
  if (size <= 0) return false;
  const handle = await fs.open(file, 'r');
  try {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

/** Opens (creating) the audit log. Accepts the whole Config or explicit options. */
export function createAuditLog(input: AuditLogOptions | Config): AuditLog {
  const options: AuditLogOptions = 'audit' in input ? { path: input.audit.path, maxBytes: input.audit.maxBytes } : input;
  const file = path.resolve(options.path);
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const clock = options.clock ?? { now: () => new Date() };
  const lockPath = `${file}.lock`;
  // Appends wait here while a batch is being written: the next batch takes them all at once
  // (group commit), so N concurrent appends cost one lock, one write and one fsync, not N.
  let pending: PendingAppend[] = [];
  let flushing = false;

  function buildRecord(input: AuditRecordInput, prevHash: string): AuditRecord {
    const redacted = redactRecord(input);
    const draft = { ...redacted, timestamp: redacted.timestamp ?? clock.now().toISOString(), prev_hash: prevHash, hash: '' };
    const parsed = AuditRecordSchema.safeParse(draft);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AuditError(`invalid audit record: ${issue.path.join('.') || 'record'}: ${issue.message}`, { details: parsed.error.issues });
    }
    return orderFields({ ...parsed.data, hash: hashRecord(parsed.data) });
  }

  /** Writes text with O_APPEND and fsyncs it; returns the new file size. */
  async function writeDurably(text: string, size: number): Promise<number> {
    // Never glue a record onto a torn line (a crashed writer): that would corrupt both.
    if (await endsWithoutNewline(file, size)) text = `\n${text}`;
    const buffer = Buffer.from(text);
    const handle = await fs.open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o640);
    try {
      let written = 0;
      while (written < buffer.length) written += (await handle.write(buffer, written)).bytesWritten;
      await handle.sync();
    } finally {
      await handle.close();
    }
    return Math.max(size, 0) + buffer.length;
  }

  async function appendBatchLocked(batch: readonly PendingAppend[]): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const lock = await acquireFileLock(lockPath, { timeoutMs: options.lockTimeoutMs });
    const written: Array<[PendingAppend, AuditRecord]> = [];
    try {
      let size = await fileSize(file);
      // The chain continues from the newest record on disk, whichever process wrote it.
      let prevHash = (size > 0 ? await lastRecordHash(file) : undefined) ?? (await lastRecordHash(rotatedPath(file, 1))) ?? GENESIS_HASH;
      let buffered = '';
      let rotated = false;
      for (const item of batch) {
        let record: AuditRecord;
        try {
          record = buildRecord(item.input, prevHash);
        } catch (error) {
          item.reject(error);
          continue;
        }
        const line = `${JSON.stringify(record)}\n`;
        const projected = Math.max(size, 0) + Buffer.byteLength(buffered);
        if (projected > 0 && projected + Buffer.byteLength(line) > maxBytes) {
          if (buffered) size = await writeDurably(buffered, size);
          buffered = '';
          await rotate(file);
          size = -1;
          rotated = true;
        }
        buffered += line;
        prevHash = record.hash;
        written.push([item, record]);
      }
      if (buffered) await writeDurably(buffered, size);
      if (rotated) await fsyncDirectory(path.dirname(file));
    } catch (error) {
      // Nothing in this batch is confirmed durable: callers must not act as if it were recorded.
      for (const [item] of written) item.reject(error);
      return;
    } finally {
      await lock.release();
    }
    for (const [item, record] of written) item.resolve(record);
  }

  async function flush(): Promise<void> {
    flushing = true;
    try {
      while (pending.length > 0) {
        const batch = pending;
        pending = [];
        await appendBatchLocked(batch).catch((error: unknown) => {
          for (const item of batch) item.reject(error);
        });
      }
    } finally {
      flushing = false;
    }
  }

  return {
    path: file,
    append(record: AuditRecordInput): Promise<AuditRecord> {
      const result = new Promise<AuditRecord>((resolve, reject) => {
        pending.push({ input: record, resolve, reject });
      });
      if (!flushing) void flush();
      return result.catch((error: unknown) => {
        if (error instanceof AuditError) throw error;
        throw new AuditError(`cannot write the audit log ${file}: ${(error as Error).message}`, {
          hint: 'check that the audit log path (RK8S_AUDIT_LOG / --audit-log) is writable',
          cause: error,
        });
      });
    },
  };
}

/** One append waiting for the next group commit. */
interface PendingAppend {
  input: AuditRecordInput;
  resolve(record: AuditRecord): void;
  reject(error: unknown): void;
}

/** Options for reading records back. */
export interface ReadAuditRecordsOptions {
  /** At most this many records, the newest (default 20). */
  limit?: number;
  /** Continue into agent.log.1, .2 ... when the current file has fewer records (default true). */
  includeRotated?: boolean;
}

/** The newest records of the log, oldest first (for `rk8s audit tail`). Lines that are not JSON are skipped. */
export async function readAuditRecords(file: string, options: ReadAuditRecordsOptions = {}): Promise<AuditRecord[]> {
  const limit = options.limit ?? 20;
  const records: AuditRecord[] = [];
  const indexes = options.includeRotated === false ? [0] : [0, ...rotatedIndexes(file)];
  for (const index of indexes) {
    if (records.length >= limit) break;
    const lines = await readTailLines(rotatedPath(file, index), limit - records.length);
    const parsed: AuditRecord[] = [];
    for (const line of lines) {
      try {
        const value = JSON.parse(line) as unknown;
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) parsed.push(value as AuditRecord);
      } catch {
        // a torn line: `rk8s audit verify` reports it
      }
    }
    records.unshift(...parsed);
  }
  return records.slice(-limit);
}
