import { describe, expect, it } from 'vitest';
import { bareReplicaCount, extractSlots, resolveReplicas, type ReplicaSlot, type Slots } from '../../../src/plan/slots.js';

type Expected = Partial<Omit<Slots, 'phrases'>>;

describe('extractSlots', () => {
  it.each<[string, Expected]>([
    // replica counts
    ['scale api to 5', { replicas: { kind: 'absolute', value: 5, phrase: 'to 5' } }],
    ['5 replicas please', { replicas: { kind: 'absolute', value: 5, phrase: '5 replicas' } }],
    ['replicas=3', { replicas: { kind: 'absolute', value: 3, phrase: 'replicas=3' } }],
    ['scale to five', { replicas: { kind: 'absolute', value: 5, phrase: 'to five' } }],
    ['scale to 0', { replicas: { kind: 'absolute', value: 0, phrase: 'to 0' } }],
    ['up by 2', { replicas: { kind: 'delta', value: 2, phrase: 'up by 2' } }],
    ['scale down by 1', { replicas: { kind: 'delta', value: -1, phrase: 'scale down by 1' } }],
    ['add 3 more replicas', { replicas: { kind: 'delta', value: 3, phrase: 'add 3 more replicas' } }],
    ['double it', { replicas: { kind: 'factor', value: 2, phrase: 'double' } }],
    ['scale up by 100%', { replicas: { kind: 'factor', value: 2, phrase: 'by 100%' } }],
    ['reduce it by 50%', { replicas: { kind: 'factor', value: 0.5, phrase: 'reduce it by 50%' } }],
    ['halve it', { replicas: { kind: 'factor', value: 0.5, phrase: 'halve' } }],
    // tail lines
    ['last 200 lines', { tailLines: 200 }],
    ['tail 50', { tailLines: 50 }],
    ['--tail=20', { tailLines: 20 }],
    ['show 30 lines', { tailLines: 30 }],
    // durations
    ['since 15m', { since: '15m' }],
    ['since 10 minutes', { since: '10m' }],
    ['errors in the last hour', { since: '1h' }],
    ['past 2 hours', { since: '2h' }],
    ['last 2 days', { since: '48h' }],
    ['logs for the previous 5 minutes', { since: '5m' }],
    ['30s ago', { since: '30s' }],
    // previous
    ['logs of the crashed container', { previous: true }],
    ['previous', { previous: true }],
    ['what did it say before it crashed', { previous: true }],
    ['--previous', { previous: true }],
    // container
    ['the sidecar container', { container: 'sidecar' }],
    ['container envoy', { container: 'envoy' }],
    ['logs -c envoy', { container: 'envoy' }],
    ['--container=istio-proxy', { container: 'istio-proxy' }],
    // revision
    ['roll back to revision 3', { revision: 3 }],
    ['rev 2', { revision: 2 }],
    ['--to-revision=7', { revision: 7 }],
    // node
    ['pods on node-2', { node: 'node-2' }],
    ['cordon node node-1', { node: 'node-1' }],
    ['on ip-10-0-1-5.ec2.internal', { node: 'ip-10-0-1-5.ec2.internal' }],
    // output
    ['wide', { output: 'wide' }],
    ['as yaml', { output: 'yaml' }],
    ['-o json', { output: 'json' }],
    // timeouts
    ['wait up to 5 minutes', { timeout: '5m' }],
    ['timeout 90s', { timeout: '90s' }],
    ['--timeout=2m', { timeout: '2m' }],
  ])('%j', (text, expected) => {
    const { phrases, ...slots } = extractSlots(text);
    expect(slots).toEqual(expected);
    for (const name of Object.keys(expected)) expect(phrases).toHaveProperty(name);
  });

  it.each<[string, keyof Slots]>([
    ['scale to 5m', 'replicas'],
    ['roll back to revision 3', 'replicas'],
    ['logs of the crashed container', 'container'],
    ['the previous container', 'container'],
    ['drain the node is stuck', 'node'],
    ['pods on nodes', 'node'],
    ['last 200 lines', 'since'],
    ['since 15m', 'timeout'],
    ['logs for the previous 5 minutes', 'previous'],
  ])('%j has no %s slot', (text, slot) => {
    expect(extractSlots(text)).not.toHaveProperty(slot);
  });

  it('finds several slots in one sentence', () => {
    const { phrases: _phrases, ...slots } = extractSlots('last 100 lines of the envoy container since 1h, previous');
    expect(slots).toEqual({ tailLines: 100, container: 'envoy', since: '1h', previous: true });
  });

  it('finds nothing in empty or unrelated text', () => {
    expect(extractSlots(undefined)).toEqual({ phrases: {} });
    expect(extractSlots('please have a look at the api')).toEqual({ phrases: {} });
  });
});

describe('resolveReplicas', () => {
  const slot = (kind: ReplicaSlot['kind'], value: number): ReplicaSlot => ({ kind, value, phrase: 'x' });
  it.each<[ReplicaSlot, number | undefined, number | undefined]>([
    [slot('absolute', 5), undefined, 5],
    [slot('delta', 2), 3, 5],
    [slot('delta', -1), 3, 2],
    [slot('factor', 2), 3, 6],
    [slot('factor', 0.5), 5, 3],
    [slot('delta', 2), undefined, undefined],
    [slot('factor', 2), undefined, undefined],
    [slot('delta', -5), 3, undefined],
  ])('%j from %s replicas -> %s', (replicas, current, expected) => {
    const resolved = resolveReplicas(replicas, current);
    if (expected === undefined) expect(resolved).toHaveProperty('reason');
    else expect(resolved).toEqual({ value: expected });
  });
});

describe('extractSlots: the modifiers on-call engineers add', () => {
  it.each<[string, Record<string, unknown>]>([
    ['pods sorted by restarts', { sortBy: 'restarts' }],
    ['top pods by memory', { sortBy: 'memory' }],
    ['which node has the highest cpu', { sortBy: 'cpu' }],
    ['logs -f', { follow: true }],
    ['tail -f the logs', { follow: true }],
    ['stream it', { follow: true }],
    ['only warnings', { warnings: true }],
    ['cpu per container', { perContainer: true }],
    ['pods with label app=api', { selector: 'app=api' }],
    ['get pods -l tier=backend,app!=web', { selector: 'tier=backend,app!=web' }],
    ['30s timeout', { timeout: '30s' }],
    ['give it 20 minutes', { timeout: '20m' }],
    ['timeout of half an hour', { timeout: '30m' }],
    ['drain it but give pods 10m', { timeout: '10m' }],
    ['list all pods with their nodes', { output: 'wide' }],
    ['which node each pod runs on', { output: 'wide' }],
    ['what images is api running', { output: 'wide' }],
    ['from before it restarted', { previous: true }],
    ['logs of the crashed payments container', { previous: true }],
    ['logs over the past two hours', { since: '2h' }],
  ])('%j', (text, expected) => {
    expect(extractSlots(text)).toMatchObject(expected);
  });

  it('records every absolute count, so two counts can be asked about', () => {
    expect(extractSlots('scale api to 10 then back to 3').replicaTargets).toEqual([10, 3]);
    expect(extractSlots('scale api to 10').replicaTargets).toBeUndefined();
  });

  it.each<[string, string | undefined, number | undefined]>([
    ['scale web 5', 'web', 5],
    ['5', undefined, 5],
    ['scale web 5 lines', 'web', undefined],
    ['scale web to revision 2', 'web', undefined],
    ['scale web 5 and 6', 'web', undefined],
  ])('a bare count: %j', (text, name, expected) => {
    expect(bareReplicaCount(text, name)).toBe(expected);
  });
});
