import { createHash, randomBytes } from 'node:crypto';
import type { Container, ContainerStatus, Pod, PodCondition, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { SandboxCluster } from '../cluster.js';
import type { Fault } from '../scenario-types.js';
import { cloneJson, type KubeObject } from '../types.js';

const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** A random 5-character name suffix from Kubernetes' alphabet (no vowels, no confusing digits). */
export function randomSuffix(length = 5): string {
  const bytes = randomBytes(length);
  return [...bytes].map((byte) => suffixAlphabet[byte % suffixAlphabet.length]).join('');
}

/** Deterministic hex digest, for container IDs and image digests that stay stable per input. */
export function digest(text: string, length = 64): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** The controller owner reference Kubernetes controllers put on what they create. */
export function controllerReference(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** The uid of an object's controlling owner, if any. */
export function controllerUid(object: KubeObject): string | undefined {
  return object.metadata.ownerReferences?.find((reference) => reference.controller)?.uid;
}

/** True when the pod is neither terminating nor finished (what controllers count). */
export function isActivePod(pod: Pod): boolean {
  return !pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

/** True when the pod's Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
}

/** A new pod object from a template, owned by `owner`; the scheduler and kubelet simulation take it from there. */
export function podFromTemplate(template: PodTemplateSpec | undefined, owner: KubeObject, name: string, extraLabels: Record<string, string> = {}): KubeObject {
  const spec = cloneJson(template?.spec ?? { containers: [] });
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.serviceAccountName ??= 'default';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.priority ??= 0;
  spec.tolerations = [
    ...(spec.tolerations ?? []),
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ];
  for (const container of spec.containers) {
    container.imagePullPolicy ??= 'IfNotPresent';
    container.terminationMessagePath ??= '/dev/termination-log';
    container.terminationMessagePolicy ??= 'File';
    container.resources ??= {};
  }
  const metadata: KubeObject['metadata'] = {
    name,
    namespace: owner.metadata.namespace,
    labels: { ...(template?.metadata?.labels ?? {}), ...extraLabels },
    ownerReferences: [controllerReference(owner)],
  };
  if (template?.metadata?.annotations) metadata.annotations = { ...template.metadata.annotations };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: spec as unknown as KubeObject[string], status: { phase: 'Pending', qosClass: qosClass(spec.containers) } };
}

/** The pod QoS class from its containers' requests and limits. */
export function qosClass(containers: Container[]): string {
  const any = containers.some((container) => Object.keys(container.resources?.requests ?? {}).length > 0 || Object.keys(container.resources?.limits ?? {}).length > 0);
  if (!any) return 'BestEffort';
  const guaranteed = containers.every((container) => {
    const limits = container.resources?.limits ?? {};
    const requests = container.resources?.requests ?? limits;
    return limits['cpu'] !== undefined && limits['memory'] !== undefined && String(requests['cpu']) === String(limits['cpu']) && String(requests['memory']) === String(limits['memory']);
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The fault rule that applies to a pod's container, if any. */
export function faultFor(cluster: SandboxCluster, pod: Pod, container: Container, index: number): Fault | undefined {
  return cluster.faults.find((fault) => {
    if (fault.namespace && fault.namespace !== pod.metadata?.namespace) return false;
    if (fault.pod && fault.pod !== pod.metadata?.name) return false;
    if (fault.podPrefix && !(pod.metadata?.name ?? '').startsWith(fault.podPrefix)) return false;
    if (fault.image && fault.image !== container.image) return false;
    if (fault.container ? fault.container !== container.name : index !== 0) return false;
    return Boolean(fault.pod || fault.podPrefix || fault.image);
  });
}

function imageId(image: string): string {
  const repository = image.split('@')[0]?.replace(/:[^/:]+$/, '') ?? image;
  return `${repository}@sha256:${digest(image)}`;
}

/** Options for building a started pod's status (also used by the scenario loader for past times). */
export interface StartOptions {
  startedAt: Date;
  /** Restarts of each failing or restarted container. */
  restarts?: number;
  /** When the last restart happened. */
  lastRestartAt?: Date;
  /** Job pods: the containers have exited 0. */
  completed?: boolean;
  completedAt?: Date;
}

/** The status of a scheduled pod whose containers have started, honouring the scenario's faults. */
export function startedPodStatus(cluster: SandboxCluster, pod: Pod, options: StartOptions): Pod['status'] {
  const started = cluster.timestamp(options.startedAt);
  const containers = pod.spec?.containers ?? [];
  let allReady = true;
  let pulling = false;
  const statuses: ContainerStatus[] = containers.map((container, index) => {
    const fault = faultFor(cluster, pod, container, index);
    const containerId = `containerd://${digest(`${pod.metadata?.uid}/${container.name}/${options.restarts ?? 0}`)}`;
    const base = { name: container.name, image: container.image ?? '', imageID: imageId(container.image ?? ''), containerID: containerId, started: false, ready: false, restartCount: 0 };
    const restarts = options.restarts ?? (fault ? 1 : 0);
    const lastRestart = cluster.timestamp(options.lastRestartAt ?? options.startedAt);
    if (options.completed) {
      return { ...base, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: started, finishedAt: cluster.timestamp(options.completedAt ?? options.startedAt), containerID: containerId } } };
    }
    if (!fault) {
      return { ...base, started: true, ready: true, state: { running: { startedAt: started } } };
    }
    allReady = false;
    if (fault.type === 'ImagePullBackOff') {
      pulling = true;
      return { name: container.name, image: container.image ?? '', imageID: '', started: false, ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${container.image}"` } } };
    }
    const exitCode = fault.type === 'OOMKilled' ? 137 : 1;
    const reason = fault.type === 'OOMKilled' ? 'OOMKilled' : 'Error';
    const attemptStarted = cluster.timestamp(new Date(Date.parse(lastRestart) - (fault.type === 'OOMKilled' ? 80_000 : 3_000)));
    const lastState = { terminated: { exitCode, reason, startedAt: attemptStarted, finishedAt: lastRestart, containerID: containerId } };
    if (fault.type === 'OOMKilled') {
      const killedAt = cluster.timestamp(new Date(Math.min(cluster.now().getTime(), Date.parse(lastRestart) + 60_000)));
      return { ...base, restartCount: restarts, lastState, state: { terminated: { exitCode, reason, startedAt: lastRestart, finishedAt: killedAt, containerID: containerId } } };
    }
    return {
      ...base, restartCount: restarts, lastState,
      state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${container.name} pod=${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})` } },
    };
  });
  const transition = started;
  const condition = (type: string, ok: boolean, reason?: string): PodCondition => ({
    type, status: ok ? 'True' : 'False', lastProbeTime: null as unknown as string, lastTransitionTime: transition,
    ...(ok ? {} : { reason: reason ?? 'ContainersNotReady', message: `containers with unready status: [${statuses.filter((status) => !status.ready).map((status) => status.name).join(' ')}]` }),
  });
  const succeeded = options.completed === true;
  const readyOk = allReady && !succeeded;
  const conditions: PodCondition[] = [
    { type: 'PodReadyToStartContainers', status: succeeded ? 'False' : 'True', lastProbeTime: null as unknown as string, lastTransitionTime: transition },
    { type: 'Initialized', status: 'True', lastProbeTime: null as unknown as string, lastTransitionTime: transition, ...(succeeded ? { reason: 'PodCompleted' } : {}) },
    succeeded ? { ...condition('Ready', false), reason: 'PodCompleted', message: undefined as unknown as string } : condition('Ready', readyOk),
    succeeded ? { ...condition('ContainersReady', false), reason: 'PodCompleted', message: undefined as unknown as string } : condition('ContainersReady', readyOk),
    { type: 'PodScheduled', status: 'True', lastProbeTime: null as unknown as string, lastTransitionTime: transition },
  ];
  for (const entry of conditions) if (entry.message === undefined) delete entry.message;
  const previous = pod.status ?? {};
  return {
    ...previous,
    phase: succeeded ? 'Succeeded' : pulling ? 'Pending' : 'Running',
    conditions,
    hostIP: previous.hostIP, hostIPs: previous.hostIPs, podIP: previous.podIP, podIPs: previous.podIPs,
    startTime: previous.startTime ?? started,
    containerStatuses: statuses,
    qosClass: previous.qosClass ?? qosClass(containers),
  };
}

/** The status of a scheduled pod whose containers are still being created. */
export function creatingPodStatus(cluster: SandboxCluster, pod: Pod): Pod['status'] {
  const now = cluster.timestamp();
  const previous = pod.status ?? {};
  const containers = pod.spec?.containers ?? [];
  return {
    ...previous,
    phase: 'Pending',
    conditions: [
      { type: 'PodReadyToStartContainers', status: 'False', lastProbeTime: null as unknown as string, lastTransitionTime: now },
      { type: 'Initialized', status: 'True', lastProbeTime: null as unknown as string, lastTransitionTime: now },
      { type: 'Ready', status: 'False', lastProbeTime: null as unknown as string, lastTransitionTime: now, reason: 'ContainersNotReady', message: `containers with unready status: [${containers.map((container) => container.name).join(' ')}]` },
      { type: 'ContainersReady', status: 'False', lastProbeTime: null as unknown as string, lastTransitionTime: now, reason: 'ContainersNotReady', message: `containers with unready status: [${containers.map((container) => container.name).join(' ')}]` },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null as unknown as string, lastTransitionTime: now },
    ],
    startTime: now,
    containerStatuses: containers.map((container) => ({ name: container.name, image: container.image ?? '', imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } })),
  };
}
