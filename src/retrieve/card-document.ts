/** What of a card is searchable: the same fields feed the dense index and BM25, with field weights. */
import type { Card } from '../schemas/card.js';

/** Bumped when the document layout changes, so persisted indexes are rebuilt. */
export const CARD_DOCUMENT_VERSION = 1;

/** A searchable field of a card and how much a match in it counts. */
export interface CardField {
  name: 'intent' | 'resource' | 'title' | 'keywords' | 'examples' | 'description';
  text: string;
  weight: number;
}

/** Field weights: what a card is (intent, resource, title, keywords) outweighs how it is described. */
const FIELD_WEIGHTS: Readonly<Record<CardField['name'], number>> = {
  intent: 3,
  resource: 3,
  title: 2,
  keywords: 2,
  examples: 1,
  description: 1,
};

/** Every field name. */
export const CARD_FIELD_NAMES = Object.keys(FIELD_WEIGHTS) as readonly CardField['name'][];

/** The searchable fields of a card. */
export function cardFields(card: Card): CardField[] {
  const field = (name: CardField['name'], text: string): CardField => ({ name, text, weight: FIELD_WEIGHTS[name] });
  return [
    field('intent', card.intent),
    field('resource', card.resource),
    field('title', card.title),
    field('keywords', card.keywords.join(', ')),
    field('examples', card.examples.map((example) => example.request).join('. ')),
    field('description', card.description),
  ];
}

/**
 * The one text embedded for a card. Weighted fields are repeated so an embedder that sees plain
 * text (the transformers model) still leans on what the card is rather than on its prose.
 */
export function cardDocument(card: Card): string {
  return cardFields(card)
    .map((field) => Array.from({ length: Math.min(field.weight, 2) }, () => field.text).join('. '))
    .join('.\n');
}
