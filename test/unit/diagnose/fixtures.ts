/**
 * Hand-built Kubernetes 1.32 objects for analyzer tests, shaped exactly like `kubectl get -o json`
 * returns them (typed with kubernetes-types so a misspelt field does not compile). Times are relative
 * to NOW, the snapshot's read time.
 */
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2.js';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { Container, ContainerStatus, Event, Node, PersistentVolumeClaim, Pod, PodCondition, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Ingress, IngressClass } from 'kubernetes-types/networking/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { Snapshot } from '../../../src/diagnose/snapshot-types.js';

/** The snapshot's read time. */
export const NOW = '2026-01-10T12:00:00Z';
const NOW_MS = Date.parse(NOW);

/** An ISO time `seconds` before NOW. */
export function ago(seconds: number): string {
  return new Date(NOW_MS - seconds * 1000).toISOString().replace('.000Z', 'Z');
}
export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86_400;

let uid = 0;
function nextUid(): string {
  uid += 1;
  return `00000000-0000-4000-8000-${String(uid).padStart(12, '0')}`;
}

/** An empty snapshot of a namespace with every list read (empty), as after a successful read. */
export function snapshotOf(parts: Partial<Snapshot> = {}, namespace = 'prod'): Snapshot {
  return {
    namespace, readAt: NOW,
    pods: [], deployments: [], replicaSets: [], statefulSets: [], daemonSets: [], jobs: [], cronJobs: [], services: [], endpointSlices: [],
    ingresses: [], persistentVolumeClaims: [], horizontalPodAutoscalers: [], podDisruptionBudgets: [], resourceQuotas: [], controllerRevisions: [],
    events: [], nodes: [node('node-1'), node('node-2')], storageClasses: [storageClass('standard', true)], ingressClasses: [ingressClass('nginx')],
    persistentVolumes: [], configMapNames: [], logs: [],
    ...parts,
  };
}

/** A Ready node with 4 CPUs and 16 GiB. */
export function node(name: string, options: { ready?: 'True' | 'False' | 'Unknown'; unschedulable?: boolean; pressure?: string[]; cpu?: string; network?: boolean } = {}): Node {
  const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: ago(20), lastTransitionTime: ago(options.ready && options.ready !== 'True' ? 10 * MINUTE : 30 * DAY) });
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, uid: nextUid(), creationTimestamp: ago(40 * DAY), labels: { 'kubernetes.io/hostname': name } },
    spec: {
      podCIDR: '10.244.1.0/24',
      ...(options.unschedulable ? { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: ago(HOUR) }] } : {}),
      ...(options.ready && options.ready !== 'True' ? { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: ago(10 * MINUTE) }] } : {}),
    },
    status: {
      capacity: { cpu: options.cpu ?? '4', memory: '16364356Ki', pods: '110' },
      allocatable: { cpu: `${Number(options.cpu ?? '4') * 1000 - 90}m`, memory: '15064356Ki', pods: '110' },
      conditions: [
        condition('MemoryPressure', options.pressure?.includes('MemoryPressure') ? 'True' : 'False', options.pressure?.includes('MemoryPressure') ? 'KubeletHasInsufficientMemory' : 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', options.pressure?.includes('DiskPressure') ? 'True' : 'False', options.pressure?.includes('DiskPressure') ? 'KubeletHasDiskPressure' : 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        ...(options.network ? [condition('NetworkUnavailable', 'True', 'NoRouteCreated', 'Node created without a route')] : []),
        options.ready && options.ready !== 'True'
          ? condition('Ready', options.ready, 'NodeStatusUnknown', 'Kubelet stopped posting node status.')
          : condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      nodeInfo: { architecture: 'amd64', bootID: 'b', containerRuntimeVersion: 'containerd://1.7.23', kernelVersion: '6.1', kubeProxyVersion: 'v1.32.4', kubeletVersion: 'v1.32.4', machineID: 'm', operatingSystem: 'linux', osImage: 'Linux', systemUUID: 's' },
    },
  };
}

/** A StorageClass. */
export function storageClass(name: string, isDefault = false, bindingMode: 'Immediate' | 'WaitForFirstConsumer' = 'WaitForFirstConsumer'): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name, uid: nextUid(), creationTimestamp: ago(400 * DAY), ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    provisioner: 'ebs.csi.aws.com', reclaimPolicy: 'Delete', volumeBindingMode: bindingMode,
  };
}

