import path from 'node:path';
import { loadCards } from '../../../src/corpus/load-cards.js';
import { packageRoot } from '../../../src/config/paths.js';
import { cardsFittingRequest } from '../../../src/plan/planner.js';
import type { CardMatch } from '../../../src/contracts/events.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import type { Embedder } from '../../../src/contracts/ports.js';
import { createRetriever } from '../../../src/retrieve/create-retriever.js';
import { LexicalEmbedder } from '../../../src/retrieve/lexical-embedder.js';
import type { CardRetriever } from '../../../src/retrieve/retrieve.js';
import { makeCard, sampleCards } from './fixtures.js';

let retriever: CardRetriever;
beforeAll(async () => {
  retriever = await createRetriever({ cards: sampleCards(), embedder: new LexicalEmbedder() });
});

const ids = async (query: Parameters<CardRetriever['retrieve']>[0]) => (await retriever.retrieve(query)).matches.map((match) => match.id);

describe('retrieve: ranking', () => {
  it.each([
    ['bounce the api deployment', 'restart-deployment'],
    ['give the api more replicas', 'scale-deployment'],
    ['tail the stdout of the web pod', 'logs-pod'],
    ['pod is crashlooping, OOMKilled', 'diagnose-pod'],
    ['evacuate node-3 for maintenance', 'drain-node'],
    ['restrat the deploymnet', 'restart-deployment'],
  ])('%s -> %s first', async (query, expected) => {
    expect((await ids({ query }))[0]).toBe(expected);
  });

  it('returns 2 to 4 matches, best first, scores in 0..1, each saying why', async () => {
    const result = await retriever.retrieve({ query: 'bounce the api deployment' });
    expect(result.matches.length).toBeGreaterThanOrEqual(2);
    expect(result.matches.length).toBeLessThanOrEqual(4);
    const scores = result.matches.map((match) => match.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const match of result.matches) {
      expect(match.score).toBeGreaterThan(0);
      expect(match.score).toBeLessThanOrEqual(1);
      expect(match.why.length).toBeGreaterThan(0);
      expect(match.snippet).toContain(`[${match.id}]`);
    }
    expect(result.matches[0]!.why).toContain('"bounce" means restart');
    expect(result.embedder).toBe(new LexicalEmbedder().id);
  });

  it('honours the limit', async () => {
    expect(await ids({ query: 'deployment', limit: 1 })).toHaveLength(1);
    expect(await ids({ query: 'deployment', limit: 4 })).toHaveLength(4);
  });

  it('explains typo corrections', async () => {
    const [best] = (await retriever.retrieve({ query: 'restrat the deploymnet' })).matches;
    expect(best!.why).toContain('"restrat" read as "restart"');
  });
});

describe('retrieve: filters', () => {
  it('filters hard on intent and resource', async () => {
    const result = await retriever.retrieve({ intent: 'restart', resource: 'statefulset', query: 'bounce the deployment' });
    expect(result.matches.map((match) => match.id)).toEqual(['restart-statefulset']);
    expect(result.notes).toEqual([]);
    expect(result.matches[0]!.why).toEqual(expect.arrayContaining(['intent matches (restart)', 'resource matches (statefulset)']));
  });

  it('accepts kubectl spellings of the resource', async () => {
    expect(await ids({ resource: 'po', query: 'what is wrong' })).toEqual(expect.arrayContaining(['logs-pod', 'diagnose-pod']));
    expect((await ids({ resource: 'po', query: 'anything' })).every((id) => id.endsWith('-pod'))).toBe(true);
  });

  it('relaxes the resource when intent and resource leave nothing, with a note', async () => {
    const result = await retriever.retrieve({ intent: 'scale', resource: 'pod' });
    expect(result.matches.map((match) => match.id)).toEqual(['scale-deployment']);
    expect(result.notes).toEqual(['no card for intent=scale resource=pod; showing scale cards for other resources']);
  });

  it('falls back to the resource when the intent has no card at all', async () => {
    const result = await retriever.retrieve({ intent: 'cordon', resource: 'node' });
    expect(result.matches.every((match) => match.card.resource === 'node')).toBe(true);
    expect(result.notes[0]).toBe('no card for intent=cordon; showing other node cards');
  });

  it('searches everything, with a note, when a single filter matches nothing', async () => {
    const result = await retriever.retrieve({ intent: 'rollback', query: 'undo the release' });
    expect(result.matches.length).toBeGreaterThanOrEqual(2);
    expect(result.notes).toEqual(['no card for intent=rollback; showing the closest cards']);
  });

  it.each([
    [{ intent: 'frobnicate' }, 'intent "frobnicate" is not known'],
    [{ resource: 'widgets' }, 'resource "widgets" is not known'],
    [{}, 'nothing to search for'],
    [{ query: '   ' }, 'nothing to search for'],
    [{ query: 'x', limit: 0 }, 'limit 0 is out of range'],
    [{ query: 'x', limit: 5 }, 'limit 5 is out of range'],
    [{ query: 'x', limit: 2.5 }, 'limit 2.5 is out of range'],
  ])('rejects %j with a clear InputError', async (query, message) => {
    const error = await retriever.retrieve(query).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(message);
    expect((error as InputError).hint).toBeTruthy();
  });
});

