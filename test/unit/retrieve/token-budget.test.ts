import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCards } from '../../../src/corpus/load-cards.js';
import { packageRoot } from '../../../src/config/paths.js';
import { estimateTokens, fitSnippets, renderSnippet, truncateToTokens } from '../../../src/retrieve/token-budget.js';
import { makeCard, sampleCards, TOKENIZER_DIR } from './fixtures.js';

describe('estimateTokens', () => {
  it.each([
    ['', 0],
    ['pod', 2],
    ['deployment', 4],
    ['{{name}}', 6],
    ['kubectl get pods -n prod', 9],
    ['a b c', 4],
    ['Rolling restart of a deployment', 11],
  ])('%j -> %i', (text, expected) => {
    expect(estimateTokens(text)).toBe(expected);
  });
});

describe('the estimate against the real all-MiniLM-L6-v2 tokenizer', () => {
  let count: (text: string) => number;
  beforeAll(async () => {
    const { AutoTokenizer } = await import('@huggingface/transformers');
    const tokenizer = await AutoTokenizer.from_pretrained(TOKENIZER_DIR);
    count = (text) => tokenizer.encode(text, { add_special_tokens: false }).length;
  });

  it('never undercounts a card snippet of the real corpus (the budget errs on the safe side)', () => {
    const { cards } = loadCards(path.join(packageRoot(), 'cards'));
    expect(cards.length).toBeGreaterThan(0);
    for (const card of cards) {
      for (const detail of [0, 3] as const) {
        const snippet = renderSnippet(card, detail);
        expect(estimateTokens(snippet), card.id).toBeGreaterThanOrEqual(count(snippet));
      }
    }
  });
});

describe('renderSnippet', () => {
  const card = makeCard({ id: 'logs-pod', intent: 'logs', resource: 'pod', description: 'Prints the logs.', notes: ['Use --previous after a crash.'], examples: ['one', 'two', 'three'] });

  it('shows everything at detail 0 and gets shorter with each level', () => {
    const lengths = ([0, 1, 2, 3] as const).map((detail) => renderSnippet(card, detail).length);
    expect(renderSnippet(card, 0)).toContain('notes: Use --previous after a crash.');
    expect(renderSnippet(card, 0)).toContain('command: kubectl logs pod {{name}} -n {{namespace}}');
    expect(renderSnippet(card, 3)).not.toContain('Prints the logs.');
    for (let index = 1; index < lengths.length; index++) expect(lengths[index]).toBeLessThan(lengths[index - 1]!);
  });

  it('always keeps the id, the command and the parameters', () => {
    const compact = renderSnippet(card, 3);
    expect(compact).toContain('[logs-pod]');
    expect(compact).toContain('command: kubectl');
    expect(compact).toContain('params: namespace (name, required); name (name, required)');
  });
});

describe('fitSnippets', () => {
  it('leaves everything at full detail when it fits', () => {
    const fitted = fitSnippets(sampleCards().slice(0, 3), { countTokens: estimateTokens });
    expect(fitted.map((entry) => entry.detail)).toEqual([0, 0, 0]);
  });

  it('shrinks the lowest-ranked first', () => {
    const cards = sampleCards().slice(0, 3);
    const full = cards.map((card) => estimateTokens(renderSnippet(card, 0)));
    const budget = full.reduce((sum, value) => sum + value, 0) - 5;
    const fitted = fitSnippets(cards, { countTokens: estimateTokens, budget });
    expect(fitted[0]!.detail).toBe(0);
    expect(fitted[2]!.detail).toBeGreaterThan(0);
    expect(fitted.reduce((sum, entry) => sum + entry.tokens, 0)).toBeLessThanOrEqual(budget);
  });

  it('drops lower-ranked cards before cutting, down to the minimum', () => {
    const cards = sampleCards().slice(0, 4);
    const compact = cards.map((card) => estimateTokens(renderSnippet(card, 3)));
    const budget = compact[0]! + compact[1]! + 2;
    const fitted = fitSnippets(cards, { countTokens: estimateTokens, budget, minimumCards: 2 });
    expect(fitted.map((entry) => entry.card.id)).toEqual(cards.slice(0, 2).map((card) => card.id));
    expect(fitted.every((entry) => !entry.truncated)).toBe(true);
  });

  it('cuts snippets as a last resort and never exceeds the budget', () => {
    const huge = makeCard({ id: 'huge', intent: 'get', resource: 'pod', title: 'x '.repeat(400) });
    const fitted = fitSnippets([huge, sampleCards()[0]!], { countTokens: estimateTokens, budget: 100 });
    expect(fitted.reduce((sum, entry) => sum + entry.tokens, 0)).toBeLessThanOrEqual(100);
    expect(fitted.some((entry) => entry.truncated)).toBe(true);
    expect(fitted[0]!.snippet.startsWith('[huge]')).toBe(true);
  });
});

describe('truncateToTokens', () => {
  it('cuts on a word boundary and marks the cut', () => {
    const text = 'one two three four five six seven eight';
    const cut = truncateToTokens(text, 6, estimateTokens);
    expect(cut).toBe('one two three …');
    expect(estimateTokens(cut)).toBeLessThanOrEqual(6);
    expect(truncateToTokens(text, 100, estimateTokens)).toBe(text);
  });
});
