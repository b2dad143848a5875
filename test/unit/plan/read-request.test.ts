/**
 * The request reader over a recorded inventory of the sandbox's default scenario (test/data/inventory-*.txt,
 * the custom-columns answer of the one name-resolution read): intents, moods, names and kinds resolved
 * against the cluster, asks and refusals. Then the template planner's argv for the same requests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInventory, type ClusterInventory } from '../../../src/cluster/name-resolver.js';
import { loadCards } from '../../../src/corpus/load-cards.js';
import { readRequest } from '../../../src/plan/read-request.js';
import { planFromTemplate } from '../../../src/plan/template-planner.js';
import type { K8sExecPayload } from '../../../src/schemas/request.js';
import { MUTATING_INTENTS } from '../../../src/schemas/vocabulary.js';

const root = path.resolve(import.meta.dirname, '../../..');
const { cards } = loadCards(path.join(root, 'cards'));
const catalog = new Map(cards.map((card) => [card.id, card]));
const inventories = new Map<string, ClusterInventory>(
  ['prod', 'staging', 'kube-system'].map((namespace) => [namespace, parseInventory(readFileSync(path.join(root, 'test', 'data', `inventory-${namespace}.txt`), 'utf8'), namespace)]),
);

function plan(request: K8sExecPayload) {
  const inventory = inventories.get(request.namespace ?? 'prod');
  return planFromTemplate(request, [], { cards: catalog, ...(inventory ? { inventory } : {}) }).plan;
}

describe('parseInventory', () => {
  it('reads kinds, owners (pods to their Deployment through the ReplicaSet), pod state and replicas', () => {
    const prod = inventories.get('prod')!;
    const payments = prod.objects.find((object) => object.name === 'payments-6b7c8d9f4-lk2jd')!;
    expect(payments).toMatchObject({ kind: 'pod', owner: { kind: 'deployment', name: 'payments' }, waiting: ['CrashLoopBackOff'], node: 'node-2' });
    expect(prod.objects.find((object) => object.name === 'worker-84c6f5d7b9-m5tqz')).toMatchObject({ lastTerminated: ['OOMKilled'], restarts: 7 });
    expect(prod.objects.find((object) => object.kind === 'deployment' && object.name === 'api')).toMatchObject({ replicas: 3, containers: ['api', 'envoy'] });
    expect(prod.objects.find((object) => object.name === 'db-0')).toMatchObject({ owner: { kind: 'statefulset', name: 'db' } });
    expect(prod.objects.filter((object) => object.kind === 'node').map((object) => object.name)).toEqual(['node-1', 'node-2', 'node-3']);
  });
});

describe('questions, negations, hypotheticals and contradictions never select a mutating card', () => {
  it.each<[string, string, string[] | 'ask']>([
    ['why is node-1 cordoned', 'prod', ['describe', 'node', 'node-1']],
    ['describe node-2, do not drain it', 'prod', ['describe', 'node', 'node-2']],
    ['check node-3 before maintenance', 'prod', ['describe', 'node', 'node-3']],
    ['is it safe to drain node-1?', 'prod', ['describe', 'node', 'node-1']],
    ['should I restart api?', 'prod', ['describe', 'deployment', 'api', '-n', 'prod']],
    ["don't restart web, just show its status", 'prod', ['rollout', 'status', 'deployment/web', '-n', 'prod', '--timeout=60s']],
    ['without scaling anything, how many replicas does worker have', 'prod', ['get', 'deployments', 'worker', '-n', 'prod']],
    ['what would happen if I drain node-3', 'prod', ['describe', 'node', 'node-3']],
    ['if I roll back api, which revision would it go to?', 'prod', ['rollout', 'history', 'deployment/api', '-n', 'prod']],
    ['scale api to 10 then back to 3', 'prod', 'ask'],
    ['restart or roll back web?', 'prod', 'ask'],
    ['scale web to 3 replicas in prod', 'staging', 'ask'],
  ])('%j (-n %s)', (query, namespace, expected) => {
    const result = plan({ namespace, query });
    if (expected === 'ask') {
      expect(result.args).toEqual([]);
      expect(result.clarification).toBeDefined();
    } else {
      expect(result.args).toEqual(expected);
    }
    const card = catalog.get(result.card);
    expect(card === undefined || !MUTATING_INTENTS.has(card.intent)).toBe(true);
  });

  it('asks when an explicit change is negated by the words', () => {
    const result = plan({ intent: 'drain', resource: 'node', name: 'node-1', query: 'no wait, do not drain it' });
    expect(result.args).toEqual([]);
    expect(result.clarification?.question).toMatch(/the words say not to/);
  });

  it('a commanded change is read as a command, polite or terse', () => {
    for (const query of ['bounce api', 'can you restart api?', 'pls restart api', 'we need to restart api', 'k rollout restart deploy/api']) {
      const result = plan({ namespace: 'prod', query });
      expect(result.args, query).toEqual(['rollout', 'restart', 'deployment/api', '-n', 'prod']);
      expect(result.understood).toMatchObject({ intent: 'restart', intentFrom: 'words', mood: 'command' });
    }
  });
});

describe('names and kinds come from the cluster', () => {
  it.each<[string, string, string[]]>([
    ['restart the worker', 'prod', ['rollout', 'restart', 'deployment/worker', '-n', 'prod']],
    ['restart node-exporter', 'kube-system', ['rollout', 'restart', 'daemonset/node-exporter', '-n', 'kube-system']],
    ['why is payments crashing', 'prod', ['logs', 'payments-6b7c8d9f4-lk2jd', '-n', 'prod', '--previous', '--tail=100']],
    ['why is ml-trainer pending', 'staging', ['get', 'events', '-n', 'staging', '--field-selector=involvedObject.name=ml-trainer-5c4b3a291-tq7pz,type=Warning', '--sort-by=.lastTimestamp']],
    ['logs from before it restarted for worker-84c6f5d7b9-m5tqz', 'prod', ['logs', 'worker-84c6f5d7b9-m5tqz', '-n', 'prod', '--tail=200', '--previous']],
    ['which node has the highest cpu', 'prod', ['top', 'node', '--sort-by=cpu']],
    ['the worker deployment yaml', 'prod', ['get', 'deployments', 'worker', '-n', 'prod', '--output=yaml']],
    ['roll web back', 'prod', ['rollout', 'undo', 'deployment/web', '-n', 'prod']],
    ['restart pod api-5d8f7c9b6-2xkqp', 'prod', ['rollout', 'restart', 'deployment/api', '-n', 'prod']],
    ['logs of the nightly-report job', 'prod', ['logs', 'job/nightly-report-29000000', '-n', 'prod', '--tail=200']],
    ['restart the api service', 'prod', ['rollout', 'restart', 'deployment/api', '-n', 'prod']],
  ])('%j (-n %s)', (query, namespace, args) => {
    expect(plan({ namespace, query }).args).toEqual(args);
  });

  it('says where a name came from', () => {
    const result = plan({ namespace: 'prod', query: 'why is payments crashing' });
    expect(result.understood).toMatchObject({ intent: 'diagnose', resource: 'pod', resourceFrom: 'cluster', name: 'payments-6b7c8d9f4-lk2jd', nameFrom: 'cluster', namespace: 'prod' });
  });

  it('a name that exists nowhere is said, with the close names as choices, and nothing goes to kubectl', () => {
    const typo = plan({ namespace: 'prod', query: 'restart paymnts' });
    expect(typo.args).toEqual([]);
    expect(typo.clarification?.question).toMatch(/no deployment or statefulset or daemonset named "paymnts" in prod; did you mean payments\?/);
    expect(typo.clarification?.choices[0]).toMatchObject({ label: 'payments', args: ['rollout', 'restart', 'deployment/payments', '-n', 'prod'] });
    const explicit = plan({ namespace: 'prod', intent: 'restart', resource: 'deployment', name: 'apii' });
    expect(explicit.clarification?.question).toMatch(/no deployment named "apii" in prod; did you mean api\?/);
  });

  it('asks which pod when several of a workload fit, with each as a choice', () => {
    const result = plan({ namespace: 'prod', query: 'logs of the api pod' });
    expect(result.args).toEqual([]);
    expect(result.clarification?.choices.map((choice) => choice.label)).toEqual(expect.arrayContaining(['api-5d8f7c9b6-2xkqp', 'api-5d8f7c9b6-7hm4n', 'api-5d8f7c9b6-q9wzt']));
  });
});

describe('an explicit resource is never swapped for another', () => {
  it.each<[K8sExecPayload, RegExp]>([
    [{ namespace: 'prod', intent: 'delete', resource: 'pvc', name: 'data-db-0' }, /no card deletes a pvc \(deleting a claim can destroy its data\); for pvc: /],
    [{ namespace: 'prod', intent: 'scale', resource: 'hpa', name: 'api', query: 'to 5' }, /no card scales a hpa .*; for hpa: /],
    [{ namespace: 'kube-system', query: 'scale daemonset node-exporter to 2' }, /no card scales a daemonset \(daemonsets run one pod per node.*\); for daemonset: .*restart/],
    [{ namespace: 'prod', intent: 'restart', resource: 'service', name: 'api' }, /no card restarts a service/],
  ])('%j refuses and lists what the resource has', (request, reason) => {
    const result = plan(request);
    expect(result.args).toEqual([]);
    expect(result.refusal?.code).toBe('NO_CARD');
    expect(result.refusal?.reason).toMatch(reason);
  });

  it('an explicit pod resource with a workload name asks instead of planning the workload', () => {
    const result = plan({ namespace: 'prod', intent: 'describe', resource: 'statefulset', name: 'api' });
    expect(result.args).toEqual([]);
    expect(result.clarification?.question).toMatch(/no statefulset named "api"|api is a deployment/);
  });
});

describe('out of scope: refused with the reason and the nearest allowed alternative', () => {
  it.each<[string, string, RegExp]>([
    ['exec into api-5d8f7c9b6-2xkqp and open a shell', 'EXEC_DENIED', /exec.*always denied/],
    ['show me the payments-db secret', 'SECRET_DATA', /Secret data is never shown/],
    ['delete namespace prod', 'NAMESPACE_DELETE', /deleting a namespace is always denied/],
    ['port forward 8080 to api', 'EXEC_DENIED', /port-forward/],
    ['edit deployment api and set LOG_LEVEL=debug', 'WRITE_DENIED', /editing, patching/],
    ['list storage classes', 'UNKNOWN_RESOURCE', /no card for storageclasses/],
  ])('%j', (query, code, reason) => {
    const result = plan({ namespace: 'prod', query });
    expect(result.args).toEqual([]);
    expect(result.refusal).toMatchObject({ code });
    expect(result.refusal?.reason).toMatch(reason);
  });

  it('offers the logs and describe of the object when exec is asked for', () => {
    const result = plan({ namespace: 'prod', query: 'exec into api-5d8f7c9b6-2xkqp and open a shell' });
    expect(result.refusal?.alternatives.map((entry) => entry.args)).toEqual([
      ['logs', 'api-5d8f7c9b6-2xkqp', '-n', 'prod', '--tail=200'],
      ['describe', 'pod', 'api-5d8f7c9b6-2xkqp', '-n', 'prod'],
    ]);
  });

  it.each(['fix prod', 'asdf qwerty zxcv', 'help', '???'])('words that ask for nothing are asked about: %j', (query) => {
    const result = plan({ namespace: 'prod', query });
    expect(result.args).toEqual([]);
    expect(result.clarification?.question).toMatch(/do not say what to do/);
  });
});

describe('modifiers are honoured', () => {
  it.each<[K8sExecPayload, string[]]>([
    [{ namespace: 'prod', query: 'pods sorted by restarts' }, ['get', 'pods', '-n', 'prod', '--sort-by=.status.containerStatuses[0].restartCount']],
    [{ namespace: 'prod', query: 'top pods by memory' }, ['top', 'pod', '-n', 'prod', '--sort-by=memory']],
    [{ namespace: 'prod', intent: 'top', resource: 'pod', name: 'api-5d8f7c9b6-2xkqp', query: 'per container' }, ['top', 'pod', 'api-5d8f7c9b6-2xkqp', '-n', 'prod', '--containers']],
    [{ namespace: 'prod', query: 'logs -f deploy/api' }, ['logs', 'deployment/api', '-n', 'prod', '--follow', '--tail=50']],
    [{ namespace: 'prod', intent: 'logs', resource: 'deployment', name: 'payments', query: 'previous' }, ['logs', 'deployment/payments', '-n', 'prod', '--tail=200', '--previous']],
    [{ namespace: 'prod', query: 'only the envoy container logs for api-5d8f7c9b6-2xkqp' }, ['logs', 'api-5d8f7c9b6-2xkqp', '-n', 'prod', '--container=envoy', '--tail=200']],
    [{ namespace: 'prod', query: 'only warnings for worker-84c6f5d7b9-m5tqz' }, ['events', '-n', 'prod', '--for=pod/worker-84c6f5d7b9-m5tqz', '--types=Warning']],
    [{ namespace: 'prod', query: 'drain node-2, give it 20 minutes' }, ['drain', 'node-2', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=20m']],
    [{ intent: 'drain', resource: 'node', name: 'node-3', query: 'timeout of half an hour' }, ['drain', 'node-3', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=30m']],
    [{ namespace: 'prod', intent: 'status', resource: 'deployment', name: 'api', query: '30s timeout' }, ['rollout', 'status', 'deployment/api', '-n', 'prod', '--timeout=30s']],
    [{ namespace: 'staging', query: 'which node each pod runs on' }, ['get', 'pods', '-n', 'staging', '--output=wide']],
    [{ namespace: 'prod', query: 'scale web 5' }, ['scale', 'deployment/web', '-n', 'prod', '--replicas=5']],
    [{ namespace: 'prod', query: 'scale up api by 2' }, ['scale', 'deployment/api', '-n', 'prod', '--replicas=5']],
    [{ namespace: 'prod', query: "what's running on node-1" }, ['get', 'pods', '-n', 'prod', '--field-selector=spec.nodeName=node-1', '--output=wide']],
    [{ namespace: 'prod', query: 'before draining node-2 show me its pods' }, ['get', 'pods', '-n', 'prod', '--field-selector=spec.nodeName=node-2', '--output=wide']],
    [{ namespace: 'prod', intent: 'get', resource: 'endpointslice', query: 'for the api service' }, ['get', 'endpointslices', '-n', 'prod', '--selector=kubernetes.io/service-name=api']],
  ])('%j', (request, args) => {
    expect(plan(request).args).toEqual(args);
  });

  it('lists the modifiers it understood, with the words that said so', () => {
    const result = plan({ namespace: 'prod', query: 'last 50 lines of the envoy container of api-5d8f7c9b6-2xkqp since 10m' });
    expect(result.understood?.modifiers).toEqual(expect.arrayContaining([
      { slot: 'tail', value: 50, from: 'last 50 lines' },
      { slot: 'since', value: '10m', from: 'since 10m' },
      { slot: 'container', value: 'envoy', from: 'the envoy container' },
    ]));
  });

  it('a container the object does not have is asked about', () => {
    const result = plan({ namespace: 'prod', query: 'logs of the nginx container of api-5d8f7c9b6-2xkqp' });
    expect(result.clarification?.question).toMatch(/has no container "nginx" \(it has api, envoy\)/);
  });
});

describe('without the cluster (no inventory)', () => {
  it('plans from the words alone, conservatively', () => {
    const result = planFromTemplate({ namespace: 'prod', query: 'restart api' }, [], { cards: catalog }).plan;
    expect(result.args).toEqual(['rollout', 'restart', 'deployment/api', '-n', 'prod']);
    expect(readRequest({ namespace: 'prod', query: 'restart api' }, { catalog: cards }).checked).toBe(false);
  });
});

describe('readings share the lookups of one inventory', () => {
  it('each inventory answers for itself, however many readings were made over another', () => {
    const prod = inventories.get('prod')!;
    const request: K8sExecPayload = { intent: 'logs', resource: 'deployment', name: 'worker', namespace: 'prod', query: 'why did it crash' };
    const first = readRequest(request, { catalog: cards, inventory: prod });
    expect(first.outcome).toEqual({ kind: 'plan' });
    expect(readRequest(request, { catalog: cards, inventory: prod })).toEqual(first);
    const withoutWorker: ClusterInventory = { ...prod, objects: prod.objects.filter((object) => object.name !== 'worker' && object.owner?.name !== 'worker') };
    const missing = readRequest(request, { catalog: cards, inventory: withoutWorker });
    expect(missing.outcome.kind).toBe('ask');
    expect(readRequest(request, { catalog: cards, inventory: { ...prod, objects: [...prod.objects] } })).toEqual(first);
  });
});
