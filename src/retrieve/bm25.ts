/**
 * BM25 over the cards' weighted fields: a weighted term frequency per card (a match in the intent
 * or title counts more than one in the description), Okapi saturation and length normalisation.
 */
import type { Card } from '../schemas/card.js';
import { CARD_FIELD_NAMES, cardFields } from './card-document.js';
import { terms as analyzeTerms } from './text-analysis.js';

/** Okapi parameters: standard values; the corpus is small and documents are short. */
const K1 = 1.2;
const B = 0.75;

/** One card's score and the query terms that matched, with the field each was found in. */
export interface Bm25Hit {
  index: number;
  score: number;
  matched: { term: string; field: string }[];
}

interface Posting {
  index: number;
  frequency: number;
  field: string;
}

/**
 * An index as plain data, for persisting it (bm25-store.ts): `postings[t]` lists the cards that have
 * `terms[t]`, ascending, as flat triples (card position, weighted frequency, position in `fields`).
 */
export interface Bm25Snapshot {
  fields: string[];
  lengths: number[];
  terms: string[];
  postings: number[][];
}

const FIELD_NAMES: ReadonlySet<string> = new Set<string>(CARD_FIELD_NAMES);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const arrayOf = (value: unknown): readonly unknown[] | undefined => (Array.isArray(value) ? value : undefined);

/** An inverted index over card fields. */
export class Bm25Index {
  private readonly averageLength: number;
  /** Every indexed term (for typo correction against the corpus). */
  readonly vocabulary: ReadonlySet<string>;

  private constructor(
    private readonly postings: Map<string, Posting[]>,
    private readonly lengths: number[],
  ) {
    this.averageLength = this.lengths.length === 0 ? 1 : this.lengths.reduce((sum, value) => sum + value, 0) / this.lengths.length;
    this.vocabulary = new Set(this.postings.keys());
  }

  /** Analyses every field of every card (text-analysis.ts): what a persisted index saves a start from doing. */
  static build(cards: readonly Card[]): Bm25Index {
    const postings = new Map<string, Posting[]>();
    const lengths: number[] = [];
    cards.forEach((card, index) => {
      const frequencies = new Map<string, { frequency: number; field: string; best: number }>();
      let length = 0;
      for (const field of cardFields(card)) {
        for (const term of analyzeTerms(field.text)) {
          const entry = frequencies.get(term);
          length += field.weight;
          if (entry === undefined) frequencies.set(term, { frequency: field.weight, field: field.name, best: field.weight });
          else {
            entry.frequency += field.weight;
            if (field.weight > entry.best) {
              entry.best = field.weight;
              entry.field = field.name;
            }
          }
        }
      }
      lengths.push(length);
      for (const [term, entry] of frequencies) {
        let list = postings.get(term);
        if (!list) postings.set(term, (list = []));
        list.push({ index, frequency: entry.frequency, field: entry.field });
      }
    });
    return new Bm25Index(postings, lengths);
  }

  /** The index as plain data; fromSnapshot(snapshot()) is the same index (terms and postings in the same order). */
  snapshot(): Bm25Snapshot {
    const fields: string[] = [];
    const codes = new Map<string, number>();
    const code = (field: string): number => {
      let value = codes.get(field);
      if (value === undefined) {
        codes.set(field, (value = fields.length));
        fields.push(field);
      }
      return value;
    };
    const terms: string[] = [];
    const postings: number[][] = [];
    for (const [term, list] of this.postings) {
      terms.push(term);
      postings.push(list.flatMap((posting) => [posting.index, posting.frequency, code(posting.field)]));
    }
    return { fields, lengths: [...this.lengths], terms, postings };
  }

  /**
   * The index a snapshot describes, or undefined when it is not one that build() could have made for
   * `cardCount` cards (wrong shape, unknown field, a card out of range, postings out of order, a
   * repeated term...). The caller has already checked which cards and which code it was built from.
   */
  static fromSnapshot(value: unknown, cardCount: number): Bm25Index | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const snapshot = value as Partial<Record<keyof Bm25Snapshot, unknown>>;
    const fields = arrayOf(snapshot.fields);
    const lengths = arrayOf(snapshot.lengths);
    const terms = arrayOf(snapshot.terms);
    const postings = arrayOf(snapshot.postings);
    if (!fields || !lengths || !terms || !postings || terms.length !== postings.length) return undefined;
    const names: string[] = [];
    for (const field of fields) {
      if (typeof field !== 'string' || !FIELD_NAMES.has(field) || names.includes(field)) return undefined;
      names.push(field);
    }
    const counts: number[] = [];
    for (const length of lengths) {
      if (!isCount(length)) return undefined;
      counts.push(length);
    }
    if (counts.length !== cardCount) return undefined;
    const map = new Map<string, Posting[]>();
    for (let position = 0; position < terms.length; position++) {
      const term = terms[position];
      const flat = arrayOf(postings[position]);
      if (typeof term !== 'string' || term === '' || map.has(term)) return undefined;
      if (!flat || flat.length === 0 || flat.length % 3 !== 0) return undefined;
      const list: Posting[] = [];
      let previous = -1;
      for (let offset = 0; offset < flat.length; offset += 3) {
        const index = flat[offset];
        const frequency = flat[offset + 1];
        const field = flat[offset + 2];
        if (typeof index !== 'number' || !Number.isInteger(index) || index <= previous || index >= cardCount) return undefined;
        if (!isCount(frequency) || frequency === 0) return undefined;
        if (typeof field !== 'number' || !Number.isInteger(field) || field < 0 || field >= names.length) return undefined;
        previous = index;
        list.push({ index, frequency, field: names[field]! });
      }
      map.set(term, list);
    }
    return new Bm25Index(map, counts);
  }

  /** Number of cards indexed. */
  get size(): number {
    return this.lengths.length;
  }

  /** Scores the cards (optionally only `allowed` ones) against already-analysed query terms; best first, zero scores left out. */
  search(queryTerms: readonly string[], allowed?: ReadonlySet<number>): Bm25Hit[] {
    const total = this.lengths.length;
    const hits = new Map<number, Bm25Hit>();
    for (const term of new Set(queryTerms)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (total - list.length + 0.5) / (list.length + 0.5));
      for (const posting of list) {
        if (allowed && !allowed.has(posting.index)) continue;
        const length = this.lengths[posting.index]!;
        const tf = posting.frequency;
        const score = (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / this.averageLength));
        let hit = hits.get(posting.index);
        if (!hit) hits.set(posting.index, (hit = { index: posting.index, score: 0, matched: [] }));
        hit.score += score;
        hit.matched.push({ term, field: posting.field });
      }
    }
    return [...hits.values()].sort((a, b) => b.score - a.score || a.index - b.index);
  }
}