/** An IngressClass. */
export function ingressClass(name: string, isDefault = false): IngressClass {
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass',
    metadata: { name, uid: nextUid(), creationTimestamp: ago(400 * DAY), ...(isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    spec: { controller: 'k8s.io/ingress-nginx' },
  };
}

/** A container spec. */
export function container(name: string, options: Partial<Container> = {}): Container {
  return {
    name,
    image: `registry.example.com/${name}:1.0.0`,
    imagePullPolicy: 'IfNotPresent',
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    ...options,
  };
}

/** A running, ready container status. */
export function running(name: string, options: Partial<ContainerStatus> = {}): ContainerStatus {
  return {
    name, image: `registry.example.com/${name}:1.0.0`, imageID: `registry.example.com/${name}@sha256:abc`, containerID: 'containerd://1',
    ready: true, started: true, restartCount: 0, state: { running: { startedAt: ago(2 * DAY) } }, lastState: {},
    ...options,
  };
}

/** A crash-looping container status (waiting CrashLoopBackOff, last terminated with `exitCode`). */
export function crashLooping(name: string, exitCode = 1, reason = 'Error', restarts = 12): ContainerStatus {
  return {
    name, image: `registry.example.com/${name}:1.0.0`, imageID: `registry.example.com/${name}@sha256:abc`, containerID: 'containerd://2',
    ready: false, started: false, restartCount: restarts,
    state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${name} pod=x_prod(uid)` } },
    lastState: { terminated: { exitCode, reason, startedAt: ago(4 * MINUTE), finishedAt: ago(3 * MINUTE), containerID: 'containerd://2' } },
  };
}

/** A waiting container status. */
export function waiting(name: string, reason: string, message?: string, options: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name, image: `registry.example.com/${name}:1.0.0`, imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason, ...(message ? { message } : {}) } }, lastState: {}, ...options };
}

function readyConditions(ready: boolean, since = 2 * DAY): PodCondition[] {
  const status = ready ? 'True' : 'False';
  return [
    { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null as unknown as undefined, lastTransitionTime: ago(2 * DAY) },
    { type: 'Initialized', status: 'True', lastProbeTime: null as unknown as undefined, lastTransitionTime: ago(2 * DAY) },
    { type: 'Ready', status, lastProbeTime: null as unknown as undefined, lastTransitionTime: ago(since), ...(ready ? {} : { reason: 'ContainersNotReady', message: 'containers with unready status: [app]' }) },
    { type: 'ContainersReady', status, lastProbeTime: null as unknown as undefined, lastTransitionTime: ago(since), ...(ready ? {} : { reason: 'ContainersNotReady', message: 'containers with unready status: [app]' }) },
    { type: 'PodScheduled', status: 'True', lastProbeTime: null as unknown as undefined, lastTransitionTime: ago(2 * DAY) },
  ];
}

/** Options of pod(). */
export interface PodOptions {
  labels?: Record<string, string>;
  /** The controller: "ReplicaSet/api-5d8f7c9b6", "StatefulSet/db", "Job/x", "DaemonSet/y". */
  owner?: string;
  node?: string | null;
  containers?: Container[];
  initContainers?: Container[];
  statuses?: ContainerStatus[];
  initStatuses?: ContainerStatus[];
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  ready?: boolean;
  conditions?: PodCondition[];
  age?: number;
  reason?: string;
  message?: string;
  volumes?: NonNullable<Pod['spec']>['volumes'];
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
}

/** A pod; by default Running and ready on node-1 with one container "app". */
export function pod(name: string, options: PodOptions = {}): Pod {
  const containers = options.containers ?? [container('app')];
  const statuses = options.statuses ?? containers.map((spec) => running(spec.name));
  const ready = options.ready ?? statuses.every((status) => status.ready);
  const [ownerKind, ownerName] = (options.owner ?? '').split('/');
  const hash = ownerKind === 'ReplicaSet' ? ownerName?.split('-').pop() : undefined;
  const phase = options.phase ?? 'Running';
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: 'prod', uid: nextUid(), creationTimestamp: ago(options.age ?? 2 * DAY), resourceVersion: '42',
      labels: { ...(options.labels ?? {}), ...(hash ? { 'pod-template-hash': hash } : {}) },
      ...(ownerKind && ownerName ? { ownerReferences: [{ apiVersion: ownerKind === 'Job' ? 'batch/v1' : 'apps/v1', kind: ownerKind, name: ownerName, uid: nextUid(), controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: {
      containers,
      ...(options.initContainers ? { initContainers: options.initContainers } : {}),
      ...(options.node === null ? {} : { nodeName: options.node ?? 'node-1' }),
      restartPolicy: options.restartPolicy ?? 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30,
      ...(options.volumes ? { volumes: options.volumes } : {}),
    },
    status: {
      phase,
      ...(options.reason ? { reason: options.reason } : {}),
      ...(options.message ? { message: options.message } : {}),
      conditions: options.conditions ?? (phase === 'Pending' && options.node === null ? [] : readyConditions(ready)),
      ...(phase === 'Pending' && options.node === null ? {} : { containerStatuses: statuses, hostIP: '10.0.1.11', podIP: '10.244.1.7', startTime: ago(options.age ?? 2 * DAY) }),
      ...(options.initStatuses ? { initContainerStatuses: options.initStatuses } : {}),
      qosClass: 'Burstable',
    },
  };
}

/** A pod the scheduler could not place. */
export function unschedulablePod(name: string, message: string, options: PodOptions = {}): Pod {
  return pod(name, {
    ...options, node: null, phase: 'Pending', age: options.age ?? 3 * HOUR,
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null as unknown as undefined, lastTransitionTime: ago(3 * HOUR) }],
  });
}

/** A Deployment with replicas/ready and conditions, at `revision`. */
export function deployment(name: string, options: { replicas?: number; ready?: number; updated?: number; revision?: number; progressing?: { status: 'True' | 'False'; reason: string; message: string }; replicaFailure?: string; paused?: boolean; containers?: Container[]; labels?: Record<string, string> } = {}): Deployment {
  const replicas = options.replicas ?? 2;
  const ready = options.ready ?? replicas;
  const labels = options.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace: 'prod', uid: nextUid(), generation: 3, creationTimestamp: ago(100 * DAY), labels, annotations: { 'deployment.kubernetes.io/revision': String(options.revision ?? 1) } },
    spec: {
      replicas, selector: { matchLabels: labels }, progressDeadlineSeconds: 600, revisionHistoryLimit: 10,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { metadata: { labels }, spec: { containers: options.containers ?? [container(name)] } },
      ...(options.paused ? { paused: true } : {}),
    },
    status: {
      observedGeneration: 3, replicas, readyReplicas: ready, availableReplicas: ready, updatedReplicas: options.updated ?? replicas,
      ...(ready < replicas ? { unavailableReplicas: replicas - ready } : {}),
      conditions: [
        { type: 'Available', status: ready > 0 ? 'True' : 'False', reason: ready > 0 ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: ready > 0 ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', lastTransitionTime: ago(HOUR), lastUpdateTime: ago(HOUR) },
        { type: 'Progressing', ...(options.progressing ?? { status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${name}-abc" has successfully progressed.` }), lastTransitionTime: ago(HOUR), lastUpdateTime: ago(HOUR) },
        ...(options.replicaFailure ? [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: options.replicaFailure, lastTransitionTime: ago(10 * MINUTE), lastUpdateTime: ago(10 * MINUTE) }] : []),
      ],
    },
  };
}

