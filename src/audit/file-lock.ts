/**
 * A cross-process lock file so several rk8s processes appending to one audit log serialise "read the
 * last hash, write, fsync" and keep one valid chain.
 *
 * The lock is a symbolic link whose target is the owner ("pid host createdAt startTime token"): creating
 * it is one atomic call that either fails with EEXIST or leaves a complete owner, so a crash or a full
 * disk can never leave an empty lock (a short symlink lives in the inode and needs no data block). Where
 * symlinks are not supported it falls back to an O_EXCL file, which has a short window in which it is
 * empty, covered by the grace below.
 *
 * A stale lock is broken by one process at a time: the breaker takes a second lock (`.break`), checks
 * that the lock is still the very file (inode) it judged stale, and only then moves it aside; two
 * processes recovering the same stale lock therefore cannot both remove it and both win.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import os from 'node:os';
import { errorCode, nodeFileSystem, type AuditFileSystem, type AuditFileStats } from './audit-fs.js';
import { processStartTime } from './process-start-time.js';

/** Options for acquiring a lock. */
export interface FileLockOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** A lock older than this whose owner cannot be confirmed alive is stale (default 30 s). */
  staleMs?: number;
  /** An empty or unreadable lock older than this is stale (default 2 s; rk8s itself never leaves one). */
  unreadableGraceMs?: number;
  signal?: AbortSignal;
  fileSystem?: AuditFileSystem;
}

/** A held lock; release it exactly once. */
export interface FileLock {
  /** Removes the lock if it is still ours; says whether another process had broken it meanwhile. */
  release(): Promise<{ wasBroken: boolean }>;
}

/** Why a lock could not be taken: `LOCK_TIMEOUT`, `LOCK_RACE` or the errno code of the failing call. */
export class FileLockError extends Error {
  readonly hint: string | undefined;

  constructor(
    message: string,
    readonly reason: string,
    options: { cause?: unknown; hint?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FileLockError';
    this.hint = options.hint;
  }
}

interface LockOwner {
  pid: number;
  host: string;
  createdAt: number;
  /** /proc start time of the owner, when it could be read ('-' in the file otherwise). */
  startTime: string | undefined;
  token: string | undefined;
}

interface ObservedLock {
  content: string;
  owner: LockOwner | undefined;
  stats: AuditFileStats;
}

/** Tokens of the locks this process holds right now (several AuditLog objects may share one file). */
const heldTokens = new Set<string>();
const ownStartTime = processStartTime(process.pid);
const hostName = os.hostname();

/** Parses "pid host createdAt [startTime token]" (the last two are absent in locks of older versions). */
function parseOwner(text: string): LockOwner | undefined {
  const [pid, host, createdAt, startTime, token, ...extra] = text.trim().split(/\s+/);
  if (extra.length > 0 || host === undefined || host === '') return undefined;
  const owner: LockOwner = {
    pid: Number(pid),
    host,
    createdAt: Number(createdAt),
    startTime: startTime === undefined || startTime === '-' ? undefined : startTime,
    token,
  };
  return Number.isInteger(owner.pid) && owner.pid > 0 && Number.isFinite(owner.createdAt) ? owner : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; ESRCH: there is no such process.
    return errorCode(error) === 'EPERM';
  }
}

/** Why a lock is stale, or undefined while its owner may still be writing. */
function staleReason(observed: ObservedLock, now: number, options: Required<Pick<FileLockOptions, 'staleMs' | 'unreadableGraceMs'>>): string | undefined {
  const { owner, stats } = observed;
  if (owner === undefined) {
    return now - stats.mtimeMs > options.unreadableGraceMs ? `it is empty or unreadable (${JSON.stringify(observed.content.slice(0, 40))})` : undefined;
  }
  const age = now - owner.createdAt;
  if (owner.host !== hostName) return age > options.staleMs ? `it was taken on ${owner.host} ${Math.round(age / 1000)} s ago` : undefined;
  if (owner.pid === process.pid) {
    // Ours but not held by anyone in this process: a release that failed. Nobody can be writing under it.
    return owner.token !== undefined && !heldTokens.has(owner.token) ? 'this process left it behind' : undefined;
  }
  if (!processAlive(owner.pid)) return `its process ${owner.pid} is gone`;
  if (owner.startTime !== undefined) {
    const current = processStartTime(owner.pid);
    if (current !== undefined) return current === owner.startTime ? undefined : `pid ${owner.pid} now belongs to another process`;
  }
  // Alive, but maybe a reused pid we cannot tell apart: only age decides.
  return age > options.staleMs ? `it is ${Math.round(age / 1000)} s old and its owner cannot be confirmed` : undefined;
}

