/**
 * The append-only, hash-chained JSONL audit log. Each append is one whole-line write with O_APPEND
 * followed by fsync, under a cross-process lock, so a record returned by append() is on disk, two
 * processes never interleave, and every record's `prev_hash` is the hash of the record before it,
 * across size-based rotation (agent.log -> agent.log.1 -> agent.log.2 ...).
 *
 * A write that fails (ENOSPC, EIO, EACCES, a lock that stays held) rejects with AuditWriteError and
 * leaves nothing of the record in the file (a partial write is truncated back). The loss is remembered,
 * in memory and in the sidecar `agent.log.gap`, and the next record that can be written carries a `gap`
 * field that declares it, so the chain stays intact and the log says what is missing.
 */
import { constants } from 'node:fs';
import { setOwnValue } from '../own-property.js';
import path from 'node:path';
import { AuditError, AuditWriteError, type LostAuditRecord } from '../errors.js';
import type { AuditLog, AuditRecordInput, Clock } from '../contracts/ports.js';
import { AuditRecordSchema, type AuditGap, type AuditRecord } from '../schemas/audit.js';
import type { Config } from '../schemas/config.js';
import { errorCode, nodeFileSystem, type AuditFileHandle, type AuditFileSystem } from './audit-fs.js';
import { GENESIS_HASH, hashRecord } from './canonical-json.js';
import { acquireFileLock, FileLockError, type FileLock } from './file-lock.js';
import { lastRecord, lastRecordHash, readTailLines, rotatedIndexes, rotatedPath } from './log-files.js';
import { redactArgs, redactText } from './redact.js';
import { serializeRecord } from './record-line.js';
import { GapFile, gapFilePath, gapOf, mergeGaps, sameGap } from './write-gap.js';

/** Options for createAuditLog. */
export interface AuditLogOptions {
  path: string;
  /** Rotate before a write would make the file larger than this (default 10 MiB). */
  maxBytes?: number;
  clock?: Clock;
  /** How long to wait for another process's lock (default 10 s). */
  lockTimeoutMs?: number;
  /** A lock older than this whose owner cannot be confirmed alive is stale (default 30 s). */
  staleLockMs?: number;
  /** The file system (tests inject failures); default node:fs/promises. */
  fileSystem?: AuditFileSystem;
}

/** The last append that failed. */
export interface AuditWriteFailure {
  at: string;
  /** errno code (ENOSPC, EIO, EACCES ...), SHORT_WRITE, LOCK_TIMEOUT or LOCK_RACE. */
  reason: string;
  message: string;
  lost: LostAuditRecord[];
}

/** What a front-end needs to report the log's state loudly. */
export interface AuditLogHealth {
  /** False while records are known lost and no written record declares them yet. */
  ok: boolean;
  lastFailure: AuditWriteFailure | null;
  /** Lost records that the next written record will declare (known to this process or from agent.log.gap). */
  pendingGap: AuditGap | null;
  /** Things that did not fail an append but weaken a guarantee (directory fsync unsupported, sidecar unwritable ...). */
  warnings: string[];
}

/** The audit log with its health, for front-ends that report failures. */
export interface DurableAuditLog extends AuditLog {
  health(): AuditLogHealth;
}

/**
 * Fields written by rk8s itself in a fixed format (ids, enums, hashes, times): left as they are. Every
 * other string, including fields added later, is redacted: a free-text field cannot be forgotten.
 */
export const UNREDACTED_FIELDS: ReadonlySet<string> = new Set(['timestamp', 'level', 'operation_id', 'event', 'source', 'policy_version', 'stdout_sha256', 'stderr_sha256']);

/** Secrets out of every free-text field (command, args, query, message, violations, reads ...) before anything is hashed or written. */
function redactRecord(record: AuditRecordInput): AuditRecordInput {
  const redacted: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(record)) {
    if (UNREDACTED_FIELDS.has(field)) setOwnValue(redacted, field, value);
    else if (typeof value === 'string') setOwnValue(redacted, field, redactText(value));
    else if (Array.isArray(value)) setOwnValue(redacted, field, field === 'args' ? redactArgs(value as string[]) : value.map((item: unknown) => (typeof item === 'string' ? redactText(item) : item)));
    else if (field !== 'gap' && value !== null && typeof value === 'object') setOwnValue(redacted, field, redactNested(value));
    else setOwnValue(redacted, field, value);
  }
  return redacted as AuditRecordInput;
}

/** Every string inside a nested field (prior_state: object names, images) is redacted like a top-level one. */
function redactNested(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactNested);
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) setOwnValue(result, key, redactNested(item));
  return result;
}

/** Directory fsync errors that mean "this file system does not do that", not "the entry is not durable". */
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EISDIR', 'EBADF']);

