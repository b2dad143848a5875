/**
 * Hybrid search over the cards: dense (usearch) and BM25 rankings fused with reciprocal rank
 * fusion, hard filters on intent and resource (relaxed with a note when they leave nothing),
 * then 2-4 snippets fitted into the token budget, each with its score and why it matched.
 */
import { InputError } from '../errors.js';
import type { CardMatch } from '../contracts/events.js';
import type { Embedder, RetrieveQuery, RetrieveResult, Retriever } from '../contracts/ports.js';
import type { Card } from '../schemas/card.js';
import { INTENTS, RESOURCES, isIntent, normalizeResource, type Intent, type Resource } from '../schemas/vocabulary.js';
import { Bm25Index } from './bm25.js';
import type { CardIndex, IndexRefusal } from './card-index.js';
import { analyze } from './text-analysis.js';
import { typoCorrectorFor } from './text-index.js';
import { estimateTokens, fitSnippets, SNIPPET_TOKEN_BUDGET } from './token-budget.js';
import type { TypoCorrection, TypoCorrector } from './typo-correction.js';
import { ownValue } from '../own-property.js';

/** Reciprocal rank fusion constant: the usual 60 flattens a short list too much; 10 keeps the top ranks decisive. */
const RRF_K = 10;
/** Cards returned when the query does not say. */
export const DEFAULT_LIMIT = 3;
/** At most this many cards per retrieval. */
export const MAX_LIMIT = 4;
/** Dense candidates fetched when no filter applies (the whole index when one does). */
const DENSE_CANDIDATES = 64;

/** How the index behind a retriever was obtained. */
export interface IndexStatus {
  /** 'cache': loaded from disk; 'built': embedded now. */
  source: 'cache' | 'built';
  /** Why the persisted index was not used, when it was built. */
  refusal?: IndexRefusal;
  /** Folder of the persisted index (undefined when persistence is off). */
  directory?: string;
  /** Whether a freshly built index was written to disk. */
  persisted: boolean;
  /** Why persisting failed (the retriever still works from memory). */
  persistError?: string;
  /** Time spent embedding and building (0 when loaded). */
  buildMs: number;
  /** Time from start to a usable index. */
  readyMs: number;
  /** How the text index (BM25 and the typo corrector) was obtained; createRetriever says when it persists one. */
  textIndex?: TextIndexStatus;
}

/** How the text index behind a retriever was obtained (text-index.ts). */
export interface TextIndexStatus {
  /** 'cache': read from text-index.json next to the index; 'built': the cards analysed now. */
  source: 'cache' | 'built';
  /** Why the persisted text index was not used, when it was built. */
  refusal?: IndexRefusal;
  /** Whether a freshly built text index was written to disk. */
  persisted: boolean;
  /** Why persisting it failed (the retriever still works from memory). */
  persistError?: string;
}

/** What a retriever is built from. */
export interface CardRetrieverOptions {
  cards: readonly Card[];
  embedder: Embedder;
  index: CardIndex;
  /** The BM25 index over these cards (text-index.ts loads a persisted one); built from the cards when absent. */
  bm25?: Bm25Index;
  /** The typo corrector for these cards (likewise); built from the cards on the first request with words when absent. */
  typos?: TypoCorrector;
  status: IndexStatus;
  /** Snippet token budget (default 1,200). */
  budget?: number;
}

interface ParsedQuery {
  intent?: Intent;
  resource?: Resource;
  text: string;
  limit: number;
}

function parseQuery(query: RetrieveQuery): ParsedQuery {
  const parsed: ParsedQuery = { text: query.query?.trim() ?? '', limit: query.limit ?? DEFAULT_LIMIT };
  if (query.intent !== undefined && query.intent.trim() !== '') {
    const intent = query.intent.trim().toLowerCase();
    if (!isIntent(intent)) throw new InputError(`intent "${query.intent}" is not known`, { hint: `use one of: ${INTENTS.join(', ')}` });
    parsed.intent = intent;
  }
  if (query.resource !== undefined && query.resource.trim() !== '') {
    const resource = normalizeResource(query.resource);
    if (!resource) {
      throw new InputError(`resource "${query.resource}" is not known`, { hint: `use one of: ${RESOURCES.join(', ')} (or a kubectl alias such as deploy, po, svc)` });
    }
    parsed.resource = resource;
  }
  if (!Number.isInteger(parsed.limit) || parsed.limit < 1 || parsed.limit > MAX_LIMIT) {
    throw new InputError(`limit ${String(query.limit)} is out of range`, { hint: `ask for 1 to ${MAX_LIMIT} cards` });
  }
  if (parsed.text === '' && !parsed.intent && !parsed.resource) {
    throw new InputError('nothing to search for', { hint: 'give an intent, a resource or a query, e.g. --intent restart --resource deployment' });
  }
  return parsed;
}

