/**
 * Failure states the controllers derive from ordinary manifests, as a real cluster would: a bound claim
 * whose volume is gone turns Lost, a gated pod waits unscheduled, a Job fails on a podFailurePolicy
 * FailJob rule, and an autoscaler cannot scale a kind without a scale subresource.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2.js';
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Event, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../../../src/sandbox/cluster.js';
import { loadScenario } from '../../../../src/sandbox/scenario-loader.js';
import { waitFor } from '../../../helpers/sandbox.js';

let cluster: SandboxCluster | undefined;
afterEach(() => cluster?.stop());

function load(objects: unknown[], extra: Record<string, unknown> = {}): SandboxCluster {
  const directory = mkdtempSync(join(tmpdir(), 'rk8s-derived-'));
  const file = join(directory, 'scenario.yaml');
  writeFileSync(file, yaml.dump({ apiVersion: 'sandbox.rk8s.dev/v1', kind: 'Scenario', nodes: [{ name: 'node-1' }], namespaces: [{ name: 'prod' }], objects, ...extra }));
  cluster = new SandboxCluster({ timings: { podStartMs: 20, podTerminationMs: 20, jobRunMs: 50 } });
  loadScenario(cluster, file);
  return cluster;
}
const get = <T>(kind: string, name: string, namespace: string | undefined = 'prod') => cluster!.store.get(cluster!.type(kind), namespace, name) as unknown as T;
const eventsOf = (name: string) => (cluster!.store.list(cluster!.type('Event'), { namespace: 'prod' }) as unknown as Event[]).filter((event) => event.involvedObject.name === name);
const standard = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard' }, provisioner: 'ebs.csi.aws.com' };

describe('PersistentVolume controller: lost claims', () => {
  it('a claim written as bound to a volume that does not exist is Lost, with ClaimLost', () => {
    load([standard, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'prod', annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { storageClassName: 'standard', volumeName: 'pv-gone', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Bound' } }]);
    expect(get<PersistentVolumeClaim>('PersistentVolumeClaim', 'data').status?.phase).toBe('Lost');
    expect(eventsOf('data')).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'ClaimLost', message: 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!' }));
  });

  it('a provisioned claim whose volume is deleted turns Lost; one whose volume is there stays Bound', () => {
    load([standard, ...['keep', 'drop'].map((name) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'prod' }, spec: { storageClassName: 'standard', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }))]);
    const volume = get<PersistentVolumeClaim>('PersistentVolumeClaim', 'drop').spec!.volumeName!;
    expect(get<PersistentVolumeClaim>('PersistentVolumeClaim', 'drop').status?.phase).toBe('Bound');
    cluster!.store.remove(cluster!.type('PersistentVolume'), undefined, volume);
    cluster!.reconcileNow();
    expect(get<PersistentVolumeClaim>('PersistentVolumeClaim', 'drop').status?.phase).toBe('Lost');
    expect(get<PersistentVolumeClaim>('PersistentVolumeClaim', 'keep').status?.phase).toBe('Bound');
  });
});

describe('external provisioner: access modes a block-storage driver cannot serve', () => {
  it('EBS CSI refuses ReadWriteMany (Pending, ProvisioningFailed from the driver) and provisions ReadWriteOnce', () => {
    load([standard, ...[['shared', 'ReadWriteMany'], ['single', 'ReadWriteOnce']].map(([name, mode]) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'prod' }, spec: { storageClassName: 'standard', accessModes: [mode], resources: { requests: { storage: '1Gi' } } } }))]);
    expect(get<PersistentVolumeClaim>('PersistentVolumeClaim', 'shared').status?.phase).toBe('Pending');
    expect(eventsOf('shared')).toContainEqual(expect.objectContaining({
      type: 'Warning', reason: 'ProvisioningFailed', source: expect.objectContaining({ component: expect.stringMatching(/^ebs\.csi\.aws\.com_/) }),
      message: 'failed to provision volume with StorageClass "standard": rpc error: code = InvalidArgument desc = Volume capabilities MULTI_NODE_MULTI_WRITER not supported. Only AccessModes[ReadWriteOnce] supported.',
    }));
    expect(get<PersistentVolumeClaim>('PersistentVolumeClaim', 'single').status?.phase).toBe('Bound');
  });
});

describe('PersistentVolume controller: claims that name their volume', () => {
  const volume = (name: string) => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec: { capacity: { storage: '50Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: '', nfs: { server: '10.0.0.5', path: '/reports' } } });
  const claim = (name: string, volumeName: string) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'prod' }, spec: { storageClassName: '', volumeName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } } });

  it('binds to the named volume, and never provisions another one', () => {
    load([standard, volume('pv-reports'), claim('reports', 'pv-reports')]);
    expect(get<PersistentVolumeClaim>('PersistentVolumeClaim', 'reports')).toMatchObject({ spec: { volumeName: 'pv-reports' }, status: { phase: 'Bound', capacity: { storage: '50Gi' } } });
    expect(get<{ spec: { claimRef?: { name: string } }; status: { phase: string } }>('PersistentVolume', 'pv-reports', undefined)).toMatchObject({ spec: { claimRef: { name: 'reports' } }, status: { phase: 'Bound' } });
    expect(cluster!.store.list(cluster!.type('PersistentVolume')).map((entry) => entry.metadata.name)).toEqual(['pv-reports']);
  });

  it('waits, Pending and without an event, for a named volume that does not exist', () => {
    load([standard, claim('reports', 'pv-missing')]);
    expect(get<PersistentVolumeClaim>('PersistentVolumeClaim', 'reports')).toMatchObject({ spec: { volumeName: 'pv-missing' }, status: { phase: 'Pending' } });
    expect(eventsOf('reports')).toEqual([]);
    expect(cluster!.store.list(cluster!.type('PersistentVolume'))).toEqual([]);
  });
});

describe('scheduler: scheduling gates', () => {
  it('a gated pod stays Pending with SchedulingGated and no event; removing the gate schedules it', async () => {
    load([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gated', namespace: 'prod' }, spec: { schedulingGates: [{ name: 'example.com/wait' }], containers: [{ name: 'app', image: 'app:1' }] } }]);
    const pod = get<Pod>('Pod', 'gated');
    expect(pod.spec?.nodeName).toBeUndefined();
    expect(pod.status?.conditions).toContainEqual(expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' }));
    expect(eventsOf('gated').filter((event) => event.reason === 'FailedScheduling')).toEqual([]);
    const object = structuredClone(cluster!.store.mustGet(cluster!.type('Pod'), 'prod', 'gated'));
    (object['spec'] as Record<string, unknown>)['schedulingGates'] = [];
    cluster!.store.update(cluster!.type('Pod'), object);
    cluster!.reconcileNow();
    await waitFor(() => get<Pod>('Pod', 'gated').spec?.nodeName === 'node-1', { what: 'the ungated pod to be scheduled' });
  });
});

describe('job controller: podFailurePolicy', () => {
  const job = (name: string, action: string, values: number[]) => ({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'prod' },
    spec: { backoffLimit: 6, podFailurePolicy: { rules: [{ action, onExitCodes: { operator: 'In', values } }] }, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'importer:1' }] } } },
    sandbox: { age: '30m' },
  });
  const faults = (prefix: string) => ({ type: 'Error', namespace: 'prod', podPrefix: `${prefix}-`, exitCode: 42, runFor: '2s' });

  it('a FailJob rule on the exit code fails the Job at the first matching pod (reason PodFailurePolicy)', () => {
    load([job('strict', 'FailJob', [42])], { faults: [faults('strict')] });
    const status = get<Job>('Job', 'strict').status!;
    expect(status.failed).toBe(1);
    const failed = status.conditions?.find((condition) => condition.type === 'Failed');
    expect(failed).toMatchObject({ status: 'True', reason: 'PodFailurePolicy' });
    expect(failed?.message).toMatch(/^Container main for pod prod\/strict-[a-z0-9]{5} failed with exit code 42 matching FailJob rule at index 0$/);
  });

  it('a rule for other exit codes leaves the backoff limit in charge', () => {
    load([job('lenient', 'FailJob', [7])], { faults: [faults('lenient')] });
    const failed = get<Job>('Job', 'lenient').status?.conditions?.find((condition) => condition.type === 'Failed');
    expect(failed).toMatchObject({ reason: 'BackoffLimitExceeded' });
    expect(get<Job>('Job', 'lenient').status?.failed).toBe(7);
  });
});

describe('kubelet: a process the runtime cannot start (StartError fault)', () => {
  it('never runs: exit 128 StartError with containerd\'s message, Failed events instead of Started, back-off', () => {
    load([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'starter', namespace: 'prod' }, spec: { containers: [{ name: 'app', image: 'app:1', command: ['/app/run'] }] }, sandbox: { age: '1h', node: 'node-1' } }], { faults: [{ type: 'StartError', namespace: 'prod', pod: 'starter' }] });
    const status = get<Pod>('Pod', 'starter').status!.containerStatuses![0]!;
    expect(status.state?.running).toBeUndefined();
    expect(status.restartCount).toBeGreaterThan(5);
    expect(status.lastState?.terminated).toMatchObject({ exitCode: 128, reason: 'StartError', message: 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/run": executable file not found in $PATH: unknown' });
    const reasons = eventsOf('starter').map((event) => event.reason);
    expect(reasons).toEqual(expect.arrayContaining(['Created', 'Failed', 'BackOff']));
    expect(reasons).not.toContain('Started');
  });
});

describe('HPA controller: targets without a scale subresource', () => {
  it('an autoscaler on a DaemonSet is AbleToScale=False FailedGetScale, with the event', () => {
    load([
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'prod' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1', resources: { requests: { cpu: '50m' } } }] } } } },
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'agent', namespace: 'prod' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent' }, minReplicas: 1, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] } },
    ]);
    const hpa = get<HorizontalPodAutoscaler>('HorizontalPodAutoscaler', 'agent');
    expect(hpa.status?.conditions).toContainEqual(expect.objectContaining({ type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: 'the HPA controller was unable to get the target\'s current scale: the server could not find the requested resource' }));
    expect(eventsOf('agent').map((event) => event.reason)).toContain('FailedGetScale');
  });
});
