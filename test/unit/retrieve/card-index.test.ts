import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEXT_INDEX_FILE } from '../../../src/retrieve/text-index.js';
import { CardIndex, hashCards, INDEX_FILE, IndexManifestSchema, indexDirectory, MANIFEST_FILE, parseIndexManifest, type IndexProgress } from '../../../src/retrieve/card-index.js';
import { createRetriever } from '../../../src/retrieve/create-retriever.js';
import { LexicalEmbedder } from '../../../src/retrieve/lexical-embedder.js';
import { makeCard, sampleCards } from './fixtures.js';

let cacheDir: string;
beforeEach(() => {
  cacheDir = mkdtempSync(path.join(os.tmpdir(), 'rk8s-index-'));
});
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

const embedder = new LexicalEmbedder();
const directory = () => indexDirectory(cacheDir, embedder.id);

describe('CardIndex', () => {
  it('finds the card whose own document is the query, with cosine similarity 1', async () => {
    const cards = sampleCards();
    const index = await CardIndex.build(cards, embedder);
    expect(index.size).toBe(cards.length);
    const [vector] = await embedder.embed(['Rolling restart of a deployment bounce recycle']);
    const [best] = index.search(vector!, 3);
    expect(cards[best!.index]!.id).toBe('restart-deployment');
    expect(best!.similarity).toBeGreaterThan(0);
    expect(best!.similarity).toBeLessThanOrEqual(1.0001);
  });

  it('reports embedding progress up to the total', async () => {
    const events: IndexProgress[] = [];
    await CardIndex.build(sampleCards(), embedder, { batchSize: 3, onProgress: (progress) => events.push(progress) });
    const embeds = events.filter((event) => event.stage === 'embed');
    expect(embeds.map((event) => event.done)).toEqual([0, 3, 6, 7]);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(CardIndex.build(sampleCards(), embedder, { signal: controller.signal })).rejects.toThrow();
  });

  it('hashes card content, not card order', () => {
    const cards = sampleCards();
    expect(hashCards([...cards].reverse())).toBe(hashCards(cards));
    const edited = cards.map((card) => (card.id === 'logs-pod' ? { ...card, keywords: [...card.keywords, 'journal'] } : card));
    expect(hashCards(edited)).not.toBe(hashCards(cards));
  });
});

describe('parseIndexManifest', () => {
  const valid = {
    formatVersion: 1,
    embedderId: 'lexical-v1-1024',
    dimensions: 1024,
    cardsHash: 'c'.repeat(64),
    ids: ['restart-deployment', 'logs-pod'],
    indexSha256: 'a'.repeat(64),
    indexBytes: 4096,
    builtAt: '2024-01-01T00:00:00.000Z',
    buildMs: 12.5,
  };
  const variants: Array<[string, unknown]> = [
    ['the valid manifest', valid],
    ['no ids', { ...valid, ids: [] }],
    ['zero bytes and zero ms', { ...valid, indexBytes: 0, buildMs: 0 }],
    ['an extra key', { ...valid, extra: true }],
    ['a key missing', (({ builtAt: _builtAt, ...rest }) => rest)(valid)],
    ['a fractional format version', { ...valid, formatVersion: 1.5 }],
    ['a string format version', { ...valid, formatVersion: '1' }],
    ['zero dimensions', { ...valid, dimensions: 0 }],
    ['negative dimensions', { ...valid, dimensions: -3 }],
    ['fractional dimensions', { ...valid, dimensions: 3.5 }],
    ['dimensions past the safe integers', { ...valid, dimensions: 2 ** 60 }],
    ['a format version past the safe integers', { ...valid, formatVersion: 2 ** 60 }],
    ['bytes past the safe integers', { ...valid, indexBytes: 2 ** 60 }],
    ['negative zero bytes', { ...valid, indexBytes: -0 }],
    ['a numeric embedder id', { ...valid, embedderId: 3 }],
    ['a numeric cards hash', { ...valid, cardsHash: 7 }],
    ['ids that are not strings', { ...valid, ids: ['a', 2] }],
    ['ids that are not an array', { ...valid, ids: 'a,b' }],
    ['an upper-case checksum', { ...valid, indexSha256: 'A'.repeat(64) }],
    ['a short checksum', { ...valid, indexSha256: 'a'.repeat(63) }],
    ['a checksum with a newline after it', { ...valid, indexSha256: `${'a'.repeat(64)}\n` }],
    ['negative bytes', { ...valid, indexBytes: -1 }],
    ['fractional bytes', { ...valid, indexBytes: 1.5 }],
    ['a numeric date', { ...valid, builtAt: 5 }],
    ['negative ms', { ...valid, buildMs: -1 }],
    ['infinite ms', { ...valid, buildMs: Number.POSITIVE_INFINITY }],
    ['null ms', { ...valid, buildMs: null }],
    ['null', null],
    ['an array', [valid]],
    ['a string', 'manifest'],
  ];
  it.each(variants)('agrees with IndexManifestSchema on %s', (_label, value) => {
    const schema = IndexManifestSchema.safeParse(value);
    expect(parseIndexManifest(value)).toEqual(schema.success ? schema.data : undefined);
  });
});