/** A ReplicaSet of a Deployment, with a revision and its template's images. */
export function replicaSet(deploymentName: string, hash: string, options: { revision: number; replicas: number; ready?: number; images?: Record<string, string>; age?: number }): ReplicaSet {
  const images = options.images ?? { [deploymentName]: `registry.example.com/${deploymentName}:1.0.${options.revision}` };
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: `${deploymentName}-${hash}`, namespace: 'prod', uid: nextUid(), creationTimestamp: ago(options.age ?? DAY),
      labels: { app: deploymentName, 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/revision': String(options.revision), 'deployment.kubernetes.io/desired-replicas': String(options.replicas) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deploymentName, uid: nextUid(), controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas: options.replicas, selector: { matchLabels: { app: deploymentName, 'pod-template-hash': hash } },
      template: { metadata: { labels: { app: deploymentName, 'pod-template-hash': hash } }, spec: { containers: Object.entries(images).map(([name, image]) => container(name, { image })) } },
    },
    status: { replicas: options.replicas, readyReplicas: options.ready ?? options.replicas, availableReplicas: options.ready ?? options.replicas, fullyLabeledReplicas: options.replicas, observedGeneration: 1 },
  };
}

/** A StatefulSet. */
export function statefulSet(name: string, options: { replicas?: number; ready?: number; currentRevision?: string; updateRevision?: string; updated?: number } = {}): StatefulSet {
  const replicas = options.replicas ?? 2;
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: { name, namespace: 'prod', uid: nextUid(), creationTimestamp: ago(300 * DAY), labels: { app: name } },
    spec: { replicas, serviceName: name, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [container(name)] } } },
    status: {
      replicas, readyReplicas: options.ready ?? replicas, currentReplicas: replicas, updatedReplicas: options.updated ?? replicas, observedGeneration: 1, collisionCount: 0,
      currentRevision: options.currentRevision ?? `${name}-6597cc99c4`, updateRevision: options.updateRevision ?? options.currentRevision ?? `${name}-6597cc99c4`,
    },
  };
}

