/** How many replicas a workload wants and has ready, whatever its kind, for severity and blast radius. */
import type { SnapshotIndex } from '../snapshot-index.js';

/** Desired and ready replicas. */
export interface Availability {
  desired: number;
  ready: number;
}

/** The availability of a workload (or of a single pod), or undefined when it is not in the snapshot. */
export function availabilityOf(index: SnapshotIndex, kind: string, name: string): Availability | undefined {
  const byName = <T extends { metadata?: { name?: string } }>(list: readonly T[]) => list.find((item) => item.metadata?.name === name);
  switch (kind) {
    case 'Deployment': {
      const deployment = byName(index.deployments);
      return deployment ? { desired: deployment.spec?.replicas ?? 1, ready: deployment.status?.readyReplicas ?? 0 } : undefined;
    }
    case 'StatefulSet': {
      const set = byName(index.statefulSets);
      return set ? { desired: set.spec?.replicas ?? 1, ready: set.status?.readyReplicas ?? 0 } : undefined;
    }
    case 'DaemonSet': {
      const set = byName(index.daemonSets);
      return set ? { desired: set.status?.desiredNumberScheduled ?? 0, ready: set.status?.numberReady ?? 0 } : undefined;
    }
    case 'ReplicaSet': {
      const set = index.replicaSet(name);
      return set ? { desired: set.spec?.replicas ?? 1, ready: set.status?.readyReplicas ?? 0 } : undefined;
    }
    case 'Pod': {
      const pod = index.pod(name);
      if (!pod) return undefined;
      const ready = pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
      return { desired: 1, ready: ready ? 1 : 0 };
    }
    default:
      return undefined;
  }
}

/** "0/3 ready" or "" when unknown. */
export function formatAvailability(availability: Availability | undefined): string {
  return availability ? `${availability.ready}/${availability.desired} ready` : '';
}
