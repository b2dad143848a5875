/** loadCardsCached: the same result as loadCards, from the cache only while every card file is unchanged. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCardsCached } from '../../../src/corpus/card-cache.js';
import { loadCards } from '../../../src/corpus/load-cards.js';
import { cardsHashOf, hashCards } from '../../../src/retrieve/cards-hash.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const scratch: string[] = [];

function workspace(): { cards: string; cache: string } {
  const directory = mkdtempSync(path.join(tmpdir(), 'rk8s-card-cache-'));
  scratch.push(directory);
  const cards = path.join(directory, 'cards');
  cpSync(path.join(root, 'cards'), cards, { recursive: true });
  return { cards, cache: path.join(directory, 'cache') };
}

afterEach(() => {
  for (const directory of scratch.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('loadCardsCached', () => {
  it('loads from the YAML first, then from the cache, with the same cards', () => {
    const { cards, cache } = workspace();
    const first = loadCardsCached(cards, cache);
    const second = loadCardsCached(cards, cache);
    expect(first.cache).toBe('miss');
    expect(second.cache).toBe('hit');
    expect(second.cards).toEqual(loadCards(cards).cards);
    expect([...second.files]).toEqual([...loadCards(cards).files]);
    expect(second.problems).toEqual([]);
  });

  it('hands over hashCards() of the cards it returns, so the index check does not hash them again', () => {
    const { cards, cache } = workspace();
    const first = loadCardsCached(cards, cache);
    const expected = hashCards(loadCards(cards).cards);
    expect(cardsHashOf(first.cards)).toBe(expected);
    const stored = JSON.parse(readFileSync(path.join(cache, 'cards.json'), 'utf8')) as { cardsHash: string };
    expect(stored.cardsHash).toBe(expected);
    const second = loadCardsCached(cards, cache);
    expect(second.cache).toBe('hit');
    expect(hashCards(second.cards)).toBe(expected);
    expect(cardsHashOf(second.cards)).toBe(expected);
    // It is the stored hash that is handed over (not one computed again)...
    writeFileSync(path.join(cache, 'cards.json'), JSON.stringify({ ...JSON.parse(readFileSync(path.join(cache, 'cards.json'), 'utf8')), cardsHash: 'e'.repeat(64) }));
    const third = loadCardsCached(cards, cache);
    expect(third.cache).toBe('hit');
    expect(cardsHashOf(third.cards)).toBe('e'.repeat(64));
    // ...and only while the array holds the cards it was returned with.
    third.cards.pop();
    expect(cardsHashOf(third.cards)).toBe(hashCards(third.cards));
  });

  it('treats a cache without a valid cards hash as a miss', () => {
    const { cards, cache } = workspace();
    loadCardsCached(cards, cache);
    const document = JSON.parse(readFileSync(path.join(cache, 'cards.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(cache, 'cards.json'), JSON.stringify({ ...document, cardsHash: 'not a hash' }));
    const loaded = loadCardsCached(cards, cache);
    expect(loaded.cache).toBe('miss');
    expect(cardsHashOf(loaded.cards)).toBe(hashCards(loaded.cards));
  });

  it('reads the YAML again when a card changes, is added or is removed', () => {
    const { cards, cache } = workspace();
    loadCardsCached(cards, cache);
    const file = path.join(cards, 'deployment', 'scale-deployment.yaml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace(/^title: .*$/m, 'title: Scale it (edited)'));
    const edited = loadCardsCached(cards, cache);
    expect(edited.cache).toBe('miss');
    expect(edited.cards.find((card) => card.id === 'scale-deployment')?.title).toBe('Scale it (edited)');

    unlinkSync(file);
    const removed = loadCardsCached(cards, cache);
    expect(removed.cache).toBe('miss');
    expect(removed.cards.some((card) => card.id === 'scale-deployment')).toBe(false);

    writeFileSync(path.join(cards, 'deployment', 'scale-deployment-copy.yaml'), original);
    const added = loadCardsCached(cards, cache);
    expect(added.cache).toBe('miss');
    expect(added.cards.some((card) => card.id === 'scale-deployment')).toBe(true);
  });

  it('never caches a corpus with problems, so every problem is reported every time', () => {
    const { cards, cache } = workspace();
    writeFileSync(path.join(cards, 'deployment', 'scale-broken.yaml'), 'id: [unclosed\n');
    for (let attempt = 0; attempt < 2; attempt++) {
      const loaded = loadCardsCached(cards, cache);
      expect(loaded.cache).toBe('uncached');
      expect(loaded.problems.map((problem) => problem.file)).toEqual([expect.stringContaining('scale-broken.yaml')]);
    }
  });

  it('treats a corrupted cache file as a miss', () => {
    const { cards, cache } = workspace();
    loadCardsCached(cards, cache);
    writeFileSync(path.join(cache, 'cards.json'), '{"format":1,"key":');
    const loaded = loadCardsCached(cards, cache);
    expect(loaded.cache).toBe('miss');
    expect(loaded.cards.length).toBe(loadCards(cards).cards.length);
  });

  it('works when the cache cannot be written (only slower)', () => {
    const { cards, cache } = workspace();
    writeFileSync(cache, 'not a directory'); // cannot be created or written, even by root
    const loaded = loadCardsCached(cards, cache);
    expect(loaded.cache).toBe('uncached');
    expect(loaded.cards).toEqual(loadCards(cards).cards);
  });
});
