/**
 * The code cache of a CLI bundle (src/cli/cli-bundle.ts) is keyed by the bundle file's stat once the
 * file has settled, and by its bytes while it changed in the last few seconds (coarse timestamps give
 * two writes in one tick the same stat). V8 checks only a script's length against its cache, so a
 * bundle replaced by one of the same length must miss: otherwise the old code would run. Each run is
 * its own Node process (the cache is written at exit), on a probe bundle in a temporary folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleCacheKey } from '../../../src/cli/cli-bundle.js';

const root = path.resolve(import.meta.dirname, '../../..');
const loader = path.join(root, 'src/cli/cli-bundle.ts');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'rk8s-cache-key-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const here = path.join(scratch, 'cli');
const bundle = path.join(here, 'bundles', 'probe.cjs');
const cacheDir = path.join(scratch, 'cache');
/** A bundle that prints its word; every word has the same length, so only the cache key tells them apart. */
const probe = (word: string) => `function say(){process.stdout.write(${JSON.stringify(word)})}say();\n`;

async function run(): Promise<string> {
  // tsx runs the loader from source; the bundle is CommonJS as the real ones are.
  const script = `import { runCliBundle } from ${JSON.stringify(loader)}; if (!runCliBundle('probe', ${JSON.stringify(here)})) process.stdout.write('no bundle');`;
  const result = await execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, env: { RK8S_CACHE_DIR: cacheDir }, reject: false });
  expect(result.exitCode, String(result.stderr)).toBe(0);
  return String(result.stdout);
}
const cacheFiles = () => readdirSync(path.join(cacheDir, 'cli-code-cache')).filter((file) => file.startsWith('probe-'));

/** Past the loader's settling time (3 s) since the bundle's last change. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 3_200));

describe('the CLI bundle code cache key', () => {
  it('is the stat for a settled file and the bytes for one changed in the last seconds (a coarse clock cannot tell two such writes apart)', () => {
    const now = 1_800_000_000_000;
    const stats = (changedMsAgo: number) => {
      const ns = BigInt(now - changedMsAgo) * 1_000_000n;
      return { size: 4n, ino: 7n, dev: 1n, mtimeNs: ns, ctimeNs: ns };
    };
    const one = Buffer.from('one!');
    const two = Buffer.from('two!');
    // Settled: the same stat is the same key, whatever the bytes (they are not read for it).
    expect(bundleCacheKey(stats(60_000), one, now)).toBe(bundleCacheKey(stats(60_000), two, now));
    // Just written, with the same stat (one timestamp tick): the bytes tell them apart.
    expect(bundleCacheKey(stats(500), one, now)).not.toBe(bundleCacheKey(stats(500), two, now));
    // A clock behind the file's (a network file system): not settled either.
    expect(bundleCacheKey(stats(-5_000), one, now)).not.toBe(bundleCacheKey(stats(-5_000), two, now));
    // Settled and just-written keys never meet.
    expect(bundleCacheKey(stats(60_000), one, now)).not.toBe(bundleCacheKey(stats(500), one, now));
  });

  it('misses when the bundle is replaced or rewritten with one of the same length, and hits when it is not', async () => {
    mkdirSync(path.dirname(bundle), { recursive: true });
    writeFileSync(bundle, probe('one!'));
    // Just written: keyed by its bytes.
    expect(await run()).toBe('one!');
    expect(cacheFiles()).toHaveLength(1);
    await settle();
    // Settled: keyed by its stat (a new key, the cache written again under it), then a hit.
    expect(await run()).toBe('one!');
    const [settled] = cacheFiles();
    expect(settled).toMatch(/^probe-[0-9a-f]{24}\.bin$/);
    expect(await run()).toBe('one!');
    expect(cacheFiles()).toEqual([settled]);
    // A new file put in place (how npm and the build write): another inode, and just written.
    writeFileSync(`${bundle}.new`, probe('two!'));
    renameSync(`${bundle}.new`, bundle);
    expect(await run()).toBe('two!');
    await settle();
    expect(await run()).toBe('two!');
    const [second] = cacheFiles();
    expect(second).not.toBe(settled);
    // The same file written over in place: its times move, and it is just written.
    writeFileSync(bundle, probe('3ree'));
    expect(await run()).toBe('3ree');
    expect(await run()).toBe('3ree');
    expect(cacheFiles()).toHaveLength(1);
    expect(cacheFiles()[0]).not.toBe(second);
  }, 60_000);

  it('steps aside when there is no bundle', async () => {
    rmSync(bundle, { force: true });
    expect(await run()).toBe('no bundle');
  });
});
