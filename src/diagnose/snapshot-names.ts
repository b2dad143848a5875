/**
 * Name resolution from an investigation's snapshot. Each remediation an investigation previews goes
 * through propose() like any request, and propose() resolves names first: from the core's resolver,
 * that is one more `kubectl get` of the whole namespace per remediation planned, which at 10,000 pods
 * takes longer than the resolver's timeout (docs/performance.md). The snapshot already holds every
 * object that read would list, read moments ago as JSON, so the inventory is built from it
 * (inventoryFromObjects: the same columns and rules as the read) and the plans see the same cluster
 * the findings were made from. Nothing else changes: the planner reads the request, retrieval,
 * planning and the validator run as for any request.
 *
 * The snapshot answers only what the resolver's own read would have: the investigated namespace (or
 * the cluster-scoped objects alone), when the policy allows that read, and when every kind it lists
 * was read. Otherwise the core's resolver answers, as before.
 */
import { inventoryFromObjects, inventoryReadArgs, type ClusterInventory, type NameResolution } from '../cluster/name-resolver.js';
import type { CommandValidator } from '../contracts/core.js';
import type { NameResolver } from '../contracts/ports.js';
import type { Namespace } from 'kubernetes-types/core/v1.js';
import { ownValue } from '../own-property.js';
import type { Snapshot } from './snapshot-types.js';

/** What the snapshot answers from: the investigation's read, and the namespaces its cluster batch listed. */
export interface SnapshotNames {
  snapshot: Snapshot;
  namespaceObjects?: readonly Namespace[];
}

type Lists = (names: SnapshotNames) => readonly object[] | undefined;

/** The resolver's kinds (inventoryReadArgs' plurals) -> the snapshot's list of them. */
const LISTS: Readonly<Record<string, Lists>> = {
  deployments: ({ snapshot }) => snapshot.deployments,
  statefulsets: ({ snapshot }) => snapshot.statefulSets,
  daemonsets: ({ snapshot }) => snapshot.daemonSets,
  replicasets: ({ snapshot }) => snapshot.replicaSets,
  pods: ({ snapshot }) => snapshot.pods,
  services: ({ snapshot }) => snapshot.services,
  jobs: ({ snapshot }) => snapshot.jobs,
  cronjobs: ({ snapshot }) => snapshot.cronJobs,
  horizontalpodautoscalers: ({ snapshot }) => snapshot.horizontalPodAutoscalers,
  persistentvolumeclaims: ({ snapshot }) => snapshot.persistentVolumeClaims,
  // Names only in the snapshot, and names (with the kind) are all the inventory keeps of them.
  configmaps: ({ snapshot }) => snapshot.configMapNames?.map((name) => ({ kind: 'ConfigMap', metadata: { name } })),
  ingresses: ({ snapshot }) => snapshot.ingresses,
  poddisruptionbudgets: ({ snapshot }) => snapshot.podDisruptionBudgets,
  nodes: ({ snapshot }) => snapshot.nodes,
  namespaces: ({ namespaceObjects }) => namespaceObjects,
};

/**
 * The inventory the resolver's read would give for `namespace`, from the snapshot; undefined when
 * the snapshot cannot stand in for that read (another namespace, a kind that was not read).
 */
export function snapshotInventory(names: SnapshotNames, namespace: string | undefined): ClusterInventory | undefined {
  if (namespace !== undefined && namespace !== names.snapshot.namespace) return undefined;
  const objects: object[] = [];
  // In the read's own order of kinds: the planner takes the first match, as from the read.
  for (const type of inventoryReadArgs(namespace)[1]!.split(',')) {
    const list = ownValue(LISTS, type)?.(names);
    if (list === undefined) return undefined;
    for (const item of list) objects.push(item);
  }
  return inventoryFromObjects(objects, namespace);
}

/**
 * A resolver for the remediations of one investigation: the snapshot's inventory where it can stand
 * in for the read (see the module comment), `fallback` otherwise. Built once per namespace asked.
 */
export function snapshotNameResolver(names: SnapshotNames, validator: () => CommandValidator, fallback: NameResolver): NameResolver {
  const built = new Map<string, ClusterInventory | undefined>();
  return {
    resolve: async (namespace, signal): Promise<NameResolution> => {
      signal?.throwIfAborted();
      const key = namespace ?? '';
      if (!built.has(key)) {
        // The read the snapshot stands in for must be one the policy allows, as the resolver checks before it reads.
        const verdict = validator().validate(inventoryReadArgs(namespace), {});
        built.set(key, verdict.decision === 'allow' && !verdict.mutating ? snapshotInventory(names, namespace) : undefined);
      }
      const inventory = built.get(key);
      // No kubectl read was made for it: the investigation's own reads are in its record.
      return inventory ? { inventory, reads: [] } : fallback.resolve(namespace, signal);
    },
  };
}
