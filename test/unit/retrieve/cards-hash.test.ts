/** hashCards and its hand-over from the card cache (rememberCardsHash / cardsHashOf). */
import { describe, expect, it } from 'vitest';
import { cardsHashOf, hashCards, rememberCardsHash } from '../../../src/retrieve/cards-hash.js';
import { makeCard, sampleCards } from './fixtures.js';

const OTHER_HASH = 'f'.repeat(64);

describe('hashCards', () => {
  it('does not depend on the order of the cards, whatever their ids', () => {
    // Ids whose locale order is not their code-unit order.
    const cards = ['b', 'a-b', 'ab', 'a1', 'a-1', 'a', 'z9', 'z10'].map((id) => makeCard({ id, intent: 'get', resource: 'pod' }));
    expect(hashCards([...cards].reverse())).toBe(hashCards(cards));
    expect(hashCards([cards[3]!, cards[0]!, ...cards.slice(4), cards[1]!, cards[2]!])).toBe(hashCards(cards));
    expect(hashCards(cards.slice(1))).not.toBe(hashCards(cards));
  });
});

describe('cardsHashOf', () => {
  it('hashes arrays nobody handed a hash over for', () => {
    const cards = sampleCards();
    expect(cardsHashOf(cards)).toBe(hashCards(cards));
  });

  it('answers the handed-over hash for that very array while it holds the same cards', () => {
    const cards = sampleCards();
    rememberCardsHash(cards, OTHER_HASH);
    expect(cardsHashOf(cards)).toBe(OTHER_HASH);
    // A copy, even of the same cards, is another array: hashed.
    expect(cardsHashOf([...cards])).toBe(hashCards(cards));
  });

  it.each<[string, (cards: ReturnType<typeof sampleCards>) => void]>([
    ['a card added', (cards) => cards.push(makeCard({ id: 'top-pod', intent: 'top', resource: 'pod' }))],
    ['a card removed', (cards) => cards.pop()],
    ['a card replaced', (cards) => (cards[0] = { ...cards[0]!, title: 'Another title' })],
    ['the cards reordered', (cards) => cards.reverse()],
  ])('hashes again after %s', (_label, change) => {
    const cards = sampleCards();
    rememberCardsHash(cards, OTHER_HASH);
    change(cards);
    expect(cardsHashOf(cards)).toBe(hashCards(cards));
  });
});
