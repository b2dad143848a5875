import { describe, expect, it } from 'vitest';
import { claimAnalyzer } from '../../../../src/diagnose/analyzers/claims.js';
import { SnapshotIndex } from '../../../../src/diagnose/snapshot-index.js';
import type { Snapshot } from '../../../../src/diagnose/snapshot-types.js';
import { HOUR, claim, event, snapshotOf, storageClass, unschedulablePod } from '../fixtures.js';

const run = (parts: Partial<Snapshot>) => claimAnalyzer.analyze(new SnapshotIndex(snapshotOf(parts)));
const provisioningFailed = (name: string, message: string) => event('PersistentVolumeClaim', name, 'ProvisioningFailed', message, { component: 'persistentvolume-controller', count: 42 });

describe('claim analyzer', () => {
  it('finds nothing for a bound claim', () => {
    expect(run({ persistentVolumeClaims: [claim('data')] })).toEqual([]);
  });

  it('reports a StorageClass that does not exist, with the classes that do and the pods that wait', () => {
    const waitingPod = unschedulablePod('db-0', '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'scratch' } }] });
    const [finding] = run({ persistentVolumeClaims: [claim('scratch', { phase: 'Pending', storageClassName: 'fast-ssd' })], pods: [waitingPod], events: [provisioningFailed('scratch', 'storageclass.storage.k8s.io "fast-ssd" not found')] });
    expect(finding).toMatchObject({ reason: 'StorageClassNotFound', object: { kind: 'PersistentVolumeClaim', name: 'scratch' }, blastRadius: 1, affected: [{ kind: 'Pod', name: 'db-0', namespace: 'prod' }] });
    expect(finding!.summary).toBe('PersistentVolumeClaim scratch is Pending: StorageClass fast-ssd does not exist; 1 pod(s) wait for it (db-0).');
    expect(finding!.evidence.map((evidence) => evidence.text)).toContain('StorageClasses in the cluster: standard');
    expect(finding!.check).toContain('recreate the claim with one of standard');
    expect(finding!.remediations.map((remediation) => remediation.request.intent)).toEqual(['diagnose', 'describe']);
  });

  it('reads a missing class from the provisioner event when the classes could not be read', () => {
    const [finding] = run({ persistentVolumeClaims: [claim('scratch', { phase: 'Pending', storageClassName: 'fast-ssd' })], storageClasses: undefined, events: [provisioningFailed('scratch', 'storageclass.storage.k8s.io "fast-ssd" not found')] });
    expect(finding?.reason).toBe('StorageClassNotFound');
  });

  it('reports a claim without a class when there is no default class', () => {
    const [finding] = run({ persistentVolumeClaims: [claim('data', { phase: 'Pending', storageClassName: null })], storageClasses: [storageClass('standard', false)] });
    expect(finding).toMatchObject({ reason: 'StorageClassNotFound' });
    expect(finding!.summary).toContain('names no StorageClass and the cluster has no default one');
  });

  it('reports other provisioning failures with the provisioner\'s message', () => {
    const [finding] = run({ persistentVolumeClaims: [claim('data', { phase: 'Pending' })], events: [provisioningFailed('data', 'failed to provision volume with StorageClass "standard": rpc error: code = ResourceExhausted desc = volume limit exceeded')] });
    expect(finding).toMatchObject({ reason: 'ProvisioningFailed' });
    expect(finding!.summary).toContain('volume limit exceeded');
  });

  it('leaves a WaitForFirstConsumer claim without a consumer alone, and reports a long Pending one otherwise', () => {
    expect(run({ persistentVolumeClaims: [claim('data', { phase: 'Pending', age: HOUR })] })).toEqual([]);
    const [finding] = run({ persistentVolumeClaims: [claim('data', { phase: 'Pending', age: HOUR })], storageClasses: [storageClass('standard', true, 'Immediate')] });
    expect(finding?.reason).toBe('PVCPending');
  });

  it('reports a lost claim as critical', () => {
    const [finding] = run({ persistentVolumeClaims: [claim('data', { phase: 'Lost', volumeName: 'pvc-123' })] });
    expect(finding).toMatchObject({ reason: 'PVCLost', severity: 'critical' });
  });
});
