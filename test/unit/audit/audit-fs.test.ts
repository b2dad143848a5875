/** The two ways the audit writer reaches the real file system answer alike: the same results, the same errors, as rejections. */
import { constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFileSystem, syncFileSystem, type AuditFileSystem } from '../../../src/audit/audit-fs.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'rk8s-audit-fs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each([
  ['node:fs/promises', nodeFileSystem],
  ['synchronous calls', syncFileSystem],
] as [string, AuditFileSystem][])('the audit file system through %s', (name, fileSystem) => {
  const directory = path.join(scratch, name.replace(/\W+/g, '-'));

  it('writes, syncs, reads back, truncates, stats, renames, links and unlinks', async () => {
    await fileSystem.mkdir(directory, { recursive: true });
    const file = path.join(directory, 'log');
    const handle = await fileSystem.open(file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o640);
    expect(await handle.write(Buffer.from('one\ntwo\n'), 0, 8, null)).toMatchObject({ bytesWritten: 8 });
    await handle.sync();
    const last = Buffer.alloc(4);
    expect(await handle.read(last, 0, 4, 4)).toMatchObject({ bytesRead: 4 });
    expect(last.toString()).toBe('two\n');
    await handle.truncate(4);
    expect((await handle.stat()).size).toBe(4);
    await handle.close();
    expect(readFileSync(file, 'utf8')).toBe('one\n');
    await fileSystem.symlink('target', `${file}.lock`);
    expect((await fileSystem.lstat(`${file}.lock`)).isSymbolicLink()).toBe(true);
    expect(await fileSystem.readlink(`${file}.lock`)).toBe('target');
    await fileSystem.link(file, `${file}.2`);
    expect((await fileSystem.stat(`${file}.2`)).ino).toBe((await fileSystem.stat(file)).ino);
    await fileSystem.rename(`${file}.2`, `${file}.3`);
    expect(await fileSystem.readFile(`${file}.3`, 'utf8')).toBe('one\n');
    await fileSystem.unlink(`${file}.3`);
    await fileSystem.unlink(`${file}.lock`);
  });

  it('fails with a rejection carrying the errno code, never a throw', async () => {
    const missing = path.join(directory, 'missing', 'file');
    const calls: Array<() => Promise<unknown>> = [
      () => fileSystem.open(missing, constants.O_RDONLY),
      () => fileSystem.stat(missing),
      () => fileSystem.lstat(missing),
      () => fileSystem.readFile(missing, 'utf8'),
      () => fileSystem.readlink(missing),
      () => fileSystem.rename(missing, `${missing}.x`),
      () => fileSystem.unlink(missing),
    ];
    for (const call of calls) {
      let promise: Promise<unknown> | undefined;
      expect(() => (promise = call())).not.toThrow();
      await expect(promise).rejects.toMatchObject({ code: 'ENOENT' });
    }
    await fileSystem.mkdir(directory, { recursive: true });
    await expect(fileSystem.symlink('x', directory)).rejects.toMatchObject({ code: 'EEXIST' });
  });
});
