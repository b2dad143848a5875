/**
 * The hash of a corpus that persisted indexes are checked against, and a hand-over of it: the card
 * cache computes it once, when it writes the cache, and gives it with the cards it returns, so a
 * cached start does not serialise and hash every card again to check the index manifests.
 */
import { createHash } from 'node:crypto';
import type { Card } from '../schemas/card.js';
import { CARD_DOCUMENT_VERSION } from './card-document.js';

/** Orders ids by UTF-16 code units: the same on every machine (localeCompare follows the locale, and its first call costs ~5 ms). */
function byId(a: Card, b: Card): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A hash of everything that shapes the index: the cards' content and how documents are built (not the cards' order). */
export function hashCards(cards: readonly Card[]): string {
  const hash = createHash('sha256');
  hash.update(`doc-v${CARD_DOCUMENT_VERSION}\n`);
  for (const card of [...cards].sort(byId)) hash.update(`${JSON.stringify(card)}\n`);
  return hash.digest('hex');
}

/** Hashes handed over with the arrays they were computed for, and the cards each array held then. */
const handedOver = new WeakMap<readonly Card[], { hash: string; cards: readonly Card[] }>();

/**
 * Records `hash` as hashCards(cards) for this very array (the card cache, which computed it when it
 * wrote the cards). The cards are treated as read-only from then on, as everywhere once loaded.
 */
export function rememberCardsHash(cards: readonly Card[], hash: string): void {
  handedOver.set(cards, { hash, cards: [...cards] });
}

/**
 * hashCards(cards): the handed-over hash when `cards` is an array the card cache returned and it still
 * holds the same card objects in the same order; computed otherwise (cards from anywhere else).
 */
export function cardsHashOf(cards: readonly Card[]): string {
  const known = handedOver.get(cards);
  if (known && known.cards.length === cards.length && known.cards.every((card, index) => card === cards[index])) return known.hash;
  return hashCards(cards);
}
