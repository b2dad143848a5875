import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/config/paths.js';
import { loadCards } from '../../../src/corpus/load-cards.js';
import type { Card } from '../../../src/schemas/card.js';
import { createRetriever } from '../../../src/retrieve/create-retriever.js';
import { evaluateRetrieval, LabelledSetSchema, type LabelledRequest } from '../../../src/retrieve/evaluate.js';
import { LexicalEmbedder } from '../../../src/retrieve/lexical-embedder.js';

const SET_FILE = path.join(packageRoot(), 'test', 'fixtures', 'retrieval-set.yaml');

describe('the labelled retrieval set over the real cards (lexical embedder)', () => {
  let cards: Card[];
  let requests: LabelledRequest[];
  beforeAll(() => {
    cards = loadCards(path.join(packageRoot(), 'cards')).cards;
    requests = LabelledSetSchema.parse(yaml.load(readFileSync(SET_FILE, 'utf8')));
  });

  it('has at least 60 requests of every kind, each naming a card that exists', () => {
    expect(requests.length).toBeGreaterThanOrEqual(60);
    expect(new Set(requests.map((request) => request.kind))).toEqual(new Set(['paraphrase', 'slang', 'typo', 'bare', 'filtered']));
    const ids = new Set(cards.map((card) => card.id));
    const missing = requests.filter((request) => !ids.has(request.expected)).map((request) => request.expected);
    expect(missing, `expected ids missing from cards/: ${[...new Set(missing)].join(', ')}`).toEqual([]);
  });

  it('puts the expected card in the top 3 for at least 90% of requests (recall@3 >= 0.9)', async () => {
    const retriever = await createRetriever({ cards, embedder: new LexicalEmbedder() });
    const evaluation = await evaluateRetrieval(retriever, requests);
    const misses = evaluation.results.filter((entry) => entry.rank === undefined || entry.rank > 3);
    console.log(
      `retrieval set: ${evaluation.count} requests over ${cards.length} cards: recall@1 ${evaluation.recallAt1.toFixed(3)}, ` +
        `recall@3 ${evaluation.recallAt3.toFixed(3)}, MRR ${evaluation.mrr.toFixed(3)}` +
        misses.map((entry) => `\n  miss: "${entry.request.query}" -> ${entry.got.join(', ')} (want ${entry.request.expected})`).join(''),
    );
    expect(evaluation.recallAt3).toBeGreaterThanOrEqual(0.9);
  });
});
