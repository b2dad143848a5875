import { createHash, randomBytes } from 'node:crypto';
import type { Container, Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
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
  let full = digests.get(text);
  if (full === undefined) {
    full = createHash('sha256').update(text).digest('hex');
    // Container and image IDs repeat on every kubelet evaluation; keep the recent ones.
    if (digests.size > 20_000) digests.clear();
    digests.set(text, full);
  }
  return full.slice(0, length);
}

const digests = new Map<string, string>();

/** The controller owner reference Kubernetes controllers put on what they create. */
export function controllerReference(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** The uid of an object's controlling owner, if any. */
export function controllerUid(object: KubeObject): string | undefined {
  return object.metadata.ownerReferences?.find((reference) => reference.controller)?.uid;
}

// The two built-in PriorityClasses; the sandbox serves no PriorityClass objects, so any other name gets 0.
const builtInPriorities: ReadonlyMap<string, number> = new Map([['system-cluster-critical', 2_000_000_000], ['system-node-critical', 2_000_001_000]]);

/** The priority admission gives a pod of this priorityClassName (0 for none or an unknown one). */
export function priorityOfClass(className: string | undefined): number {
  return builtInPriorities.get(className ?? '') ?? 0;
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
  spec.priority ??= priorityOfClass(spec.priorityClassName);
  // DefaultTolerationSeconds: five minutes on a not-ready or unreachable node, unless the pod says otherwise.
  const tolerations = [...(spec.tolerations ?? [])];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((toleration) => (toleration.key === key || (!toleration.key && toleration.operator === 'Exists')) && (!toleration.effect || toleration.effect === 'NoExecute'))) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  spec.tolerations = tolerations;
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

function faultMatches(fault: Fault, pod: Pod, container: Container, index: number, init: boolean): boolean {
  if (fault.namespace && fault.namespace !== pod.metadata?.namespace) return false;
  if (fault.pod && fault.pod !== pod.metadata?.name) return false;
  if (fault.podPrefix && !(pod.metadata?.name ?? '').startsWith(fault.podPrefix)) return false;
  if (fault.image && fault.image !== container.image) return false;
  // Without a container name a fault means the first app container (or, by image, any container).
  if (fault.container) {
    if (fault.container !== container.name) return false;
  } else if (!fault.image && (init || index !== 0)) return false;
  return Boolean(fault.pod || fault.podPrefix || fault.image);
}

/** Every fault rule that applies to a container (app or init), in scenario order. */
export function faultsFor(cluster: SandboxCluster, pod: Pod, container: Container, index: number, init = false): Fault[] {
  return cluster.faults.filter((fault) => faultMatches(fault, pod, container, index, init));
}

/** The container faults by what they do: how it dies, how its readiness probe does, what metrics say, its image. */
export interface ContainerFaults {
  crash?: Fault;
  readiness?: Fault;
  usage?: Fault;
  image?: Fault;
}

/** Sorts a container's faults by effect (the first of each kind wins). */
export function containerFaults(cluster: SandboxCluster, pod: Pod, container: Container, index: number, init = false): ContainerFaults {
  const result: ContainerFaults = {};
  for (const fault of faultsFor(cluster, pod, container, index, init)) {
    if (['CrashLoopBackOff', 'Error', 'StartError', 'OOMKilled', 'LivenessFailure'].includes(fault.type)) result.crash ??= fault;
    else if (fault.type === 'ReadinessFailure' || fault.type === 'Unhealthy') result.readiness ??= fault;
    else if (fault.type === 'HighUsage') result.usage ??= fault;
    else if (fault.type === 'ImagePullBackOff') result.image ??= fault;
  }
  return result;
}

/** The first fault rule that applies to a pod's container, if any. */
export function faultFor(cluster: SandboxCluster, pod: Pod, container: Container, index: number, init = false): Fault | undefined {
  return faultsFor(cluster, pod, container, index, init)[0];
}
