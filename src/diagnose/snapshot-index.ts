/**
 * Lookups over one snapshot, built once per analysis so every analyzer is linear in the size of the
 * namespace: pods by owner and by label, events by object, endpoint slices by service, usage and logs
 * by container. Pure: no I/O, "now" is the snapshot's read time.
 */
import { eventLastSeen, timeOf } from './age.js';
import type { ObjectRef } from './finding.js';
import { matchesMap, matchesSelector } from './label-selector.js';
import type {
  ContainerLog, ContainerUsage, CronJob, DaemonSet, Deployment, EndpointSlice, Event, Job, Node, PersistentVolumeClaim, Pod, ReplicaSet, Service,
  Snapshot, StatefulSet, StorageClass,
} from './snapshot-types.js';
import type { LabelSelector, ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { ownValue } from '../own-property.js';

/** The controlling owner of an object (controller: true, else the only one). */
export function controllerOf(metadata: ObjectMeta | undefined): { kind: string; name: string } | undefined {
  const references = metadata?.ownerReferences ?? [];
  const controller = references.find((reference) => reference.controller === true) ?? (references.length === 1 ? references[0] : undefined);
  return controller && typeof controller.kind === 'string' && typeof controller.name === 'string' ? { kind: controller.kind, name: controller.name } : undefined;
}

/** Keeps only objects the API could have sent: an object without a name cannot exist. */
function named<T extends { metadata?: { name?: string } }>(list: T[] | undefined): T[] | undefined {
  if (list === undefined) return undefined;
  return list.every((item) => typeof item?.metadata?.name === 'string' && item.metadata.name !== '') ? list : list.filter((item) => typeof item?.metadata?.name === 'string' && item.metadata.name !== '');
}

/** The snapshot with nameless objects dropped: the same object when there are none (the usual case). */
function sane(snapshot: Snapshot): Snapshot {
  const lists = ['pods', 'deployments', 'replicaSets', 'statefulSets', 'daemonSets', 'jobs', 'cronJobs', 'services', 'endpointSlices', 'ingresses', 'persistentVolumeClaims', 'horizontalPodAutoscalers', 'podDisruptionBudgets', 'resourceQuotas', 'controllerRevisions', 'nodes', 'storageClasses', 'ingressClasses', 'persistentVolumes'] as const;
  if (lists.every((key) => named(snapshot[key] as Array<{ metadata?: { name?: string } }> | undefined) === snapshot[key])) return snapshot;
  return {
    ...snapshot,
    pods: named(snapshot.pods), deployments: named(snapshot.deployments), replicaSets: named(snapshot.replicaSets), statefulSets: named(snapshot.statefulSets),
    daemonSets: named(snapshot.daemonSets), jobs: named(snapshot.jobs), cronJobs: named(snapshot.cronJobs), services: named(snapshot.services),
    endpointSlices: named(snapshot.endpointSlices), ingresses: named(snapshot.ingresses), persistentVolumeClaims: named(snapshot.persistentVolumeClaims),
    horizontalPodAutoscalers: named(snapshot.horizontalPodAutoscalers), podDisruptionBudgets: named(snapshot.podDisruptionBudgets), resourceQuotas: named(snapshot.resourceQuotas),
    controllerRevisions: named(snapshot.controllerRevisions), events: snapshot.events, nodes: named(snapshot.nodes), storageClasses: named(snapshot.storageClasses),
    ingressClasses: named(snapshot.ingressClasses), persistentVolumes: named(snapshot.persistentVolumes),
  };
}

/** A ReplicaSet's revision (deployment.kubernetes.io/revision), 0 when unknown. */
export function revisionOf(replicaSet: ReplicaSet): number {
  const value = Number(replicaSet.metadata?.annotations?.['deployment.kubernetes.io/revision']);
  return Number.isInteger(value) && value > 0 ? value : 0;
}

const STORAGE_DEFAULT = 'storageclass.kubernetes.io/is-default-class';

/** The lookups every analyzer shares. */
export class SnapshotIndex {
  readonly namespace: string;
  /** The snapshot's read time, in milliseconds. */
  readonly now: number;
  readonly pods: readonly Pod[];
  readonly deployments: readonly Deployment[];
  readonly replicaSets: readonly ReplicaSet[];
  readonly statefulSets: readonly StatefulSet[];
  readonly daemonSets: readonly DaemonSet[];
  readonly jobs: readonly Job[];
  readonly cronJobs: readonly CronJob[];
  readonly services: readonly Service[];
  readonly claims: readonly PersistentVolumeClaim[];
  readonly events: readonly Event[];
  readonly nodes: readonly Node[];

  private readonly podByName = new Map<string, Pod>();
  private readonly podsByWorkload = new Map<string, Pod[]>();
  private readonly workloadByPod = new Map<string, ObjectRef>();
  private readonly podsByLabel = new Map<string, Map<string, Pod[]>>();
  private readonly replicaSetsByDeployment = new Map<string, ReplicaSet[]>();
  private readonly replicaSetByName = new Map<string, ReplicaSet>();
  private readonly eventsByObject = new Map<string, Event[]>();
  private readonly slicesByService = new Map<string, EndpointSlice[]>();
  private readonly nodeByName = new Map<string, Node>();
  private readonly usageByContainer = new Map<string, ContainerUsage>();
  private readonly logByContainer = new Map<string, ContainerLog>();
  private readonly jobsByCronJob = new Map<string, Job[]>();
  private readonly configMaps: ReadonlySet<string> | undefined;
  private readonly secrets: ReadonlySet<string> | undefined;

  /** The snapshot as analyzers see it (nameless objects dropped). */
  readonly snapshot: Snapshot;

  constructor(source: Snapshot) {
    const snapshot = sane(source);
    this.snapshot = snapshot;
    this.namespace = snapshot.namespace;
    this.now = timeOf(snapshot.readAt) ?? 0;
    this.pods = snapshot.pods ?? [];
    this.deployments = snapshot.deployments ?? [];
    this.replicaSets = snapshot.replicaSets ?? [];
    this.statefulSets = snapshot.statefulSets ?? [];
    this.daemonSets = snapshot.daemonSets ?? [];
    this.jobs = snapshot.jobs ?? [];
    this.cronJobs = snapshot.cronJobs ?? [];
    this.services = snapshot.services ?? [];
    this.claims = snapshot.persistentVolumeClaims ?? [];
    this.events = snapshot.events ?? [];
    this.nodes = snapshot.nodes ?? [];
    this.configMaps = snapshot.configMapNames ? new Set(snapshot.configMapNames) : undefined;
    this.secrets = snapshot.secretNames ? new Set(snapshot.secretNames) : undefined;

    const deploymentNames = new Set(this.deployments.map((deployment) => deployment.metadata?.name ?? ''));
    for (const replicaSet of this.replicaSets) {
      const name = replicaSet.metadata?.name ?? '';
      this.replicaSetByName.set(name, replicaSet);
      const owner = controllerOf(replicaSet.metadata);
      if (owner?.kind === 'Deployment') push(this.replicaSetsByDeployment, owner.name, replicaSet);
    }
    for (const list of this.replicaSetsByDeployment.values()) list.sort((left, right) => revisionOf(right) - revisionOf(left));
    for (const job of this.jobs) {
      const owner = controllerOf(job.metadata);
      if (owner?.kind === 'CronJob') push(this.jobsByCronJob, owner.name, job);
    }

    for (const pod of this.pods) {
      const name = pod.metadata?.name ?? '';
      this.podByName.set(name, pod);
      const workload = this.resolveWorkload(pod, deploymentNames);
      this.workloadByPod.set(name, workload);
      push(this.podsByWorkload, `${workload.kind}/${workload.name}`, pod);
    }

    for (const event of this.events) {
      const involved = event.involvedObject;
      if (involved?.kind && involved.name) push(this.eventsByObject, `${involved.kind}/${involved.name}`, event);
    }
    const lastSeen = new Map<Event, number>();
    for (const event of this.events) lastSeen.set(event, timeOf(eventLastSeen(event)) ?? 0);
    for (const list of this.eventsByObject.values()) if (list.length > 1) list.sort((left, right) => lastSeen.get(right)! - lastSeen.get(left)!);

    for (const slice of this.snapshot.endpointSlices ?? []) {
      const service = slice.metadata?.labels?.['kubernetes.io/service-name'];
      if (service) push(this.slicesByService, service, slice);
    }
    for (const node of this.nodes) this.nodeByName.set(node.metadata?.name ?? '', node);
    this.refreshDetails();
  }

  /** Picks up usage and logs added to `snapshot` after the index was built (the second read phase writes them there). */
  refreshDetails(): void {
    this.usageByContainer.clear();
    this.logByContainer.clear();
    for (const usage of this.snapshot.usage ?? []) this.usageByContainer.set(`${usage.pod}/${usage.container}`, usage);
    for (const log of this.snapshot.logs ?? []) this.logByContainer.set(`${log.pod}/${log.container}`, log);
  }

  /** The workload a pod belongs to (Deployment through its ReplicaSet, StatefulSet, DaemonSet, Job), else the pod itself. */
  private resolveWorkload(pod: Pod, deploymentNames: ReadonlySet<string>): ObjectRef {
    const name = pod.metadata?.name ?? '';
    const owner = controllerOf(pod.metadata);
    if (!owner) return { kind: 'Pod', name, namespace: this.namespace };
    if (owner.kind === 'ReplicaSet') {
      const replicaSet = this.replicaSetByName.get(owner.name);
      const parent = replicaSet ? controllerOf(replicaSet.metadata) : undefined;
      if (parent?.kind === 'Deployment') return { kind: 'Deployment', name: parent.name, namespace: this.namespace };
      // The ReplicaSet was not read: its name is "<deployment>-<pod-template-hash>".
      const hash = pod.metadata?.labels?.['pod-template-hash'];
      if (!replicaSet && hash && owner.name.endsWith(`-${hash}`)) {
        const deployment = owner.name.slice(0, -hash.length - 1);
        if (deploymentNames.has(deployment)) return { kind: 'Deployment', name: deployment, namespace: this.namespace };
      }
      return { kind: 'ReplicaSet', name: owner.name, namespace: this.namespace };
    }
    if (owner.kind === 'StatefulSet' || owner.kind === 'DaemonSet' || owner.kind === 'Job') return { kind: owner.kind, name: owner.name, namespace: this.namespace };
    // Static pods (owned by a Node) and other controllers: the pod is what there is to look at.
    return { kind: 'Pod', name, namespace: this.namespace };
  }

  /** A pod by name. */
  pod(name: string): Pod | undefined {
    return this.podByName.get(name);
  }

  /** The workload a pod rolls up to. */
  workloadOf(pod: Pod): ObjectRef {
    return this.workloadByPod.get(pod.metadata?.name ?? '') ?? { kind: 'Pod', name: pod.metadata?.name ?? '', namespace: this.namespace };
  }

  /** The pods of a workload (as workloadOf assigns them). */
  podsOf(kind: string, name: string): readonly Pod[] {
    return this.podsByWorkload.get(`${kind}/${name}`) ?? [];
  }

  /** A Deployment's ReplicaSets, newest revision first. */
  replicaSetsOf(deployment: string): readonly ReplicaSet[] {
    return this.replicaSetsByDeployment.get(deployment) ?? [];
  }

  /** A ReplicaSet by name. */
  replicaSet(name: string): ReplicaSet | undefined {
    return this.replicaSetByName.get(name);
  }

  /** The Jobs a CronJob created. */
  jobsOf(cronJob: string): readonly Job[] {
    return this.jobsByCronJob.get(cronJob) ?? [];
  }

  /** Events about an object, newest first. */
  eventsFor(kind: string, name: string): readonly Event[] {
    return this.eventsByObject.get(`${kind}/${name}`) ?? [];
  }

  /** Warning events about an object, newest first. */
  warningsFor(kind: string, name: string): Event[] {
    return this.eventsFor(kind, name).filter((event) => event.type === 'Warning');
  }

  /** Pods a Service-style selector picks, using the label index. */
  podsMatchingMap(selector: Readonly<Record<string, string>> | undefined): Pod[] {
    const entries = Object.entries(selector ?? {});
    if (entries.length === 0) return [];
    // Start from the rarest label, then check the rest.
    let candidates: Pod[] | undefined;
    for (const [key, value] of entries) {
      const list = this.podsWithLabel(key).get(value) ?? [];
      if (candidates === undefined || list.length < candidates.length) candidates = list;
    }
    return (candidates ?? []).filter((pod) => matchesMap(selector, pod.metadata?.labels));
  }

  /** Pods by value of one label key, built the first time a selector asks for the key (selectors use few keys). */
  private podsWithLabel(key: string): Map<string, Pod[]> {
    let values = this.podsByLabel.get(key);
    if (!values) {
      values = new Map();
      for (const pod of this.pods) {
        const value = ownValue(pod.metadata?.labels, key);
        if (value !== undefined) push(values, value, pod);
      }
      this.podsByLabel.set(key, values);
    }
    return values;
  }

  /** Pods a LabelSelector picks. */
  podsMatchingSelector(selector: LabelSelector | undefined): Pod[] {
    if (!selector) return [];
    const labels = selector.matchLabels ?? {};
    const start = Object.keys(labels).length > 0 ? this.podsMatchingMap(labels) : this.pods;
    return start.filter((pod) => matchesSelector(selector, pod.metadata?.labels));
  }

  /** The EndpointSlices of a Service, or undefined when slices were not read. */
  slicesOf(service: string): readonly EndpointSlice[] | undefined {
    if (this.snapshot.endpointSlices === undefined) return undefined;
    return this.slicesByService.get(service) ?? [];
  }

  /** A node by name (undefined when not read or absent). */
  node(name: string | undefined): Node | undefined {
    return name ? this.nodeByName.get(name) : undefined;
  }

  /** A StorageClass by name; undefined when classes were not read or it is absent. */
  storageClass(name: string): StorageClass | undefined {
    return this.snapshot.storageClasses?.find((storageClass) => storageClass.metadata?.name === name);
  }

  /** The default StorageClass, if the classes were read and one is marked default. */
  defaultStorageClass(): StorageClass | undefined {
    return this.snapshot.storageClasses?.find((storageClass) => storageClass.metadata?.annotations?.[STORAGE_DEFAULT] === 'true');
  }

  /** A container's recent usage. */
  usage(pod: string, container: string): ContainerUsage | undefined {
    return this.usageByContainer.get(`${pod}/${container}`);
  }

  /** A container's log excerpt, if one was read. */
  log(pod: string, container: string): ContainerLog | undefined {
    return this.logByContainer.get(`${pod}/${container}`);
  }

  /** Whether a ConfigMap exists: undefined when names were not read. */
  configMapExists(name: string): boolean | undefined {
    return this.configMaps?.has(name);
  }

  /** Whether a Secret exists: undefined when names were not read (the policy usually forbids it). */
  secretExists(name: string): boolean | undefined {
    return this.secrets?.has(name);
  }

  /** A reference in this namespace. */
  ref(kind: string, name: string): ObjectRef {
    return { kind, name, namespace: this.namespace };
  }
}

function push<Value>(map: Map<string, Value[]>, key: string, value: Value): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