describe('createRetriever persistence', () => {
  it('builds and persists on first use, then loads the same index from the cache', async () => {
    const cards = sampleCards();
    const first = await createRetriever({ cards, embedder, cacheDir });
    expect(first.status).toMatchObject({ source: 'built', persisted: true, refusal: { reason: 'missing' } });
    expect(existsSync(path.join(directory(), INDEX_FILE))).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(directory(), MANIFEST_FILE), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ embedderId: embedder.id, dimensions: embedder.dimensions, cardsHash: hashCards(cards), ids: cards.map((card) => card.id) });

    const second = await createRetriever({ cards, embedder, cacheDir });
    expect(second.status.source).toBe('cache');
    const query = { query: 'bounce the api deployment' };
    expect((await second.retrieve(query)).matches.map((match) => match.id)).toEqual((await first.retrieve(query)).matches.map((match) => match.id));
  });

  it('says an unreadable manifest is unreadable, not missing (a permissions problem is not a first run)', async () => {
    await createRetriever({ cards: sampleCards(), embedder, cacheDir });
    rmSync(path.join(directory(), MANIFEST_FILE));
    mkdirSync(path.join(directory(), MANIFEST_FILE)); // EISDIR: unreadable even for root, like EACCES for a user
    const retriever = await createRetriever({ cards: sampleCards(), embedder, cacheDir });
    expect(retriever.status.refusal).toMatchObject({ reason: 'unreadable', message: expect.stringMatching(/cannot read .*EISDIR/) });
  });

  it('rebuilds a stale index when the cards changed', async () => {
    await createRetriever({ cards: sampleCards(), embedder, cacheDir });
    const more = [...sampleCards(), makeCard({ id: 'top-pod', intent: 'top', resource: 'pod', title: 'CPU and memory of pods' })];
    const retriever = await createRetriever({ cards: more, embedder, cacheDir });
    expect(retriever.status).toMatchObject({ source: 'built', persisted: true, refusal: { reason: 'stale' } });
    expect(retriever.size).toBe(more.length);
    expect((await retriever.retrieve({ query: 'memory usage of pods' })).matches[0]!.id).toBe('top-pod');
    expect((await createRetriever({ cards: more, embedder, cacheDir })).status.source).toBe('cache');
  });

  it('rebuilds a foreign index (another embedder wrote it)', async () => {
    const other = new LexicalEmbedder({ dimensions: 256 });
    await createRetriever({ cards: sampleCards(), embedder: other, cacheDir });
    // Copy the other embedder's files where this embedder looks.
    const foreign = indexDirectory(cacheDir, other.id);
    await createRetriever({ cards: sampleCards(), embedder, cacheDir });
    for (const file of [INDEX_FILE, MANIFEST_FILE]) writeFileSync(path.join(directory(), file), readFileSync(path.join(foreign, file)));
    const retriever = await createRetriever({ cards: sampleCards(), embedder, cacheDir });
    expect(retriever.status).toMatchObject({ source: 'built', refusal: { reason: 'foreign' } });
    expect(retriever.status.refusal!.message).toContain(other.id);
  });

  it.each([
    ['a flipped byte in the index', (dir: string) => {
      const file = path.join(dir, INDEX_FILE);
      const bytes = readFileSync(file);
      bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff;
      writeFileSync(file, bytes);
    }],
    ['a truncated index', (dir: string) => {
      const file = path.join(dir, INDEX_FILE);
      writeFileSync(file, readFileSync(file).subarray(0, 40));
    }],
    ['garbage instead of the index', (dir: string) => writeFileSync(path.join(dir, INDEX_FILE), 'not an index at all')],
    ['a missing index file', (dir: string) => rmSync(path.join(dir, INDEX_FILE))],
    ['a manifest that is not JSON', (dir: string) => writeFileSync(path.join(dir, MANIFEST_FILE), '{"embedderId": ')],
    ['a manifest of the wrong shape', (dir: string) => writeFileSync(path.join(dir, MANIFEST_FILE), '{"embedderId": 3}')],
  ])('rebuilds, never trusts, %s', async (_label, damage) => {
    const cards = sampleCards();
    await createRetriever({ cards, embedder, cacheDir });
    damage(directory());
    const retriever = await createRetriever({ cards, embedder, cacheDir });
    expect(retriever.status).toMatchObject({ source: 'built', persisted: true, refusal: { reason: 'corrupt' } });
    expect((await retriever.retrieve({ query: 'bounce the api deployment' })).matches[0]!.id).toBe('restart-deployment');
    expect((await createRetriever({ cards, embedder, cacheDir })).status.source).toBe('cache');
  });

  it('rebuilds on request even when the persisted index is current', async () => {
    await createRetriever({ cards: sampleCards(), embedder, cacheDir });
    const rebuilt = await createRetriever({ cards: sampleCards(), embedder, cacheDir, rebuild: true });
    expect(rebuilt.status.source).toBe('built');
    expect(rebuilt.status.refusal).toBeUndefined();
  });

  it('still works from memory when the cache folder cannot be written', async () => {
    const blocked = path.join(cacheDir, 'file-not-folder');
    writeFileSync(blocked, 'x');
    const retriever = await createRetriever({ cards: sampleCards(), embedder, cacheDir: blocked });
    expect(retriever.status.persisted).toBe(false);
    expect(retriever.status.persistError).toBeTruthy();
    expect((await retriever.retrieve({ query: 'drain node for maintenance' })).matches[0]!.id).toBe('drain-node');
  });

  it('survives several retrievers rebuilding the same folder at once, leaving no temp files', async () => {
    const retrievers = await Promise.all([1, 2, 3].map(() => createRetriever({ cards: sampleCards(), embedder, cacheDir })));
    expect(retrievers.every((retriever) => retriever.status.persisted)).toBe(true);
    expect(readdirSync(directory()).sort()).toEqual([INDEX_FILE, MANIFEST_FILE, TEXT_INDEX_FILE].sort());
    const later = await createRetriever({ cards: sampleCards(), embedder, cacheDir });
    expect(later.status.refusal?.reason ?? 'none').not.toBe('foreign');
    expect((await later.retrieve({ query: 'bounce the api deployment' })).matches[0]!.id).toBe('restart-deployment');
  });

  it('keeps nothing on disk without a cache folder', async () => {
    const retriever = await createRetriever({ cards: sampleCards(), embedder });
    expect(retriever.status).toMatchObject({ source: 'built', persisted: false });
    expect(retriever.status.directory).toBeUndefined();
  });
});
