/** The admission chain a create goes through, from kubectl or from a controller: LimitRanger, then ResourceQuota. */
import type { SandboxCluster } from '../cluster.js';
import { qosClass } from '../controllers/pod-factory.js';
import type { ResourceType } from '../resources.js';
import type { KubeObject } from '../types.js';
import { admitLimitRanges } from './limit-range.js';
import { checkQuota } from './resource-quota.js';

/** Mutates (defaults) and validates an object about to be created; throws the 403 ApiError a real API server sends. */
export function admitCreate(cluster: SandboxCluster, type: ResourceType, object: KubeObject): KubeObject {
  if (type.kind === 'Pod') {
    admitLimitRanges(cluster, object);
    const spec = object['spec'] as { containers?: [] } | undefined;
    const status = (object['status'] ?? {}) as Record<string, unknown>;
    status['qosClass'] = qosClass(spec?.containers ?? []);
    object['status'] = status;
  }
  checkQuota(cluster, type, object);
  return object;
}

/** Creates a pod the way a controller does: through admission, as old as its owner while loading. */
export function createPod(cluster: SandboxCluster, object: KubeObject): KubeObject {
  const type = cluster.type('Pod');
  admitCreate(cluster, type, object);
  if (cluster.loading && !object.metadata.creationTimestamp) {
    const owner = cluster.store.peekUid(object.metadata.ownerReferences?.find((reference) => reference.controller)?.uid);
    if (owner?.metadata.creationTimestamp) object.metadata.creationTimestamp = owner.metadata.creationTimestamp;
  }
  return cluster.store.create(type, object, { owned: true });
}
