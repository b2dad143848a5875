import { describe, expect, it } from 'vitest';
import { createOwnerResolver } from '../../../src/cluster/owner-resolver.js';
import { createFakeKubectl, type FakeKubectlResponse } from '../../helpers/fake-core.js';

const owned = (kind: string, name: string, controller = true) => ({ stdout: [JSON.stringify({ metadata: { ownerReferences: [{ kind, name, controller }] } })] });

function resolver(objects: Record<string, FakeKubectlResponse>) {
  const kubectl = createFakeKubectl((args) => objects[`${args[1]}/${args[2]}`] ?? { stderr: ['Error from server (NotFound)'], exitCode: 1 });
  return { kubectl, owners: createOwnerResolver(kubectl) };
}

describe('createOwnerResolver', () => {
  it('follows pod -> ReplicaSet -> Deployment', async () => {
    const { kubectl, owners } = resolver({ 'pod/api-7d9f-x2': owned('ReplicaSet', 'api-7d9f'), 'replicaset/api-7d9f': owned('Deployment', 'api') });
    expect(await owners.resolvePodOwner('prod', 'api-7d9f-x2')).toEqual({ kind: 'Deployment', name: 'api' });
    expect(kubectl.calls.map((call) => call.args)).toEqual([
      ['get', 'pod', 'api-7d9f-x2', '-n', 'prod', '-o', 'json'],
      ['get', 'replicaset', 'api-7d9f', '-n', 'prod', '-o', 'json'],
    ]);
  });

  it.each([
    ['StatefulSet', 'db'],
    ['DaemonSet', 'node-agent'],
  ])('returns a %s owner directly', async (kind, name) => {
    const { owners } = resolver({ 'pod/p-0': owned(kind, name) });
    expect(await owners.resolvePodOwner('prod', 'p-0')).toEqual({ kind, name });
  });

  it('keeps a bare ReplicaSet when it has no owner', async () => {
    const { owners } = resolver({ 'pod/p': owned('ReplicaSet', 'rs-1'), 'replicaset/rs-1': { stdout: ['{"metadata":{}}'] } });
    expect(await owners.resolvePodOwner('dev', 'p')).toEqual({ kind: 'ReplicaSet', name: 'rs-1' });
  });

  it('answers undefined for a pod without a controller', async () => {
    expect(await resolver({ 'pod/bare': { stdout: ['{"metadata":{}}'] } }).owners.resolvePodOwner('dev', 'bare')).toBeUndefined();
  });

  it('throws (rather than claiming "no owner") for a missing pod, bad JSON or no kubectl', async () => {
    await expect(resolver({}).owners.resolvePodOwner('dev', 'gone')).rejects.toThrow(/NotFound/);
    await expect(resolver({ 'pod/x': { stdout: ['{not json'] } }).owners.resolvePodOwner('dev', 'x')).rejects.toThrow(/JSON/);
    await expect(resolver({ 'pod/x': { throws: new Error('spawn kubectl ENOENT') } }).owners.resolvePodOwner('dev', 'x')).rejects.toThrow(/ENOENT/);
  });

  it('propagates an abort', async () => {
    const { owners } = resolver({ 'pod/x': { hang: true } });
    const controller = new AbortController();
    const pending = owners.resolvePodOwner('dev', 'x', controller.signal);
    controller.abort();
    await expect(pending).rejects.toThrow();
  });
});
