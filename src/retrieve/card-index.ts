/**
 * The dense card index: usearch (HNSW) with inner product over L2-normalised vectors, which is
 * cosine similarity. Persisted as `cards.usearch` plus `manifest.json`; a manifest that does not
 * match (embedder, dimensions, cards) or a file whose checksum differs is never handed to usearch,
 * because usearch crashes the process on some corrupt files instead of throwing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Embedder } from '../contracts/ports.js';
import type { Card } from '../schemas/card.js';
import { cardDocument } from './card-document.js';
import { cardsHashOf } from './cards-hash.js';
import { newVectorIndex, type VectorIndex } from './usearch-binding.js';

export { hashCards } from './cards-hash.js';

/** Bumped when the on-disk layout changes. */
export const INDEX_FORMAT_VERSION = 1;
/** File names inside an index folder. */
export const INDEX_FILE = 'cards.usearch';
/** The manifest file name. */
export const MANIFEST_FILE = 'manifest.json';

/** What a persisted index declares about itself. */
export const IndexManifestSchema = z.strictObject({
  formatVersion: z.number().int(),
  embedderId: z.string(),
  dimensions: z.number().int().positive(),
  cardsHash: z.string(),
  ids: z.array(z.string()),
  indexSha256: z.string().regex(/^[0-9a-f]{64}$/),
  indexBytes: z.number().int().nonnegative(),
  builtAt: z.string(),
  buildMs: z.number().nonnegative(),
});
/** A persisted index's manifest. */
export type IndexManifest = z.infer<typeof IndexManifestSchema>;

const MANIFEST_KEYS: ReadonlySet<string> = new Set(Object.keys(IndexManifestSchema.shape));
// zod's .int() accepts safe integers only.
const isInteger = (value: unknown): value is number => Number.isSafeInteger(value);

/**
 * IndexManifestSchema.parse by hand, or undefined when the value does not fit it: the same checks
 * (a test holds them to the schema), without zod compiling the schema on every cached start (~1.3 ms).
 */
export function parseIndexManifest(value: unknown): IndexManifest | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length !== MANIFEST_KEYS.size || !keys.every((key) => MANIFEST_KEYS.has(key))) return undefined;
  const { formatVersion, embedderId, dimensions, cardsHash, ids, indexSha256, indexBytes, builtAt, buildMs } = record;
  if (!isInteger(formatVersion) || typeof embedderId !== 'string' || !isInteger(dimensions) || dimensions <= 0) return undefined;
  if (typeof cardsHash !== 'string' || !Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return undefined;
  if (typeof indexSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(indexSha256) || !isInteger(indexBytes) || indexBytes < 0) return undefined;
  if (typeof builtAt !== 'string' || typeof buildMs !== 'number' || !Number.isFinite(buildMs) || buildMs < 0) return undefined;
  return { formatVersion, embedderId, dimensions, cardsHash, ids: ids as string[], indexSha256, indexBytes, builtAt, buildMs };
}

/** A nearest card: its position in the index's id list and its cosine similarity. */
export interface DenseHit {
  index: number;
  similarity: number;
}

/** Progress while embedding cards: done of total. */
export type IndexProgress = { stage: 'embed'; done: number; total: number } | { stage: 'save' } | { stage: 'load' };

/** The dense index over the cards, keyed by position in `ids`. */
export class CardIndex {
  private constructor(
    private readonly index: VectorIndex,
    readonly ids: readonly string[],
    readonly embedderId: string,
    readonly dimensions: number,
    readonly cardsHash: string,
    readonly buildMs: number,
  ) {}

  /** Embeds every card (in batches, reporting progress) and builds the usearch graph. */
  static async build(
    cards: readonly Card[],
    embedder: Embedder,
    options: { signal?: AbortSignal; onProgress?: (progress: IndexProgress) => void; batchSize?: number } = {},
  ): Promise<CardIndex> {
    const started = performance.now();
    const batchSize = options.batchSize ?? 16;
    const index = newVectorIndex(embedder.dimensions);
    const documents = cards.map(cardDocument);
    options.onProgress?.({ stage: 'embed', done: 0, total: cards.length });
    for (let start = 0; start < documents.length; start += batchSize) {
      options.signal?.throwIfAborted();
      const vectors = await embedder.embed(documents.slice(start, start + batchSize), options.signal);
      const keys = vectors.map((_, offset) => BigInt(start + offset));
      for (const vector of vectors) {
        if (vector.length !== embedder.dimensions) {
          throw new Error(`embedder ${embedder.id} returned ${vector.length} dimensions, expected ${embedder.dimensions}`);
        }
      }
      if (vectors.length > 0) index.add(keys, vectors);
      options.onProgress?.({ stage: 'embed', done: Math.min(start + batchSize, cards.length), total: cards.length });
    }
    return new CardIndex(index, cards.map((card) => card.id), embedder.id, embedder.dimensions, cardsHashOf(cards), performance.now() - started);
  }

  /** Number of vectors indexed. */
  get size(): number {
    return this.ids.length;
  }

  /** The `limit` nearest cards to a normalised query vector, most similar first. */
  search(vector: Float32Array, limit: number): DenseHit[] {
    if (this.ids.length === 0 || limit <= 0) return [];
    const matches = this.index.search(vector, Math.min(limit, this.ids.length));
    const hits: DenseHit[] = [];
    for (let position = 0; position < matches.keys.length; position++) {
      // usearch's "ip" distance is 1 - dot product.
      hits.push({ index: Number(matches.keys[position]), similarity: 1 - matches.distances[position]! });
    }
    return hits;
  }

