import { afterAll, describe, expect, it } from 'vitest';
import { renderCard } from '../../../src/corpus/render.js';
import { isAbortError, PlanError } from '../../../src/errors.js';
import type { PlannerEvent } from '../../../src/contracts/ports.js';
import { createLlamaPlanner, interpretModelAnswer, type LlamaPlannerOptions } from '../../../src/plan/llama-planner.js';
import { llamaModelLoadCount } from '../../../src/plan/llama-runtime.js';
import { createTemplatePlanner } from '../../../src/plan/template-planner.js';
import type { Planner } from '../../../src/plan/planner.js';
import type { Card } from '../../../src/schemas/card.js';
import { matchOf, matchesOf, realCard, STORIES_MODEL } from './card-matches.js';


const request = { namespace: 'prod', name: 'api', query: 'restart api please' } as const;

async function collect(events: AsyncIterable<PlannerEvent>): Promise<PlannerEvent[]> {
  const result: PlannerEvent[] = [];
  for await (const event of events) result.push(event);
  return result;
}

function planEnd(events: PlannerEvent[]) {
  const last = events.at(-1);
  if (last?.type !== 'plan-end') throw new Error(`last event is ${last?.type ?? 'missing'}, not plan-end`);
  return last;
}

/** A real card whose optional timeout becomes a required string no model can satisfy (a 60-x pattern). */
function impossibleCard(): Card {
  const card = structuredClone(realCard('status-deployment'));
  card.id = 'status-deployment-impossible';
  card.params = card.params.map((param) =>
    param.name === 'timeout' ? { name: 'timeout', type: 'string', required: true, pattern: 'x{60}', description: 'sixty x characters' } : param,
  );
  card.command_template = card.command_template.map((element) => (element.startsWith('--timeout=') ? '--wait-marker={{timeout}}' : element));
  return card;
}

describe('interpretModelAnswer', () => {
  const matches = matchesOf('scale-deployment', 'get-deployment');
  it.each<[string, string, RegExp]>([
    ['not JSON', '{"card": "scale-deploy', /not complete JSON/],
    ['empty', '', /empty/],
    ['wrong shape', '{"params": {}}', /expected shape/],
    ['a card that was not offered', '{"card": "delete-namespace", "params": {}, "rationale": "x"}', /was not offered/],
    ['a value failing the card', '{"card": "scale-deployment", "params": {"replicas": 1000}, "rationale": "x"}', /replicas: must be at most 100/],
    ['an undeclared parameter', '{"card": "scale-deployment", "params": {"replicas": 2, "kubeconfig": "/x"}, "rationale": "x"}', /not a parameter/],
  ])('rejects %s', (_what, text, reason) => {
    const outcome = interpretModelAnswer(text, matches, request, 'm.gguf');
    expect('rejection' in outcome && outcome.rejection).toMatch(reason);
  });

  it('renders argv by code and keeps the request namespace and name over the model', () => {
    const text = '{"card": "scale-deployment", "params": {"replicas": 3, "namespace": "kube-system", "name": "other"}, "rationale": "more capacity"}';
    const outcome = interpretModelAnswer(text, matches, request, 'm.gguf');
    if (!('plan' in outcome)) throw new Error(outcome.rejection);
    expect(outcome.plan.args).toEqual(['scale', 'deployment/api', '-n', 'prod', '--replicas=3']);
    expect(outcome.plan).toMatchObject({ planner: 'llm', model: 'm.gguf', rationale: 'more capacity', missing: [] });
  });

  it('does not retry when the request\'s own params fit no offered card: the plan stays empty for PARAMS_INVALID', () => {
    const text = '{"card": "scale-deployment", "params": {"replicas": 3}, "rationale": "x"}';
    const outcome = interpretModelAnswer(text, matches, { ...request, params: { replicas: 'abc' } }, 'm.gguf');
    if (!('plan' in outcome)) throw new Error(outcome.rejection);
    expect(outcome.plan.args).toEqual([]);
    expect(outcome.plan.params.replicas).toBeUndefined();
  });

  it('retries when another offered card takes the request\'s params', () => {
    const text = '{"card": "scale-deployment", "params": {"replicas": 3}, "rationale": "x"}';
    const outcome = interpretModelAnswer(text, matches, { namespace: 'prod', params: { output: 'wide' } }, 'm.gguf');
    expect('rejection' in outcome && outcome.rejection).toMatch(/card get-deployment takes them/);
  });

  it('treats null as "not given" so defaults apply', () => {
    const text = '{"card": "get-deployment", "params": {"output": null}, "rationale": ""}';
    const outcome = interpretModelAnswer(text, matches, { namespace: 'prod' }, 'm.gguf');
    if (!('plan' in outcome)) throw new Error(outcome.rejection);
    expect(outcome.plan.args).toEqual(['get', 'deployments', '-n', 'prod']);
    expect(outcome.plan.rationale).toBe(realCard('get-deployment').title);
  });
});

