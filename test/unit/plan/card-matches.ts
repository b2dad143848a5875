/** CardMatch fixtures built from the real cards in cards/ (the planner tests share them). */
import path from 'node:path';
import { loadCards } from '../../../src/corpus/load-cards.js';
import type { CardMatch } from '../../../src/contracts/events.js';
import type { Card } from '../../../src/schemas/card.js';

const corpus = loadCards(path.resolve(import.meta.dirname, '../../../cards'));

/** A real card by id (throws when the corpus does not have it). */
export function realCard(id: string): Card {
  const card = corpus.cards.find((candidate) => candidate.id === id);
  if (!card) throw new Error(`card ${id} is not in cards/ (have: ${corpus.cards.map((c) => c.id).join(', ')})`);
  return card;
}

/** A CardMatch for a card, as the retriever would give it (score falls with rank). */
export function matchOf(card: Card, rank = 0): CardMatch {
  const snippet = `${card.title}. ${card.description}`;
  return { id: card.id, card, score: 1 - rank * 0.1, why: ['fixture'], snippet, tokens: Math.ceil(snippet.length / 4) };
}

/** Matches for real cards by id, ranked in the given order. */
export function matchesOf(...ids: string[]): CardMatch[] {
  return ids.map((id, rank) => matchOf(realCard(id), rank));
}

/** The path of the only real LLM the tests may use. */
export const STORIES_MODEL = path.resolve(import.meta.dirname, '../../fixtures/models/stories260K/stories260K.gguf');
