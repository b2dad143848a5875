/**
 * The text index: the BM25 index (bm25.ts) and the typo corrector's known words (typo-correction.ts),
 * persisted next to the vector index (`<cacheDir>/index/<embedder id>/text-index.json`) so a cached
 * start reads them instead of analysing every field of every card again.
 *
 * What is in it depends on the cards (their content and their order: postings name cards by
 * position) and on the code that analyses them: bm25.ts, typo-correction.ts, text-analysis.ts,
 * card-document.ts, the vocabulary they use, this file, and Node itself (its Unicode tables normalise
 * and lower-case the text). The file says all of that in a one-line header (format version, code
 * fingerprint, cards hash, card ids, the payload's SHA-256 and size) followed by the payload. Anything
 * that does not match, does not parse, or is not an index the code could have built is refused, and
 * the caller analyses the cards instead: a stale, corrupt or foreign text index is never used.
 *
 * It is checked on its own, not through the vector index's manifest, so a change to the analysis
 * code (a new slang word, say) rebuilds only the text index and not a transformers model's embeddings.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { codeFingerprint } from '../config/code-fingerprint.js';
import type { Card } from '../schemas/card.js';
import { Bm25Index, type Bm25Snapshot } from './bm25.js';
import { cardFields } from './card-document.js';
import type { IndexRefusal } from './card-index.js';
import { TypoCorrector, type TypoSnapshot } from './typo-correction.js';

/** The file name inside an index folder. */
export const TEXT_INDEX_FILE = 'text-index.json';
/** Bumped when the file's layout changes. */
export const TEXT_INDEX_FORMAT_VERSION = 1;
/** The modules whose code decides what is built from the cards, and this one, which reads it back. */
export const TEXT_INDEX_CODE_MODULES: readonly string[] = [
  'retrieve/text-index',
  'retrieve/bm25',
  'retrieve/typo-correction',
  'retrieve/text-analysis',
  'retrieve/card-document',
  'schemas/vocabulary',
];

/** The BM25 index over a corpus and the typo corrector for it. */
export interface TextIndex {
  bm25: Bm25Index;
  typos: TypoCorrector;
}

/** What the payload of text-index.json holds. */
interface TextIndexSnapshot {
  bm25: Bm25Snapshot;
  typos: TypoSnapshot;
}

/** Analyses the cards: what a persisted text index saves a start from doing. */
export function buildTextIndex(cards: readonly Card[]): TextIndex {
  return { bm25: Bm25Index.build(cards), typos: typoCorrectorFor(cards) };
}

/** The typo corrector over every searchable text of the cards. */
export function typoCorrectorFor(cards: readonly Card[]): TypoCorrector {
  return TypoCorrector.fromTexts(cards.flatMap((card) => cardFields(card).map((field) => field.text)));
}

/** The code a text index is built by: its modules' bytes and the Node version. Undefined when the modules cannot be read. */
export function textIndexCodeFingerprint(): string | undefined {
  const modules = codeFingerprint(TEXT_INDEX_CODE_MODULES);
  return modules === undefined ? undefined : `${modules} node-${process.version}`;
}

/** The header line of text-index.json. */
interface TextIndexHeader {
  formatVersion: number;
  code: string;
  cardsHash: string;
  ids: string[];
  payloadSha256: string;
  payloadBytes: number;
}

/** What a persisted text index must have been built from. */
export interface TextIndexExpected {
  /** hashCards() of the cards. */
  cardsHash: string;
  /** The cards' ids, in order. */
  ids: readonly string[];
}

function parseHeader(value: unknown): TextIndexHeader | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { formatVersion, code, cardsHash, ids, payloadSha256, payloadBytes } = value as Partial<Record<keyof TextIndexHeader, unknown>>;
  if (typeof formatVersion !== 'number' || typeof code !== 'string' || typeof cardsHash !== 'string') return undefined;
  if (!Array.isArray(ids) || !(ids as readonly unknown[]).every((id) => typeof id === 'string')) return undefined;
  if (typeof payloadSha256 !== 'string' || typeof payloadBytes !== 'number') return undefined;
  return { formatVersion, code, cardsHash, ids: ids as string[], payloadSha256, payloadBytes };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes the text index to `<directory>/text-index.json` atomically (temp file + rename). Returns
 * false, writing nothing, when the code cannot be fingerprinted (such a file could never be told from
 * a foreign one). Throws when the folder cannot be written. `code` is for tests (null: the code
 * cannot be fingerprinted).
 */
