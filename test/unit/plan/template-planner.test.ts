import { describe, expect, it } from 'vitest';
import { PlanError } from '../../../src/errors.js';
import type { PlannerEvent } from '../../../src/contracts/ports.js';
import { createTemplatePlanner, planFromTemplate } from '../../../src/plan/template-planner.js';
import type { K8sExecPayload } from '../../../src/schemas/request.js';
import { matchOf, matchesOf, realCard } from './card-matches.js';

const base = { namespace: 'prod', name: 'api' } as const;

describe('planFromTemplate: filling parameters', () => {
  it.each<[string, string, K8sExecPayload, Record<string, unknown>, string[]]>([
    ['restart-deployment', 'from the request only', { ...base, intent: 'restart' }, { namespace: 'prod', name: 'api' }, ['rollout', 'restart', 'deployment/api', '-n', 'prod']],
    ['scale-deployment', '"to 5"', { ...base, query: 'scale it to 5' }, { replicas: 5 }, ['scale', 'deployment/api', '-n', 'prod', '--replicas=5']],
    ['scale-deployment', '"7 replicas"', { ...base, query: '7 replicas' }, { replicas: 7 }, ['scale', 'deployment/api', '-n', 'prod', '--replicas=7']],
    ['logs-deployment', 'tail, since, container', { ...base, query: 'last 50 lines of the envoy container since 15m' }, { tail: 50, since: '15m', container: 'envoy' }, ['logs', 'deployment/api', '-n', 'prod', '--container=envoy', '--tail=50', '--since=15m']],
    ['logs-deployment', 'the tail default and a boolean flag named in the text', { ...base, intent: 'logs', query: 'with timestamps' }, { tail: 200, timestamps: true }, ['logs', 'deployment/api', '-n', 'prod', '--tail=200', '--timestamps']],
    ['rollback-deployment', '"to revision 3"', { ...base, query: 'roll back to revision 3' }, { revision: 3 }, ['rollout', 'undo', 'deployment/api', '-n', 'prod', '--to-revision=3']],
    ['get-deployment', 'output "wide"', { namespace: 'prod', query: 'list them wide' }, { output: 'wide' }, ['get', 'deployments', '-n', 'prod', '--output=wide']],
    ['status-deployment', 'a timeout', { ...base, intent: 'status', query: 'wait up to 5 minutes' }, { timeout: '5m' }, ['rollout', 'status', 'deployment/api', '-n', 'prod', '--timeout=5m']],
    ['scale-deployment', 'the name from "deployment/web" when the request has none', { namespace: 'prod', query: 'scale deployment/web to 2' }, { name: 'web', replicas: 2 }, ['scale', 'deployment/web', '-n', 'prod', '--replicas=2']],
  ])('%s: %s', (cardId, _what, request, params, args) => {
    const { plan } = planFromTemplate(request, matchesOf(cardId), {});
    expect(plan.card).toBe(cardId);
    expect(plan.params).toMatchObject(params);
    expect(plan.args).toEqual(args);
    expect(plan.command).toBe(`kubectl ${args.join(' ')}`);
    expect(plan.missing).toEqual([]);
    expect(plan.planner).toBe('template');
    expect(plan.model).toBeUndefined();
  });

  it.each<[string, number | undefined, number | undefined]>([
    ['up by 2', 3, 5],
    ['down by 1', 3, 2],
    ['double it', 3, 6],
    ['by 100%', 4, 8],
    ['halve it', 4, 2],
    ['up by 2', undefined, undefined],
    ['double it', undefined, undefined],
    ['halve', undefined, undefined],
  ])('relative replicas %j from %s current', (query, currentReplicas, expected) => {
    const { plan, notes } = planFromTemplate({ ...base, intent: 'scale', query }, matchesOf('scale-deployment'), { currentReplicas });
    if (expected === undefined) {
      expect(plan.missing).toEqual(['replicas']);
      expect(plan.args).toEqual([]);
      expect(plan.command).toBe('');
      expect(notes.join(' ')).toMatch(/current replica count is unknown/);
    } else {
      expect(plan.params.replicas).toBe(expected);
      expect(plan.args).toContain(`--replicas=${expected}`);
    }
  });
});

