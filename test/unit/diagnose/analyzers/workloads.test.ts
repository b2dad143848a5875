import { describe, expect, it } from 'vitest';
import { workloadAnalyzer } from '../../../../src/diagnose/analyzers/workloads.js';
import { SnapshotIndex } from '../../../../src/diagnose/snapshot-index.js';
import type { Snapshot } from '../../../../src/diagnose/snapshot-types.js';
import { DAY, MINUTE, controllerRevision, daemonSet, deployment, event, replicaSet, snapshotOf, statefulSet } from '../fixtures.js';

const run = (parts: Partial<Snapshot>) => workloadAnalyzer.analyze(new SnapshotIndex(snapshotOf(parts)));

describe('workload analyzer', () => {
  it('finds nothing for workloads at full strength', () => {
    expect(run({ deployments: [deployment('api')], statefulSets: [statefulSet('db')], daemonSets: [daemonSet('agent')] })).toEqual([]);
  });

  it('reports desired vs ready and a rollout past its progress deadline, with the revisions', () => {
    const findings = run({
      deployments: [deployment('web', { replicas: 2, ready: 2, updated: 1, revision: 2, progressing: { status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-7f6d5c4b3" has timed out progressing.' } })],
      replicaSets: [replicaSet('web', '7f6d5c4b3', { revision: 2, replicas: 1, ready: 0, images: { web: 'web:2.4.0-rc1' }, age: 40 * MINUTE }), replicaSet('web', '7d4b9c6f8', { revision: 1, replicas: 2, images: { web: 'web:2.3.1' }, age: 5 * DAY })],
    });
    expect(findings.map((finding) => finding.reason)).toEqual(['ProgressDeadlineExceeded']);
    const [finding] = findings;
    expect(finding!.summary).toContain('1/2 pods updated, 2 ready');
    expect(finding!.evidence.map((evidence) => evidence.text)).toEqual(expect.arrayContaining([
      'status=False reason=ProgressDeadlineExceeded message="ReplicaSet \\"web-7f6d5c4b3\\" has timed out progressing."',
      'revision 2: web:2.4.0-rc1, created 40m ago, 0/1 ready',
      'revision 1: web:2.3.1, created 5d ago, 2/2 ready',
    ]));
  });

  it('reports pods a quota refuses (FailedCreate on the ReplicaSet) with the quota usage', () => {
    const message = 'Error creating: pods "api-5d8f7c9b6-x" is forbidden: exceeded quota: compute, requested: cpu=500m, used: cpu=3800m, limited: cpu=4';
    const findings = run({
      deployments: [deployment('api', { replicas: 3, ready: 0 })],
      replicaSets: [replicaSet('api', '5d8f7c9b6', { revision: 1, replicas: 3, ready: 0 })],
      events: [event('ReplicaSet', 'api-5d8f7c9b6', 'FailedCreate', message, { component: 'replicaset-controller', count: 14 })],
      resourceQuotas: [{ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute', namespace: 'prod' }, spec: { hard: { cpu: '4' } }, status: { hard: { cpu: '4' }, used: { cpu: '3800m' } } }],
    });
    const failed = findings.find((finding) => finding.reason === 'FailedCreate')!;
    expect(failed).toMatchObject({ severity: 'critical', object: { kind: 'Deployment', name: 'api' } });
    expect(failed.summary).toContain('(resource quota exceeded)');
    expect(failed.evidence.map((evidence) => evidence.text)).toContain('used/hard: cpu 3800m/4');
    expect(failed.check).toContain('ResourceQuota is used up');
    expect(findings.map((finding) => finding.reason)).toContain('ReplicasNotReady');
  });

  it('reports a paused rollout', () => {
    const [finding] = run({ deployments: [deployment('api', { paused: true, replicas: 2, updated: 1 })] });
    expect(finding).toMatchObject({ reason: 'RolloutPaused', severity: 'warning' });
    expect(finding!.remediations[0]).toMatchObject({ kind: 'fix', request: { intent: 'resume', resource: 'deployment', name: 'api' } });
  });

  it('says how an OnDelete StatefulSet takes its new revision', () => {
    const set = statefulSet('db', { replicas: 2, ready: 2, currentRevision: 'db-old', updateRevision: 'db-new', updated: 0 });
    set.spec!.updateStrategy = { type: 'OnDelete' };
    const [finding] = run({ statefulSets: [set] });
    expect(finding).toMatchObject({ reason: 'RolloutStuck' });
    expect(finding!.summary).toContain('(updateStrategy OnDelete: the controller replaces no pod by itself)');
    expect(finding!.check).toContain('delete the pods one at a time, highest ordinal first');
  });

  it('reports a StatefulSet whose update revision is not rolled out, and its unready replicas', () => {
    const findings = run({
      statefulSets: [statefulSet('db', { replicas: 2, ready: 1, currentRevision: 'db-old', updateRevision: 'db-new', updated: 1 })],
      controllerRevisions: [controllerRevision('StatefulSet', 'db', 'new', 2, 'postgres:16.4', DAY), controllerRevision('StatefulSet', 'db', 'old', 1, 'postgres:16.3', 100 * DAY)],
    });
    expect(findings.map((finding) => finding.reason).sort()).toEqual(['ReplicasNotReady', 'RolloutStuck']);
    expect(findings.find((finding) => finding.reason === 'RolloutStuck')!.evidence.map((evidence) => evidence.text)).toContain('revision 2: postgres:16.4, created 24h ago');
  });

  it('reports a DaemonSet with nodes not running the new template', () => {
    const findings = run({ daemonSets: [daemonSet('agent', { desired: 3, ready: 2, updated: 1 })] });
    expect(findings.map((finding) => [finding.reason, finding.severity])).toEqual([['RolloutStuck', 'warning'], ['ReplicasNotReady', 'warning']]);
  });
});