/** A ControllerRevision of a StatefulSet or DaemonSet. */
export function controllerRevision(kind: 'StatefulSet' | 'DaemonSet', owner: string, hash: string, revision: number, image: string, age: number): ControllerRevision {
  return {
    apiVersion: 'apps/v1', kind: 'ControllerRevision',
    metadata: { name: `${owner}-${hash}`, namespace: 'prod', uid: nextUid(), creationTimestamp: ago(age), ownerReferences: [{ apiVersion: 'apps/v1', kind, name: owner, uid: nextUid(), controller: true }] },
    revision,
    data: { spec: { template: { $patch: 'replace', metadata: { labels: { app: owner } }, spec: { containers: [container(owner, { image })] } } } },
  };
}

/** A DaemonSet. */
export function daemonSet(name: string, options: { desired?: number; ready?: number; updated?: number } = {}): DaemonSet {
  const desired = options.desired ?? 2;
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: { name, namespace: 'prod', uid: nextUid(), creationTimestamp: ago(300 * DAY), labels: { app: name } },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [container(name)] } } },
    status: { desiredNumberScheduled: desired, currentNumberScheduled: desired, numberReady: options.ready ?? desired, numberAvailable: options.ready ?? desired, updatedNumberScheduled: options.updated ?? desired, numberMisscheduled: 0, observedGeneration: 1 },
  };
}

/** A core/v1 Event about an object. */
export function event(kind: string, name: string, reason: string, message: string, options: { type?: 'Warning' | 'Normal'; count?: number; first?: number; last?: number; component?: string; host?: string; series?: { count: number; last: number }; eventTimeOnly?: boolean; fieldPath?: string } = {}): Event {
  const first = ago(options.first ?? 30 * MINUTE);
  const last = ago(options.last ?? MINUTE);
  return {
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: `${name}.${(uid += 1).toString(16)}`, namespace: 'prod', uid: nextUid(), creationTimestamp: first },
    involvedObject: { apiVersion: kind === 'Pod' ? 'v1' : 'apps/v1', kind, name, namespace: kind === 'Node' ? undefined : 'prod', uid: nextUid(), ...(options.fieldPath ? { fieldPath: options.fieldPath } : {}) },
    reason, message, type: options.type ?? 'Warning',
    source: { component: options.component ?? 'kubelet', ...(options.host ? { host: options.host } : {}) },
    reportingComponent: options.component ?? 'kubelet', reportingInstance: options.host ?? '',
    ...(options.eventTimeOnly
      ? { eventTime: last as unknown as Event['eventTime'], firstTimestamp: undefined, lastTimestamp: undefined, ...(options.series ? { series: { count: options.series.count, lastObservedTime: ago(options.series.last) as unknown as NonNullable<Event['series']>['lastObservedTime'] } } : {}) }
      : { count: options.count ?? 1, firstTimestamp: first, lastTimestamp: last, eventTime: null as unknown as undefined }),
  };
}

/** A ClusterIP Service selecting `selector`. */
export function service(name: string, selector: Record<string, string> | undefined, ports: NonNullable<Service['spec']>['ports'] = [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]): Service {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name, namespace: 'prod', uid: nextUid(), creationTimestamp: ago(100 * DAY), labels: { app: name } },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ...(selector ? { selector } : {}), ports, sessionAffinity: 'None' },
    status: { loadBalancer: {} },
  };
}

/** The EndpointSlice of a Service with pods (ready or not). */
export function endpointSlice(serviceName: string, endpoints: Array<{ pod: string; ready: boolean }>): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
    metadata: { name: `${serviceName}-abcde`, namespace: 'prod', uid: nextUid(), creationTimestamp: ago(100 * DAY), labels: { 'kubernetes.io/service-name': serviceName, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
    endpoints: endpoints.map((entry, position) => ({ addresses: [`10.244.1.${10 + position}`], conditions: { ready: entry.ready, serving: entry.ready, terminating: false }, nodeName: 'node-1', targetRef: { kind: 'Pod', name: entry.pod, namespace: 'prod', uid: nextUid() } })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  };
}

/** An Ingress. */
export function ingress(name: string, spec: NonNullable<Ingress['spec']>): Ingress {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'prod', uid: nextUid(), creationTimestamp: ago(100 * DAY) }, spec, status: { loadBalancer: {} } };
}

