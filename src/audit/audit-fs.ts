/**
 * The file-system calls the audit writer and its lock make, as a seam: production passes node:fs/promises,
 * tests pass a wrapper that fails a chosen call (ENOSPC on a write, EIO on fsync, a short write) to prove
 * that a failed append leaves nothing half-written and is declared later.
 */
import fsSync from 'node:fs';
import fs from 'node:fs/promises';

/** The stat fields the audit code reads. */
export interface AuditFileStats {
  size: number;
  ino: number;
  dev: number;
  mtimeMs: number;
  isSymbolicLink(): boolean;
}

/** An open file: the FileHandle methods the writer uses. */
export interface AuditFileHandle {
  write(buffer: Uint8Array, offset: number, length: number, position?: number | null): Promise<{ bytesWritten: number }>;
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  stat(): Promise<AuditFileStats>;
  close(): Promise<void>;
}

/** The file-system operations of the audit log and its lock. */
export interface AuditFileSystem {
  open(file: string, flags: number, mode?: number): Promise<AuditFileHandle>;
  stat(file: string): Promise<AuditFileStats>;
  lstat(file: string): Promise<AuditFileStats>;
  readFile(file: string, encoding: 'utf8'): Promise<string>;
  readlink(file: string): Promise<string>;
  symlink(target: string, file: string): Promise<void>;
  link(existing: string, file: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  mkdir(directory: string, options: { recursive: true }): Promise<unknown>;
}

/** The real file system. */
export const nodeFileSystem: AuditFileSystem = {
  open: (file, flags, mode) => fs.open(file, flags, mode),
  stat: (file) => fs.stat(file),
  lstat: (file) => fs.lstat(file),
  readFile: (file, encoding) => fs.readFile(file, encoding),
  readlink: (file) => fs.readlink(file),
  symlink: (target, file) => fs.symlink(target, file),
  link: (existing, file) => fs.link(existing, file),
  rename: (from, to) => fs.rename(from, to),
  unlink: (file) => fs.unlink(file),
  mkdir: (directory, options) => fs.mkdir(directory, options),
};

/** An open file through synchronous calls (syncFileSystem). */
function syncHandle(descriptor: number): AuditFileHandle {
  return {
    write: async (buffer, offset, length, position) => ({ bytesWritten: fsSync.writeSync(descriptor, buffer, offset, length, position ?? null) }),
    read: async (buffer, offset, length, position) => ({ bytesRead: fsSync.readSync(descriptor, buffer, offset, length, position) }),
    sync: async () => fsSync.fsyncSync(descriptor),
    truncate: async (length) => fsSync.ftruncateSync(descriptor, length),
    stat: async () => fsSync.fstatSync(descriptor),
    close: async () => fsSync.closeSync(descriptor),
  };
}

/**
 * The real file system through synchronous calls, behind the same promises (a failing call rejects,
 * as node:fs/promises does, with the same error). For a process that runs one command and exits (the
 * CLI): each append's dozen calls then cost no trip through libuv's thread pool (~1 ms an append),
 * and nothing else waits on the event loop meanwhile. Long-lived processes (serve, mcp, the TUI) keep
 * nodeFileSystem, so an fsync never stalls the requests they are serving.
 */
export const syncFileSystem: AuditFileSystem = {
  open: async (file, flags, mode) => syncHandle(fsSync.openSync(file, flags, mode)),
  stat: async (file) => fsSync.statSync(file),
  lstat: async (file) => fsSync.lstatSync(file),
  readFile: async (file, encoding) => fsSync.readFileSync(file, encoding),
  readlink: async (file) => fsSync.readlinkSync(file),
  symlink: async (target, file) => fsSync.symlinkSync(target, file),
  link: async (existing, file) => fsSync.linkSync(existing, file),
  rename: async (from, to) => fsSync.renameSync(from, to),
  unlink: async (file) => fsSync.unlinkSync(file),
  mkdir: async (directory, options) => fsSync.mkdirSync(directory, options),
};

/** The errno code of a file-system error (ENOENT, ENOSPC ...), or undefined for anything else. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
