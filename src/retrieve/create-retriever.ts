/**
 * Wires a retriever: loads the persisted index when its manifest matches the embedder and the
 * cards, else rebuilds it and persists it. A stale, foreign or corrupt index is rebuilt, never used.
 */
import { ConfigError } from '../errors.js';
import type { Embedder } from '../contracts/ports.js';
import type { Card } from '../schemas/card.js';
import type { Config } from '../schemas/config.js';
import { formatProblem } from '../config/problems.js';
import { loadCardsCached } from '../corpus/card-cache.js';
import { CardIndex, indexDirectory, type IndexProgress, type IndexRefusal } from './card-index.js';
import { createEmbedder } from './embedder.js';
import { CardRetriever } from './retrieve.js';

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
      return new CardRetriever({
        cards: options.cards,
        embedder: options.embedder,
        index: loaded.index,
        budget: options.budget,
        status: { source: 'cache', directory, persisted: true, buildMs: 0, readyMs: performance.now() - started },
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
  return new CardRetriever({
    cards: options.cards,
    embedder: options.embedder,
    index,
    budget: options.budget,
    status: { source: 'built', refusal, directory, persisted, persistError, buildMs: index.buildMs, readyMs: performance.now() - started },
  });
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