/** The retriever over one corpus: built once, queried many times. */
export class CardRetriever implements Retriever {
  readonly embedderId: string;
  readonly status: IndexStatus;
  private readonly cards: readonly Card[];
  private readonly embedder: Embedder;
  private readonly index: CardIndex;
  private readonly bm25: Bm25Index;
  /** From the persisted text index, else built on the first request with words (a request from a form or picker has none to correct). */
  private corrector: TypoCorrector | undefined;
  private readonly budget: number;
  private readonly countTokens: (text: string) => number;

  constructor(options: CardRetrieverOptions) {
    if (options.index.size !== options.cards.length) throw new Error('the index and the cards disagree; rebuild the index');
    if (options.bm25 && options.bm25.size !== options.cards.length) throw new Error('the BM25 index and the cards disagree; rebuild the index');
    this.cards = options.cards;
    this.embedder = options.embedder;
    this.embedderId = options.embedder.id;
    this.index = options.index;
    this.status = options.status;
    this.bm25 = options.bm25 ?? Bm25Index.build(options.cards);
    this.corrector = options.typos;
    this.budget = options.budget ?? SNIPPET_TOKEN_BUDGET;
    this.countTokens = options.embedder.countTokens ? options.embedder.countTokens.bind(options.embedder) : estimateTokens;
  }

  private typoCorrector(): TypoCorrector {
    this.corrector ??= typoCorrectorFor(this.cards);
    return this.corrector;
  }

  /** Number of cards searchable. */
  get size(): number {
    return this.cards.length;
  }

  /** Finds the cards that fit a request. Throws InputError for an unknown intent/resource or an empty query. */
  async retrieve(query: RetrieveQuery, signal?: AbortSignal): Promise<RetrieveResult> {
    signal?.throwIfAborted();
    const parsed = parseQuery(query);
    const notes: string[] = [];
    const candidates = this.filter(parsed, notes);
    if (candidates.length === 0) return { matches: [], notes: [...notes, 'there are no cards to search'], embedder: this.embedderId };

    const corrections = parsed.text === '' ? [] : this.typoCorrector().correct(parsed.text);
    const searchText = [parsed.text, ...corrections.map((correction) => correction.readAs), parsed.intent, parsed.resource]
      .filter((part) => part !== undefined && part !== '')
      .join(' ');
    const analysis = analyze(searchText);
    const allowed = candidates.length === this.cards.length ? undefined : new Set(candidates);

    const [queryVector] = await this.embedder.embed([searchText], signal);
    signal?.throwIfAborted();
    const denseHits = this.index
      .search(queryVector!, allowed ? this.index.size : DENSE_CANDIDATES)
      .filter((hit) => !allowed || allowed.has(hit.index));
    const lexicalHits = this.bm25.search([...analysis.stems, ...analysis.expansions], allowed);

    const fused = new Map<number, { rrf: number; similarity?: number; bm25?: (typeof lexicalHits)[number]; followUpOf?: string }>();
    denseHits.forEach((hit, rank) => {
      fused.set(hit.index, { rrf: 1 / (RRF_K + rank + 1), similarity: hit.similarity });
    });
    lexicalHits.forEach((hit, rank) => {
      const entry = fused.get(hit.index) ?? { rrf: 0 };
      entry.rrf += 1 / (RRF_K + rank + 1);
      entry.bm25 = hit;
      fused.set(hit.index, entry);
    });
    const best = 2 / (RRF_K + 1);
    const ranked = [...fused.entries()]
      .sort((a, b) => b[1].rrf - a[1].rrf || (b[1].similarity ?? -1) - (a[1].similarity ?? -1) || a[0] - b[0])
      .slice(0, parsed.limit);

    // The planner gets 2-4 cards. When the filters leave one card (restart + deployment), the second
    // is its follow-up (restart -> rollout status): context for the planner, never a better match.
    const minimum = Math.min(2, parsed.limit);
    if (ranked.length > 0 && ranked.length < minimum) {
      const top = this.cards[ranked[0]![0]]!;
      const chosen = new Set(ranked.map(([index]) => index));
      for (const id of top.follow_up) {
        const index = this.cards.findIndex((card) => card.id === id);
        if (index < 0 || chosen.has(index) || ranked.length >= minimum) continue;
        chosen.add(index);
        ranked.push([index, { rrf: ranked[0]![1].rrf / 2, followUpOf: top.id }]);
      }
    }

    const budgeted = fitSnippets(
      ranked.map(([index]) => this.cards[index]!),
      { budget: this.budget, countTokens: this.countTokens, minimumCards: Math.min(2, ranked.length) },
    );
    if (budgeted.length < ranked.length) notes.push(`${ranked.length - budgeted.length} lower-ranked card(s) left out to fit the ${this.budget}-token budget`);
    const matches: CardMatch[] = budgeted.map((entry, position) => {
      const [, scores] = ranked[position]!;
      return {
        id: entry.card.id,
        card: entry.card,
        score: Math.round(Math.min(1, scores.rrf / best) * 1000) / 1000,
        why: scores.followUpOf
          ? [`follow-up of ${scores.followUpOf} (context; the filters left one card)`]
          : explain(entry.card, parsed, analysis, corrections, scores.bm25?.matched ?? [], scores.similarity),
        snippet: entry.snippet,
        tokens: entry.tokens,
      };
    });
    return { matches, notes, embedder: this.embedderId };
  }

