/**
 * The lexical embedder: deterministic, offline, always available. Stems, vocabulary expansions
 * (bounce -> restart, po -> pod), word bigrams and character trigrams are feature-hashed into a
 * fixed number of dimensions and L2-normalised, so inner product is cosine similarity.
 */
import type { Embedder } from '../contracts/ports.js';
import { analyze } from './text-analysis.js';
import { estimateTokens } from './token-budget.js';

/** Bumped whenever features or weights change, so persisted indexes built by an older version are rebuilt. */
const LEXICAL_VERSION = 1;

/** Feature weights, tuned on test/fixtures/retrieval-set.yaml. */
const WEIGHTS = {
  stem: 1,
  expansion: 1,
  bigram: 0.5,
  trigram: 0.25,
} as const;

/** 32-bit FNV-1a: fast, stable across platforms and Node versions. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** L2-normalises a vector in place (a zero vector stays zero) and returns it. */
export function normalizeVector(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  if (sum === 0) return vector;
  const scale = 1 / Math.sqrt(sum);
  for (let index = 0; index < vector.length; index++) vector[index]! *= scale;
  return vector;
}

/** Options of the lexical embedder. */
export interface LexicalEmbedderOptions {
  /** Number of hashed dimensions (default 1024). */
  dimensions?: number;
}

/** Feature-hashing embedder over stems, expansions, bigrams and character trigrams. */
export class LexicalEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;

  constructor(options: LexicalEmbedderOptions = {}) {
    this.dimensions = options.dimensions ?? 1024;
    if (!Number.isInteger(this.dimensions) || this.dimensions < 16) throw new RangeError('dimensions must be an integer >= 16');
    this.id = `lexical-v${LEXICAL_VERSION}-${this.dimensions}`;
  }

  /** Embeds one text synchronously (the lexical path never needs to wait). */
  embedOne(text: string): Float32Array {
    const vector = new Float32Array(this.dimensions);
    const add = (feature: string, weight: number) => {
      const hash = fnv1a(feature);
      // The sign bit spreads collisions around zero instead of letting them pile up.
      vector[hash % this.dimensions]! += hash & 0x80000000 ? -weight : weight;
    };
    const analysis = analyze(text);
    for (const stem of analysis.stems) add(`w:${stem}`, WEIGHTS.stem);
    for (const term of analysis.expansions) add(`w:${term}`, WEIGHTS.expansion);
    for (let index = 0; index + 1 < analysis.stems.length; index++) {
      add(`b:${analysis.stems[index]} ${analysis.stems[index + 1]}`, WEIGHTS.bigram);
    }
    for (const word of analysis.words) {
      if (word.length < 3) continue;
      const padded = `^${word}$`;
      for (let index = 0; index + 3 <= padded.length; index++) add(`c:${padded.slice(index, index + 3)}`, WEIGHTS.trigram);
    }
    return normalizeVector(vector);
  }

  /** Embeds texts; honours an abort between texts. */
  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (const text of texts) {
      signal?.throwIfAborted();
      vectors.push(this.embedOne(text));
    }
    return vectors;
  }

  /** The documented estimate (see token-budget.ts): no tokenizer is loaded on the lexical path. */
  countTokens(text: string): number {
    return estimateTokens(text);
  }
}