/** The lock as it is now, or undefined when there is none. */
async function observe(fileSystem: AuditFileSystem, lockPath: string): Promise<ObservedLock | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      const stats = await fileSystem.lstat(lockPath);
      const content = stats.isSymbolicLink() ? await fileSystem.readlink(lockPath) : await fileSystem.readFile(lockPath, 'utf8');
      return { content, owner: parseOwner(content), stats };
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      // Replaced between lstat and the read (a symlink lock where a file lock was, or back): look again.
      if ((errorCode(error) === 'EINVAL' || errorCode(error) === 'EISDIR') && attempt < 5) continue;
      throw error;
    }
  }
}

const UNSUPPORTED = new Set(['EPERM', 'ENOSYS', 'ENOTSUP', 'EOPNOTSUPP', 'EINVAL']);
let symlinksUnsupported = false;

/** A symlink lock: one atomic call, never empty. False when this file system has no symlinks. */
async function createSymlinkLock(fileSystem: AuditFileSystem, lockPath: string, content: string): Promise<boolean> {
  try {
    await fileSystem.symlink(content, lockPath);
    return true;
  } catch (error) {
    if (!UNSUPPORTED.has(errorCode(error) ?? '')) throw error;
    return false;
  }
}

/** An O_EXCL lock file, for file systems without symlinks. */
async function createFileLock(fileSystem: AuditFileSystem, lockPath: string, content: string): Promise<void> {
  const handle = await fileSystem.open(lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  try {
    const buffer = Buffer.from(content);
    const { bytesWritten } = await handle.write(buffer, 0, buffer.length, 0);
    if (bytesWritten !== buffer.length) throw Object.assign(new Error(`short write to ${lockPath}`), { code: 'SHORT_WRITE' });
  } catch (error) {
    // Never leave a lock without its owner in it: that is what blocked every writer after a full disk.
    // If even the unlink fails, the empty lock is recovered after the unreadable-lock grace.
    await fileSystem.unlink(lockPath).catch(() => undefined);
    throw error;
  } finally {
    // A close error cannot matter here: the lock's content is never read back from this handle.
    await handle.close().catch(() => undefined);
  }
}

/** Creates the lock file atomically with its content; throws EEXIST when it exists. */
async function createLock(fileSystem: AuditFileSystem, lockPath: string, content: string): Promise<void> {
  if (!symlinksUnsupported) {
    if (await createSymlinkLock(fileSystem, lockPath, content)) return;
    symlinksUnsupported = true;
  }
  await createFileLock(fileSystem, lockPath, content);
}

/** The owner text of the lock now (undefined when there is none), without an lstat: for a lock we created. */
async function ownerText(fileSystem: AuditFileSystem, lockPath: string): Promise<string | undefined> {
  try {
    return symlinksUnsupported ? await fileSystem.readFile(lockPath, 'utf8') : await fileSystem.readlink(lockPath);
  } catch (error) {
    // ENOENT: gone; EINVAL: no longer a symlink, so no longer ours.
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'EINVAL') return undefined;
    throw error;
  }
}

/** The same lock: same inode and same owner text (inodes are reused at once, so the inode alone is not enough). */
const sameLock = (left: ObservedLock, right: ObservedLock) => left.stats.ino === right.stats.ino && left.stats.dev === right.stats.dev && left.content === right.content;