describe('createLlamaPlanner with stories260K (real node-llama-cpp)', () => {
  const options: LlamaPlannerOptions = {
    modelPath: STORIES_MODEL,
    threads: 1,
    temperature: 0.2,
    maxTokens: 160,
    timeoutSeconds: 60,
    contextSize: 2048,
    fallback: createTemplatePlanner(),
  };
  const planners: Planner[] = [];
  const make = (overrides: Partial<LlamaPlannerOptions> = {}) => {
    const planner = createLlamaPlanner({ ...options, ...overrides });
    planners.push(planner);
    return planner;
  };
  afterAll(async () => {
    for (const planner of planners) await planner.dispose?.();
  });

  it('reports load progress, streams tokens before plan-end, and plans one of the offered cards', async () => {
    const planner = make();
    const progress: number[] = [];
    await planner.preload?.({ onProgress: (value) => progress.push(value) });
    expect(progress.at(-1)).toBe(1);

    const matches = matchesOf('restart-deployment', 'get-deployment');
    const events = await collect(planner.plan(request, matches, {}));
    const end = planEnd(events);
    const deltas = events.filter((event) => event.type === 'plan-delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(events.findIndex((event) => event.type === 'plan-delta')).toBeLessThan(events.indexOf(end));

    const raw = JSON.parse(deltas.map((event) => event.text).join('')) as { card: string };
    expect(end.planner).toBe('llm');
    expect(end.plan).toMatchObject({ planner: 'llm', model: 'stories260K.gguf', card: raw.card, missing: [] });
    expect(matches.map((match) => match.id)).toContain(end.plan.card);
    const card = realCard(end.plan.card);
    expect(end.plan.args).toEqual(renderCard(card, end.plan.params).args);
    expect(end.plan.args).toEqual(expect.arrayContaining(['-n', 'prod']));
  });

  it('retries an answer that fails the card once, then the template planner answers with a notice', async () => {
    const planner = make({ temperature: 0 });
    const matches = [matchOf(impossibleCard())];
    const events = await collect(planner.plan(request, matches, {}));
    const notices = events.filter((event) => event.type === 'notice');
    expect(notices.map((notice) => notice.level)).toEqual(['info', 'warn']);
    expect(notices[0]?.message).toMatch(/retrying once/);
    expect(notices[1]?.message).toMatch(/invalid answer twice .*timeout: must match x\{60\}.*template planner answered/);
    // Tokens of both attempts were streamed before the fallback answered.
    const retryIndex = events.indexOf(notices[0]!);
    expect(events.slice(0, retryIndex).some((event) => event.type === 'plan-delta')).toBe(true);
    expect(events.slice(retryIndex, events.indexOf(notices[1]!)).some((event) => event.type === 'plan-delta')).toBe(true);
    const end = planEnd(events);
    expect(end.planner).toBe('template');
    // The template planner reads "restart api" and has no restart card among these: it refuses, never swaps.
    expect(end.plan).toMatchObject({ planner: 'template', args: [] });
    expect(end.plan.refusal?.code).toBe('NO_CARD');
    expect(end.plan.model).toBeUndefined();
  });

  it('cuts the cards to fit the model\'s context (counted with its tokenizer) instead of falling back, and says so', async () => {
    const planner = make({ maxTokens: 40 });
    const big = matchesOf('logs-pod', 'logs-pod-previous', 'logs-deployment', 'logs-pod-all-containers').map((match) => ({ ...match, snippet: `${match.card.description} ${match.card.notes.join(' ')} ${match.card.keywords.join(', ')}` }));
    const events = await collect(planner.plan({ namespace: 'prod', name: 'api', query: 'logs of api' }, big, {}));
    const notices = events.filter((event) => event.type === 'notice').map((event) => (event.type === 'notice' ? event.message : ''));
    expect(notices.some((message) => /did not fit the model's context; sent \d+ tokens/.test(message))).toBe(true);
    expect(notices.some((message) => /does not fit the \d+-token context/.test(message))).toBe(false);
    const deltas = events.filter((event) => event.type === 'plan-delta');
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.every((event) => event.type === 'plan-delta' && (event.attempt === 1 || event.attempt === 2))).toBe(true);
  });

  it('falls back when the JSON is cut off by maxTokens', async () => {
    const planner = make({ maxTokens: 4 });
    const events = await collect(planner.plan(request, matchesOf('restart-deployment'), {}));
    const warn = events.find((event) => event.type === 'notice' && event.level === 'warn');
    expect(warn?.type === 'notice' && warn.message).toMatch(/cut off at 4 tokens/);
    expect(planEnd(events).plan).toMatchObject({ planner: 'template', card: 'restart-deployment', args: ['rollout', 'restart', 'deployment/api', '-n', 'prod'] });
  });

  it('falls back when the model does not answer in time', async () => {
    const planner = make({ timeoutSeconds: 0.001 });
    const events = await collect(planner.plan(request, matchesOf('history-deployment', 'describe-deployment'), {}));
    const warn = events.find((event) => event.type === 'notice' && event.level === 'warn');
    expect(warn?.type === 'notice' && warn.message).toMatch(/no answer within 0.001s/);
    expect(planEnd(events).planner).toBe('template');
  });

  it('throws a PlanError when the answer stays invalid and there is no fallback', async () => {
    const planner = make({ fallback: undefined, maxTokens: 4 });
    await expect(collect(planner.plan(request, matchesOf('restart-deployment'), {}))).rejects.toBeInstanceOf(PlanError);
  });

  it('stops generating when aborted, and the next request still works', async () => {
    const planner = make();
    const controller = new AbortController();
    const seen: PlannerEvent[] = [];
    const run = async () => {
      for await (const event of planner.plan(request, matchesOf('restart-deployment', 'get-deployment'), {}, controller.signal)) {
        seen.push(event);
        if (event.type === 'plan-delta') controller.abort();
      }
    };
    const error = await run().then(() => undefined, (caught: unknown) => caught);
    expect(isAbortError(error)).toBe(true);
    expect(seen.some((event) => event.type === 'plan-end')).toBe(false);

    const events = await collect(planner.plan(request, matchesOf('restart-deployment', 'get-deployment'), {}));
    expect(planEnd(events).planner).toBe('llm');
  });

  it('releases the model when the consumer stops reading early', async () => {
    const planner = make();
    for await (const event of planner.plan(request, matchesOf('restart-deployment'), {})) {
      if (event.type === 'plan-delta') break;
    }
    expect(planEnd(await collect(planner.plan(request, matchesOf('restart-deployment'), {}))).planner).toBe('llm');
  });

  it('loads the model once for many requests and planners', async () => {
    const first = make();
    await collect(first.plan(request, matchesOf('restart-deployment'), {}));
    const loads = llamaModelLoadCount();
    expect(loads).toBeGreaterThanOrEqual(1);
    const second = make();
    const progress: number[] = [];
    await second.preload?.({ onProgress: (value) => progress.push(value) });
    expect(progress).toEqual([1]);
    const queries = ['restart api', 'bounce it', 'restart the api deployment now'];
    const ends = await Promise.all(queries.map(async (query) => planEnd(await collect(second.plan({ ...request, query }, matchesOf('restart-deployment'), {})))));
    expect(ends.map((end) => end.planner)).toEqual(['llm', 'llm', 'llm']);
    expect(llamaModelLoadCount()).toBe(loads);
  });
});
