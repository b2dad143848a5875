/** PersistentVolumeClaims: Pending (a StorageClass that does not exist, no default class, provisioning failures) and Lost. */
import { ago, timeOf } from '../age.js';
import type { Analyzer } from '../analyzer.js';
import { eventsEvidence, fieldEvidence, noteEvidence } from '../evidence.js';
import { findingId, type Evidence, type Finding, type ObjectRef } from '../finding.js';
import type { ReasonCode } from '../reasons.js';
import { claimEvents, describe, present } from '../remediation-requests.js';
import type { SnapshotIndex } from '../snapshot-index.js';
import type { Pod } from '../snapshot-types.js';

const PENDING_GRACE_MS = 2 * 60 * 1000;

function usersOf(index: SnapshotIndex): Map<string, Pod[]> {
  const users = new Map<string, Pod[]>();
  for (const pod of index.pods) {
    for (const volume of pod.spec?.volumes ?? []) {
      const claim = volume.persistentVolumeClaim?.claimName;
      if (!claim) continue;
      const list = users.get(claim);
      if (list) list.push(pod);
      else users.set(claim, [pod]);
    }
  }
  return users;
}

function analyzeClaims(index: SnapshotIndex): Finding[] {
  const findings: Finding[] = [];
  const users = usersOf(index);
  const classes = index.snapshot.storageClasses;
  for (const claim of index.claims) {
    const name = claim.metadata?.name ?? '';
    const ref: ObjectRef = index.ref('PersistentVolumeClaim', name);
    const phase = claim.status?.phase;
    const pods = users.get(name) ?? [];
    const affected = pods.map((pod) => index.ref('Pod', pod.metadata?.name ?? ''));
    const events = index.warningsFor('PersistentVolumeClaim', name);
    const usedBy = pods.length > 0 ? `; ${pods.length} pod(s) wait for it (${pods.slice(0, 3).map((pod) => pod.metadata?.name).join(', ')})` : '';
    const build = (reason: ReasonCode, summary: string, evidence: Evidence[], check?: string, severity: Finding['severity'] = 'warning'): Finding => ({
      id: findingId(ref, reason), severity, object: ref, owner: null, reason, summary, affected, blastRadius: Math.max(1, pods.length),
      evidence: [...evidence, ...eventsEvidence(events, index.now)],
      remediations: present([claimEvents(index.namespace, name, 'the provisioner\'s events for the claim'), describe('PersistentVolumeClaim', index.namespace, name, 'the claim\'s class, status and events')]),
      ...(check ? { check } : {}),
    });
    if (phase === 'Lost') {
      findings.push(build('PVCLost', `PersistentVolumeClaim ${name} lost its volume ${claim.spec?.volumeName ?? ''}${usedBy}.`.replace(' .', '.'),
        [fieldEvidence(ref, 'status.phase', 'Lost'), fieldEvidence(ref, 'spec.volumeName', claim.spec?.volumeName ?? '(none)', 'spec')],
        'the PersistentVolume it was bound to is gone: restore it from a backup or recreate the claim', 'critical'));
      continue;
    }
    if (phase !== 'Pending') continue;
    const created = timeOf(claim.metadata?.creationTimestamp);
    const age = created === undefined ? Infinity : index.now - created;
    const className = claim.spec?.storageClassName;
    const known = classes?.map((storageClass) => storageClass.metadata?.name ?? '') ?? [];
    const phaseEvidence = fieldEvidence(ref, 'status.phase', `Pending (for ${ago(claim.metadata?.creationTimestamp, index.now).replace(' ago', '') || '?'})`);
    const provisioningFailed = events.find((event) => event.reason === 'ProvisioningFailed');
    const notFoundInEvent = /storageclass\.storage\.k8s\.io "([^"]+)" not found/i.exec(provisioningFailed?.message ?? '')?.[1];
    if (className === undefined || className === null) {
      if (classes !== undefined && !index.defaultStorageClass()) {
        findings.push(build('StorageClassNotFound', `PersistentVolumeClaim ${name} is Pending: it names no StorageClass and the cluster has no default one${usedBy}.`,
          [phaseEvidence, fieldEvidence(ref, 'spec.storageClassName', '(unset)', 'spec'), noteEvidence(`StorageClasses: ${known.join(', ') || 'none'}`)],
          `set spec.storageClassName to one of ${known.join(', ') || '(none installed)'} (a claim's class cannot be changed: recreate it) or mark a class as default`));
        continue;
      }
    } else if (className !== '' && ((classes !== undefined && !known.includes(className)) || notFoundInEvent === className)) {
      findings.push(build('StorageClassNotFound', `PersistentVolumeClaim ${name} is Pending: StorageClass ${className} does not exist${usedBy}.`,
        [phaseEvidence, fieldEvidence(ref, 'spec.storageClassName', className, 'spec'), ...(classes !== undefined ? [noteEvidence(`StorageClasses in the cluster: ${known.join(', ') || 'none'}`)] : [])],
        `the claim names StorageClass ${className}, which does not exist: recreate the claim with ${known.length > 0 ? `one of ${known.join(', ')}` : 'an existing class'} (a claim's class cannot be changed), or create StorageClass ${className}`));
      continue;
    }
    if (provisioningFailed) {
      findings.push(build('ProvisioningFailed', `PersistentVolumeClaim ${name} is Pending: provisioning failed: ${provisioningFailed.message ?? ''}${usedBy}.`,
        [phaseEvidence, fieldEvidence(ref, 'spec.storageClassName', className ?? '(default)', 'spec')],
        `fix what the provisioner reports: ${provisioningFailed.message ?? ''}`));
      continue;
    }
    // "" asks for no class at all (static volumes); only an unset class means the default one.
    const storageClass = className === '' ? undefined : className ? index.storageClass(className) : index.defaultStorageClass();
    if (storageClass?.volumeBindingMode === 'WaitForFirstConsumer' && pods.length === 0) continue;
    if (age >= PENDING_GRACE_MS) {
      // A claim that names its volume waits for exactly that PersistentVolume: say whether it exists.
      const wanted = claim.spec?.volumeName;
      const volumes = index.snapshot.persistentVolumes;
      const volume = wanted && volumes ? volumes.find((candidate) => candidate.metadata?.name === wanted) : undefined;
      const boundElsewhere = volume?.spec?.claimRef && (volume.spec.claimRef.name !== name || volume.spec.claimRef.namespace !== index.namespace);
      const check = !wanted ? undefined
        : volumes === undefined ? `the claim waits for PersistentVolume ${wanted} (spec.volumeName): check that it exists and is free`
        : !volume ? `the claim waits for PersistentVolume ${wanted} (spec.volumeName), which does not exist: create that volume, or recreate the claim without volumeName so that its class provisions one`
        : boundElsewhere ? `the claim waits for PersistentVolume ${wanted}, which is bound to ${volume.spec!.claimRef!.namespace}/${volume.spec!.claimRef!.name}: free it or name another volume`
        : undefined;
      findings.push(build('PVCPending', `PersistentVolumeClaim ${name} has been Pending ${ago(claim.metadata?.creationTimestamp, index.now).replace(' ago', '')}${wanted ? ` waiting for PersistentVolume ${wanted}${volumes !== undefined && !volume ? ', which does not exist' : ''}` : ''}${usedBy}.`,
        [phaseEvidence, fieldEvidence(ref, 'spec.storageClassName', className ?? '(default)', 'spec'), ...(wanted ? [fieldEvidence(ref, 'spec.volumeName', wanted, 'spec')] : [])], check));
    }
  }
  return findings;
}

/** The claim analyzer. */
export const claimAnalyzer: Analyzer = { name: 'volume claims', kinds: ['PersistentVolumeClaim', 'StorageClass'], analyze: analyzeClaims };
