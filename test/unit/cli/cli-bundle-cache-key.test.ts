/**
 * The code cache of a CLI bundle (src/cli/cli-bundle.ts) is keyed by the bundle file's stat. V8 checks
 * only a script's length against its cache, so a bundle replaced by one of the same length must miss:
 * otherwise the old code would run. Each run is its own Node process (the cache is written at exit),
 * on a probe bundle in a temporary folder.
 */
import { mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

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

describe('the CLI bundle code cache key', () => {
  it('misses when the bundle is replaced or rewritten with one of the same length, and hits when it is not', async () => {
    mkdirSync(path.dirname(bundle), { recursive: true });
    writeFileSync(bundle, probe('one!'));
    expect(await run()).toBe('one!');
    const [first] = cacheFiles();
    expect(first).toMatch(/^probe-[0-9a-f]{24}\.bin$/);
    expect(await run()).toBe('one!');
    expect(cacheFiles()).toEqual([first]);
    // A new file put in place (how npm and the build write): another inode.
    writeFileSync(`${bundle}.new`, probe('two!'));
    renameSync(`${bundle}.new`, bundle);
    expect(await run()).toBe('two!');
    const [second] = cacheFiles();
    expect(second).not.toBe(first);
    // The same file written over in place: its change time moves.
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
