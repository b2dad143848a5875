/**
 * The persisted text index (BM25 and the typo corrector): a start that reads it retrieves exactly
 * what one that analyses the cards does (matches, scores, reasons, snippets, notes) for every example
 * request of every real card, misspelt ones too, and a file that is stale, damaged or foreign is
 * refused and rebuilt, never used.
 *
 * Both sides use the same persisted vector index: two usearch builds of the same vectors are not the
 * same graph (HNSW levels are random), and their approximate searches can differ on a near tie.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/config/paths.js';
import type { RetrieveQuery, RetrieveResult } from '../../../src/contracts/ports.js';
import { loadCards } from '../../../src/corpus/load-cards.js';
import type { Bm25Snapshot } from '../../../src/retrieve/bm25.js';
import { CardIndex, hashCards, indexDirectory } from '../../../src/retrieve/card-index.js';
import { createRetriever } from '../../../src/retrieve/create-retriever.js';
import { LexicalEmbedder } from '../../../src/retrieve/lexical-embedder.js';
import { CardRetriever } from '../../../src/retrieve/retrieve.js';
import { analyze, words } from '../../../src/retrieve/text-analysis.js';
import {
  buildTextIndex,
  loadTextIndex,
  saveTextIndex,
  TEXT_INDEX_FILE,
  TEXT_INDEX_FORMAT_VERSION,
  textIndexCodeFingerprint,
  type TextIndexExpected,
} from '../../../src/retrieve/text-index.js';
import type { TypoSnapshot } from '../../../src/retrieve/typo-correction.js';
import type { Card } from '../../../src/schemas/card.js';
import { sampleCards } from './fixtures.js';

const embedder = new LexicalEmbedder();
/** The real cards' vector index and text index, built once; every test starts from a copy. */
let baseCache: string;
let cacheDir: string;
beforeEach(() => {
  cacheDir = mkdtempSync(path.join(os.tmpdir(), 'rk8s-text-index-'));
  cpSync(baseCache, cacheDir, { recursive: true });
});
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));
afterAll(() => rmSync(baseCache, { recursive: true, force: true }));
const directory = () => indexDirectory(cacheDir, embedder.id);
const textIndexFile = () => path.join(directory(), TEXT_INDEX_FILE);
const expectedFor = (cards: readonly Card[]): TextIndexExpected => ({ cardsHash: hashCards(cards), ids: cards.map((card) => card.id) });

/** The request with two letters swapped in each of its words of 5+ letters ("restart" -> "rsetart"): the typo corrector's work. */
const misspelt = (request: string): string => words(request).map((word) => (word.length >= 5 ? `${word[0]}${word[2]}${word[1]}${word.slice(3)}` : word)).join(' ');

let cards: Card[];
/**
 * Every example request of every card as free text and misspelt; each card's first one also filtered
 * by its intent, and by intent and resource.
 */
let queries: RetrieveQuery[];
/** What a retriever over the persisted vector index answers with BM25 and the typo corrector built from the cards. */
let fresh: RetrieveResult[];
beforeAll(async () => {
  cards = loadCards(path.join(packageRoot(), 'cards')).cards;
  queries = cards.flatMap((card) =>
    card.examples.flatMap((example, index) => [
      { query: example.request },
      { query: misspelt(example.request) },
      ...(index === 0 ? [{ query: example.request, intent: card.intent }, { query: example.request, intent: card.intent, resource: card.resource }] : []),
    ]),
  );
  baseCache = mkdtempSync(path.join(os.tmpdir(), 'rk8s-text-index-base-'));
  const first = await createRetriever({ cards, embedder, cacheDir: baseCache });
  expect(first.status).toMatchObject({ source: 'built', persisted: true, textIndex: { source: 'built', persisted: true } });
  const loaded = CardIndex.load(indexDirectory(baseCache, embedder.id), { embedder, cards });
  if (!('index' in loaded)) throw new Error(`the vector index was refused: ${loaded.refused.message}`);
  // No bm25 and no typos given: the retriever analyses the cards itself, as before they were persisted.
  const analysed = new CardRetriever({ cards, embedder, index: loaded.index, status: { source: 'cache', persisted: true, buildMs: 0, readyMs: 0 } });
  fresh = await answers(analysed, queries);
});

async function answers(retriever: CardRetriever, asked: readonly RetrieveQuery[]): Promise<RetrieveResult[]> {
  const results: RetrieveResult[] = [];
  for (const query of asked) results.push(await retriever.retrieve(query));
  return results;
}

/** A retriever over the real cards whose vector index and text index both come from `cacheDir`. */
async function cachedRetriever(): Promise<CardRetriever> {
  const retriever = await createRetriever({ cards, embedder, cacheDir });
  expect(retriever.status.source).toBe('cache');
  expect(retriever.status.textIndex).toEqual({ source: 'cache', persisted: true });
  return retriever;
}