describe('retrieve: abort and budget', () => {
  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(retriever.retrieve({ query: 'bounce' }, controller.signal)).rejects.toThrow();
  });

  it('keeps snippets within the budget, shrinking the lower-ranked cards first', async () => {
    const long = (id: string, intent: string) =>
      makeCard({ id, intent, resource: 'deployment', description: 'word '.repeat(300), notes: ['note '.repeat(200)], examples: ['restart the deployment now', 'another example'] });
    const cards = [long('restart-deployment', 'restart'), long('scale-deployment', 'scale'), long('status-deployment', 'status'), long('history-deployment', 'history')];
    const small = await createRetriever({ cards, embedder: new LexicalEmbedder(), budget: 600 });
    const result = await small.retrieve({ query: 'restart the deployment', limit: 4 });
    const total = result.matches.reduce((sum, match) => sum + match.tokens, 0);
    expect(total).toBeLessThanOrEqual(600);
    expect(result.matches.length).toBeGreaterThanOrEqual(2);
    expect(result.matches[0]!.tokens).toBeGreaterThanOrEqual(result.matches[result.matches.length - 1]!.tokens);
  });

  it('counts tokens with the embedder when it has a tokenizer', async () => {
    const counting: Embedder = Object.assign(new LexicalEmbedder(), { countTokens: (text: string) => text.length });
    const retrieverWithCounter = await createRetriever({ cards: sampleCards(), embedder: counting });
    const [best] = (await retrieverWithCounter.retrieve({ query: 'logs of a pod' })).matches;
    expect(best!.tokens).toBe(best!.snippet.length);
  });
});

describe('at least two cards for the planner', () => {
  it('adds the top card\'s follow-up when the filters leave a single card, and says why', async () => {
    const { cards } = loadCards(path.join(packageRoot(), 'cards'));
    const real = await createRetriever({ cards, embedder: new LexicalEmbedder() });
    const result = await real.retrieve({ intent: 'restart', resource: 'deployment', query: 'bounce api' });
    expect(result.matches.map((match) => match.id)).toEqual(['restart-deployment', 'status-deployment']);
    expect(result.matches[1]!.why.join(' ')).toMatch(/follow-up of restart-deployment/);
    expect(result.matches[1]!.score).toBeLessThan(result.matches[0]!.score);
  });

  it('a planner never chooses the context card over the one that fits the request', () => {
    const request = { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' } as const;
    const matches = [{ card: { intent: 'restart', resource: 'deployment' } }, { card: { intent: 'status', resource: 'deployment' } }] as unknown as CardMatch[];
    expect(cardsFittingRequest(request, matches)).toEqual([matches[0]]);
    expect(cardsFittingRequest({ namespace: 'prod', query: 'x' }, matches)).toEqual(matches);
  });
});
