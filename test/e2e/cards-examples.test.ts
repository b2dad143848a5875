/**
 * Every card example, run for real: the exact argv each example renders to goes to the real kubectl
 * against the sandbox cluster, so a card whose command kubectl rejects (a wrong flag, a resource the
 * server does not serve, a name the scenario does not have) fails here.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCards } from '../../src/corpus/load-cards.js';
import { renderCard } from '../../src/corpus/render.js';
import { MUTATING_INTENTS } from '../../src/schemas/vocabulary.js';
import { createSandboxHarness, hasKubectl, type SandboxHarness } from '../helpers/sandbox.js';

if (!hasKubectl) console.warn('cards-examples: skipped, kubectl is not installed (looked in /usr/bin and /usr/local/bin)');

const { cards, problems } = loadCards(path.resolve(import.meta.dirname, '../../cards'));
const examples = cards.flatMap((card) =>
  card.examples.map((example, index) => ({ card, index, request: example.request, args: renderCard(card, example.params).args })),
);
const reads = examples.filter((example) => !MUTATING_INTENTS.has(example.card.intent));
const mutations = examples.filter((example) => MUTATING_INTENTS.has(example.card.intent));

describe.skipIf(!hasKubectl)('card examples against the sandbox', () => {
  it('the corpus loads cleanly and has examples of both kinds', () => {
    expect(problems).toEqual([]);
    expect(reads.length).toBeGreaterThan(30);
    expect(mutations.length).toBeGreaterThan(5);
  });

  describe('read-only examples (one shared sandbox)', () => {
    let harness: SandboxHarness;
    beforeAll(async () => {
      harness = await createSandboxHarness();
    });
    afterAll(async () => harness?.stop());

    it.each(reads.map((example) => [`${example.card.id}#${example.index}: kubectl ${example.args.join(' ')}`, example] as const))(
      '%s',
      async (_title, example) => {
        const result = await harness.kubectl(example.args, { timeoutMs: 60_000 });
        expect(result.stderr).not.toMatch(/unknown (flag|shorthand)|doesn't have a resource type|error: /i);
        expect(result.exitCode, result.stderr).toBe(0);
        expect(`${result.stdout}${result.stderr}`.trim().length).toBeGreaterThan(0);
      },
    );
  });

  describe('mutating examples (a fresh sandbox each)', () => {
    it.each(mutations.map((example) => [`${example.card.id}#${example.index}: kubectl ${example.args.join(' ')}`, example] as const))(
      '%s',
      async (_title, example) => {
        const harness = await createSandboxHarness();
        try {
          const result = await harness.kubectl(example.args, { timeoutMs: 90_000 });
          expect(result.stderr).not.toMatch(/unknown (flag|shorthand)|doesn't have a resource type/i);
          expect(result.exitCode, result.stderr).toBe(0);
        } finally {
          await harness.stop();
        }
      },
      120_000,
    );
  });
});
