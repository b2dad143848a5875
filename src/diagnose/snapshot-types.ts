/**
 * The snapshot an investigation reads: Kubernetes objects exactly as `kubectl get -o json` returns
 * them (typed with kubernetes-types, a type-only dependency), plus usage, log excerpts and names.
 * A list that was not read (the policy refused it, the server does not serve the type) is undefined,
 * so analyzers can tell "none" from "unknown" and skip a check instead of guessing.
 */
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2.js';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { Event, Node, PersistentVolume, PersistentVolumeClaim, Pod, ResourceQuota, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Ingress, IngressClass } from 'kubernetes-types/networking/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';

export type {
  ControllerRevision, CronJob, DaemonSet, Deployment, EndpointSlice, Event, HorizontalPodAutoscaler, Ingress, IngressClass, Job, Node,
  PersistentVolume, PersistentVolumeClaim, Pod, PodDisruptionBudget, ReplicaSet, ResourceQuota, Service, StatefulSet, StorageClass,
};
export type { Container, ContainerStatus, PodSpec } from 'kubernetes-types/core/v1.js';

/** One container's recent usage (`kubectl top pods --containers`). */
export interface ContainerUsage {
  pod: string;
  container: string;
  cpuMillicores: number;
  memoryBytes: number;
}

/** One line of a log excerpt: redacted, and marked when it looks like an error. */
export interface LogLine {
  text: string;
  error: boolean;
}

/** The last lines a container printed (the previous instance's for a crash loop). */
export interface ContainerLog {
  pod: string;
  container: string;
  previous: boolean;
  lines: LogLine[];
  /** Why there is no excerpt (kubectl's message), when the read failed. */
  error?: string;
}

/** Everything one investigation read, at one moment. */
export interface Snapshot {
  namespace: string;
  /** When the reads finished (ISO 8601): analyzers measure ages against it, never against a clock. */
  readAt: string;
  pods?: Pod[];
  deployments?: Deployment[];
  replicaSets?: ReplicaSet[];
  statefulSets?: StatefulSet[];
  daemonSets?: DaemonSet[];
  jobs?: Job[];
  cronJobs?: CronJob[];
  services?: Service[];
  endpointSlices?: EndpointSlice[];
  ingresses?: Ingress[];
  persistentVolumeClaims?: PersistentVolumeClaim[];
  horizontalPodAutoscalers?: HorizontalPodAutoscaler[];
  podDisruptionBudgets?: PodDisruptionBudget[];
  resourceQuotas?: ResourceQuota[];
  controllerRevisions?: ControllerRevision[];
  events?: Event[];
  nodes?: Node[];
  storageClasses?: StorageClass[];
  ingressClasses?: IngressClass[];
  persistentVolumes?: PersistentVolume[];
  /** Names only: existence checks never need (and never read) the data. */
  configMapNames?: string[];
  secretNames?: string[];
  usage?: ContainerUsage[];
  logs?: ContainerLog[];
}

/** The snapshot lists and the Kind each holds, in the order the CLI reports counts. */
export const SNAPSHOT_KINDS = [
  ['pods', 'Pod'], ['deployments', 'Deployment'], ['replicaSets', 'ReplicaSet'], ['statefulSets', 'StatefulSet'], ['daemonSets', 'DaemonSet'],
  ['jobs', 'Job'], ['cronJobs', 'CronJob'], ['services', 'Service'], ['endpointSlices', 'EndpointSlice'], ['ingresses', 'Ingress'],
  ['persistentVolumeClaims', 'PersistentVolumeClaim'], ['horizontalPodAutoscalers', 'HorizontalPodAutoscaler'],
  ['podDisruptionBudgets', 'PodDisruptionBudget'], ['resourceQuotas', 'ResourceQuota'], ['controllerRevisions', 'ControllerRevision'],
  ['events', 'Event'], ['nodes', 'Node'], ['storageClasses', 'StorageClass'], ['ingressClasses', 'IngressClass'],
  ['persistentVolumes', 'PersistentVolume'],
] as const satisfies ReadonlyArray<readonly [keyof Snapshot, string]>;
