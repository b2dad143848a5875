import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/config/paths.js';

const root = packageRoot();
let cacheDir: string;
beforeAll(() => {
  cacheDir = mkdtempSync(path.join(os.tmpdir(), 'rk8s-cli-retrieve-'));
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const rk8s = (...args: string[]) =>
  execa(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'cli', 'bin.ts'), ...args], {
    cwd: root,
    reject: false,
    env: { RK8S_CACHE_DIR: cacheDir, RK8S_EMBEDDER: 'lexical', NO_COLOR: '1' },
  });

describe('rk8s index build / rk8s retrieve', () => {
  it('builds the index with progress and timing, then reports it current', async () => {
    const built = await rk8s('index', 'build');
    expect(built.exitCode).toBe(0);
    expect(built.stderr).toMatch(/embedding cards (\d+)\/\1/);
    expect(built.stdout).toMatch(/✔ indexed \d+ cards with lexical-v1-1024 in [\d.]+ ms/);
    const again = await rk8s('index', 'build', '--if-stale', '--json');
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ source: 'cache', embedder: 'lexical-v1-1024', persisted: true });
  });

  it('--json prints one array of {id, score, intent, resource, title, snippet} and names the embedder on stderr', async () => {
    const result = await rk8s('retrieve', '--intent', 'restart', '--resource', 'deploy', '--query', 'safe restart', '-k', '2', '--json');
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('embedder: lexical-v1-1024');
    const matches = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(Array.isArray(matches)).toBe(true);
    expect(matches.length).toBeGreaterThanOrEqual(1);
    expect(matches.length).toBeLessThanOrEqual(2);
    expect(Object.keys(matches[0]!).sort()).toEqual(['id', 'intent', 'resource', 'score', 'snippet', 'title']);
    expect(matches[0]).toMatchObject({ id: 'restart-deployment', intent: 'restart', resource: 'deployment' });
  });

  it('prints ranked cards and the embedder for free text', async () => {
    const result = await rk8s('retrieve', 'bounce', 'the', 'api', 'deployment');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^embedder: lexical-v1-1024 \(\d+ cards, index loaded from cache\)/);
    expect(result.stdout).toContain('1. restart-deployment');
    expect(result.stdout).toContain('why: ');
  });

  it.each([
    [['retrieve', '--intent', 'frobnicate'], 'error: intent "frobnicate" is not known'],
    [['retrieve', '-k', '9', 'logs'], 'error: -k 9 is not a number of cards from 1 to 4'],
    [['retrieve'], 'error: nothing to search for'],
  ])('rk8s %j fails with exit 2 and one clear line', async (args, message) => {
    const result = await rk8s(...args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('hint: ');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
