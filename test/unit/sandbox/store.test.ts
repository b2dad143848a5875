import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/sandbox/api-error.js';
import { findResourceType } from '../../../src/sandbox/resources.js';
import { ObjectStore, type StoreEvent } from '../../../src/sandbox/store.js';
import type { KubeObject } from '../../../src/sandbox/types.js';

const deployments = findResourceType('apps', 'v1', 'deployments')!;
const nodes = findResourceType('', 'v1', 'nodes')!;
const deployment = (name: string, replicas = 1): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'prod', labels: { app: name } }, spec: { replicas } });

describe('ObjectStore', () => {
  it('assigns uid, resourceVersion, creationTimestamp and generation', () => {
    const store = new ObjectStore();
    const created = store.create(deployments, deployment('api'));
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata.resourceVersion)).toBe(store.resourceVersion);
    expect(created.metadata.generation).toBe(1);
    expect(() => store.create(deployments, deployment('api'))).toThrow(/deployments.apps "api" already exists/);
  });

  it('bumps generation on spec changes only, and conflicts on a stale resourceVersion', () => {
    const store = new ObjectStore();
    const created = store.create(deployments, deployment('api'));
    const relabelled = store.update(deployments, { ...created, metadata: { ...created.metadata, labels: { app: 'api', x: 'y' } } });
    expect(relabelled.metadata.generation).toBe(1);
    const scaled = store.update(deployments, { ...relabelled, spec: { replicas: 3 } }, { checkVersion: true });
    expect(scaled.metadata.generation).toBe(2);
    expect(() => store.update(deployments, { ...created, spec: { replicas: 4 } }, { checkVersion: true })).toThrow(/the object has been modified/);
  });

  it('an update that changes nothing keeps the resourceVersion and sends no event', () => {
    const store = new ObjectStore();
    const created = store.create(deployments, deployment('api'));
    const events: StoreEvent[] = [];
    store.subscribe((event) => events.push(event));
    const same = store.update(deployments, created);
    expect(same.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(events).toHaveLength(0);
  });

  it('dry-run writes nothing', () => {
    const store = new ObjectStore();
    const version = store.resourceVersion;
    store.create(deployments, deployment('api'), { dryRun: true });
    expect(store.get(deployments, 'prod', 'api')).toBeUndefined();
    expect(store.resourceVersion).toBe(version);
  });

  it('lists with label and field selectors and namespaces; cluster-scoped objects drop namespace', () => {
    const store = new ObjectStore();
    store.create(deployments, deployment('api'));
    store.create(deployments, deployment('web'));
    store.create(deployments, { ...deployment('web'), metadata: { name: 'web', namespace: 'dev' } });
    expect(store.list(deployments, { namespace: 'prod' }).map((object) => object.metadata.name)).toEqual(['api', 'web']);
    expect(store.list(deployments, { labelSelector: [{ key: 'app', operator: 'equals', values: ['web'] }] })).toHaveLength(1);
    expect(store.list(deployments, { fieldSelector: [{ key: 'metadata.name', operator: 'equals', values: ['web'] }] })).toHaveLength(2);
    const node = store.create(nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', namespace: 'ignored' } });
    expect(node.metadata.namespace).toBeUndefined();
  });

  it('watch replays history after a resourceVersion, then streams live events, then DELETED', () => {
    const store = new ObjectStore();
    const created = store.create(deployments, deployment('api'));
    const since = Number(created.metadata.resourceVersion);
    store.update(deployments, { ...created, spec: { replicas: 2 } });
    const seen: string[] = [];
    const stop = store.watch(deployments, since, { namespace: 'prod' }, (event) => seen.push(`${event.type}:${(event.object['spec'] as { replicas: number }).replicas}`));
    store.create(deployments, { ...deployment('other'), metadata: { name: 'other', namespace: 'dev' } });
    store.remove(deployments, 'prod', 'api');
    stop();
    store.create(deployments, deployment('late'));
    expect(seen).toEqual(['MODIFIED:2', 'DELETED:2']);
  });

  it('answers 410 Expired when the history no longer reaches the requested version', () => {
    const store = new ObjectStore({ historyLimit: 3 });
    for (let index = 0; index < 6; index += 1) store.create(deployments, deployment(`d${index}`));
    let caught: unknown;
    try {
      store.watch(deployments, 1, {}, () => undefined);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).code).toBe(410);
    expect((caught as ApiError).message).toMatch(/too old resource version: 1/);
    expect(() => store.watch(deployments, store.resourceVersion - 1, {}, () => undefined)).not.toThrow();
  });
});