/** Removes `file` only if it is still the lock seen as `expected`; says whether it did. */
async function removeIfSame(fileSystem: AuditFileSystem, file: string, expected: ObservedLock, aside: string): Promise<boolean> {
  try {
    await fileSystem.rename(file, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
  const moved = await observe(fileSystem, aside);
  if (moved === undefined || !sameLock(moved, expected)) {
    // Replaced after we judged it: put the live lock back. link never overwrites, so if yet another
    // process created one in this instant two would hold it; that is reported, not hidden.
    try {
      await fileSystem.link(aside, file);
    } catch (error) {
      throw new FileLockError(`the audit lock ${file} changed hands while a stale lock was being removed; check the log with rk8s audit verify`, 'LOCK_RACE', {
        cause: error,
      });
    } finally {
      await fileSystem.unlink(aside);
    }
    return false;
  }
  await fileSystem.unlink(aside);
  return true;
}

/** Breaks the stale lock seen as `observed`, unless another process is doing it or it changed; true when broken. */
async function breakStaleLock(fileSystem: AuditFileSystem, lockPath: string, observed: ObservedLock, token: string, content: string, limits: Required<Pick<FileLockOptions, 'staleMs' | 'unreadableGraceMs'>>): Promise<boolean> {
  const guardPath = `${lockPath}.break`;
  let guard: ObservedLock;
  try {
    await createLock(fileSystem, guardPath, content);
    const created = await observe(fileSystem, guardPath);
    if (created === undefined) return false;
    guard = created;
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    // Another process is breaking it; a guard is held for microseconds, so one still there is stale itself.
    const guardNow = await observe(fileSystem, guardPath);
    if (guardNow !== undefined && staleReason(guardNow, Date.now(), { staleMs: 5_000, unreadableGraceMs: 5_000 }) !== undefined) {
      await removeIfSame(fileSystem, guardPath, guardNow, `${guardPath}.stale-${token}`);
    }
    return false;
  }
  // Held by this process now: another AuditLog object here must not take our guard for a leftover.
  heldTokens.add(token);
  try {
    const current = await observe(fileSystem, lockPath);
    if (current === undefined) return true;
    if (!sameLock(current, observed) || staleReason(current, Date.now(), limits) === undefined) return false;
    return await removeIfSame(fileSystem, lockPath, current, `${lockPath}.stale-${token}`);
  } finally {
    heldTokens.delete(token);
    await removeIfSame(fileSystem, guardPath, guard, `${guardPath}.done-${token}`).catch(() => {
      // A guard we could not remove is judged stale by the next breaker (our token is no longer held).
    });
  }
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

function describeOwner(observed: ObservedLock | undefined, now: number): string {
  const owner = observed?.owner;
  if (owner === undefined) return 'an unreadable lock';
  const held = `${Math.round((now - owner.createdAt) / 100) / 10} s`;
  return owner.host === hostName ? `pid ${owner.pid} (alive, holding it for ${held})` : `pid ${owner.pid} on ${owner.host} (for ${held})`;
}

/** Acquires `lockPath`, waiting with jittered back-off while another live process holds it. */
export async function acquireFileLock(lockPath: string, options: FileLockOptions = {}): Promise<FileLock> {
  const fileSystem = options.fileSystem ?? nodeFileSystem;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const limits = { staleMs: options.staleMs ?? 30_000, unreadableGraceMs: options.unreadableGraceMs ?? 2_000 };
  const deadline = Date.now() + timeoutMs;
  const token = randomBytes(4).toString('hex');
  const content = `${process.pid} ${hostName} ${Date.now()} ${ownStartTime ?? '-'} ${token}`;
  let delay = 1;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      await createLock(fileSystem, lockPath, content);
      heldTokens.add(token);
      let released = false;
      return {
        release: async () => {
          if (released) return { wasBroken: false };
          released = true;
          heldTokens.delete(token);
          // The owner text holds a random token, so it is ours only if it is exactly what we wrote.
          if ((await ownerText(fileSystem, lockPath)) !== content) return { wasBroken: true };
          try {
            await fileSystem.unlink(lockPath);
          } catch (error) {
            if (errorCode(error) !== 'ENOENT') throw error;
          }
          return { wasBroken: false };
        },
      };
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'EEXIST') {
        throw new FileLockError(`cannot create the audit lock ${lockPath}: ${(error as Error).message}`, code ?? 'LOCK_FAILED', {
          cause: error,
          hint: 'check that the audit log directory exists, is writable and has free space',
        });
      }
    }
    const existing = await observe(fileSystem, lockPath);
    if (existing === undefined) continue;
    if (staleReason(existing, Date.now(), limits) !== undefined && (await breakStaleLock(fileSystem, lockPath, existing, token, content, limits))) continue;
    if (Date.now() > deadline) {
      throw new FileLockError(`the audit log is locked by ${describeOwner(existing, Date.now())}: ${lockPath}`, 'LOCK_TIMEOUT', {
        hint: `if that process is hung, stop it: rk8s removes a lock whose process is gone (or remove ${lockPath} once no rk8s process runs)`,
      });
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 20);
  }
}
