/**
 * BM25 over the cards' weighted fields: a weighted term frequency per card (a match in the intent
 * or title counts more than one in the description), Okapi saturation and length normalisation.
 */
import type { Card } from '../schemas/card.js';
import { cardFields } from './card-document.js';
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

/** An inverted index over card fields. */
export class Bm25Index {
  private readonly postings = new Map<string, Posting[]>();
  private readonly lengths: number[] = [];
  private readonly averageLength: number;
  /** Every indexed term (for typo correction against the corpus). */
  readonly vocabulary: ReadonlySet<string>;

  constructor(cards: readonly Card[]) {
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
      this.lengths.push(length);
      for (const [term, entry] of frequencies) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push({ index, frequency: entry.frequency, field: entry.field });
      }
    });
    this.averageLength = this.lengths.length === 0 ? 1 : this.lengths.reduce((sum, value) => sum + value, 0) / this.lengths.length;
    this.vocabulary = new Set(this.postings.keys());
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
