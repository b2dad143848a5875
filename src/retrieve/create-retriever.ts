/**
 * Wires a retriever: loads the persisted index when its manifest matches the embedder and the
 * cards, else rebuilds it and persists it; the same for the text index next to it (BM25 and the
 * typo corrector, text-index.ts), checked on its own. A stale, foreign or corrupt index is rebuilt, never used.
 */
import { ConfigError } from '../errors.js';
import type { Embedder } from '../contracts/ports.js';
import type { Card } from '../schemas/card.js';
import type { Config } from '../schemas/config.js';
import { formatProblem } from '../config/problems.js';
import { loadCardsCached } from '../corpus/card-cache.js';
import { Bm25Index } from './bm25.js';
import { CardIndex, indexDirectory, type IndexProgress, type IndexRefusal } from './card-index.js';
import { createEmbedder } from './embedder.js';
import { CardRetriever, type TextIndexStatus } from './retrieve.js';
import { buildTextIndex, loadTextIndex, saveTextIndex, type TextIndex, type TextIndexExpected } from './text-index.js';

/** What createRetriever needs. */
export interface CreateRetrieverOptions {
  cards: readonly Card[];
  embedder: Embedder;
  /** Root cache folder; the index lives in <cacheDir>/index/<embedder id>/. Undefined: in memory only. */
  cacheDir?: string;
  signal?: AbortSignal;
  onProgress?: (progress: IndexProgress) => void;
  /** Ignore any persisted index and rebuild (what `rk8s index build` does). */
  rebuild?: boolean;
  /** Snippet token budget (default 1,200). */
  budget?: number;
}

/** A retriever over the cards, from the persisted index when it is the right one. */
export async function createRetriever(options: CreateRetrieverOptions): Promise<CardRetriever> {
  const started = performance.now();
  const directory = options.cacheDir === undefined ? undefined : indexDirectory(options.cacheDir, options.embedder.id);
  let refusal: IndexRefusal | undefined;
  if (directory !== undefined && !options.rebuild) {
    options.onProgress?.({ stage: 'load' });
    const loaded = CardIndex.load(directory, { embedder: options.embedder, cards: options.cards });
    if ('index' in loaded) {
      const expected = { cardsHash: loaded.index.cardsHash, ids: loaded.index.ids };
      const persistedText = loadTextIndex(directory, expected);
      const text = 'index' in persistedText
        ? { ...persistedText.index, status: { source: 'cache', persisted: true } satisfies TextIndexStatus }
        : textIndexFor(options.cards, directory, expected, persistedText.refused);
      return new CardRetriever({
        cards: options.cards,
        embedder: options.embedder,
        index: loaded.index,
        bm25: text.bm25,
        typos: text.typos,
        budget: options.budget,
        status: { source: 'cache', directory, persisted: true, buildMs: 0, readyMs: performance.now() - started, textIndex: text.status },
      });
    }
    refusal = loaded.refused;
  }
  const index = await CardIndex.build(options.cards, options.embedder, { signal: options.signal, onProgress: options.onProgress });
  let persisted = false;
  let persistError: string | undefined;
  if (directory !== undefined) {
    options.onProgress?.({ stage: 'save' });
    try {
      if (refusal && refusal.reason !== 'missing') CardIndex.remove(directory);
      index.save(directory);
      persisted = true;
    } catch (error) {
      // A read-only install still works: the index lives in memory for this process.
      persistError = (error as Error).message;
    }
  }
  // Rebuilt with the vector index (`rk8s index build` rebuilds everything) and saved next to it.
  // Without a folder, BM25 only, and the typo corrector on the first request with words, as it always was.
  const text = directory !== undefined
    ? textIndexFor(options.cards, directory, { cardsHash: index.cardsHash, ids: index.ids })
    : { bm25: Bm25Index.build(options.cards), typos: undefined, status: undefined };
  return new CardRetriever({
    cards: options.cards,
    embedder: options.embedder,
    index,
    bm25: text.bm25,
    typos: text.typos,
    budget: options.budget,
    status: {
      source: 'built', refusal, directory, persisted, persistError, buildMs: index.buildMs, readyMs: performance.now() - started,
      ...(text.status ? { textIndex: text.status } : {}),
    },
  });
}

/** Analyses the cards into a text index and persists it in the folder (a failure only costs the next start its time). */
function textIndexFor(
  cards: readonly Card[],
  directory: string,
  expected: TextIndexExpected,
  refusal?: IndexRefusal,
): TextIndex & { status: TextIndexStatus } {
  const index = buildTextIndex(cards);
  const status: TextIndexStatus = { source: 'built', persisted: false, ...(refusal ? { refusal } : {}) };
  try {
    status.persisted = saveTextIndex(directory, index, expected);
    if (!status.persisted) status.persistError = 'the text index code cannot be fingerprinted, so the text index is not persisted';
  } catch (error) {
    status.persistError = (error as Error).message;
  }
  return { ...index, status };
}

/**
 * Loads the cards and the configured embedder and makes sure the persisted index is current
 * (building it if needed). Safe for a postinstall/prepare step or `rk8s index build`.
 * Throws ConfigError when the cards have problems.
 */
export async function ensureCardIndex(
  config: Config,
  options: { rebuild?: boolean; signal?: AbortSignal; onProgress?: (progress: IndexProgress) => void } = {},
): Promise<CardRetriever> {
  // Through the cache, so `index build` (run by npm's prepare) also warms the card cache for the first command.
  const corpus = loadCardsCached(config.cardsDir, config.cacheDir);
  if (corpus.problems.length > 0) {
    throw new ConfigError(`the cards in ${config.cardsDir} have ${corpus.problems.length} problem(s): ${formatProblem(corpus.problems[0]!)}`, {
      hint: 'run `rk8s check` to list them all',
      details: corpus.problems,
    });
  }
  const embedder = await createEmbedder(config, { signal: options.signal });
  return createRetriever({ cards: corpus.cards, embedder, cacheDir: config.cacheDir, ...options });
}
