import { reconcileQuotas } from '../admission/resource-quota.js';
import type { SandboxCluster } from '../cluster.js';
import { reconcileKubelet } from '../kubelet/kubelet.js';
import { reconcileCronJobs } from './cronjob-controller.js';
import { reconcileDaemonSets } from './daemonset-controller.js';
import { reconcileDeployments } from './deployment-controller.js';
import { reconcileEndpoints } from './endpoints-controller.js';
import { reconcileHorizontalPodAutoscalers } from './hpa-controller.js';
import { collectGarbage, reconcileDisruptionBudgets } from './housekeeping.js';
import { reconcileJobs } from './job-controller.js';
import { reconcileEvictions, reconcileNodes } from './node-lifecycle.js';
import { reconcileVolumes } from './persistent-volume-controller.js';
import { reconcileReplicaSets } from './replicaset-controller.js';
import { reconcileScheduler } from './scheduler.js';
import { reconcileStatefulSets } from './statefulset-controller.js';

/** One pass of every controller, in dependency order (owners before the pods they create). */
export function reconcileAll(cluster: SandboxCluster): void {
  collectGarbage(cluster);
  reconcileNodes(cluster);
  reconcileDeployments(cluster);
  reconcileReplicaSets(cluster);
  reconcileStatefulSets(cluster);
  reconcileDaemonSets(cluster);
  reconcileCronJobs(cluster);
  reconcileJobs(cluster);
  reconcileVolumes(cluster);
  reconcileScheduler(cluster);
  reconcileKubelet(cluster);
  reconcileEvictions(cluster);
  reconcileEndpoints(cluster);
  reconcileDisruptionBudgets(cluster);
  reconcileHorizontalPodAutoscalers(cluster);
  reconcileQuotas(cluster);
}
