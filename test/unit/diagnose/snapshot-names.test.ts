/** Name resolution from an investigation's snapshot: the inventory the resolver's read would give, or the core's resolver when the snapshot cannot stand in for that read. */
import type { Namespace } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { inventoryFromObjects, inventoryReadArgs, type NameResolution } from '../../../src/cluster/name-resolver.js';
import type { CommandValidator } from '../../../src/contracts/core.js';
import type { NameResolver } from '../../../src/contracts/ports.js';
import { snapshotInventory, snapshotNameResolver, type SnapshotNames } from '../../../src/diagnose/snapshot-names.js';
import type { Verdict } from '../../../src/schemas/verdict.js';
import { composite } from './composite-snapshot.js';

const allow: Verdict = { decision: 'allow', risk: 'none', violations: [], suggestions: [], mutating: false };
const namespaces: Namespace[] = [{ kind: 'Namespace', metadata: { name: 'prod' }, status: { phase: 'Active' } }, { kind: 'Namespace', metadata: { name: 'staging' }, status: { phase: 'Active' } }];

function validator(verdict: Verdict = allow): CommandValidator & { seen: string[][] } {
  const seen: string[][] = [];
  return { policyVersion: 'v', seen, validate: (args) => (seen.push([...args]), verdict), ownerLookup: () => undefined, target: () => undefined };
}

function fallback(): NameResolver & { asked: Array<string | undefined> } {
  const asked: Array<string | undefined> = [];
  return { asked, resolve: async (namespace) => (asked.push(namespace), { reads: ['kubectl get (fallback)'], notice: 'from the fallback' } satisfies NameResolution) };
}

function names(): SnapshotNames {
  const snapshot = composite();
  return { snapshot: { ...snapshot, configMapNames: ['payments-config'] }, namespaceObjects: namespaces };
}

describe('snapshotInventory', () => {
  it('lists what the resolver\'s read lists, in the order of its kinds, read by the same rules', () => {
    const source = names();
    const inventory = snapshotInventory(source, 'prod')!;
    const { snapshot } = source;
    expect(inventory).toEqual(inventoryFromObjects([
      ...snapshot.deployments!, ...snapshot.statefulSets!, ...snapshot.daemonSets!, ...snapshot.replicaSets!, ...snapshot.pods!, ...snapshot.services!,
      ...snapshot.jobs!, ...snapshot.cronJobs!, ...snapshot.horizontalPodAutoscalers!, ...snapshot.persistentVolumeClaims!,
      { kind: 'ConfigMap', metadata: { name: 'payments-config' } }, ...snapshot.ingresses!, ...snapshot.podDisruptionBudgets!, ...snapshot.nodes!, ...namespaces,
    ], 'prod'));
    expect(inventoryReadArgs('prod')[1]).toBe('deployments,statefulsets,daemonsets,replicasets,pods,services,jobs,cronjobs,horizontalpodautoscalers,persistentvolumeclaims,configmaps,ingresses,poddisruptionbudgets,nodes,namespaces');
    expect(inventory.namespace).toBe('prod');
    expect(inventory.objects.find((object) => object.name === 'payments-p1-a')).toMatchObject({ kind: 'pod', owner: { kind: 'deployment', name: 'payments' }, waiting: ['CrashLoopBackOff'] });
    expect(inventory.objects.find((object) => object.kind === 'configmap')).toEqual({ kind: 'configmap', name: 'payments-config' });
    expect(inventory.objects.find((object) => object.name === 'node-3')).toMatchObject({ kind: 'node', unschedulable: true });
    expect(inventory.objects.find((object) => object.kind === 'namespace')).toEqual({ kind: 'namespace', name: 'prod', phase: 'Active' });
  });

  it('for a cluster-scoped request: the nodes and namespaces alone, as the resolver reads them', () => {
    const inventory = snapshotInventory(names(), undefined)!;
    expect(inventory.namespace).toBeUndefined();
    expect(new Set(inventory.objects.map((object) => object.kind))).toEqual(new Set(['node', 'namespace']));
  });

  it('cannot stand in for a read of another namespace, or when a kind the read lists was not read', () => {
    expect(snapshotInventory(names(), 'staging')).toBeUndefined();
    const source = names();
    expect(snapshotInventory({ ...source, snapshot: { ...source.snapshot, configMapNames: undefined } }, 'prod')).toBeUndefined();
    expect(snapshotInventory({ ...source, snapshot: { ...source.snapshot, podDisruptionBudgets: undefined } }, 'prod')).toBeUndefined();
    expect(snapshotInventory({ snapshot: source.snapshot }, 'prod')).toBeUndefined();
    expect(snapshotInventory({ snapshot: source.snapshot }, undefined)).toBeUndefined();
  });
});

describe('snapshotNameResolver', () => {
  it('answers from the snapshot, without a read, once the policy allows the read it stands in for', async () => {
    const policy = validator();
    const other = fallback();
    const resolver = snapshotNameResolver(names(), () => policy, other);
    const first = await resolver.resolve('prod');
    const second = await resolver.resolve('prod');
    expect(first.reads).toEqual([]);
    expect(first.notice).toBeUndefined();
    expect(first.inventory).toEqual(snapshotInventory(names(), 'prod'));
    expect(second.inventory).toBe(first.inventory);
    expect((await resolver.resolve(undefined)).inventory?.namespace).toBeUndefined();
    expect(other.asked).toEqual([]);
    expect(policy.seen).toEqual([inventoryReadArgs('prod'), inventoryReadArgs(undefined)]);
  });

  it('leaves it to the core\'s resolver when the policy does not allow that read, for another namespace, or when the snapshot lacks a kind', async () => {
    const denied = validator({ ...allow, decision: 'deny', violations: [{ code: 'VERB_NOT_ALLOWED', message: 'no' }] });
    const other = fallback();
    expect(await snapshotNameResolver(names(), () => denied, other).resolve('prod')).toEqual({ reads: ['kubectl get (fallback)'], notice: 'from the fallback' });
    const resolver = snapshotNameResolver(names(), () => validator(), other);
    await resolver.resolve('staging');
    const source = names();
    await snapshotNameResolver({ ...source, snapshot: { ...source.snapshot, configMapNames: undefined } }, () => validator(), other).resolve('prod');
    expect(other.asked).toEqual(['prod', 'staging', 'prod']);
  });

  it('stops when its signal has aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(snapshotNameResolver(names(), () => validator(), fallback()).resolve('prod', controller.signal)).rejects.toThrow('stop');
  });
});
