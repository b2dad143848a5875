/**
 * The two ways to usearch's index (src/retrieve/usearch-binding.ts): the native addon reached directly
 * and usearch's own JavaScript wrapper must give the same index: the same sizes, files either one
 * writes that the other reads, and the same nearest keys and distances from the same graph.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newVectorIndex, plainPrebuild, USEARCH_NATIVE_VERSIONS, type VectorIndex } from '../../../src/retrieve/usearch-binding.js';

// The package Node resolves (its exports hide package.json): its entry is javascript/dist/cjs/usearch.js.
const folder = path.resolve(path.dirname(createRequire(import.meta.url).resolve('usearch')), '../../..');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'rk8s-usearch-binding-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const DIMENSIONS = 16;
/** Unit vectors from a fixed linear congruential sequence (seed 20261203): the same on every run. */
function vectors(count: number, seed = 20_261_203): Float32Array[] {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  return Array.from({ length: count }, () => {
    const vector = Float32Array.from({ length: DIMENSIONS }, next);
    const norm = Math.hypot(...vector);
    return vector.map((value) => value / norm);
  });
}

const stored = vectors(60);
const queries = vectors(12, 7);
const keys = stored.map((_, position) => BigInt(position));
const answers = (index: VectorIndex) => queries.map((query) => {
  const found = index.search(query, 5);
  return { keys: Array.from(found.keys, Number), distances: Array.from(found.distances, (distance) => Number(distance.toFixed(5))) };
});

describe('usearch reached two ways', () => {
  it('the installed usearch is the version the direct path speaks to, and its addon is reached directly on this machine', () => {
    const { version } = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatch(USEARCH_NATIVE_VERSIONS);
    const prebuild = plainPrebuild(folder);
    if (prebuild !== undefined) expect(() => newVectorIndex(DIMENSIONS, 'native')).not.toThrow();
    else expect(() => newVectorIndex(DIMENSIONS, 'native')).toThrow(/cannot be loaded directly/);
    // The machines rk8s is tested on (linux-x64, the package's own prebuild) take the direct path.
    if (process.platform === 'linux' && process.arch === 'x64') expect(prebuild).toBe(path.join(folder, 'prebuilds', 'linux-x64', 'usearch.node'));
  });

  it('takes the direct path only where node-gyp-build\'s choice is plain, and leaves the rest to it', () => {
    const fake = (layout: Record<string, string>) => {
      const root = mkdtempSync(path.join(scratch, 'package-'));
      for (const [file, content] of Object.entries(layout)) {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), content);
      }
      return root;
    };
    const plain = fake({ 'prebuilds/linux-x64/usearch.node': '', 'prebuilds/linux-arm64/usearch.node': '', 'prebuilds/darwin-arm64+x64/usearch.node': '' });
    expect(plainPrebuild(plain, {}, 'linux', 'x64')).toBe(path.join(plain, 'prebuilds/linux-x64/usearch.node'));
    expect(plainPrebuild(plain, {}, 'darwin', 'arm64')).toBe(path.join(plain, 'prebuilds/darwin-arm64+x64/usearch.node'));
    expect(plainPrebuild(plain, {}, 'darwin', 'x64')).toBe(path.join(plain, 'prebuilds/darwin-arm64+x64/usearch.node'));
    // No prebuild for the platform, or node-gyp-build's own rules apply: usearch's loader decides.
    expect(plainPrebuild(plain, {}, 'win32', 'x64')).toBeUndefined();
    expect(plainPrebuild(plain, { USEARCH_PREBUILD: '/opt/usearch' }, 'linux', 'x64')).toBeUndefined();
    expect(plainPrebuild(plain, { PREBUILDS_ONLY: '1' }, 'linux', 'x64')).toBeUndefined();
    expect(plainPrebuild(fake({ 'prebuilds/linux-x64/usearch.node': '', 'build/Release/usearch.node': '' }), {}, 'linux', 'x64')).toBeUndefined();
    expect(plainPrebuild(fake({ 'prebuilds/linux-x64/usearch.node': '', 'build/Debug/usearch.node': '' }), {}, 'linux', 'x64')).toBeUndefined();
    expect(plainPrebuild(fake({ 'prebuilds/linux-x64/usearch.node': '', 'prebuilds/linux-x64/usearch.musl.node': '' }), {}, 'linux', 'x64')).toBeUndefined();
    expect(plainPrebuild(fake({ 'prebuilds/linux-x64/usearch.node': '', 'prebuilds/linux-x64+arm64/usearch.node': '' }), {}, 'linux', 'x64')).toBeUndefined();
  });

  it('builds an index of the same size either way, where each vector is its own nearest key', () => {
    // Two builds of an HNSW graph differ (levels are drawn at random), so answers are compared on one graph below.
    for (const binding of ['native', 'package'] as const) {
      const index = newVectorIndex(DIMENSIONS, binding);
      index.add(keys, stored);
      expect(index.size(), binding).toBe(stored.length);
      expect(index.dimensions(), binding).toBe(DIMENSIONS);
      for (const position of [0, 17, 59]) {
        const self = index.search(stored[position]!, 1);
        expect(Array.from(self.keys, Number), binding).toEqual([position]);
        // Inner product distance is 1 - dot: 0 for a unit vector against itself.
        expect(Math.abs(Number(self.distances[0])), binding).toBeLessThan(1e-5);
      }
    }
  });

  it('reads the files the other one writes, and answers from them as the writer does', () => {
    for (const [writer, reader] of [['native', 'package'], ['package', 'native']] as const) {
      const file = path.join(scratch, `${writer}.usearch`);
      const written = newVectorIndex(DIMENSIONS, writer);
      written.add(keys, stored);
      written.save(file);
      const read = newVectorIndex(DIMENSIONS, reader);
      read.load(file);
      expect(read.size(), `${writer} -> ${reader}`).toBe(stored.length);
      expect(answers(read), `${writer} -> ${reader}`).toEqual(answers(written));
    }
  });

  it('asks for no more than it holds, and refuses a vector of the wrong length', () => {
    const index = newVectorIndex(DIMENSIONS, 'native');
    index.add(keys.slice(0, 3), stored.slice(0, 3));
    expect(Array.from(index.search(queries[0]!, 3).keys, Number).sort()).toEqual([0, 1, 2]);
    expect(() => index.add([99n], [new Float32Array(DIMENSIONS + 1)])).toThrow(/dimensions/);
    expect(() => index.add([1n, 2n], [stored[0]!])).toThrow(/keys for/);
    expect(() => index.search(new Float32Array(3), 1)).toThrow(/dimensions/);
  });
});
