/**
 * The persistent volume controller and the external provisioner: a Pending claim whose StorageClass
 * exists gets a new bound PersistentVolume; one naming a class that does not exist stays Pending with
 * Warning ProvisioningFailed (`storageclass.storage.k8s.io "fast-ssd" not found`); one with no class
 * and no default stays Pending with FailedBinding; a WaitForFirstConsumer claim waits for a pod; a
 * bound claim whose volume is gone is Lost (Warning ClaimLost); a block-storage driver (EBS CSI) asked for
 * a shared access mode (ReadWriteMany) refuses it: Pending, Warning ProvisioningFailed. A claim that
 * names its volume (spec.volumeName) is never provisioned: it binds to that volume or waits for it.
 * The controller resyncs every 15 s, so the events repeat (the spam filter thins them).
 */
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { spamLimitedCount } from '../events/event-recorder.js';
import { cloneJson, type KubeObject } from '../types.js';

const resyncMs = 15_000;

function claimEvent(cluster: SandboxCluster, claim: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component = 'persistentvolume-controller'): void {
  if (cluster.loading) {
    const now = Date.now();
    const since = Math.min(now, Date.parse(claim.metadata.creationTimestamp ?? '') || now);
    const occurrences = Math.floor((now - since) / resyncMs) + 1;
    const last = since + (occurrences - 1) * resyncMs;
    cluster.recordEvent(claim, type, reason, message, component, { history: { first: since, last, count: spamLimitedCount(occurrences, last - since) } });
    return;
  }
  cluster.recordEvent(claim, type, reason, message, component);
}

/** Access modes a CSI driver can provision, for the block-storage drivers that refuse the others. */
const DRIVER_ACCESS_MODES: ReadonlyMap<string, readonly string[]> = new Map([
  ['ebs.csi.aws.com', ['ReadWriteOnce', 'ReadWriteOncePod']],
]);
/** The CSI volume capability each access mode asks for (what a driver's refusal names). */
const CAPABILITY: ReadonlyMap<string, string> = new Map([
  ['ReadWriteOnce', 'SINGLE_NODE_WRITER'], ['ReadWriteOncePod', 'SINGLE_NODE_SINGLE_WRITER'], ['ReadOnlyMany', 'MULTI_NODE_READER_ONLY'], ['ReadWriteMany', 'MULTI_NODE_MULTI_WRITER'],
]);

/** The driver's CreateVolume error for an access mode it cannot serve (a block volume attaches to one node), else undefined. */
function unsupportedAccessMode(provisioner: string, accessModes: readonly string[]): string | undefined {
  const supported = DRIVER_ACCESS_MODES.get(provisioner);
  const mode = supported ? accessModes.find((candidate) => !supported.includes(candidate)) : undefined;
  if (!mode) return undefined;
  return `rpc error: code = InvalidArgument desc = Volume capabilities ${CAPABILITY.get(mode) ?? mode} not supported. Only AccessModes[ReadWriteOnce] supported.`;
}

/** The external provisioner's event source: `<driver>_<controller pod>_<id>`. */
function provisionerComponent(provisioner: string): string {
  return `${provisioner}_ebs-csi-controller-7b9c6d8f5-x2k9p_${provisioner.length}a9f4c1e`;
}

