import { describe, expect, it } from 'vitest';
import { fnv1a, LexicalEmbedder, normalizeVector } from '../../../src/retrieve/lexical-embedder.js';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, index) => sum + value * b[index]!, 0);

describe('LexicalEmbedder', () => {
  const embedder = new LexicalEmbedder();

  it('has a stable id that names its version and dimensions', () => {
    expect(embedder.id).toBe('lexical-v1-1024');
    expect(new LexicalEmbedder({ dimensions: 256 }).id).toBe('lexical-v1-256');
    expect(() => new LexicalEmbedder({ dimensions: 3 })).toThrow(RangeError);
  });

  it('is deterministic, L2-normalised and of the declared dimensions', async () => {
    const [a, b] = await embedder.embed(['bounce the api deployment', 'bounce the api deployment']);
    expect(a).toHaveLength(1024);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(Math.hypot(...a!)).toBeCloseTo(1, 5);
  });

  it('gives an all-zero vector for text without features', async () => {
    const [vector] = await embedder.embed(['!!']);
    expect(vector!.every((value) => value === 0)).toBe(true);
  });

  it.each([
    ['bounce the api', 'restart the api', 'scale the api'],
    ['list po', 'list pods', 'list nodes'],
    ['restrat the deploymnet', 'restart the deployment', 'delete the job'],
    ['undo the release', 'rollback the release', 'describe the release'],
  ])('%s is closer to %s than to %s', async (query, near, far) => {
    const [q, n, f] = await embedder.embed([query, near, far]);
    expect(cosine(q!, n!)).toBeGreaterThan(cosine(q!, f!));
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(embedder.embed(['x'], controller.signal)).rejects.toThrow();
  });

  it('normalizeVector and fnv1a behave', () => {
    expect(Array.from(normalizeVector(new Float32Array([3, 4])))).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
  });
});
