/**
 * Typo correction against the corpus: a query word the cards never use ("restrat", "deploymnet")
 * is read as the closest word they do use, within one edit (two for long words). The correction
 * is added next to the original word, never substituted, so a name like "payments" is not lost.
 */
import { editDistance, isStopword, stem, vocabularyWords, words } from './text-analysis.js';

/** One correction: what was typed and what it was read as. */
export interface TypoCorrection {
  typed: string;
  readAs: string;
}

/** Words shorter than this are never corrected: "prod" must not become "pod". */
const MINIMUM_LENGTH = 5;
/** Four-letter words are corrected only for swapped letters ("lgos" -> "logs"), which never turns "prod" into "pod". */
const TRANSPOSITION_LENGTH = 4;

/** True when b is a with two adjacent letters swapped. */
function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  const differences: number[] = [];
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) differences.push(index);
  const [first, second] = differences;
  return differences.length === 2 && second === first! + 1 && a[first!] === b[second] && a[second] === b[first!];
}

/**
 * A corrector as plain data, for persisting it (text-index.ts): the known words with how often each
 * occurs, in the order they were first seen (ties go to the first), and their stems.
 */
export interface TypoSnapshot {
  known: Array<[string, number]>;
  stems: string[];
}

/** Corrects query words against the words of a corpus. */
export class TypoCorrector {
  private readonly cache = new Map<string, string | null>();

  private constructor(
    private readonly known: Map<string, number>,
    private readonly knownStems: Set<string>,
  ) {}

  /** `texts`: every searchable text of the corpus. */
  static fromTexts(texts: Iterable<string>): TypoCorrector {
    const known = new Map<string, number>();
    for (const text of texts) {
      for (const word of words(text)) {
        if (word.length >= 3 && !/^[0-9]+$/.test(word)) known.set(word, (known.get(word) ?? 0) + 1);
      }
    }
    for (const word of vocabularyWords()) known.set(word, (known.get(word) ?? 0) + 1);
    const knownStems = new Set<string>();
    for (const word of known.keys()) knownStems.add(stem(word));
    return new TypoCorrector(known, knownStems);
  }

  /** The corrector as plain data; fromSnapshot(snapshot()) corrects exactly as this one does. */
  snapshot(): TypoSnapshot {
    return { known: [...this.known], stems: [...this.knownStems] };
  }

  /** The corrector a snapshot describes, or undefined when it is not of the right shape (the caller checked whose it is). */
  static fromSnapshot(value: unknown): TypoCorrector | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const { known, stems } = value as Partial<Record<keyof TypoSnapshot, unknown>>;
    if (!Array.isArray(known) || !Array.isArray(stems)) return undefined;
    const knownWords = new Map<string, number>();
    for (const entry of known as readonly unknown[]) {
      if (!Array.isArray(entry) || entry.length !== 2) return undefined;
      const [word, count] = entry as readonly unknown[];
      if (typeof word !== 'string' || word === '' || knownWords.has(word)) return undefined;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) return undefined;
      knownWords.set(word, count);
    }
    const knownStems = new Set<string>();
    for (const entry of stems as readonly unknown[]) {
      if (typeof entry !== 'string' || knownStems.has(entry)) return undefined;
      knownStems.add(entry);
    }
    if (knownStems.size > knownWords.size) return undefined;
    return new TypoCorrector(knownWords, knownStems);
  }

  /** The closest known word, or undefined when the word is known or nothing is close enough. */
  correctWord(word: string): string | undefined {
    if (word.length < TRANSPOSITION_LENGTH || isStopword(word) || /[0-9]/.test(word) || this.knownStems.has(stem(word))) return undefined;
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached ?? undefined;
    const limit = word.length >= 8 ? 2 : 1;
    let best: { word: string; distance: number; frequency: number } | undefined;
    for (const [candidate, frequency] of this.known) {
      if (Math.abs(candidate.length - word.length) > limit) continue;
      if (word.length < MINIMUM_LENGTH && !isTransposition(word, candidate)) continue;
      const distance = editDistance(word, candidate, limit);
      if (distance > limit) continue;
      if (!best || distance < best.distance || (distance === best.distance && frequency > best.frequency)) {
        best = { word: candidate, distance, frequency };
      }
    }
    // Bounded: a long-running server sees an open-ended stream of words.
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(word, best?.word ?? null);
    return best?.word;
  }

  /** Every correction in a text. */
  correct(text: string): TypoCorrection[] {
    const corrections: TypoCorrection[] = [];
    for (const word of new Set(words(text))) {
      const readAs = this.correctWord(word);
      if (readAs !== undefined) corrections.push({ typed: word, readAs });
    }
    return corrections;
  }
}
