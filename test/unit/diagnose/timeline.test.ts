import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../src/schemas/audit.js';
import { SnapshotIndex } from '../../../src/diagnose/snapshot-index.js';
import { auditEntries, buildTimeline } from '../../../src/diagnose/timeline.js';
import { DAY, HOUR, MINUTE, ago, controllerRevision, deployment, event, pod, replicaSet, snapshotOf, statefulSet } from './fixtures.js';

function record(partial: Partial<AuditRecord>): AuditRecord {
  return {
    timestamp: ago(5 * MINUTE), level: 'INFO', operation_id: '11111111-1111-4111-8111-111111111111', event: 'proposed', user: 'alice', source: 'cli', context: 'prod-cluster',
    intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'web', command: 'kubectl rollout restart deployment/web -n prod', args: ['rollout', 'restart', 'deployment/web', '-n', 'prod'],
    card: 'restart-deployment', planner: 'template', decision: 'confirm', risk: 'medium', prev_hash: '0', hash: '1', ...partial,
  };
}

const index = () => new SnapshotIndex(snapshotOf({
  deployments: [deployment('web', { revision: 2 }), deployment('api')],
  replicaSets: [
    replicaSet('web', 'new', { revision: 2, replicas: 1, ready: 0, images: { web: 'web:2.4.0-rc1' }, age: 40 * MINUTE }),
    replicaSet('web', 'old', { revision: 1, replicas: 2, images: { web: 'web:2.3.1' }, age: 5 * DAY }),
    replicaSet('api', 'a1', { revision: 1, replicas: 2, images: { api: 'api:1.0' }, age: 30 * DAY }),
  ],
  statefulSets: [statefulSet('db')],
  controllerRevisions: [controllerRevision('StatefulSet', 'db', 'new', 2, 'postgres:16.4', 21 * DAY), controllerRevision('StatefulSet', 'db', 'old', 1, 'postgres:16.3', 120 * DAY)],
  pods: [pod('web-new-x', { owner: 'ReplicaSet/web-new', labels: { app: 'web' } })],
  events: [
    event('Pod', 'web-new-x', 'Failed', 'Error: ImagePullBackOff', { count: 160, last: 15 }),
    event('Pod', 'web-new-x', 'Pulling', 'Pulling image', { type: 'Normal', last: 10 }),
    event('PersistentVolumeClaim', 'scratch', 'ProvisioningFailed', 'storageclass.storage.k8s.io "fast-ssd" not found', { last: HOUR }),
  ],
}));

describe('timeline', () => {
  it('merges rollouts (revision and image change), Warning events and rk8s operations, newest first', () => {
    const audit = [
      record({ event: 'proposed', timestamp: ago(5 * MINUTE) }),
      record({ event: 'confirmed', timestamp: ago(5 * MINUTE - 2) }),
      record({ event: 'finished', timestamp: ago(5 * MINUTE - 4), exit_code: 0 }),
      record({ operation_id: '22222222-2222-4222-8222-222222222222', namespace: 'staging', timestamp: ago(MINUTE) }),
    ];
    const entries = buildTimeline(index(), { audit });
    expect(entries.map((entry) => entry.type)).toEqual(['event', 'audit', 'rollout', 'event', 'rollout', 'rollout', 'rollout', 'rollout']);
    expect(entries[0]).toMatchObject({ object: { kind: 'Pod', name: 'web-new-x' }, count: 160 });
    expect(entries[1]).toMatchObject({ type: 'audit', text: 'rk8s proposed -> confirmed -> finished: kubectl rollout restart deployment/web -n prod (exit 0)', user: 'alice', source: 'cli' });
    expect(entries[2]!.text).toBe('deployment web revision 2 (ReplicaSet web-new): image web: web:2.3.1 -> web:2.4.0-rc1; 0/1 ready now');
    expect(entries.find((entry) => entry.text.startsWith('statefulset db revision 2'))!.text).toBe('statefulset db revision 2 (ControllerRevision db-new): image db: postgres:16.3 -> postgres:16.4');
    expect(entries.map((entry) => entry.at)).toEqual([...entries.map((entry) => entry.at)].sort().reverse());
  });

  it('keeps only what concerns the object when one is named', () => {
    const entries = buildTimeline(index(), { target: { kind: 'Deployment', name: 'web', namespace: 'prod' }, audit: [record({}), record({ operation_id: '33333333-3333-4333-8333-333333333333', name: 'api', args: ['rollout', 'restart', 'deployment/api'], command: 'kubectl rollout restart deployment/api -n prod' })] });
    expect(entries.map((entry) => `${entry.type} ${entry.object.kind}/${entry.object.name}`)).toEqual(['event Pod/web-new-x', 'audit deployment/web', 'rollout Deployment/web', 'rollout Deployment/web']);
  });

  it('collapses one operation into one entry and leaves other namespaces out', () => {
    const entries = auditEntries([record({ event: 'proposed' }), record({ event: 'denied', message: 'not allowed' }), record({ operation_id: '44444444-4444-4444-8444-444444444444', namespace: 'dev' })], 'prod', undefined);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.text).toBe('rk8s proposed -> denied: kubectl rollout restart deployment/web -n prod (not allowed)');
  });

  it('limits the number of entries', () => {
    expect(buildTimeline(index(), { limit: 2 })).toHaveLength(2);
  });
});