  /** Writes the index then its manifest, each atomically (temp file + rename); the manifest goes last. */
  save(directory: string): IndexManifest {
    mkdirSync(directory, { recursive: true });
    // Unique per writer: several processes (or retrievers in one process) may rebuild at once.
    const suffix = `${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const temporary = path.join(directory, `.${INDEX_FILE}.${suffix}`);
    const manifestTemporary = path.join(directory, `.${MANIFEST_FILE}.${suffix}`);
    let manifest: IndexManifest;
    try {
      this.index.save(temporary);
      const bytes = readFileSync(temporary);
      renameSync(temporary, path.join(directory, INDEX_FILE));
      manifest = {
        formatVersion: INDEX_FORMAT_VERSION,
        embedderId: this.embedderId,
        dimensions: this.dimensions,
        cardsHash: this.cardsHash,
        ids: [...this.ids],
        indexSha256: createHash('sha256').update(bytes).digest('hex'),
        indexBytes: bytes.length,
        builtAt: new Date().toISOString(),
        buildMs: Math.round(this.buildMs * 100) / 100,
      };
      writeFileSync(manifestTemporary, `${JSON.stringify(manifest, null, 2)}\n`);
      renameSync(manifestTemporary, path.join(directory, MANIFEST_FILE));
    } finally {
      rmSync(temporary, { force: true });
      rmSync(manifestTemporary, { force: true });
    }
    return manifest;
  }

  /**
   * Loads a persisted index if, and only if, it is exactly the one these cards and this embedder
   * would build; otherwise says why it was refused.
   */
  static load(directory: string, expected: { embedder: Embedder; cards: readonly Card[] }): { index: CardIndex } | { refused: IndexRefusal } {
    let manifestText: string;
    try {
      manifestText = readFileSync(path.join(directory, MANIFEST_FILE), 'utf8');
    } catch (error) {
      // Only "not there" is missing; EACCES, EISDIR, EIO... are said as they are, so a permissions
      // problem is not mistaken for a first run.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { refused: { reason: 'missing', message: 'no persisted index' } };
      return { refused: { reason: 'unreadable', message: `cannot read ${path.join(directory, MANIFEST_FILE)}: ${(error as Error).message}` } };
    }
    let manifest: IndexManifest | undefined;
    try {
      manifest = parseIndexManifest(JSON.parse(manifestText));
    } catch {
      manifest = undefined;
    }
    if (manifest === undefined) return { refused: { reason: 'corrupt', message: 'the manifest is not valid JSON of the expected shape' } };
    if (manifest.formatVersion !== INDEX_FORMAT_VERSION) {
      return { refused: { reason: 'stale', message: `index format ${manifest.formatVersion}, this version writes ${INDEX_FORMAT_VERSION}` } };
    }
    if (manifest.embedderId !== expected.embedder.id || manifest.dimensions !== expected.embedder.dimensions) {
      return {
        refused: {
          reason: 'foreign',
          message: `built by ${manifest.embedderId} (${manifest.dimensions} dimensions), the embedder is ${expected.embedder.id} (${expected.embedder.dimensions})`,
        },
      };
    }
    // Handed over by the card cache when the cards come from it; hashed here otherwise.
    const cardsHash = cardsHashOf(expected.cards);
    const ids = expected.cards.map((card) => card.id);
    if (manifest.cardsHash !== cardsHash || JSON.stringify(manifest.ids) !== JSON.stringify(ids)) {
      return { refused: { reason: 'stale', message: 'the cards changed since the index was built' } };
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.join(directory, INDEX_FILE));
    } catch {
      return { refused: { reason: 'corrupt', message: `${INDEX_FILE} is missing` } };
    }
    if (bytes.length !== manifest.indexBytes || createHash('sha256').update(bytes).digest('hex') !== manifest.indexSha256) {
      return { refused: { reason: 'corrupt', message: `${INDEX_FILE} does not match its checksum` } };
    }
    const index = newVectorIndex(manifest.dimensions);
    try {
      index.load(path.join(directory, INDEX_FILE));
    } catch (error) {
      return { refused: { reason: 'corrupt', message: `usearch could not load it: ${(error as Error).message}` } };
    }
    if (index.size() !== ids.length || index.dimensions() !== manifest.dimensions) {
      return { refused: { reason: 'corrupt', message: `it holds ${index.size()} vectors of ${index.dimensions()} dimensions, expected ${ids.length} of ${manifest.dimensions}` } };
    }
    return { index: new CardIndex(index, ids, manifest.embedderId, manifest.dimensions, cardsHash, manifest.buildMs) };
  }

  /** Removes a persisted index (e.g. after a refusal, before rebuilding). */
  static remove(directory: string): void {
    rmSync(path.join(directory, MANIFEST_FILE), { force: true });
    rmSync(path.join(directory, INDEX_FILE), { force: true });
  }
}

/** Why a persisted index was not used. */
export interface IndexRefusal {
  reason: 'missing' | 'unreadable' | 'stale' | 'foreign' | 'corrupt';
  message: string;
}

/** The folder of the index built by one embedder under a cache directory (one per embedder, so switching does not thrash). */
export function indexDirectory(cacheDir: string, embedderId: string): string {
  return path.join(cacheDir, 'index', embedderId.replace(/[^A-Za-z0-9._-]+/g, '_'));
}