describe('planFromTemplate: what goes to missing', () => {
  it.each<[string, K8sExecPayload, string[]]>([
    ['scale-deployment', { ...base, query: 'scale it please' }, ['replicas']],
    ['scale-deployment', { namespace: 'prod', query: 'scale to 3' }, ['name']],
    ['restart-deployment', { namespace: 'prod', intent: 'restart' }, ['name']],
    ['scale-deployment', { namespace: 'prod', intent: 'scale', query: 'more please' }, ['name', 'replicas']],
  ])('%s with %j is missing %j', (cardId, request, missing) => {
    const { plan } = planFromTemplate(request, matchesOf(cardId), {});
    expect(plan.missing).toEqual(missing);
    expect(plan.args).toEqual([]);
    expect(plan.rationale).toMatch(/Needs:/);
  });

  it('drops slot values that fail the parameter check instead of using them', () => {
    const { plan, notes } = planFromTemplate({ ...base, query: 'scale to 500' }, matchesOf('scale-deployment'), {});
    expect(plan.params.replicas).toBeUndefined();
    expect(plan.missing).toEqual(['replicas']);
    expect(notes.join(' ')).toMatch(/replicas must be at most 100/);
  });

  it('keeps an out-of-range tail out and falls back to the card default', () => {
    const { plan, notes } = planFromTemplate({ ...base, query: 'last 999999 lines' }, matchesOf('logs-deployment'), {});
    expect(plan.params.tail).toBe(200);
    expect(notes.join(' ')).toMatch(/tail must be at most 10000/);
  });

  it.each(['--kubeconfig=/tmp/x', 'container --kubeconfig', '-c -n', 'container evil;rm', 'container ../../etc'])(
    'untrusted text %j never becomes a flag or a bad name',
    (query) => {
      const { plan } = planFromTemplate({ ...base, query }, matchesOf('logs-deployment'), {});
      for (const argument of plan.args) expect(argument.startsWith('--container=-')).toBe(false);
      expect(plan.args.join(' ')).not.toMatch(/kubeconfig|;|\.\./);
    },
  );
});

describe('planFromTemplate: explicit params', () => {
  it('fills a parameter from request.params, which wins over the free text', () => {
    const { plan } = planFromTemplate({ ...base, query: 'scale to 3', params: { replicas: 7 } }, matchesOf('scale-deployment'), {});
    expect(plan.params.replicas).toBe(7);
    expect(plan.args).toContain('--replicas=7');
    expect(plan.missing).toEqual([]);
  });

  it.each<[string, K8sExecPayload, string]>([
    ['an unknown key', { ...base, params: { bogus: 'x' } }, 'bogus'],
    ['a value failing the check', { ...base, params: { replicas: '--all' } }, 'replicas'],
    ['a value out of range', { ...base, query: 'to 5', params: { replicas: 500 } }, 'replicas'],
  ])('stops on %s in explicit params: empty args, no note, never a default or a slot instead', (_what, request, key) => {
    const { plan, notes } = planFromTemplate(request, matchesOf('scale-deployment'), {});
    expect(plan.args).toEqual([]);
    expect(plan.command).toBe('');
    expect(plan.params[key]).toBeUndefined();
    expect(notes.join(' ')).not.toMatch(new RegExp(key));
  });

  it('keeps an invalid explicit tail instead of falling back to the card default', () => {
    const { plan } = planFromTemplate({ ...base, params: { tail: 'abc' } }, matchesOf('logs-pod'), {});
    expect(plan.args).toEqual([]);
    expect(plan.params.tail).toBeUndefined();
  });

  it('prefers, among the cards that fit, the one that declares the explicit params', () => {
    const request: K8sExecPayload = { ...base, intent: 'logs', resource: 'pod', params: { container: 'envoy' } };
    const { plan } = planFromTemplate(request, matchesOf('logs-pod-all-containers', 'logs-pod'), {});
    expect(plan.card).toBe('logs-pod');
    expect(plan.args).toContain('--container=envoy');
  });
});

