/**
 * A cross-process lock file (O_CREAT|O_EXCL) so several rk8s processes appending to one audit log
 * serialise "read the last hash, write, fsync" and keep one valid chain. The holder keeps it for a
 * few milliseconds; a lock left by a crashed process is recovered (dead pid on this host, or too old).
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import { AuditError } from '../errors.js';

/** Options for acquiring a lock. */
export interface FileLockOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** A lock older than this is stale even if its pid looks alive (pid reuse); default 30 s. */
  staleMs?: number;
  signal?: AbortSignal;
}

/** A held lock; release it exactly once. */
export interface FileLock {
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  host: string;
  createdAt: number;
}

function parseOwner(text: string): LockOwner | undefined {
  const [pid, host, createdAt] = text.trim().split(' ');
  const owner = { pid: Number(pid), host: host ?? '', createdAt: Number(createdAt) };
  return Number.isInteger(owner.pid) && Number.isFinite(owner.createdAt) ? owner : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(content: string, modifiedAt: number, staleMs: number): boolean {
  const owner = parseOwner(content);
  // An empty or garbled lock is being written right now, unless it has been like that for a while.
  if (owner === undefined) return Date.now() - modifiedAt > staleMs;
  if (Date.now() - owner.createdAt > staleMs) return true;
  return owner.host === os.hostname() && !processAlive(owner.pid);
}

async function readIfExists(file: string): Promise<{ content: string; modifiedAt: number } | undefined> {
  try {
    const [content, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    return { content, modifiedAt: stat.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Moves a stale lock aside, then checks that what was moved is the lock judged stale: if another
 * process replaced it in between, the live lock is linked back (link fails rather than overwrite).
 */
async function breakStaleLock(lockPath: string, staleContent: string): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await fs.readFile(aside, 'utf8').catch(() => staleContent);
  if (moved !== staleContent) await fs.link(aside, lockPath).catch(() => undefined);
  await fs.unlink(aside).catch(() => undefined);
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Acquires `lockPath`, waiting with jittered back-off while another live process holds it. */
export async function acquireFileLock(lockPath: string, options: FileLockOptions = {}): Promise<FileLock> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const content = `${process.pid} ${os.hostname()} ${Date.now()}\n`;
  let delay = 1;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const handle = await fs.open(lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
      try {
        await handle.writeFile(content);
      } finally {
        await handle.close();
      }
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          await fs.unlink(lockPath).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new AuditError(`cannot create the audit lock ${lockPath}: ${(error as Error).message}`, {
          hint: 'check that the audit log directory exists and is writable',
          cause: error,
        });
      }
    }
    const existing = await readIfExists(lockPath);
    if (existing === undefined) continue;
    if (isStale(existing.content, existing.modifiedAt, staleMs)) {
      await breakStaleLock(lockPath, existing.content);
      continue;
    }
    if (Date.now() > deadline) {
      const owner = parseOwner(existing.content);
      throw new AuditError(`the audit log is locked by pid ${owner?.pid ?? '?'} (${lockPath})`, {
        hint: `if no rk8s process is running, remove ${lockPath}`,
      });
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 20);
  }
}