interface Payload {
  bm25: Bm25Snapshot;
  typos: TypoSnapshot;
}
const persistedPayload = (): Payload => JSON.parse(readFileSync(textIndexFile(), 'utf8').split('\n')[1]!) as Payload;

/** Rewrites text-index.json with `payload` under a header that matches it (checksum and size), as a writer of a wrong index would. */
function writeConsistent(payload: unknown, header: Record<string, unknown> = {}): void {
  const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
  const current = JSON.parse(readFileSync(textIndexFile(), 'utf8').split('\n')[0]!) as Record<string, unknown>;
  const line = JSON.stringify({ ...current, payloadSha256: createHash('sha256').update(bytes).digest('hex'), payloadBytes: bytes.length, ...header });
  writeFileSync(textIndexFile(), Buffer.concat([Buffer.from(`${line}\n`), bytes]));
}

/** Changes the persisted payload and rewrites it consistently. */
function forge(change: (payload: Payload) => void): void {
  const payload = persistedPayload();
  change(payload);
  writeConsistent(payload);
}

describe('the persisted text index', () => {
  it('gives every example request, as written and misspelt, the same retrieval as analysing the cards: matches, scores, reasons, snippets, notes', async () => {
    expect(queries.length).toBeGreaterThan(500);
    const cached = await answers(await cachedRetriever(), queries);
    expect(cached).toEqual(fresh);
    // Not a vacuous comparison: the requests find cards, for reasons BM25 and the typo corrector gave.
    const reasons = fresh.flatMap((result) => result.matches.flatMap((match) => match.why));
    expect(fresh.every((result) => result.matches.length > 0)).toBe(true);
    expect(reasons.filter((why) => /^(keyword|title|example request|description): /.test(why)).length).toBeGreaterThan(300);
    expect(reasons.filter((why) => / read as "/.test(why)).length).toBeGreaterThan(100);
  });

  it('reads back the very index that was built: same snapshots, same raw BM25 scores and matched fields, same corrections', () => {
    const built = buildTextIndex(cards);
    expect(saveTextIndex(directory(), built, expectedFor(cards))).toBe(true);
    const loaded = loadTextIndex(directory(), expectedFor(cards));
    if (!('index' in loaded)) throw new Error(`refused: ${loaded.refused.message}`);
    expect(loaded.index.bm25.snapshot()).toEqual(built.bm25.snapshot());
    expect(loaded.index.typos.snapshot()).toEqual(built.typos.snapshot());
    expect([...loaded.index.bm25.vocabulary]).toEqual([...built.bm25.vocabulary]);
    const restarts = new Set(cards.flatMap((card, index) => (card.intent === 'restart' ? [index] : [])));
    for (const query of queries) {
      const analysis = analyze(query.query ?? '');
      const terms = [...analysis.stems, ...analysis.expansions];
      expect(loaded.index.bm25.search(terms)).toEqual(built.bm25.search(terms));
      expect(loaded.index.bm25.search(terms, restarts)).toEqual(built.bm25.search(terms, restarts));
      expect(loaded.index.typos.correct(query.query ?? '')).toEqual(built.typos.correct(query.query ?? ''));
    }
  });

  it.each<[string, (payload: Payload) => void]>([
    ['BM25 postings ("restart" weakened in every card, consistently)', (payload) => {
      const term = payload.bm25.terms.indexOf(analyze('restart').stems[0]!);
      expect(term).toBeGreaterThanOrEqual(0);
      payload.bm25.postings[term] = payload.bm25.postings[term]!.map((value, offset) => (offset % 3 === 1 ? 0.01 : value));
    }],
    ['the typo corrector (words it knows dropped)', (payload) => {
      payload.typos.known = payload.typos.known.filter(([word]) => !['restart', 'deployment', 'rollout', 'status'].includes(word));
    }],
  ])('would be caught by that comparison if it held wrong data: forged %s with a valid checksum is used, and answers differently', async (_label, change) => {
    forge(change);
    const forged = await answers(await cachedRetriever(), queries);
    expect(forged).not.toEqual(fresh);
  });

  it.each<[string, () => void, 'corrupt' | 'stale']>([
    ['a flipped byte in the payload', () => {
      const bytes = readFileSync(textIndexFile());
      const at = bytes.length - 10;
      bytes[at] = bytes[at]! ^ 0x01;
      writeFileSync(textIndexFile(), bytes);
    }, 'corrupt'],
    ['a truncated file', () => writeFileSync(textIndexFile(), readFileSync(textIndexFile()).subarray(0, 300)), 'corrupt'],
    ['a file cut after the header', () => writeFileSync(textIndexFile(), `${readFileSync(textIndexFile(), 'utf8').split('\n')[0]}\n`), 'corrupt'],
    ['garbage', () => writeFileSync(textIndexFile(), 'not an index at all'), 'corrupt'],
    ['an empty file', () => writeFileSync(textIndexFile(), ''), 'corrupt'],
    ['a header of the wrong shape', () => writeFileSync(textIndexFile(), `{"formatVersion": "1"}\n${readFileSync(textIndexFile(), 'utf8').split('\n')[1]}`), 'corrupt'],
    ['a payload that is not JSON (checksum recomputed)', () => writeConsistent('{"bm25": '.repeat(3)), 'corrupt'],
    ['a payload without the typo corrector', () => forge((payload) => delete (payload as Partial<Payload>).typos), 'corrupt'],
    ['BM25 naming a card out of range', () => forge((payload) => (payload.bm25.postings[0]![0] = 10_000)), 'corrupt'],
    ['BM25 postings out of order', () => forge((payload) => {
      const list = payload.bm25.postings.findIndex((flat) => flat.length >= 6);
      const flat = payload.bm25.postings[list]!;
      payload.bm25.postings[list] = [...flat.slice(3, 6), ...flat.slice(0, 3), ...flat.slice(6)];
    }), 'corrupt'],
    ['BM25 with an unknown field', () => forge((payload) => (payload.bm25.fields[0] = 'notes')), 'corrupt'],
    ['BM25 with a length per card missing', () => forge((payload) => payload.bm25.lengths.pop()), 'corrupt'],
    ['BM25 with a term twice', () => forge((payload) => {
      payload.bm25.terms.push(payload.bm25.terms[0]!);
      payload.bm25.postings.push(payload.bm25.postings[0]!);
    }), 'corrupt'],
    ['a typo word counted zero times', () => forge((payload) => (payload.typos.known[0]![1] = 0)), 'corrupt'],
    ['a typo word twice', () => forge((payload) => payload.typos.known.push(payload.typos.known[0]!)), 'corrupt'],
    ['another format version', () => writeConsistent(persistedPayload(), { formatVersion: TEXT_INDEX_FORMAT_VERSION + 1 }), 'stale'],
    ['an index built by other analysis code', () => writeConsistent(persistedPayload(), { code: 'another version of text-analysis.ts' }), 'stale'],
    ['an index of other cards', () => writeConsistent(persistedPayload(), { cardsHash: hashCards(sampleCards()) }), 'stale'],
  ])('refuses %s, rebuilds it from the cards and persists it again', async (_label, damage, reason) => {
    damage();
    const retriever = await createRetriever({ cards, embedder, cacheDir });
    // The vector index is fine and still used; only the text index is built again.
    expect(retriever.status.source).toBe('cache');
    expect(retriever.status.textIndex).toMatchObject({ source: 'built', persisted: true, refusal: { reason } });
    expect(await answers(retriever, queries.slice(0, 40))).toEqual(fresh.slice(0, 40));
    expect(await answers(await cachedRetriever(), queries.slice(0, 40))).toEqual(fresh.slice(0, 40));
  });

  it('is refused for cards in another order (postings name cards by position) and without a code fingerprint', () => {
    const small = sampleCards();
    saveTextIndex(directory(), buildTextIndex(small), expectedFor(small));
    const reversed = [...small].reverse();
    expect(hashCards(reversed)).toBe(hashCards(small));
    expect(loadTextIndex(directory(), expectedFor(reversed))).toMatchObject({ refused: { reason: 'stale' } });
    expect(loadTextIndex(directory(), expectedFor(small), null)).toMatchObject({ refused: { reason: 'unreadable' } });
    expect(loadTextIndex(directory(), expectedFor(small))).toHaveProperty('index');
    expect(saveTextIndex(directory(), buildTextIndex(small), expectedFor(small), null)).toBe(false);
  });

  it('says a missing file is missing, and is rebuilt with the vector index on request', async () => {
    rmSync(textIndexFile());
    expect(loadTextIndex(directory(), expectedFor(cards))).toMatchObject({ refused: { reason: 'missing' } });
    const missing = await createRetriever({ cards, embedder, cacheDir });
    expect(missing.status).toMatchObject({ source: 'cache', textIndex: { source: 'built', persisted: true, refusal: { reason: 'missing' } } });
    expect(await answers(missing, queries.slice(0, 40))).toEqual(fresh.slice(0, 40));
    const rebuilt = await createRetriever({ cards, embedder, cacheDir, rebuild: true });
    expect(rebuilt.status).toMatchObject({ source: 'built', textIndex: { source: 'built', persisted: true } });
    expect(rebuilt.status.textIndex?.refusal).toBeUndefined();
  });

  it('is fingerprinted by the analysis code it depends on and the Node version', () => {
    expect(textIndexCodeFingerprint()).toMatch(/^[0-9a-f]{64} node-v\d+/);
    expect(textIndexCodeFingerprint()).toContain(process.version);
  });
});