  /** Card positions passing the hard filters, relaxing them (with a note) when they leave nothing. */
  private filter(parsed: ParsedQuery, notes: string[]): number[] {
    const all = this.cards.map((_, index) => index);
    const where = (predicate: (card: Card) => boolean) => all.filter((index) => predicate(this.cards[index]!));
    const { intent, resource } = parsed;
    if (intent && resource) {
      const both = where((card) => card.intent === intent && card.resource === resource);
      if (both.length > 0) return both;
      const byIntent = where((card) => card.intent === intent);
      if (byIntent.length > 0) {
        notes.push(`no card for intent=${intent} resource=${resource}; showing ${intent} cards for other resources`);
        return byIntent;
      }
      const byResource = where((card) => card.resource === resource);
      if (byResource.length > 0) {
        notes.push(`no card for intent=${intent}; showing other ${resource} cards`);
        return byResource;
      }
      notes.push(`no card for intent=${intent} or resource=${resource}; showing the closest cards`);
      return all;
    }
    if (intent) {
      const byIntent = where((card) => card.intent === intent);
      if (byIntent.length > 0) return byIntent;
      notes.push(`no card for intent=${intent}; showing the closest cards`);
      return all;
    }
    if (resource) {
      const byResource = where((card) => card.resource === resource);
      if (byResource.length > 0) return byResource;
      notes.push(`no card for resource=${resource}; showing the closest cards`);
      return all;
    }
    return all;
  }
}

const FIELD_LABELS: Readonly<Record<string, string>> = {
  intent: 'intent',
  resource: 'resource',
  title: 'title',
  keywords: 'keyword',
  examples: 'example request',
  description: 'description',
};

/** Human-readable reasons a card matched, most telling first, at most five. */
function explain(
  card: Card,
  parsed: ParsedQuery,
  analysis: ReturnType<typeof analyze>,
  corrections: readonly TypoCorrection[],
  matched: readonly { term: string; field: string }[],
  similarity: number | undefined,
): string[] {
  const reasons: string[] = [];
  const matchedTerms = new Set(matched.map((entry) => entry.term));
  if (parsed.intent === card.intent) reasons.push(`intent matches (${card.intent})`);
  else if (matchedTerms.has(analyze(card.intent).stems[0] ?? card.intent)) reasons.push(`asks to ${card.intent}`);
  if (parsed.resource === card.resource) reasons.push(`resource matches (${card.resource})`);
  else if (matchedTerms.has(analyze(card.resource).stems[0] ?? card.resource)) reasons.push(`mentions ${card.resource}`);
  for (const hit of analysis.hits) {
    if (hit.terms.some((term) => matchedTerms.has(term))) reasons.push(`"${hit.phrase}" means ${hit.terms.join('/')}`);
  }
  for (const correction of corrections) {
    if (analyze(correction.readAs).stems.some((term) => matchedTerms.has(term))) reasons.push(`"${correction.typed}" read as "${correction.readAs}"`);
  }
  // Map stems back to the words the user typed, for readable keyword reasons.
  const typed = new Map<string, string>();
  for (const word of analysis.words) {
    const stems = analyze(word).stems;
    if (stems[0] !== undefined && !typed.has(stems[0])) typed.set(stems[0], word);
  }
  for (const entry of matched) {
    if (entry.field === 'intent' || entry.field === 'resource') continue;
    const word = typed.get(entry.term);
    if (word !== undefined) reasons.push(`${ownValue(FIELD_LABELS, entry.field) ?? entry.field}: ${word}`);
  }
  if (similarity !== undefined && similarity > 0) reasons.push(`similar wording (cosine ${similarity.toFixed(2)})`);
  return [...new Set(reasons)].slice(0, 5);
}
