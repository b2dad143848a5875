/** Name resolution: one validated, bounded read per namespace, cached briefly, a notice (not an error) when the cluster cannot be read. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNameResolver, inventoryFromObjects, inventoryReadArgs, parseInventory, resolveNames } from '../../../src/cluster/name-resolver.js';
import type { CommandValidator } from '../../../src/contracts/core.js';
import type { Verdict } from '../../../src/schemas/verdict.js';
import { createFakeKubectl } from '../../helpers/fake-core.js';

const text = readFileSync(path.resolve(import.meta.dirname, '../../data/inventory-prod.txt'), 'utf8');
const allow: Verdict = { decision: 'allow', risk: 'none', violations: [], suggestions: [], mutating: false };

function validator(verdict: Verdict = allow): CommandValidator & { seen: string[][] } {
  const seen: string[][] = [];
  return { policyVersion: 'v', seen, validate: (args) => (seen.push([...args]), verdict), ownerLookup: () => undefined, target: () => undefined };
}

describe('inventoryReadArgs', () => {
  it('reads every kind the planner resolves in one get, with custom columns (no Secrets)', () => {
    const args = inventoryReadArgs('prod');
    expect(args.slice(0, 1)).toEqual(['get']);
    expect(args[1]!.split(',')).toEqual(expect.arrayContaining(['deployments', 'statefulsets', 'daemonsets', 'pods', 'replicasets', 'nodes', 'namespaces']));
    expect(args[1]).not.toMatch(/secret/);
    expect(args.slice(2, 4)).toEqual(['-n', 'prod']);
    expect(args[4]).toMatch(/^--output=custom-columns=KIND:\.kind,NAME:\.metadata\.name,/);
    expect(inventoryReadArgs(undefined)).toEqual(['get', 'nodes,namespaces', expect.stringMatching(/^--output=custom-columns=/)]);
  });
});

describe('resolveNames', () => {
  it('validates the read, records it, and reuses it for a few seconds per namespace', async () => {
    let now = 1_000;
    const kubectl = createFakeKubectl(() => ({ stdout: text.trimEnd().split('\n') }));
    const core = { validator: validator(), kubectl, clock: { now: () => new Date(now) } };
    const first = await resolveNames(core, 'prod');
    expect(first.inventory?.objects.some((object) => object.name === 'payments-6b7c8d9f4-lk2jd')).toBe(true);
    expect(first.reads).toEqual([expect.stringMatching(/^(?:kubectl )?get deployments,statefulsets,/)]);
    expect(core.validator.seen).toEqual([inventoryReadArgs('prod')]);
    now += 2_000;
    const second = await resolveNames(core, 'prod');
    expect(second.reads[0]).toMatch(/\(cached\)$/);
    expect(kubectl.calls).toHaveLength(1);
    now += 10_000;
    await resolveNames(core, 'prod');
    expect(kubectl.calls).toHaveLength(2);
  });

  it('says so, and returns no inventory, when the cluster cannot be read', async () => {
    const kubectl = createFakeKubectl(() => ({ stderr: ['Unable to connect to the server: dial tcp 127.0.0.1:1: connect: connection refused'], exitCode: 1 }));
    const result = await resolveNames({ validator: validator(), kubectl }, 'prod', { cacheMilliseconds: 0 });
    expect(result.inventory).toBeUndefined();
    expect(result.notice).toMatch(/names not checked against the cluster .*planning from the words alone/);
  });

  it('reuses a failed read for a few seconds too, and shares one read between concurrent resolutions', async () => {
    let now = 1_000;
    const failing = createFakeKubectl(() => ({ stderr: ['error: stream error: too big'], exitCode: 1 }));
    const core = { validator: validator(), kubectl: failing, clock: { now: () => new Date(now) } };
    const first = await resolveNames(core, 'prod');
    const second = await resolveNames(core, 'prod');
    expect(first.notice).toMatch(/names not checked against the cluster/);
    expect(second.notice).toBe(first.notice);
    expect(second.reads[0]).toMatch(/\(cached\)$/);
    expect(failing.calls).toHaveLength(1);
    now += 10_000;
    await resolveNames(core, 'prod');
    expect(failing.calls).toHaveLength(2);

    const kubectl = createFakeKubectl(() => ({ stdout: text.trimEnd().split('\n') }));
    const shared = { validator: validator(), kubectl, clock: { now: () => new Date(now) } };
    const answers = await Promise.all([resolveNames(shared, 'prod'), resolveNames(shared, 'prod'), resolveNames(shared, 'prod')]);
    expect(kubectl.calls).toHaveLength(1);
    expect(answers.every((answer) => answer.inventory?.objects.some((object) => object.name === 'payments-6b7c8d9f4-lk2jd'))).toBe(true);
  });

  it('reuses a read that took longer than the cache time, from when it answered (thousands of objects)', async () => {
    let now = 1_000;
    const kubectl = createFakeKubectl(() => {
      now += 6_000;
      return { stdout: text.trimEnd().split('\n') };
    });
    const core = { validator: validator(), kubectl, clock: { now: () => new Date(now) } };
    await resolveNames(core, 'prod');
    now += 1_000;
    const second = await resolveNames(core, 'prod');
    expect(second.reads[0]).toMatch(/\(cached\)$/);
    expect(kubectl.calls).toHaveLength(1);
  });

  it('never runs a read the policy does not allow', async () => {
    const kubectl = createFakeKubectl(() => ({ stdout: ['x'] }));
    const denied: Verdict = { ...allow, decision: 'deny', violations: [{ code: 'VERB_NOT_ALLOWED', message: 'no' }] };
    const result = await resolveNames({ validator: validator(denied), kubectl }, 'prod', { cacheMilliseconds: 0 });
    expect(kubectl.calls).toHaveLength(0);
    expect(result.notice).toMatch(/is not permitted/);
  });

  it('parses the answer into objects whatever order the kinds come in, skipping rows it cannot read', () => {
    const inventory = parseInventory(`${text}\ngarbage line\n`, 'prod');
    expect(inventory.namespace).toBe('prod');
    expect(inventory.objects.find((object) => object.name === 'api-5d8f7c9b6-2xkqp')?.owner).toEqual({ kind: 'deployment', name: 'api' });
  });
});

describe('createNameResolver: prefetch', () => {
  it('starts the read early and hands it, with its reads, to the next resolve of that namespace only', async () => {
    const kubectl = createFakeKubectl(() => ({ stdout: text.trimEnd().split('\n') }));
    const resolver = createNameResolver({ validator: validator(), kubectl }, { cacheMilliseconds: 0 });
    resolver.prefetch!('prod');
    const resolved = await resolver.resolve('prod');
    expect(kubectl.calls).toHaveLength(1);
    expect(resolved.reads).toEqual([expect.stringMatching(/get deployments,statefulsets,/)]);
    expect(resolved.inventory?.objects.some((object) => object.name === 'payments-6b7c8d9f4-lk2jd')).toBe(true);
    // Taken once: the next resolve reads again (the cache is off here), another namespace is not served from it.
    await resolver.resolve('prod');
    expect(kubectl.calls).toHaveLength(2);
    resolver.prefetch!('prod');
    await resolver.resolve('staging');
    expect(kubectl.calls.at(-1)?.args).toEqual(expect.arrayContaining(['-n', 'staging']));
  });

  it('a resolve waiting on a prefetched read still stops when its own signal aborts', async () => {
    const kubectl = createFakeKubectl(() => ({ hang: true }));
    const resolver = createNameResolver({ validator: validator(), kubectl }, { cacheMilliseconds: 0 });
    const prefetchLifetime = new AbortController();
    resolver.prefetch!('prod', prefetchLifetime.signal);
    const controller = new AbortController();
    const waiting = resolver.resolve('prod', controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    prefetchLifetime.abort();
  });
});

describe('inventoryFromObjects', () => {
  it('reads objects as JSON exactly as parseInventory reads the custom-columns answer of the same objects', () => {
    const objects = [
      { kind: 'Deployment', metadata: { name: 'api' }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'api' }, { name: 'envoy' }] } } } },
      { kind: 'StatefulSet', metadata: { name: 'db' }, spec: { replicas: 0, template: { spec: { containers: [{ name: 'db' }] } } } },
      { kind: 'ReplicaSet', metadata: { name: 'api-5d8f7c9b6', ownerReferences: [{ kind: 'Deployment', name: 'api' }] }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'api' }, { name: 'envoy' }] } } } },
      {
        kind: 'Pod', metadata: { name: 'api-5d8f7c9b6-2xkqp', ownerReferences: [{ kind: 'ReplicaSet', name: 'api-5d8f7c9b6' }] },
        spec: { nodeName: 'node-1', containers: [{ name: 'api' }, { name: 'envoy' }] },
        status: { phase: 'Running', containerStatuses: [
          { restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'OOMKilled' } } },
          { restartCount: 1, state: {}, lastState: {} },
        ] },
      },
      { kind: 'Pod', metadata: { name: 'db-0', ownerReferences: [{ kind: 'StatefulSet', name: 'db' }] }, spec: { containers: [{ name: 'db' }] }, status: { phase: 'Pending' } },
      { kind: 'Job', metadata: { name: 'report-1', ownerReferences: [{ kind: 'CronJob', name: 'report' }] }, spec: { template: { spec: { containers: [{ name: 'report' }] } } }, status: {} },
      { kind: 'CronJob', metadata: { name: 'report' }, spec: {} },
      { kind: 'ConfigMap', metadata: { name: 'api-config' } },
      { kind: 'PersistentVolumeClaim', metadata: { name: 'data-db-0' }, status: { phase: 'Bound' } },
      { kind: 'Secret', metadata: { name: 'not-an-inventory-kind' } },
      { kind: 'Pod', metadata: {} },
      { kind: 'Node', metadata: { name: 'node-1' }, spec: { unschedulable: true } },
      { kind: 'Node', metadata: { name: 'node-2' }, spec: {} },
      { kind: 'Namespace', metadata: { name: 'prod' }, status: { phase: 'Active' } },
    ];
    const columns = [
      'KIND NAME OWNERKIND OWNER NODE PHASE WAITING LAST RESTARTS CONTAINERS TEMPLATE REPLICAS UNSCHEDULABLE',
      'Deployment api <none> <none> <none> <none> <none> <none> <none> <none> api,envoy 3 <none>',
      'StatefulSet db <none> <none> <none> <none> <none> <none> <none> <none> db 0 <none>',
      'ReplicaSet api-5d8f7c9b6 Deployment api <none> <none> <none> <none> <none> <none> api,envoy 3 <none>',
      'Pod api-5d8f7c9b6-2xkqp ReplicaSet api-5d8f7c9b6 node-1 Running CrashLoopBackOff OOMKilled 4,1 api,envoy <none> <none> <none>',
      'Pod db-0 StatefulSet db <none> Pending <none> <none> <none> db <none> <none> <none>',
      'Job report-1 CronJob report <none> <none> <none> <none> <none> <none> report <none> <none>',
      'CronJob report <none> <none> <none> <none> <none> <none> <none> <none> <none> <none> <none>',
      'ConfigMap api-config <none> <none> <none> <none> <none> <none> <none> <none> <none> <none> <none>',
      'PersistentVolumeClaim data-db-0 <none> <none> <none> Bound <none> <none> <none> <none> <none> <none> <none>',
      'Secret not-an-inventory-kind <none> <none> <none> <none> <none> <none> <none> <none> <none> <none> <none>',
      'Pod <none> <none> <none> <none> <none> <none> <none> <none> <none> <none> <none> <none>',
      'Node node-1 <none> <none> <none> <none> <none> <none> <none> <none> <none> <none> true',
      'Node node-2 <none> <none> <none> <none> <none> <none> <none> <none> <none> <none> <none>',
      'Namespace prod <none> <none> <none> Active <none> <none> <none> <none> <none> <none> <none>',
    ].join('\n');
    const fromObjects = inventoryFromObjects(objects, 'prod');
    expect(fromObjects).toEqual(parseInventory(columns, 'prod'));
    expect(fromObjects.objects.find((object) => object.name === 'api-5d8f7c9b6-2xkqp')).toEqual({
      kind: 'pod', name: 'api-5d8f7c9b6-2xkqp', owner: { kind: 'deployment', name: 'api' }, node: 'node-1', phase: 'Running',
      waiting: ['CrashLoopBackOff'], lastTerminated: ['OOMKilled'], restarts: 5, containers: ['api', 'envoy'],
    });
    expect(fromObjects.objects.map((object) => object.name)).not.toContain('not-an-inventory-kind');
    expect(inventoryFromObjects([], undefined)).toEqual({ objects: [] });
  });
});

describe('a focused read (a request with no words that names a kind, and maybe an object)', () => {
  const KIND_OF: Record<string, string> = {
    deployments: 'Deployment', statefulsets: 'StatefulSet', daemonsets: 'DaemonSet', replicasets: 'ReplicaSet', pods: 'Pod', jobs: 'Job',
    services: 'Service', nodes: 'Node', namespaces: 'Namespace',
  };
  /** The fake cluster answers a get with the rows of the types it asks for, as kubectl would. */
  function cluster() {
    const [header, ...rows] = text.trimEnd().split('\n');
    return createFakeKubectl((args) => {
      const kinds = new Set(args[1]!.split(',').map((type) => KIND_OF[type] ?? type));
      return { stdout: [header!, ...rows.filter((row) => kinds.has(row.split(/\s+/)[0]!))] };
    });
  }

  it('reads only that kind (pods with the workloads and ReplicaSets that own them), and only once the object is found there', async () => {
    const kubectl = cluster();
    const core = { validator: validator(), kubectl };
    const deployment = await resolveNames(core, 'prod', { focus: { resource: 'deployment', name: 'web' }, cacheMilliseconds: 0 });
    expect(kubectl.calls.map((call) => call.args.slice(0, 2))).toEqual([['get', 'deployments']]);
    expect(core.validator.seen).toEqual([inventoryReadArgs('prod', ['deployments'])]);
    expect(deployment.reads).toEqual([expect.stringMatching(/get deployments -n prod/)]);
    expect(new Set(deployment.inventory!.objects.map((object) => object.kind))).toEqual(new Set(['deployment']));
    const pod = await resolveNames(core, 'prod', { focus: { resource: 'pod', name: 'payments-6b7c8d9f4-lk2jd' }, cacheMilliseconds: 0 });
    expect(kubectl.calls[1]!.args[1]).toBe('deployments,statefulsets,daemonsets,replicasets,pods,jobs');
    expect(pod.inventory!.objects.find((object) => object.name === 'payments-6b7c8d9f4-lk2jd')?.owner).toEqual({ kind: 'deployment', name: 'payments' });
    const listing = await resolveNames(core, 'prod', { focus: { resource: 'service' }, cacheMilliseconds: 0 });
    expect(kubectl.calls[2]!.args[1]).toBe('services');
    expect(listing.reads).toHaveLength(1);
  });

  it('reads the whole inventory when the named object is not of that kind (or not there at all), so "did you mean" sees everything', async () => {
    const kubectl = cluster();
    const core = { validator: validator(), kubectl };
    const whole = await resolveNames({ validator: validator(), kubectl: cluster() }, 'prod', { cacheMilliseconds: 0 });
    const result = await resolveNames(core, 'prod', { focus: { resource: 'deployment', name: 'payments-6b7c8d9f4-lk2jd' }, cacheMilliseconds: 0 });
    expect(kubectl.calls.map((call) => call.args[1])).toEqual(['deployments', inventoryReadArgs('prod')[1]]);
    expect(result.reads).toHaveLength(2);
    expect(result.inventory).toEqual(whole.inventory);
  });

  it('is answered by a whole inventory still cached, and kinds that are not namespaced are read whole', async () => {
    const kubectl = cluster();
    const core = { validator: validator(), kubectl };
    await resolveNames(core, 'prod');
    const focused = await resolveNames(core, 'prod', { focus: { resource: 'deployment', name: 'web' } });
    expect(kubectl.calls).toHaveLength(1);
    expect(focused.reads[0]).toMatch(/\(cached\)$/);
    await resolveNames(core, undefined, { focus: { resource: 'node', name: 'node-1' }, cacheMilliseconds: 0 });
    expect(kubectl.calls[1]!.args).toEqual(inventoryReadArgs(undefined));
  });

  it('a prefetch with a focus is taken by the resolve() of the same namespace and focus, and by no other', async () => {
    const kubectl = cluster();
    const resolver = createNameResolver({ validator: validator(), kubectl }, { cacheMilliseconds: 0 });
    resolver.prefetch!('prod', undefined, { resource: 'deployment', name: 'web' });
    const taken = await resolver.resolve('prod', undefined, { resource: 'deployment', name: 'web' });
    expect(kubectl.calls).toHaveLength(1);
    expect(taken.inventory?.objects.some((object) => object.name === 'web')).toBe(true);
    await resolver.resolve('prod', undefined, { resource: 'deployment', name: 'api' });
    expect(kubectl.calls).toHaveLength(2);
  });
});
