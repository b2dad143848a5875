/** Shared helpers for the audit tests: temp directories, a sample record, and running fixture programs. */
import { execa } from 'execa';
import { randomUUID } from 'node:crypto';
import { lstatSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeFileSystem, type AuditFileHandle, type AuditFileSystem } from '../../../src/audit/audit-fs.js';
import type { AuditRecordInput } from '../../../src/contracts/ports.js';

/** The repository root (where `node --import tsx` resolves tsx). */
export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A fresh temporary directory and the agent.log path inside it. */
export function temporaryLog(): { directory: string; file: string } {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-audit-'));
  return { directory, file: path.join(directory, 'agent.log') };
}

/** A valid record input; override what a test cares about. */
export function sampleRecord(overrides: Partial<AuditRecordInput> = {}): AuditRecordInput {
  return {
    level: 'INFO',
    operation_id: randomUUID(),
    event: 'proposed',
    user: 'alice',
    source: 'cli',
    context: 'prod-eu',
    intent: 'scale',
    resource: 'deployment',
    namespace: 'prod',
    name: 'api',
    command: 'kubectl scale deployment/api --replicas=3 -n prod',
    args: ['scale', 'deployment/api', '--replicas=3', '-n', 'prod'],
    card: 'deployment/scale-replicas',
    planner: 'template',
    decision: 'confirm',
    risk: 'medium',
    ...overrides,
  };
}

/** Starts a TypeScript fixture program from test/fixtures/bin with tsx. */
export function runFixture(name: string, args: readonly string[]) {
  return execa(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, 'test/fixtures/bin', name), ...args], {
    cwd: repositoryRoot,
    reject: false,
  });
}

/** A file-system call the audit writer or its lock makes, as the fault plan sees it. */
export interface FileSystemCall {
  /** `open`, `write`, `sync`, `truncate`, `rename`, `symlink` ... (handle methods by their own name). */
  operation: string;
  /** The path the call (or the handle) is about. */
  file: string;
  /** 0-based count of calls so far, over all operations. */
  index: number;
}

/** What a fault plan does to one call: fail it with an errno, make a write short, or let it through. */
export type Fault = { code: string } | { shortWrite: number } | undefined;

/** An errno-style error as node:fs throws it. */
export function errnoError(code: string, file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected failure, ${file}`), { code, path: file });
}

/**
 * The real file system (`base`: node:fs/promises, or the synchronous calls the CLI uses) with failures injected where `plan` says. Every call is recorded in `calls`, so a
 * test can first count a clean run's calls and then fail each one in turn.
 */
export function faultyFileSystem(
  plan: (call: FileSystemCall) => Fault = () => undefined,
  base: AuditFileSystem = nodeFileSystem,
): { fileSystem: AuditFileSystem; calls: FileSystemCall[] } {
  const calls: FileSystemCall[] = [];
  const check = (operation: string, file: string): Fault => {
    const call = { operation, file, index: calls.length };
    calls.push(call);
    const fault = plan(call);
    if (fault && 'code' in fault) throw errnoError(fault.code, file);
    return fault;
  };
  const wrapHandle = (handle: AuditFileHandle, file: string): AuditFileHandle => ({
    async write(buffer, offset, length, position) {
      const fault = check('write', file);
      if (fault && 'shortWrite' in fault) return handle.write(buffer, offset, Math.min(length, fault.shortWrite), position);
      return handle.write(buffer, offset, length, position);
    },
    read: (buffer, offset, length, position) => (check('read', file), handle.read(buffer, offset, length, position)),
    sync: async () => (check('sync', file), handle.sync()),
    truncate: async (length) => (check('truncate', file), handle.truncate(length)),
    stat: async () => (check('fstat', file), handle.stat()),
    close: () => handle.close(),
  });
  const fileSystem: AuditFileSystem = {
    open: async (file, flags, mode) => (check('open', file), wrapHandle(await base.open(file, flags, mode), file)),
    stat: async (file) => (check('stat', file), base.stat(file)),
    lstat: async (file) => (check('lstat', file), base.lstat(file)),
    readFile: async (file, encoding) => (check('readFile', file), base.readFile(file, encoding)),
    readlink: async (file) => (check('readlink', file), base.readlink(file)),
    symlink: async (target, file) => (check('symlink', file), base.symlink(target, file)),
    link: async (existing, file) => (check('link', file), base.link(existing, file)),
    rename: async (from, to) => (check('rename', from), base.rename(from, to)),
    unlink: async (file) => (check('unlink', file), base.unlink(file)),
    mkdir: async (directory, options) => (check('mkdir', directory), base.mkdir(directory, options)),
  };
  return { fileSystem, calls };
}

/** Whether a lock (a symlink, possibly dangling, or a file) exists; existsSync follows the link and says no. */
export function lockExists(lockPath: string): boolean {
  try {
    lstatSync(lockPath);
    return true;
  } catch {
    return false;
  }
}