describe('planFromTemplate: the object name from free text', () => {
  it.each<[string, string, string | undefined]>([
    ['scale-deployment', 'scale web to 5', 'web'],
    ['restart-deployment', 'restart api', 'api'],
    ['restart-deployment', 'bounce api in prod', 'api'],
    ['restart-deployment', 'restart the api deployment', 'api'],
    ['scale-deployment', 'scale to 5', undefined],
    ['restart-deployment', 'restart the deployment', undefined],
    ['restart-deployment', 'restart api and web', undefined],
    ['restart-deployment', 'restart prod', undefined],
    ['restart-deployment', 'restart api pod', undefined],
    ['logs-pod', 'logs of api-7d9f-x2 since 10m', 'api-7d9f-x2'],
    ['diagnose-pod-crashloop', 'why is api-7d9f-x2 crashing', 'api-7d9f-x2'],
    ['drain-node', 'drain node worker-3', 'worker-3'],
    ['cordon-node', 'cordon ip-10-0-1-5.ec2.internal', 'ip-10-0-1-5.ec2.internal'],
  ])('%s: %j -> name %j', (cardId, query, name) => {
    const request: K8sExecPayload = cardId.endsWith('-node') ? { query } : { namespace: 'prod', query };
    const { plan } = planFromTemplate(request, matchesOf(cardId), {});
    expect(plan.params.name).toBe(name);
    if (name === undefined) {
      // Nothing guessed: the name is missing, or the planner asks which object is meant.
      expect(plan.missing.includes('name') || plan.clarification !== undefined || plan.refusal !== undefined).toBe(true);
      expect(plan.args).toEqual([]);
    }
  });

  it('asks which one when the text names several objects, with each as a choice', () => {
    const { plan } = planFromTemplate({ namespace: 'prod', query: 'restart api and web' }, matchesOf('restart-deployment'), {});
    expect(plan.args).toEqual([]);
    expect(plan.clarification?.question).toMatch(/several objects \(api, web\)/);
    expect(plan.clarification?.choices.map((choice) => choice.request.name)).toEqual(['api', 'web']);
  });

  it('never lets the text override the name of the request', () => {
    const { plan } = planFromTemplate({ ...base, query: 'restart web' }, matchesOf('restart-deployment'), {});
    expect(plan.params.name).toBe('api');
  });

  it('reads an optional name only from explicit forms, so list requests stay lists', () => {
    const listing = planFromTemplate({ namespace: 'prod', query: 'list pods sorted by age' }, matchesOf('get-pod'), {});
    expect(listing.plan.params.name).toBeUndefined();
  });
});

describe('planFromTemplate: choosing the card', () => {
  it('takes the first ranked card that fits intent and resource', () => {
    const matches = matchesOf('status-deployment', 'restart-deployment', 'scale-deployment');
    expect(planFromTemplate({ ...base, intent: 'restart' }, matches, {}).plan.card).toBe('restart-deployment');
    expect(planFromTemplate({ ...base, intent: 'scale', query: 'to 2' }, matches, {}).plan.card).toBe('scale-deployment');
    // Words that ask for nothing are asked about, never answered with a guessed card.
    const vague = planFromTemplate({ ...base, query: 'hmm' }, matches, {}).plan;
    expect(vague.args).toEqual([]);
    expect(vague.clarification?.question).toMatch(/what do you want to do/);
  });

  it('never swaps in another resource\'s card for an explicit intent and resource: it refuses and lists what the resource has', () => {
    const { plan } = planFromTemplate({ ...base, intent: 'restart', resource: 'statefulset' }, matchesOf('status-deployment', 'restart-deployment', 'status-statefulset'), {});
    expect(plan.args).toEqual([]);
    expect(plan.refusal?.code).toBe('NO_CARD');
    expect(plan.refusal?.reason).toMatch(/no card restarts a statefulset; for statefulset: status/);
  });

  it('fails with a PlanError when nothing was retrieved', () => {
    expect(() => planFromTemplate({ ...base }, [], {})).toThrow(PlanError);
  });
});

describe('createTemplatePlanner', () => {
  async function collect(events: AsyncIterable<PlannerEvent>): Promise<PlannerEvent[]> {
    const result: PlannerEvent[] = [];
    for await (const event of events) result.push(event);
    return result;
  }

  it('yields notes as notices, then exactly one plan-end', async () => {
    const events = await collect(createTemplatePlanner().plan({ ...base, query: 'scale to 500' }, [matchOf(realCard('scale-deployment'))], {}));
    expect(events.map((event) => event.type)).toEqual(['notice', 'plan-end']);
    const last = events.at(-1);
    expect(last?.type === 'plan-end' && last.planner).toBe('template');
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(collect(createTemplatePlanner().plan({ ...base }, matchesOf('restart-deployment'), {}, controller.signal))).rejects.toThrow();
  });
});