/** A write that failed after the lock was taken, with whether the file was restored to its size before. */
class SegmentWriteError extends Error {
  constructor(
    readonly original: unknown,
    readonly fileIntact: boolean,
  ) {
    super((original as Error)?.message ?? String(original));
  }
}

/** A validated, redacted record waiting for its place in the chain. */
interface PendingAppend {
  record: Omit<AuditRecord, 'prev_hash' | 'hash'>;
  resolve(record: AuditRecord): void;
  reject(error: unknown): void;
}

/** Opens (creating) the audit log. Accepts the whole Config or explicit options. */
export function createAuditLog(input: AuditLogOptions | Config): DurableAuditLog {
  const options: AuditLogOptions = 'audit' in input ? { path: input.audit.path, maxBytes: input.audit.maxBytes } : input;
  const file = path.resolve(options.path);
  const directory = path.dirname(file);
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const clock = options.clock ?? { now: () => new Date() };
  const fileSystem = options.fileSystem ?? nodeFileSystem;
  const lockPath = `${file}.lock`;
  const gapFile = new GapFile(gapFilePath(file), fileSystem);
  // Appends wait here while a batch is being written: the next batch takes them all at once
  // (group commit), so N concurrent appends cost one lock, one write and one fsync, not N.
  let pending: PendingAppend[] = [];
  let flushing = false;
  // The file as this process last left it: when it is unchanged, the last hash need not be read back.
  let lastWritten: { ino: number; dev: number; size: number; hash: string } | undefined;
  // Losses only this process knows (the sidecar could not be written, or was written without the lock).
  let unrecorded: AuditGap | undefined;
  // What this process last knew to be pending (sidecar and memory), for health().
  let pendingKnown: AuditGap | undefined;
  // The last gap this process declared, so that a sidecar it failed to blank is not declared again.
  let lastDeclared: AuditGap | undefined;
  let gapFileReady = false;
  let lastFailure: AuditWriteFailure | null = null;
  const warnings = new Set<string>();

  function prepare(input: AuditRecordInput): PendingAppend['record'] {
    const { gap: _ignored, ...rest } = redactRecord(input) as AuditRecordInput & { gap?: unknown };
    const draft = { ...rest, timestamp: rest.timestamp ?? clock.now().toISOString(), prev_hash: GENESIS_HASH, hash: GENESIS_HASH };
    const parsed = AuditRecordSchema.safeParse(draft);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AuditError(`invalid audit record: ${issue.path.join('.') || 'record'}: ${issue.message}`, { details: parsed.error.issues });
    }
    const { prev_hash: _prev, hash: _hash, ...record } = parsed.data;
    return record;
  }

  /** fsyncs the log's directory, so a created or renamed file's entry is durable; throws unless unsupported. */
  async function syncDirectory(): Promise<void> {
    let handle: AuditFileHandle;
    try {
      handle = await fileSystem.open(directory, constants.O_RDONLY);
    } catch (error) {
      if (process.platform === 'win32') {
        warnings.add('directory fsync is not possible on Windows: a new or rotated log file may not survive a power loss');
        return;
      }
      throw error;
    }
    try {
      await handle.sync();
    } catch (error) {
      if (!DIRECTORY_SYNC_UNSUPPORTED.has(errorCode(error) ?? '')) throw error;
      warnings.add(`this file system does not fsync directories (${errorCode(error)}): a new or rotated log file may not survive a power loss`);
    } finally {
      // A read-only directory handle holds no data; closing it cannot lose anything.
      await handle.close().catch(() => undefined);
    }
  }

  /**
   * Opens the log for appending. An empty file (one this call created, or one left by an append whose
   * directory fsync failed) gets a durable directory entry before any record goes into it.
   */
  async function openLog(): Promise<{ handle: AuditFileHandle; size: number; ino: number; dev: number }> {
    const handle = await fileSystem.open(file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o640);
    try {
      const stats = await handle.stat();
      if (stats.size === 0) await syncDirectory();
      return { handle, size: stats.size, ino: stats.ino, dev: stats.dev };
    } catch (error) {
      // The error being thrown is the one to report; nothing was written through this handle.
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /** Renames agent.log.N -> agent.log.N+1 ... agent.log -> agent.log.1 (newest rotated file is .1). */
  async function rotate(): Promise<void> {
    for (const index of rotatedIndexes(file).reverse()) await fileSystem.rename(rotatedPath(file, index), rotatedPath(file, index + 1));
    await fileSystem.rename(file, rotatedPath(file, 1));
    lastWritten = undefined;
  }

  /** One write of whole lines and an fsync; on any failure the file is cut back to `sizeBefore`. */
  async function writeSegment(handle: AuditFileHandle, text: string, sizeBefore: number): Promise<number> {
    const buffer = Buffer.from(text);
    try {
      const { bytesWritten } = await handle.write(buffer, 0, buffer.length, null);
      if (bytesWritten !== buffer.length) {
        throw Object.assign(new Error(`short write: ${bytesWritten} of ${buffer.length} bytes (the disk is probably full)`), { code: 'SHORT_WRITE' });
      }
      await handle.sync();
    } catch (error) {
      let fileIntact = true;
      try {
        await handle.truncate(sizeBefore);
        await handle.sync();
      } catch {
        // Reported, not thrown: the append fails either way, and fileIntact=false says a torn line may remain.
        fileIntact = false;
      }
      lastWritten = undefined;
      throw new SegmentWriteError(error, fileIntact);
    }
    return sizeBefore + buffer.length;
  }

  async function endsWithNewline(handle: AuditFileHandle, size: number): Promise<boolean> {
    if (size <= 0) return true;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  }

  /** The gap the next record must declare: the sidecar's losses and this process's, unless already declared. */
  async function gapToDeclare(): Promise<AuditGap | undefined> {
    const content = await gapFile.read();
    if ('error' in content) warnings.add(`${gapFile.path}: ${content.error}; records lost by other processes may not be declared`);
    let inSidecar = 'gap' in content ? content.gap : undefined;
    // Declared already, but the sidecar was not blanked: by this process (the clear failed), or by one that
    // died between writing the declaring record and clearing it. Declaring it twice would double the count.
    if (inSidecar !== undefined) {
      const newest = (await lastRecord(file)) as { gap?: AuditGap } | undefined;
      if (sameGap(inSidecar, lastDeclared) || sameGap(inSidecar, newest?.gap)) {
        inSidecar = undefined;
        if (unrecorded === undefined) await clearGap();
      }
    }
    return mergeGaps(inSidecar, unrecorded);
  }

  /** After a record declared the pending gap (which includes every loss this process knew): blank the sidecar. */
  async function clearGap(declared?: AuditGap): Promise<void> {
    unrecorded = undefined;
    pendingKnown = undefined;
    if (declared !== undefined) lastDeclared = declared;
    try {
      await gapFile.write(undefined);
    } catch (error) {
      warnings.add(`cannot clear ${gapFile.path} (${(error as Error).message}): the next append checks it again`);
    }
  }

  /** Remembers lost records in the sidecar, so that the next process knows, and in memory where that fails. */
  async function rememberLost(lost: LostAuditRecord[], underLock: boolean): Promise<void> {
    const content = await gapFile.read();
    const inSidecar = 'gap' in content ? content.gap : undefined;
    const merged = mergeGaps(mergeGaps(inSidecar, unrecorded), gapOf(lost));
    pendingKnown = merged;
    try {
      await gapFile.write(merged);
      // Without the lock, another failing process may overwrite this write: keep our losses in memory too
      // (at worst a loss is then declared twice, which over-reports rather than hides).
      unrecorded = underLock ? undefined : mergeGaps(unrecorded, gapOf(lost));
    } catch (error) {
      unrecorded = mergeGaps(unrecorded, gapOf(lost));
      warnings.add(`cannot write ${gapFile.path} (${(error as Error).message}): only this process knows of the lost records`);
    }
  }

  /** Remembers the loss (under the lock when it is held) and returns how to reject the callers, once the lock is released. */
  async function recordFailure(items: readonly PendingAppend[], error: unknown, underLock: boolean): Promise<() => void> {
    if (items.length === 0) return () => undefined;
    const original = error instanceof SegmentWriteError ? error.original : error;
    const fileIntact = error instanceof SegmentWriteError ? error.fileIntact : true;
    const reason = original instanceof FileLockError ? original.reason : (errorCode(original) ?? 'UNKNOWN');
    const lost: LostAuditRecord[] = items.map((item) => ({ operation_id: item.record.operation_id, event: item.record.event, at: item.record.timestamp, error: reason }));
    await rememberLost(lost, underLock);
    const cause = (original as Error)?.message ?? String(original);
    lastFailure = { at: clock.now().toISOString(), reason, message: cause, lost };
    const hint =
      original instanceof FileLockError && original.hint
        ? original.hint
        : 'free space or fix the permissions of the audit log (RK8S_AUDIT_LOG / --audit-log); the next record written will declare the gap';
    return () => {
      for (const [index, item] of items.entries()) {
        const message = `cannot write the audit log ${file}: ${cause}; the ${item.record.event} record of operation ${item.record.operation_id} is not on record`;
        item.reject(new AuditWriteError(message, lost[index]!, { cause: original, hint, fileIntact }));
      }
    };
  }

  async function appendBatch(batch: readonly PendingAppend[]): Promise<void> {
    let lock: FileLock;
    try {
      await fileSystem.mkdir(directory, { recursive: true });
      lock = await acquireFileLock(lockPath, { timeoutMs: options.lockTimeoutMs, staleMs: options.staleLockMs, fileSystem });
    } catch (error) {
      (await recordFailure(batch, error, false))();
      return;
    }
    // Resolved only after the lock is released: a caller that exits right after append() must not leave it behind.
    const confirmed: Array<[PendingAppend, AuditRecord]> = [];
    let rejectFailed = () => {};
    try {
      let { handle, size, ino, dev } = await openLog();
      try {
        const known = lastWritten !== undefined && lastWritten.ino === ino && lastWritten.dev === dev && lastWritten.size === size;
        // The chain continues from the newest record on disk, whichever process wrote it.
        let prevHash = known
          ? lastWritten!.hash
          : ((size > 0 ? await lastRecordHash(file) : undefined) ?? (await lastRecordHash(rotatedPath(file, 1))) ?? GENESIS_HASH);
        const gap = await gapToDeclare();
        // Never glue a record onto a torn line (a crashed writer): that would corrupt both.
        let segment = known || (await endsWithNewline(handle, size)) ? '' : '\n';
        let segmentItems: Array<[PendingAppend, AuditRecord]> = [];
        const flushSegment = async () => {
          if (segmentItems.length === 0) return;
          size = await writeSegment(handle, segment, size);
          lastWritten = { ino, dev, size, hash: prevHash };
          if (gap !== undefined && segmentItems.some(([, record]) => record.gap !== undefined)) await clearGap(gap);
          confirmed.push(...segmentItems);
          segment = '';
          segmentItems = [];
        };
        for (const [index, item] of batch.entries()) {
          const draft = { ...item.record, ...(index === 0 && gap !== undefined ? { gap } : {}), prev_hash: prevHash };
          const record = { ...draft, hash: hashRecord(draft) } as AuditRecord;
          const line = `${serializeRecord(record)}\n`;
          const projected = size + Buffer.byteLength(segment);
          if (projected > 0 && projected + Buffer.byteLength(line) > maxBytes) {
            await flushSegment();
            await handle.close();
            await rotate();
            ({ handle, size, ino, dev } = await openLog());
            segment = '';
          }
          segment += line;
          segmentItems.push([item, record]);
          prevHash = record.hash;
        }
        await flushSegment();
        if (!gapFileReady) gapFileReady = await prepareGapFile();
      } finally {
        // After a successful fsync the data is durable; a close error cannot undo that, so it is not an append failure.
        await handle.close().catch(() => undefined);
      }
    } catch (error) {
      rejectFailed = await recordFailure(batch.slice(confirmed.length), error, true);
    } finally {
      try {
        const { wasBroken } = await lock.release();
        if (wasBroken) warnings.add(`another process broke this process's audit lock while it wrote (it judged the lock stale); run rk8s audit verify`);
      } catch (error) {
        warnings.add(`cannot remove the audit lock ${lockPath} (${(error as Error).message}); other processes wait for it until this process exits`);
      }
      for (const [item, record] of confirmed) item.resolve(record);
      rejectFailed();
    }
  }

  /** Preallocates the sidecar once, while there is space, so that noting a loss later needs none. */
  async function prepareGapFile(): Promise<boolean> {
    try {
      if (await gapFile.allocated()) return true;
      await gapFile.write(undefined);
      await syncDirectory();
      return true;
    } catch (error) {
      warnings.add(`cannot create ${gapFile.path} (${(error as Error).message}): a record lost on a full disk would be known to its process only`);
      return false;
    }
  }

  async function flush(): Promise<void> {
    flushing = true;
    try {
      while (pending.length > 0) {
        const batch = pending;
        pending = [];
        await appendBatch(batch).catch((error: unknown) => {
          // appendBatch settles every item itself; this only guards against a bug leaving callers waiting
          // forever (settling an already settled promise does nothing).
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
      let prepared: PendingAppend['record'];
      try {
        // Redaction and validation happen here, outside the cross-process lock.
        prepared = prepare(record);
      } catch (error) {
        return Promise.reject(error);
      }
      const result = new Promise<AuditRecord>((resolve, reject) => {
        pending.push({ record: prepared, resolve, reject });
      });
      if (!flushing) void flush();
      return result;
    },
    health(): AuditLogHealth {
      const pendingGap = pendingKnown ?? unrecorded;
      return { ok: pendingGap === undefined, lastFailure, pendingGap: pendingGap ?? null, warnings: [...warnings] };
    },
  };
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
        // A torn line: `rk8s audit verify` reports it; tail shows the records around it.
      }
    }
    records.unshift(...parsed);
  }
  return records.slice(-limit);
}