/** The default StorageClass, if one is marked. */
export function defaultStorageClass(cluster: SandboxCluster): KubeObject | undefined {
  return cluster.store.peek(cluster.type('StorageClass')).find((entry) => entry.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
}

/**
 * A bound claim whose PersistentVolume is gone (deleted, or never there for a claim written as bound)
 * turns Lost, with the controller's Warning ClaimLost, as syncBoundClaim does; it never binds again.
 */
function markLostClaims(cluster: SandboxCluster): void {
  const claimType = cluster.type('PersistentVolumeClaim');
  const volumeType = cluster.type('PersistentVolume');
  for (const stored of cluster.store.peek(claimType)) {
    const claim = stored as unknown as PersistentVolumeClaim;
    const volumeName = claim.spec?.volumeName;
    const bound = claim.status?.phase === 'Bound' || stored.metadata.annotations?.['pv.kubernetes.io/bind-completed'] === 'yes';
    if (!volumeName || !bound || claim.status?.phase === 'Lost' || stored.metadata.deletionTimestamp) continue;
    if (cluster.store.peekOne(volumeType, undefined, volumeName)) continue;
    const object = cloneJson(stored);
    object['status'] = { phase: 'Lost' };
    cluster.store.update(claimType, object);
    claimEvent(cluster, object, 'Warning', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
  }
}

/** Binds a claim that names its volume (spec.volumeName) to it, when the volume exists and is free. */
function bindPreBound(cluster: SandboxCluster, object: KubeObject): void {
  const claim = object as unknown as PersistentVolumeClaim;
  const volumeType = cluster.type('PersistentVolume');
  const stored = cluster.store.peekOne(volumeType, undefined, claim.spec?.volumeName ?? '');
  const claimRef = (stored?.['spec'] as { claimRef?: { namespace?: string; name?: string } } | undefined)?.claimRef;
  if (!stored || stored.metadata.deletionTimestamp) return;
  if (claimRef && (claimRef.namespace !== object.metadata.namespace || claimRef.name !== object.metadata.name)) return;
  const volume = cloneJson(stored);
  const spec = (volume['spec'] ?? {}) as { accessModes?: string[]; capacity?: Record<string, string>; storageClassName?: string };
  volume['spec'] = { ...spec, claimRef: { kind: 'PersistentVolumeClaim', namespace: object.metadata.namespace, name: object.metadata.name, uid: object.metadata.uid, apiVersion: 'v1' } } as KubeObject[string];
  volume['status'] = { phase: 'Bound' };
  cluster.store.update(volumeType, volume);
  object['status'] = { phase: 'Bound', accessModes: spec.accessModes ?? claim.spec?.accessModes, capacity: spec.capacity ?? {} };
  object.metadata.annotations = { ...object.metadata.annotations, 'pv.kubernetes.io/bind-completed': 'yes' };
  cluster.store.update(cluster.type('PersistentVolumeClaim'), object);
}

/** Binds or provisions pending claims; reports the ones that cannot be; marks bound claims whose volume is gone Lost. */
export function reconcileVolumes(cluster: SandboxCluster): void {
  markLostClaims(cluster);
  const claimType = cluster.type('PersistentVolumeClaim');
  const classType = cluster.type('StorageClass');
  const pendingClaims = cluster.store.peek(claimType).filter((claim) => (claim as unknown as PersistentVolumeClaim).status?.phase === 'Pending' && !claim.metadata.deletionTimestamp);
  if (pendingClaims.length === 0) return;
  const fallback = defaultStorageClass(cluster);
  let consumers: Set<string> | undefined;
  const hasConsumer = (claim: KubeObject) => {
    if (!consumers) {
      consumers = new Set();
      for (const pod of cluster.store.peek(cluster.type('Pod'))) {
        for (const volume of (pod as unknown as Pod).spec?.volumes ?? []) {
          if (volume.persistentVolumeClaim?.claimName) consumers.add(`${pod.metadata.namespace}/${volume.persistentVolumeClaim.claimName}`);
        }
      }
    }
    return consumers.has(`${claim.metadata.namespace}/${claim.metadata.name}`);
  };
  for (const stored of pendingClaims) {
    const object = cloneJson(stored);
    const claim = object as unknown as PersistentVolumeClaim;
    const key = `pv-controller/${object.metadata.uid}`;
    let className = claim.spec?.storageClassName;
    if (className === undefined && fallback) {
      // Retroactive default class assignment (a claim created before the default class existed).
      className = fallback.metadata.name;
      object['spec'] = { ...claim.spec, storageClassName: className } as KubeObject[string];
    }
    const due = lastReport.has(key) && (cluster.loading || Date.now() - (lastReport.get(key) ?? 0) < resyncMs);
    const report = (type: 'Normal' | 'Warning', reason: string, message: string, component?: string) => {
      if (due) return;
      lastReport.set(key, Date.now());
      claimEvent(cluster, object, type, reason, message, component);
      cluster.wakeAt(key, Date.now() + resyncMs, () => cluster.requestReconcile());
    };
    if (claim.spec?.volumeName) {
      // Pre-bound to a named volume: never provisioned; bound when that volume exists and is free,
      // else it waits without an event ("volume requested and not found, will try again").
      bindPreBound(cluster, object);
      continue;
    }
    if (!className) {
      report('Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      continue;
    }
    const storageClass = cluster.store.peekOne(classType, undefined, className);
    if (!storageClass) {
      report('Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      continue;
    }
    if (storageClass['volumeBindingMode'] === 'WaitForFirstConsumer' && !hasConsumer(object)) {
      report('Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      continue;
    }
    const provisioner = String(storageClass['provisioner'] ?? 'sandbox');
    const refusal = unsupportedAccessMode(provisioner, claim.spec?.accessModes ?? ['ReadWriteOnce']);
    if (refusal) {
      report('Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": ${refusal}`, provisionerComponent(provisioner));
      continue;
    }
    const volumeName = `pvc-${object.metadata.uid}`;
    const storage = claim.spec?.resources?.requests?.['storage'] ?? '1Gi';
    const accessModes = claim.spec?.accessModes ?? ['ReadWriteOnce'];
    if (!cluster.store.peekOne(cluster.type('PersistentVolume'), undefined, volumeName)) {
      cluster.store.create(cluster.type('PersistentVolume'), {
        apiVersion: 'v1', kind: 'PersistentVolume',
        metadata: { name: volumeName, ...(object.metadata.creationTimestamp && cluster.loading ? { creationTimestamp: object.metadata.creationTimestamp } : {}), annotations: { 'pv.kubernetes.io/provisioned-by': provisioner, 'volume.kubernetes.io/provisioner-deletion-secret-name': '', 'volume.kubernetes.io/provisioner-deletion-secret-namespace': '' }, finalizers: ['external-provisioner.volume.kubernetes.io/finalizer', 'kubernetes.io/pv-protection'] },
        spec: {
          capacity: { storage }, accessModes, persistentVolumeReclaimPolicy: storageClass['reclaimPolicy'] ?? 'Delete', storageClassName: className, volumeMode: 'Filesystem',
          claimRef: { kind: 'PersistentVolumeClaim', namespace: object.metadata.namespace, name: object.metadata.name, uid: object.metadata.uid, apiVersion: 'v1' },
          csi: { driver: provisioner, volumeHandle: `vol-0${volumeName.slice(4, 20).replace(/-/g, '')}`, fsType: 'ext4' },
        },
        status: { phase: 'Bound' },
      });
    }
    object['spec'] = { ...(object['spec'] as object), storageClassName: className, volumeName } as KubeObject[string];
    object['status'] = { phase: 'Bound', accessModes, capacity: { storage } };
    object.metadata.annotations = {
      ...object.metadata.annotations, 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.beta.kubernetes.io/storage-provisioner': provisioner, 'volume.kubernetes.io/storage-provisioner': provisioner,
    };
    cluster.store.update(claimType, object);
    cluster.cancelWake(key);
    cluster.recordEvent(object, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${volumeName}`, provisionerComponent(provisioner));
  }
}

const lastReport = new Map<string, number>();