/** A PersistentVolumeClaim. */
export function claim(name: string, options: { phase?: 'Pending' | 'Bound' | 'Lost'; storageClassName?: string | null; age?: number; volumeName?: string } = {}): PersistentVolumeClaim {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'prod', uid: nextUid(), creationTimestamp: ago(options.age ?? 3 * HOUR) },
    spec: {
      accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem',
      ...(options.storageClassName === null ? {} : { storageClassName: options.storageClassName ?? 'standard' }),
      ...(options.volumeName ? { volumeName: options.volumeName } : {}),
    },
    status: { phase: options.phase ?? 'Bound' },
  };
}

/** A Job, complete or failed. */
export function job(name: string, options: { owner?: string; failed?: { reason: string; message: string }; failures?: number; succeeded?: number; scheduledAgo?: number } = {}): Job {
  const finished = ago(options.scheduledAgo ? options.scheduledAgo - 240 : HOUR);
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: {
      name, namespace: 'prod', uid: nextUid(), creationTimestamp: ago(options.scheduledAgo ?? 2 * HOUR), labels: { 'job-name': name },
      ...(options.owner ? { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: options.owner, uid: nextUid(), controller: true }], annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': ago(options.scheduledAgo ?? 2 * HOUR) } } : {}),
    },
    spec: { backoffLimit: 6, completions: 1, parallelism: 1, template: { metadata: { labels: { 'job-name': name } }, spec: { restartPolicy: 'Never', containers: [container('report')] } } },
    status: options.failed
      ? { startTime: ago(options.scheduledAgo ?? 2 * HOUR), failed: options.failures ?? 7, ready: 0, terminating: 0, conditions: [{ type: 'FailureTarget', status: 'True', reason: options.failed.reason, message: options.failed.message, lastProbeTime: finished, lastTransitionTime: finished }, { type: 'Failed', status: 'True', reason: options.failed.reason, message: options.failed.message, lastProbeTime: finished, lastTransitionTime: finished }] }
      : { startTime: ago(options.scheduledAgo ?? 2 * HOUR), completionTime: finished, succeeded: options.succeeded ?? 1, ready: 0, terminating: 0, conditions: [{ type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: finished, lastTransitionTime: finished }] },
  };
}

/** A CronJob. */
export function cronJob(name: string, options: { schedule?: string; suspend?: boolean; lastSchedule?: number; lastSuccess?: number | null } = {}): CronJob {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob',
    metadata: { name, namespace: 'prod', uid: nextUid(), creationTimestamp: ago(200 * DAY) },
    spec: { schedule: options.schedule ?? '0 2 * * *', suspend: options.suspend ?? false, concurrencyPolicy: 'Allow', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [container('report')] } } } } },
    status: {
      ...(options.lastSchedule !== undefined ? { lastScheduleTime: ago(options.lastSchedule) } : {}),
      ...(options.lastSuccess !== undefined && options.lastSuccess !== null ? { lastSuccessfulTime: ago(options.lastSuccess) } : {}),
    },
  };
}

/** An autoscaling/v2 HorizontalPodAutoscaler on CPU utilization. */
export function hpa(name: string, target: { kind: string; name: string }, options: { min?: number; max?: number; current?: number; conditions?: Array<{ type: string; status: 'True' | 'False'; reason: string; message: string }> } = {}): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: 'prod', uid: nextUid(), creationTimestamp: ago(100 * DAY) },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: target.kind, name: target.name }, minReplicas: options.min ?? 2, maxReplicas: options.max ?? 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] },
    status: {
      currentReplicas: options.current ?? 2, desiredReplicas: options.current ?? 2,
      conditions: (options.conditions ?? [
        { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' },
        { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' },
      ]).map((condition) => ({ ...condition, lastTransitionTime: ago(HOUR) })),
    },
  };
}

/** A PodDisruptionBudget with its status as the disruption controller computes it. */
export function budget(name: string, selector: Record<string, string>, options: { minAvailable?: number; allowed: number; healthy: number; desired: number; expected: number }): PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget',
    metadata: { name, namespace: 'prod', uid: nextUid(), creationTimestamp: ago(100 * DAY) },
    spec: { minAvailable: options.minAvailable ?? 2, selector: { matchLabels: selector } },
    status: { disruptionsAllowed: options.allowed, currentHealthy: options.healthy, desiredHealthy: options.desired, expectedPods: options.expected, observedGeneration: 1 },
  };
}
