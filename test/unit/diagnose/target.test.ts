import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/diagnose/analyze.js';
import { InputError } from '../../../src/errors.js';
import { SnapshotIndex } from '../../../src/diagnose/snapshot-index.js';
import { parseTarget, relatedObjects, resolveTarget } from '../../../src/diagnose/target.js';
import { claim, crashLooping, deployment, endpointSlice, pod, replicaSet, service, snapshotOf, statefulSet, unschedulablePod } from './fixtures.js';

const snapshot = () => snapshotOf({
  deployments: [deployment('payments', { replicas: 1, ready: 0 }), deployment('api')],
  statefulSets: [statefulSet('db')],
  replicaSets: [replicaSet('payments', '6b7c8d9f4', { revision: 1, replicas: 1, ready: 0 }), replicaSet('api', '5d8f7c9b6', { revision: 1, replicas: 2 })],
  pods: [
    pod('payments-6b7c8d9f4-lk2jd', { owner: 'ReplicaSet/payments-6b7c8d9f4', labels: { app: 'payments' }, statuses: [crashLooping('app')], ready: false, volumes: [{ name: 'cache', persistentVolumeClaim: { claimName: 'cache' } }] }),
    pod('api-5d8f7c9b6-a', { owner: 'ReplicaSet/api-5d8f7c9b6', labels: { app: 'api' }, node: 'node-2' }),
    pod('db-0', { owner: 'StatefulSet/db', labels: { app: 'db' } }),
    unschedulablePod('api-5d8f7c9b6-b', '0/2 nodes are available: 2 Insufficient memory.', { owner: 'ReplicaSet/api-5d8f7c9b6', labels: { app: 'api' } }),
  ],
  services: [service('payments', { app: 'payments' }), service('api', { app: 'api' })],
  endpointSlices: [endpointSlice('payments', [{ pod: 'payments-6b7c8d9f4-lk2jd', ready: false }]), endpointSlice('api', [{ pod: 'api-5d8f7c9b6-a', ready: true }])],
  persistentVolumeClaims: [claim('cache')],
});

describe('investigation targets', () => {
  it.each([
    ['deploy/payments', { kind: 'Deployment', name: 'payments' }],
    ['deployment.apps/payments', { kind: 'Deployment', name: 'payments' }],
    ['po/payments-6b7c8d9f4-lk2jd', { kind: 'Pod', name: 'payments-6b7c8d9f4-lk2jd' }],
    ['svc/web', { kind: 'Service', name: 'web' }],
    ['pvc/data-db-0', { kind: 'PersistentVolumeClaim', name: 'data-db-0' }],
    ['sts/db', { kind: 'StatefulSet', name: 'db' }],
    ['pdb/api', { kind: 'PodDisruptionBudget', name: 'api' }],
    ['no/node-1', { kind: 'Node', name: 'node-1' }],
    ['payments', { name: 'payments' }],
  ])('parses %s', (text, expected) => {
    expect(parseTarget(text)).toEqual(expected);
  });

  it.each([['secret/db', 'cannot investigate kind "secret"'], ['deploy/Payments', 'must be a Kubernetes object name'], ['deploy/', 'must be a Kubernetes object name'], ['widget/x', 'cannot investigate kind "widget"']])('refuses %s', (text, message) => {
    expect(() => parseTarget(text)).toThrow(InputError);
    expect(() => parseTarget(text)).toThrow(message);
  });

  it('resolves a plain name to the workload of that name', () => {
    const index = new SnapshotIndex(snapshot());
    expect(resolveTarget(index, { name: 'payments' })).toEqual({ kind: 'Deployment', name: 'payments', namespace: 'prod' });
    expect(resolveTarget(index, { name: 'db-0' })).toEqual({ kind: 'Pod', name: 'db-0', namespace: 'prod' });
  });

  it('names the unknown object, suggests the closest and lists the candidates', () => {
    const index = new SnapshotIndex(snapshot());
    const error = (() => {
      try {
        resolveTarget(index, { name: 'paymnts' });
      } catch (caught) {
        return caught as InputError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error!.message).toBe('nothing named "paymnts" in namespace prod');
    expect(error!.hint).toMatch(/^did you mean deployment\/payments\? workloads: deployment\/payments, deployment\/api, statefulset\/db/);
    expect(() => resolveTarget(index, { kind: 'Deployment', name: 'nope' })).toThrow('no Deployment named "nope" in namespace prod');
  });

  it('keeps only the findings about a workload, its pods, services, claims and nodes', () => {
    const index = new SnapshotIndex(snapshot());
    const related = relatedObjects(index, { kind: 'Deployment', name: 'payments', namespace: 'prod' });
    expect([...related].sort()).toEqual(['Deployment/payments', 'Node/node-1', 'PersistentVolumeClaim/cache', 'Pod/payments-6b7c8d9f4-lk2jd', 'ReplicaSet/payments-6b7c8d9f4', 'Service/payments']);
    const all = analyze(snapshot()).map((finding) => finding.id);
    expect(all).toContain('deployment/api:Unschedulable');
    const focused = analyze(snapshot(), { target: { kind: 'Deployment', name: 'payments', namespace: 'prod' } }).map((finding) => finding.id);
    expect(focused).toEqual(['deployment/payments:CrashLoopBackOff', 'service/payments:NoReadyEndpoints']);
    const byPod = analyze(snapshot(), { target: { kind: 'Pod', name: 'payments-6b7c8d9f4-lk2jd', namespace: 'prod' } }).map((finding) => finding.id);
    expect(byPod).toEqual(focused);
    const byService = analyze(snapshot(), { target: { kind: 'Service', name: 'payments', namespace: 'prod' } }).map((finding) => finding.id);
    expect(byService).toEqual(focused);
  });
});
