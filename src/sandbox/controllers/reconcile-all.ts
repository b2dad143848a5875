import type { SandboxCluster } from '../cluster.js';
import { reconcileDaemonSets } from './daemonset-controller.js';
import { reconcileDeployments } from './deployment-controller.js';
import { reconcileEndpoints } from './endpoints-controller.js';
import { collectGarbage, reconcileStatuses } from './housekeeping.js';
import { reconcileJobs } from './job-controller.js';
import { reconcilePods } from './pod-lifecycle.js';
import { reconcileReplicaSets } from './replicaset-controller.js';
import { reconcileStatefulSets, reconcileVolumes } from './statefulset-controller.js';

/** One pass of every controller, in dependency order (owners before the pods they create). */
export function reconcileAll(cluster: SandboxCluster): void {
  collectGarbage(cluster);
  reconcileDeployments(cluster);
  reconcileReplicaSets(cluster);
  reconcileStatefulSets(cluster);
  reconcileDaemonSets(cluster);
  reconcileJobs(cluster);
  reconcileVolumes(cluster);
  reconcilePods(cluster);
  reconcileEndpoints(cluster);
  reconcileStatuses(cluster);
}
