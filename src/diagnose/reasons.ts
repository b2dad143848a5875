/**
 * The stable reason codes of findings. Scripts and agents switch on them, so a code is never renamed;
 * `rank` orders root causes before the symptoms they produce when two findings are otherwise equal
 * (a missing Secret before "0/1 ready", a StorageClass that does not exist before a Pending pod).
 */

/** What a reason means, for docs/diagnose.md, `--help` and the model prompt. */
export interface ReasonInfo {
  /** Lower ranks are closer to a root cause. */
  rank: number;
  /** One line: what the analyzer saw. */
  description: string;
}

/** Every reason code, with its rank and meaning. */
export const REASONS = {
  NodeNotReady: { rank: 1, description: 'A node is NotReady or Unknown: the kubelet stopped reporting, its pods are not served.' },
  NodeNetworkUnavailable: { rank: 2, description: 'A node reports NetworkUnavailable: pods on it cannot reach the network.' },
  FailedCreate: { rank: 3, description: 'A controller cannot create pods (quota exceeded, admission refused, missing service account).' },
  PVCLost: { rank: 4, description: 'A PersistentVolumeClaim lost its volume.' },
  NodePressure: { rank: 5, description: 'A node is under memory, disk or PID pressure: it evicts pods and refuses new ones.' },
  StorageClassNotFound: { rank: 6, description: 'A PersistentVolumeClaim names a StorageClass that does not exist (or there is no default one).' },
  ProvisioningFailed: { rank: 7, description: 'The provisioner failed to create a volume for a claim.' },
  CreateContainerConfigError: { rank: 10, description: 'A container cannot start: a Secret, ConfigMap or key it references is missing.' },
  InvalidImageName: { rank: 11, description: 'A container image reference cannot be parsed.' },
  ImagePullBackOff: { rank: 12, description: 'A container image cannot be pulled (ErrImagePull / ImagePullBackOff): wrong tag, missing image or registry access.' },
  FailedMount: { rank: 13, description: 'A pod is stuck in ContainerCreating because a volume cannot be mounted or attached.' },
  PodSandboxFailed: { rank: 14, description: 'The pod sandbox (network, runtime) cannot be created on its node.' },
  RunContainerError: { rank: 15, description: 'The runtime cannot start a container (bad command, missing executable, permissions).' },
  OOMKilled: { rank: 16, description: 'A container was killed for exceeding its memory limit.' },
  CrashLoopBackOff: { rank: 17, description: 'A container keeps exiting and the kubelet backs off restarting it.' },
  Unschedulable: { rank: 18, description: 'A pod cannot be scheduled: the scheduler says why (resources, taints, affinity, volumes).' },
  NoMatchingPods: { rank: 20, description: 'A Service selector matches no pods: the Service has nothing behind it.' },
  IngressClassMissing: { rank: 21, description: 'An Ingress names no class (and there is no default) or a class that does not exist.' },
  IngressBackendMissing: { rank: 22, description: 'An Ingress routes to a Service, or a Service port, that does not exist.' },
  TLSSecretMissing: { rank: 23, description: 'An Ingress names a TLS Secret that does not exist.' },
  TargetPortNotExposed: { rank: 24, description: 'A Service targetPort is not a port any selected container declares.' },
  InvalidSchedule: { rank: 25, description: 'A CronJob schedule is not a valid cron expression.' },
  BackoffLimitExceeded: { rank: 26, description: 'A Job failed: its pods failed more often than backoffLimit allows.' },
  JobDeadlineExceeded: { rank: 27, description: 'A Job failed: it ran longer than activeDeadlineSeconds.' },
  JobFailed: { rank: 28, description: 'A Job failed for another reason (its condition says which).' },
  CronJobLastRunFailed: { rank: 29, description: 'The last scheduled run of a CronJob did not succeed.' },
  PodFailed: { rank: 30, description: 'A pod that is not restarted ended in phase Failed.' },
  Evicted: { rank: 31, description: 'A pod was evicted by its node (resource pressure) and left behind.' },
  HPATargetMissing: { rank: 32, description: 'A HorizontalPodAutoscaler targets a workload that does not exist.' },
  HPAMissingRequests: { rank: 33, description: 'A HorizontalPodAutoscaler scales on a resource its target containers do not request.' },
  NotReady: { rank: 35, description: 'A container runs but is not ready (failing readiness probe): it gets no traffic.' },
  Pending: { rank: 38, description: 'A pod has been Pending for a while without a clearer reason.' },
  PVCPending: { rank: 39, description: 'A PersistentVolumeClaim has been Pending for a while.' },
  Restarting: { rank: 40, description: 'A container is running now but restarted recently.' },
  HPAScalingInactive: { rank: 45, description: 'A HorizontalPodAutoscaler cannot compute a replica count (ScalingActive=False).' },
  HPAUnableToScale: { rank: 46, description: 'A HorizontalPodAutoscaler cannot change the scale of its target (AbleToScale=False).' },
  HPAAtMaxReplicas: { rank: 47, description: 'A HorizontalPodAutoscaler is pinned at maxReplicas and wants more.' },
  ProgressDeadlineExceeded: { rank: 50, description: 'A Deployment rollout made no progress within progressDeadlineSeconds.' },
  RolloutStuck: { rank: 51, description: 'A rollout has not replaced all pods with the new revision.' },
  ReplicasNotReady: { rank: 55, description: 'A workload has fewer ready replicas than it wants.' },
  NoReadyEndpoints: { rank: 56, description: 'A Service selects pods, but none of them is a ready endpoint.' },
  IngressBackendUnavailable: { rank: 57, description: 'An Ingress backend Service has no ready endpoints.' },
  PDBBlocksDisruption: { rank: 58, description: 'A PodDisruptionBudget allows no disruption: draining the nodes of its pods would block.' },
  RolloutPaused: { rank: 60, description: 'A Deployment rollout is paused.' },
  NodeCordoned: { rank: 65, description: 'A node is cordoned (unschedulable).' },
  CronJobSuspended: { rank: 70, description: 'A CronJob is suspended: it does not run on its schedule.' },
  PDBNoMatchingPods: { rank: 71, description: 'A PodDisruptionBudget selects no pods.' },
  WarningEvent: { rank: 80, description: 'A recent Warning event that no other finding explains.' },
} as const satisfies Record<string, ReasonInfo>;

/** A stable reason code. */
export type ReasonCode = keyof typeof REASONS;

/** Every reason code, in rank order. */
export const REASON_CODES = (Object.keys(REASONS) as ReasonCode[]).sort((left, right) => REASONS[left].rank - REASONS[right].rank) as [ReasonCode, ...ReasonCode[]];

/**
 * Reasons that describe what other findings cause (a workload that is not ready because its pods
 * crash): when a root cause for the same object exists, these fold into it as evidence.
 */
export const SYMPTOM_REASONS: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'ProgressDeadlineExceeded', 'RolloutStuck', 'ReplicasNotReady', 'WarningEvent',
]);
