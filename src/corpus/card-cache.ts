/**
 * A cache of the loaded card corpus. Parsing 100+ YAML files, checking them with zod and rendering
 * every example is most of what a one-shot `rk8s exec` spends before kubectl starts; the cache keeps
 * the result, keyed by a hash of every card file's path, size, inode and modification and change times
 * plus the loader's own code, so an edited card (any write moves the file's ctime), an added or removed
 * file or a new rk8s version loads from the YAML again. It also keeps
 * hashCards() of the cards, computed when it is written, and hands it over with the cards it returns
 * (rememberCardsHash), so checking the persisted indexes does not hash every card again. Only a corpus
 * with no problems is cached (a broken one is re-read, so every problem is always reported), and the
 * cached cards are still only templates: every argv rendered from them is validated before it runs.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { codeFingerprint } from '../config/code-fingerprint.js';
import { hashCards, rememberCardsHash } from '../retrieve/cards-hash.js';
import type { Card } from '../schemas/card.js';
import { listYamlFiles, loadCards, type CardLoadResult } from './load-cards.js';

/** Bump when the cached document's shape changes. */
const CACHE_FORMAT = 2;

/** How a load went: from the cache, or from the YAML (and whether the cache was then written). */
export type CardCacheOutcome = 'hit' | 'miss' | 'uncached';

interface CachedCorpus {
  format: number;
  key: string;
  cards: Card[];
  files: Array<[string, string]>;
  /** hashCards(cards). */
  cardsHash: string;
}

/**
 * The code the cached document depends on: the loader (a changed schema or check must not be answered
 * from an old cache) and hashCards (the hash kept with the cards). Found from the package root, so the
 * compiled modules and the CLI's single-file builds (made from those same modules, scripts/bundle-cli.mjs)
 * agree on it and share one cache (src/config/code-fingerprint.ts).
 */
const CODE_MODULES: readonly string[] = ['corpus/card-cache', 'corpus/load-cards', 'schemas/card', 'retrieve/cards-hash', 'retrieve/card-document'];

/** The cache key of a card directory, or undefined when it cannot be read (the plain loader reports why). */
export function corpusKey(directory: string): string | undefined {
  // Code that cannot be identified gets no cache: the YAML is read every time.
  const code = codeFingerprint(CODE_MODULES);
  if (code === undefined) return undefined;
  try {
    const hash = createHash('sha256');
    hash.update(`format ${CACHE_FORMAT}\n${code}\n`);
    // Each file's identity and change times rather than its bytes (reading ~120 files was most of a
    // one-shot command's card load): any write to a file moves its ctime, which no tool can set back.
    // Every file is listed under the folder as path.join wrote it: its name past that prefix is its relative path.
    const withSeparator = path.join(directory, path.sep);
    for (const file of listYamlFiles(directory)) {
      const stat = statSync(file, { bigint: true });
      const name = file.startsWith(withSeparator) ? file.slice(withSeparator.length) : path.relative(directory, file);
      hash.update(`${name}\0${stat.size}\0${stat.mtimeNs}\0${stat.ctimeNs}\0${stat.ino}\0${stat.dev}\n`);
    }
    return hash.digest('hex');
  } catch {
    return undefined;
  }
}

function cachePath(cacheDir: string): string {
  return path.join(cacheDir, 'cards.json');
}

function readCache(cacheDir: string, key: string): CardLoadResult | undefined {
  let document: CachedCorpus;
  try {
    document = JSON.parse(readFileSync(cachePath(cacheDir), 'utf8')) as CachedCorpus;
  } catch {
    // Absent or unreadable: a cache miss, and the YAML is read instead.
    return undefined;
  }
  if (document?.format !== CACHE_FORMAT || document.key !== key || !Array.isArray(document.cards) || !Array.isArray(document.files)) return undefined;
  if (typeof document.cardsHash !== 'string' || !/^[0-9a-f]{64}$/.test(document.cardsHash)) return undefined;
  rememberCardsHash(document.cards, document.cardsHash);
  return { cards: document.cards, problems: [], files: new Map(document.files) };
}

function writeCache(cacheDir: string, key: string, loaded: CardLoadResult): boolean {
  // Hashed before the write, so the cards read back (equal JSON) have this same hash.
  const cardsHash = hashCards(loaded.cards);
  rememberCardsHash(loaded.cards, cardsHash);
  const document: CachedCorpus = { format: CACHE_FORMAT, key, cards: loaded.cards, files: [...loaded.files], cardsHash };
  const target = cachePath(cacheDir);
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(temporary, JSON.stringify(document));
    renameSync(temporary, target);
    return true;
  } catch {
    // A read-only cache directory only costs speed: the corpus was loaded from the YAML.
    return false;
  }
}

/** loadCards() through the cache in `cacheDir`. Same result as loadCards(directory). */
export function loadCardsCached(directory: string, cacheDir: string): CardLoadResult & { cache: CardCacheOutcome } {
  const key = corpusKey(directory);
  if (key !== undefined) {
    const cached = readCache(cacheDir, key);
    if (cached) return { ...cached, cache: 'hit' };
  }
  const loaded = loadCards(directory);
  const written = key !== undefined && loaded.problems.length === 0 && writeCache(cacheDir, key, loaded);
  return { ...loaded, cache: written ? 'miss' : 'uncached' };
}
