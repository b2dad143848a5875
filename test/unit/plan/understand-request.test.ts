/**
 * propose() with the planner's understanding step: names resolved through the core's nameResolver
 * port (recorded in the audit record's `reads`), a refusal or a question becoming a deny verdict with
 * OUT_OF_SCOPE / NEEDS_CLARIFICATION and suggestions, and an ordinary plan from the cluster's names.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../../src/cluster/name-resolver.js';
import { loadCards } from '../../../src/corpus/load-cards.js';
import type { Core } from '../../../src/contracts/core.js';
import type { PipelineEvent } from '../../../src/contracts/events.js';
import { propose } from '../../../src/pipeline/propose.js';
import { createTemplatePlanner } from '../../../src/plan/template-planner.js';
import { createRetriever } from '../../../src/retrieve/create-retriever.js';
import { LexicalEmbedder } from '../../../src/retrieve/lexical-embedder.js';
import { fitPrompt } from '../../../src/plan/prompt.js';
import type { K8sExecPayload } from '../../../src/schemas/request.js';
import { collectEvents, createFakeCore } from '../../helpers/fake-core.js';
import { matchesOf } from './card-matches.js';

const root = path.resolve(import.meta.dirname, '../../..');
const { cards } = loadCards(path.join(root, 'cards'));
const inventory = parseInventory(readFileSync(path.join(root, 'test/data/inventory-prod.txt'), 'utf8'), 'prod');
const READ = 'get deployments,... -n prod --output=custom-columns=...';

const retriever = await createRetriever({ cards, embedder: new LexicalEmbedder() });

function coreWith(resolver: Core['nameResolver']) {
  const fake = createFakeCore({ cards });
  return Object.assign(fake, { planner: createTemplatePlanner(), nameResolver: resolver, retriever });
}

function outcome(events: PipelineEvent[]) {
  const plan = events.find((event) => event.type === 'plan-end');
  const verdict = events.find((event) => event.type === 'validate-end');
  return { plan: plan?.type === 'plan-end' ? plan.plan : undefined, verdict: verdict?.type === 'validate-end' ? verdict.verdict : undefined };
}

const run = (core: Core, request: K8sExecPayload) => collectEvents(propose(request, core, { source: 'cli' }));

describe('propose with name resolution', () => {
  it('plans from the cluster\'s names and records the read', async () => {
    const core = coreWith({ resolve: async () => ({ inventory, reads: [READ] }) });
    const events = await run(core, { namespace: 'prod', query: 'why is payments crashing' });
    expect(outcome(events).plan?.args).toEqual(['logs', 'payments-6b7c8d9f4-lk2jd', '-n', 'prod', '--previous', '--tail=100']);
    expect(core.auditLog.records.at(-1)).toMatchObject({ event: 'proposed', reads: [READ] });
  });

  it('a refusal is a deny verdict with OUT_OF_SCOPE, the reason, and the alternatives as suggestions; nothing is offered to run', async () => {
    const core = coreWith({ resolve: async () => ({ inventory, reads: [READ] }) });
    const events = await run(core, { namespace: 'prod', query: 'exec into api-5d8f7c9b6-2xkqp and open a shell' });
    const { plan, verdict } = outcome(events);
    expect(plan?.refusal?.code).toBe('EXEC_DENIED');
    expect(verdict).toMatchObject({ decision: 'deny', violations: [{ code: 'OUT_OF_SCOPE' }] });
    expect(verdict?.suggestions.map((suggestion) => suggestion.command)).toEqual([
      ['logs', 'api-5d8f7c9b6-2xkqp', '-n', 'prod', '--tail=200'],
      ['describe', 'pod', 'api-5d8f7c9b6-2xkqp', '-n', 'prod'],
    ]);
    expect(events.some((event) => event.type === 'approval-request')).toBe(false);
    expect(core.auditLog.records.at(-1)).toMatchObject({ event: 'denied', reads: [READ], card: null });
  });

  it('a question is a deny verdict with NEEDS_CLARIFICATION and the choices as suggestions', async () => {
    const core = coreWith({ resolve: async () => ({ inventory, reads: [READ] }) });
    const { plan, verdict } = outcome(await run(core, { namespace: 'prod', query: 'restart paymnts' }));
    expect(plan?.clarification?.question).toMatch(/did you mean payments/);
    expect(verdict).toMatchObject({ decision: 'deny', violations: [{ code: 'NEEDS_CLARIFICATION' }] });
    expect(verdict?.suggestions[0]?.command).toEqual(['rollout', 'restart', 'deployment/payments', '-n', 'prod']);
  });

  it('says when the cluster could not be read, and plans from the words alone', async () => {
    const core = coreWith({ resolve: async () => ({ reads: [], notice: 'names not checked against the cluster (connection refused); planning from the words alone' }) });
    const events = await run(core, { namespace: 'prod', query: 'restart api' });
    expect(events.some((event) => event.type === 'notice' && event.level === 'warn' && /names not checked/.test(event.message))).toBe(true);
    expect(outcome(events).plan?.args).toEqual(['rollout', 'restart', 'deployment/api', '-n', 'prod']);
  });
});

describe('fitPrompt', () => {
  const matches = matchesOf('logs-pod', 'logs-pod-previous', 'logs-deployment', 'describe-pod');
  const count = (text: string) => Math.ceil(text.length / 4);

  it('sends everything when it fits', () => {
    const fitted = fitPrompt(matches, count, 100_000);
    expect(fitted.cards).toBe(4);
    expect(fitted.note).toBeUndefined();
  });

  it('cuts examples, then snippets, then the lowest-ranked cards until it fits, and says what it cut', () => {
    const full = count(fitPrompt(matches, count, 100_000).system);
    const fitted = fitPrompt(matches, count, Math.floor(full / 2));
    expect(fitted.tokens).toBeLessThanOrEqual(Math.floor(full / 2));
    expect(fitted.note).toMatch(/did not fit the model's context; sent \d+ tokens: /);
    expect(fitted.system).toContain('## logs-pod');
  });

  it('keeps the best-ranked card, and returns the full prompt when even one card does not fit (the caller falls back)', () => {
    const fitted = fitPrompt(matches, count, 10);
    expect(fitted.cards).toBe(4);
    expect(fitted.note).toBeUndefined();
  });
});