export function saveTextIndex(directory: string, index: TextIndex, expected: TextIndexExpected, code: string | null = textIndexCodeFingerprint() ?? null): boolean {
  if (code === null) return false;
  if (index.bm25.size !== expected.ids.length) throw new Error(`the BM25 index has ${index.bm25.size} cards, expected ${expected.ids.length}`);
  const snapshot: TextIndexSnapshot = { bm25: index.bm25.snapshot(), typos: index.typos.snapshot() };
  const payload = Buffer.from(JSON.stringify(snapshot), 'utf8');
  const header: TextIndexHeader = {
    formatVersion: TEXT_INDEX_FORMAT_VERSION,
    code,
    cardsHash: expected.cardsHash,
    ids: [...expected.ids],
    payloadSha256: sha256(payload),
    payloadBytes: payload.length,
  };
  mkdirSync(directory, { recursive: true });
  // Unique per writer: several processes may rebuild at once.
  const temporary = path.join(directory, `.${TEXT_INDEX_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), payload]));
    renameSync(temporary, path.join(directory, TEXT_INDEX_FILE));
  } finally {
    rmSync(temporary, { force: true });
  }
  return true;
}

/**
 * The persisted text index if, and only if, it is the one this code would build for these cards;
 * otherwise why not. `code` is for tests (null: the code cannot be fingerprinted).
 */
export function loadTextIndex(
  directory: string,
  expected: TextIndexExpected,
  code: string | null = textIndexCodeFingerprint() ?? null,
): { index: TextIndex } | { refused: IndexRefusal } {
  const file = path.join(directory, TEXT_INDEX_FILE);
  if (code === null) {
    return { refused: { reason: 'unreadable', message: `cannot fingerprint the text index code (${TEXT_INDEX_CODE_MODULES.join(', ')}), so no persisted one is trusted` } };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { refused: { reason: 'missing', message: 'no persisted text index' } };
    return { refused: { reason: 'unreadable', message: `cannot read ${file}: ${(error as Error).message}` } };
  }
  const newline = bytes.indexOf(0x0a);
  let header: TextIndexHeader | undefined;
  try {
    header = newline < 0 ? undefined : parseHeader(JSON.parse(bytes.subarray(0, newline).toString('utf8')));
  } catch {
    header = undefined;
  }
  if (header === undefined) return { refused: { reason: 'corrupt', message: `${TEXT_INDEX_FILE} has no valid header` } };
  if (header.formatVersion !== TEXT_INDEX_FORMAT_VERSION) {
    return { refused: { reason: 'stale', message: `text index format ${header.formatVersion}, this version writes ${TEXT_INDEX_FORMAT_VERSION}` } };
  }
  if (header.code !== code) return { refused: { reason: 'stale', message: 'the text index was built by other analysis code' } };
  if (header.cardsHash !== expected.cardsHash || header.ids.length !== expected.ids.length || header.ids.some((id, index) => id !== expected.ids[index])) {
    return { refused: { reason: 'stale', message: 'the cards changed since the text index was built' } };
  }
  const payload = bytes.subarray(newline + 1);
  if (payload.length !== header.payloadBytes || sha256(payload) !== header.payloadSha256) {
    return { refused: { reason: 'corrupt', message: `${TEXT_INDEX_FILE} does not match its checksum` } };
  }
  let index: Partial<TextIndex> = {};
  try {
    const snapshot = JSON.parse(payload.toString('utf8')) as Partial<Record<keyof TextIndexSnapshot, unknown>> | null;
    index = { bm25: Bm25Index.fromSnapshot(snapshot?.bm25, expected.ids.length), typos: TypoCorrector.fromSnapshot(snapshot?.typos) };
  } catch {
    index = {};
  }
  const { bm25, typos } = index;
  if (bm25 === undefined || typos === undefined) {
    return { refused: { reason: 'corrupt', message: `${TEXT_INDEX_FILE} does not hold a text index of ${expected.ids.length} cards` } };
  }
  return { index: { bm25, typos } };
}
