import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/diagnose/analyze.js';
import { correlate } from '../../../src/diagnose/correlate.js';
import type { Finding } from '../../../src/diagnose/finding.js';
import { SnapshotIndex } from '../../../src/diagnose/snapshot-index.js';
import {
  claim, container, crashLooping, deployment, endpointSlice, event, ingress, node, pod, replicaSet, running, service, snapshotOf, unschedulablePod, waiting,
} from './fixtures.js';

const ids = (findings: Finding[]) => findings.map((finding) => finding.id);

function finding(partial: Partial<Finding> & Pick<Finding, 'id' | 'reason' | 'severity'>): Finding {
  const [kind, name] = partial.id.split(':')[0]!.split('/');
  return { object: { kind: kind!.charAt(0).toUpperCase() + kind!.slice(1), name: name! }, owner: null, summary: partial.id, affected: [], blastRadius: 1, evidence: [], remediations: [], ...partial };
}

describe('correlation and ranking', () => {
  it('folds a Deployment\'s "not ready" and its pods\' Warning events into the root cause, as evidence', () => {
    const snapshot = snapshotOf({
      deployments: [deployment('payments', { replicas: 1, ready: 0 })],
      replicaSets: [replicaSet('payments', '6b7c8d9f4', { revision: 1, replicas: 1, ready: 0 })],
      pods: [pod('payments-6b7c8d9f4-lk2jd', { owner: 'ReplicaSet/payments-6b7c8d9f4', labels: { app: 'payments' }, statuses: [waiting('payments', 'CreateContainerConfigError', 'secret "payments-db" not found')], ready: false })],
      events: [event('Pod', 'payments-6b7c8d9f4-lk2jd', 'Failed', 'Error: secret "payments-db" not found', { count: 20 })],
    });
    const findings = analyze(snapshot);
    expect(ids(findings)).toEqual(['deployment/payments:CreateContainerConfigError']);
    const texts = findings[0]!.evidence.map((evidence) => evidence.text);
    expect(texts).toContain('ready 0, desired 1');
    expect(texts.filter((text) => text.includes('Error: secret "payments-db" not found'))).toHaveLength(1);
  });

  it('puts the crashing Deployment before the Service without endpoints and the Ingress behind it', () => {
    const snapshot = snapshotOf({
      deployments: [deployment('web', { replicas: 2, ready: 0 })],
      replicaSets: [replicaSet('web', 'abc', { revision: 1, replicas: 2, ready: 0 })],
      pods: ['x', 'y'].map((suffix) => pod(`web-abc-${suffix}`, { owner: 'ReplicaSet/web-abc', labels: { app: 'web' }, containers: [container('web', { ports: [{ containerPort: 8080 }] })], statuses: [crashLooping('web')], ready: false })),
      services: [service('web', { app: 'web' })],
      endpointSlices: [endpointSlice('web', [{ pod: 'web-abc-x', ready: false }, { pod: 'web-abc-y', ready: false }])],
      ingresses: [ingress('web', { ingressClassName: 'nginx', rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] })],
    });
    const findings = analyze(snapshot);
    expect(ids(findings)).toEqual(['deployment/web:CrashLoopBackOff', 'service/web:NoReadyEndpoints', 'ingress/web:IngressBackendUnavailable']);
    expect(findings[1]!.causedBy).toBe('deployment/web:CrashLoopBackOff');
    expect(findings[2]!.causedBy).toBe('service/web:NoReadyEndpoints');
  });

  it('makes a missing StorageClass the root of the Pending pod that waits for the claim, as critical as the pod', () => {
    const waitingPod = unschedulablePod('db-0', '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.', { owner: 'StatefulSet/db', labels: { app: 'db' }, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }] });
    const snapshot = snapshotOf({
      statefulSets: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'prod' }, spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [container('db')] } } }, status: { replicas: 1, readyReplicas: 0 } }],
      pods: [waitingPod],
      persistentVolumeClaims: [claim('data-db-0', { phase: 'Pending', storageClassName: 'fast-ssd' })],
    });
    const findings = analyze(snapshot);
    expect(ids(findings)).toEqual(['persistentvolumeclaim/data-db-0:StorageClassNotFound', 'statefulset/db:Unschedulable']);
    expect(findings[0]!.severity).toBe('critical');
    expect(findings[1]!.causedBy).toBe('persistentvolumeclaim/data-db-0:StorageClassNotFound');
  });

  it('blames a NotReady node for the pods that sit on it', () => {
    const snapshot = snapshotOf({
      nodes: [node('node-1', { ready: 'Unknown' }), node('node-2')],
      pods: [pod('api-1', { node: 'node-1', statuses: [running('app', { ready: false })], ready: false })],
    });
    const findings = analyze(snapshot);
    expect(ids(findings)).toEqual(['node/node-1:NodeNotReady', 'pod/api-1:NotReady']);
    expect(findings[1]!.causedBy).toBe('node/node-1:NodeNotReady');
  });

  it('ranks critical before warning before info, then by blast radius, then by how close to a root cause', () => {
    const index = new SnapshotIndex(snapshotOf());
    const ranked = correlate(index, [
      finding({ id: 'pod/a:Evicted', reason: 'Evicted', severity: 'info' }),
      finding({ id: 'deployment/b:OOMKilled', reason: 'OOMKilled', severity: 'warning', blastRadius: 1 }),
      finding({ id: 'deployment/c:CrashLoopBackOff', reason: 'CrashLoopBackOff', severity: 'warning', blastRadius: 5 }),
      finding({ id: 'deployment/d:CrashLoopBackOff', reason: 'CrashLoopBackOff', severity: 'critical', blastRadius: 1 }),
      finding({ id: 'deployment/e:ImagePullBackOff', reason: 'ImagePullBackOff', severity: 'warning', blastRadius: 1 }),
    ]);
    expect(ids(ranked)).toEqual(['deployment/d:CrashLoopBackOff', 'deployment/c:CrashLoopBackOff', 'deployment/e:ImagePullBackOff', 'deployment/b:OOMKilled', 'pod/a:Evicted']);
  });

  it('keeps a Warning event nothing else explains, and drops one another finding already cites', () => {
    const snapshot = snapshotOf({
      pods: [pod('api-1', { statuses: [crashLooping('app')], ready: false })],
      events: [
        event('Pod', 'api-1', 'BackOff', 'Back-off restarting failed container app'),
        event('Service', 'web', 'FailedToCreateEndpoint', 'Failed to create endpoint for service prod/web'),
      ],
    });
    expect(ids(analyze(snapshot))).toEqual(['pod/api-1:CrashLoopBackOff', 'service/web:WarningEvent:FailedToCreateEndpoint']);
  });
});
