import { describe, expect, it } from 'vitest';
import { warningEventAnalyzer } from '../../../../src/diagnose/analyzers/warning-events.js';
import { SnapshotIndex } from '../../../../src/diagnose/snapshot-index.js';
import type { Snapshot } from '../../../../src/diagnose/snapshot-types.js';
import { HOUR, MINUTE, deployment, event, pod, replicaSet, snapshotOf } from '../fixtures.js';

const run = (parts: Partial<Snapshot>) => warningEventAnalyzer.analyze(new SnapshotIndex(snapshotOf(parts)));

describe('warning event analyzer', () => {
  it('groups every Warning event by the workload it is about and its reason, not only the latest', () => {
    const snapshot: Partial<Snapshot> = {
      deployments: [deployment('api')], replicaSets: [replicaSet('api', '5d8f7c9b6', { revision: 1, replicas: 2 })],
      pods: [pod('api-5d8f7c9b6-a', { owner: 'ReplicaSet/api-5d8f7c9b6' }), pod('api-5d8f7c9b6-b', { owner: 'ReplicaSet/api-5d8f7c9b6' })],
      events: [
        event('Pod', 'api-5d8f7c9b6-a', 'FailedSync', 'error determining status: rpc error', { count: 3, last: 2 * MINUTE }),
        event('Pod', 'api-5d8f7c9b6-b', 'FailedSync', 'error determining status: timeout', { count: 2, last: 5 * MINUTE }),
        event('Pod', 'api-5d8f7c9b6-a', 'Pulled', 'Container image already present', { type: 'Normal' }),
        event('ReplicaSet', 'api-5d8f7c9b6', 'FailedCreate', 'Error creating: admission webhook denied', { component: 'replicaset-controller', last: 2 * HOUR }),
      ],
    };
    const findings = run(snapshot);
    expect(findings.map((finding) => [finding.id, finding.severity])).toEqual([
      ['deployment/api:WarningEvent:FailedSync', 'warning'],
      ['deployment/api:WarningEvent:FailedCreate', 'info'],
    ]);
    const sync = findings[0]!;
    expect(sync.summary).toBe('Deployment api (Pod api-5d8f7c9b6-a): Warning FailedSync x5: error determining status: rpc error');
    expect(sync.evidence.map((evidence) => evidence.text)).toEqual([
      'Warning FailedSync (x3 over 28m, last 2m ago, kubelet): error determining status: rpc error',
      'Warning FailedSync (x2 over 25m, last 5m ago, kubelet): error determining status: timeout',
    ]);
  });

  it('counts events.k8s.io-style series with eventTime and no timestamps', () => {
    const [finding] = run({ events: [event('Node', 'node-1', 'SystemOOM', 'System OOM encountered, victim process: java', { eventTimeOnly: true, series: { count: 9, last: 30 }, component: 'kubelet', host: 'node-1' })] });
    expect(finding).toMatchObject({ object: { kind: 'Node', name: 'node-1' }, severity: 'warning' });
    expect(finding!.evidence[0]!.text).toBe('Warning SystemOOM (x9 over 30s, last 30s ago, kubelet node-1): System OOM encountered, victim process: java');
  });
});
