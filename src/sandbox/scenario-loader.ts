import { readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import yaml from 'js-yaml';
import type { Deployment, DaemonSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import type { Node, Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { ConfigError } from '../errors.js';
import { parseDuration } from './age.js';
import type { SandboxCluster } from './cluster.js';
import { ensureControllerRevision } from './controllers/controller-revisions.js';
import { controllerReference, podFromTemplate, startedPodStatus } from './controllers/pod-factory.js';
import { allocatePodIp, scheduleOnto } from './controllers/scheduler.js';
import { applyCreateDefaults } from './defaults.js';
import { resourceTypes } from './resources.js';
import type { Fault, RbacRule } from './scenario-types.js';
import { cloneJson, isJsonObject, type KubeObject } from './types.js';
import { ownValue } from '../own-property.js';

/** A pod the scenario places explicitly. */
interface ScenarioPod {
  suffix?: string;
  name?: string;
  node?: string;
  age?: string;
  restarts?: number;
  lastRestart?: string;
}

interface ScenarioEvent {
  namespace: string;
  object: string;
  type?: 'Normal' | 'Warning';
  reason: string;
  message: string;
  source?: string;
  host?: string;
  fieldPath?: string;
  count?: number;
  firstSeen?: string;
  lastSeen?: string;
}

interface ScenarioFile {
  user?: string;
  rbac?: RbacRule[];
  faults?: Fault[];
  nodes?: { name: string; age?: string; cpu?: string; memory?: string; zone?: string; internalIP?: string; podCIDR?: string; labels?: Record<string, string> }[];
  namespaces?: { name: string; age?: string; labels?: Record<string, string> }[];
  objects?: (KubeObject & { sandbox?: Record<string, unknown> })[];
  events?: ScenarioEvent[];
}

/** Where the bundled default scenario lives, from src/ (tsx) or from dist/ (built package). */
export function defaultScenarioPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, 'scenarios/default.yaml'), resolve(here, '../../../src/sandbox/scenarios/default.yaml')];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0] ?? '';
}

function problem(file: string, field: string, message: string): ConfigError {
  return new ConfigError(`scenario ${file}: ${field}: ${message}`, { hint: 'see docs/sandbox.md, "Writing a scenario"' });
}

/** Parses and checks the shape of a scenario file; problems name the file and field. */
export function readScenario(path: string): ScenarioFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read scenario file ${path}: ${(error as Error).message}`, { cause: error, hint: 'pass an existing YAML file to --scenario' });
  }
  let parsed: unknown;
  try {
    parsed = yaml.load(text);
  } catch (error) {
    throw new ConfigError(`scenario ${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  if (!isJsonObject(parsed)) throw problem(path, '(top level)', 'must be a mapping with nodes, namespaces, objects, events');
  for (const key of ['rbac', 'faults', 'nodes', 'namespaces', 'objects', 'events'] as const) {
    if (parsed[key] !== undefined && !Array.isArray(parsed[key])) throw problem(path, key, 'must be a list');
  }
  const scenario = parsed as unknown as ScenarioFile;
  (scenario.nodes ?? []).forEach((node, index) => { if (!node?.name) throw problem(path, `nodes[${index}].name`, 'is required'); });
  (scenario.namespaces ?? []).forEach((namespace, index) => { if (!namespace?.name) throw problem(path, `namespaces[${index}].name`, 'is required'); });
  (scenario.objects ?? []).forEach((object, index) => {
    if (!isJsonObject(object) || typeof object['kind'] !== 'string' || !isJsonObject(object['metadata']) || typeof object['metadata']['name'] !== 'string') {
      throw problem(path, `objects[${index}]`, 'needs kind and metadata.name');
    }
    if (!resourceTypes.some((type) => type.kind === object['kind'] && !type.virtual)) throw problem(path, `objects[${index}].kind`, `unknown kind ${String(object['kind'])}`);
  });
  (scenario.faults ?? []).forEach((fault, index) => {
    if (!['CrashLoopBackOff', 'OOMKilled', 'ImagePullBackOff', 'Error'].includes(fault?.type)) throw problem(path, `faults[${index}].type`, 'must be CrashLoopBackOff, OOMKilled, ImagePullBackOff or Error');
  });
  (scenario.events ?? []).forEach((event, index) => {
    if (!event?.namespace || !event.object || !event.reason) throw problem(path, `events[${index}]`, 'needs namespace, object (Kind/name) and reason');
  });
  return scenario;
}

function ago(cluster: SandboxCluster, age: string | undefined, fallback = '1d'): Date {
  return new Date(cluster.startedAt.getTime() - parseDuration(age ?? fallback));
}

function nodeObject(cluster: SandboxCluster, spec: NonNullable<ScenarioFile['nodes']>[number], index: number): KubeObject {
  const cpu = spec.cpu ?? '4';
  const memory = spec.memory ?? '16Gi';
  const memoryKi = Math.round(Number.parseFloat(memory) * (memory.endsWith('Gi') ? 1024 * 1024 : 1024));
  const internalIP = spec.internalIP ?? `10.0.${index + 1}.${10 + index}`;
  const zone = spec.zone ?? 'zone-a';
  const region = zone.replace(/[a-z]$/, '');
  const created = ago(cluster, spec.age, '30d');
  const id = randomUUID().replace(/-/g, '');
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type, status, lastHeartbeatTime: cluster.timestamp(new Date(cluster.startedAt.getTime() - 20_000)), lastTransitionTime: cluster.timestamp(created), reason, message,
  });
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name: spec.name, creationTimestamp: cluster.timestamp(created),
      labels: {
        'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': spec.name, 'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'm6i.xlarge', 'topology.kubernetes.io/region': region, 'topology.kubernetes.io/zone': zone, ...spec.labels,
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: spec.podCIDR ?? `10.244.${index + 1}.0/24`, podCIDRs: [spec.podCIDR ?? `10.244.${index + 1}.0/24`], providerID: `aws:///${zone}/i-0${id.slice(0, 16)}` },
    status: {
      capacity: { cpu, memory: `${memoryKi}Ki`, pods: '110', 'ephemeral-storage': '104845292Ki', 'hugepages-2Mi': '0' },
      allocatable: { cpu: `${Math.round(Number(cpu) * 1000 - 90)}m`, memory: `${memoryKi - 1_300_000}Ki`, pods: '110', 'ephemeral-storage': '95551679124', 'hugepages-2Mi': '0' },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [{ type: 'InternalIP', address: internalIP }, { type: 'InternalDNS', address: `ip-${internalIP.replace(/\./g, '-')}.${region}.compute.internal` }, { type: 'Hostname', address: spec.name }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: id, systemUUID: `ec2${id.slice(3, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`, bootID: randomUUID(),
        kernelVersion: '6.1.115-126.197.amzn2023.x86_64', osImage: 'Amazon Linux 2023.6.20241121', containerRuntimeVersion: 'containerd://1.7.23',
        kubeletVersion: 'v1.32.4', kubeProxyVersion: 'v1.32.4', operatingSystem: 'linux', architecture: 'amd64',
      },
    },
  };
}

/** Creates an object with scenario timestamps and server defaults. */
function put(cluster: SandboxCluster, input: KubeObject, created: Date): KubeObject {
  const type = cluster.type(input.kind);
  const object = cloneJson(input);
  object.metadata.uid ??= randomUUID();
  object.metadata.creationTimestamp = cluster.timestamp(created);
  const status = object['status'];
  const defaulted = applyCreateDefaults(cluster, type, object);
  if (status !== undefined && input.kind !== 'Namespace') defaulted['status'] = status;
  return cluster.store.create(type, defaulted);
}

function placePod(cluster: SandboxCluster, template: PodTemplateSpec | undefined, owner: KubeObject, name: string, spec: ScenarioPod, extraLabels: Record<string, string> = {}): KubeObject {
  const pod = podFromTemplate(template, owner, name, extraLabels);
  const started = ago(cluster, spec.age, '1d');
  pod.metadata.uid = randomUUID();
  if (spec.node) {
    const node = cluster.store.get(cluster.type('Node'), undefined, spec.node) as unknown as Node | undefined;
    if (!node) throw new ConfigError(`scenario: pod ${name} is placed on unknown node ${spec.node}`);
    const hostIP = node.status?.addresses?.find((address) => address.type === 'InternalIP')?.address ?? '10.0.0.1';
    const podSpec = pod['spec'] as NonNullable<Pod['spec']>;
    podSpec.nodeName = spec.node;
    const podIP = podSpec.hostNetwork ? hostIP : allocatePodIp(cluster, node);
    pod['status'] = { phase: 'Pending', hostIP, hostIPs: [{ ip: hostIP }], podIP, podIPs: [{ ip: podIP }], qosClass: (pod['status'] as Pod['status'])?.qosClass };
    const startOptions = {
      startedAt: spec.restarts ? ago(cluster, spec.lastRestart, '5m') : started,
      ...(spec.restarts !== undefined ? { restarts: spec.restarts } : {}),
      ...(spec.lastRestart ? { lastRestartAt: ago(cluster, spec.lastRestart) } : {}),
    };
    const status = startedPodStatus(cluster, pod as unknown as Pod, startOptions) ?? {};
    status.startTime = cluster.timestamp(started);
    for (const condition of status.conditions ?? []) {
      if (condition.type !== 'Ready' && condition.type !== 'ContainersReady') condition.lastTransitionTime = cluster.timestamp(started);
    }
    pod['status'] = status;
  }
  return put(cluster, pod, started);
}

function expandDeployment(cluster: SandboxCluster, deployment: KubeObject, sandbox: Record<string, unknown>): void {
  const spec = (deployment as unknown as Deployment).spec;
  const revisions = (sandbox['revisions'] as { hash: string; age?: string; images?: Record<string, string>; pods?: ScenarioPod[] }[] | undefined) ?? [];
  revisions.forEach((revision, index) => {
    const template = cloneJson(spec?.template) as PodTemplateSpec;
    for (const container of template.spec?.containers ?? []) {
      const image = ownValue(revision.images, container.name);
      if (image) container.image = image;
    }
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, 'pod-template-hash': revision.hash } };
    const pods = revision.pods ?? [];
    const replicaSet = put(cluster, {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: {
        name: `${deployment.metadata.name}-${revision.hash}`, namespace: deployment.metadata.namespace, labels: { ...template.metadata.labels },
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(spec?.replicas ?? 1), 'deployment.kubernetes.io/max-replicas': String((spec?.replicas ?? 1) + 1),
          'deployment.kubernetes.io/revision': String(index + 1),
        },
        ownerReferences: [controllerReference(deployment)],
      },
      spec: { replicas: pods.length, selector: { matchLabels: { ...spec?.selector.matchLabels, 'pod-template-hash': revision.hash } }, template },
    }, ago(cluster, revision.age, '1d'));
    for (const pod of pods) placePod(cluster, template, replicaSet, pod.name ?? `${replicaSet.metadata.name}-${pod.suffix}`, pod);
  });
  if (revisions.length > 0) {
    const stored = cluster.store.mustGet(cluster.type('Deployment'), deployment.metadata.namespace, deployment.metadata.name);
    stored.metadata.annotations = { ...stored.metadata.annotations, 'deployment.kubernetes.io/revision': String(revisions.length) };
    cluster.store.update(cluster.type('Deployment'), stored);
  }
}

/** Older ControllerRevisions from `sandbox.history` (oldest first), so `rollout undo` has somewhere to go. */
function createHistory(cluster: SandboxCluster, owner: KubeObject, template: PodTemplateSpec | undefined, sandbox: Record<string, unknown>): void {
  const history = (sandbox['history'] as { age?: string; images?: Record<string, string> }[] | undefined) ?? [];
  for (const entry of history) {
    const old = cloneJson(template) as PodTemplateSpec;
    for (const container of old.spec?.containers ?? []) {
      const image = ownValue(entry.images, container.name);
      if (image) container.image = image;
    }
    const name = ensureControllerRevision(cluster, owner, old);
    cluster.store.backdate(cluster.type('ControllerRevision'), owner.metadata.namespace, name, cluster.timestamp(ago(cluster, entry.age, '30d')));
  }
}

function expandStatefulSet(cluster: SandboxCluster, set: KubeObject, sandbox: Record<string, unknown>): void {
  const spec = (set as unknown as StatefulSet).spec;
  createHistory(cluster, set, spec?.template, sandbox);
  const revision = ensureControllerRevision(cluster, set, spec?.template);
  const pods = (sandbox['pods'] as ScenarioPod[] | undefined) ?? [];
  cluster.store.backdate(cluster.type('ControllerRevision'), set.metadata.namespace, revision, cluster.timestamp(ago(cluster, pods[0]?.age ?? (sandbox['age'] as string | undefined), '30d')));
  pods.forEach((pod, ordinal) => {
    const name = `${set.metadata.name}-${ordinal}`;
    const template = cloneJson(spec?.template) as PodTemplateSpec;
    template.spec ??= { containers: [] };
    for (const claimTemplate of spec?.volumeClaimTemplates ?? []) {
      const claimName = `${claimTemplate.metadata?.name}-${name}`;
      template.spec.volumes = [...(template.spec.volumes ?? []), { name: claimTemplate.metadata?.name ?? 'data', persistentVolumeClaim: { claimName } }];
      put(cluster, {
        apiVersion: 'v1', kind: 'PersistentVolumeClaim',
        metadata: { name: claimName, namespace: set.metadata.namespace, labels: { ...spec?.selector.matchLabels } },
        spec: cloneJson(claimTemplate.spec) as KubeObject[string], status: { phase: 'Pending' },
      }, ago(cluster, pod.age, '1d'));
    }
    template.spec.hostname = name;
    if (spec?.serviceName) template.spec.subdomain = spec.serviceName;
    placePod(cluster, template, set, name, pod, { 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(ordinal) });
  });
}

function expandDaemonSet(cluster: SandboxCluster, set: KubeObject, sandbox: Record<string, unknown>): void {
  const spec = (set as unknown as DaemonSet).spec;
  createHistory(cluster, set, spec?.template, sandbox);
  const revision = ensureControllerRevision(cluster, set, spec?.template);
  const hash = revision.slice(set.metadata.name.length + 1);
  const firstPod = ((sandbox['pods'] as ScenarioPod[] | undefined) ?? [])[0];
  cluster.store.backdate(cluster.type('ControllerRevision'), set.metadata.namespace, revision, cluster.timestamp(ago(cluster, firstPod?.age ?? (sandbox['age'] as string | undefined), '30d')));
  for (const pod of (sandbox['pods'] as ScenarioPod[] | undefined) ?? []) {
    const template = cloneJson(spec?.template) as PodTemplateSpec;
    placePod(cluster, template, set, pod.name ?? `${set.metadata.name}-${pod.suffix}`, pod, { 'controller-revision-hash': hash, 'pod-template-generation': '1' });
  }
}

function expandCronJob(cluster: SandboxCluster, cronJob: KubeObject, sandbox: Record<string, unknown>): void {
  const spec = (cronJob as unknown as CronJob).spec;
  const jobs = (sandbox['jobs'] as { name: string; age?: string; duration?: string; podSuffix?: string; node?: string }[] | undefined) ?? [];
  let latest: Date | undefined;
  for (const entry of jobs) {
    const started = ago(cluster, entry.age, '1d');
    const finished = new Date(started.getTime() + parseDuration(entry.duration ?? '1m'));
    const job = put(cluster, {
      apiVersion: 'batch/v1', kind: 'Job',
      metadata: { name: entry.name, namespace: cronJob.metadata.namespace, ownerReferences: [controllerReference(cronJob)], annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': cluster.timestamp(started) } },
      spec: cloneJson(spec?.jobTemplate.spec) as KubeObject[string],
      status: {
        startTime: cluster.timestamp(started), completionTime: cluster.timestamp(finished), succeeded: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {},
        conditions: [
          { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: cluster.timestamp(finished), lastTransitionTime: cluster.timestamp(finished), reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
          { type: 'Complete', status: 'True', lastProbeTime: cluster.timestamp(finished), lastTransitionTime: cluster.timestamp(finished), reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
        ],
      },
    }, started);
    const template = (job['spec'] as { template?: PodTemplateSpec }).template;
    const pod = podFromTemplate(template, job, `${entry.name}-${entry.podSuffix ?? 'x7k2p'}`);
    pod.metadata.uid = randomUUID();
    const node = entry.node ? (cluster.store.get(cluster.type('Node'), undefined, entry.node) as unknown as Node | undefined) : undefined;
    if (node) {
      (pod['spec'] as NonNullable<Pod['spec']>).nodeName = entry.node;
      const hostIP = node.status?.addresses?.[0]?.address ?? '10.0.0.1';
      const podIP = allocatePodIp(cluster, node);
      pod['status'] = { ...(pod['status'] as object), hostIP, hostIPs: [{ ip: hostIP }], podIP, podIPs: [{ ip: podIP }] };
    }
    const status = startedPodStatus(cluster, pod as unknown as Pod, { startedAt: started, completed: true, completedAt: finished }) ?? {};
    delete status.podIP;
    delete status.podIPs;
    pod['status'] = status;
    put(cluster, pod, started);
    if (!latest || started > latest) latest = started;
  }
  if (latest) {
    const stored = cluster.store.mustGet(cluster.type('CronJob'), cronJob.metadata.namespace, cronJob.metadata.name);
    stored['status'] = { lastScheduleTime: cluster.timestamp(latest), lastSuccessfulTime: cluster.timestamp(new Date(latest.getTime() + 240_000)) };
    cluster.store.update(cluster.type('CronJob'), stored);
  }
}

function findObject(cluster: SandboxCluster, namespace: string, reference: string): KubeObject | undefined {
  const [kind, name] = reference.split('/');
  if (!kind || !name) return undefined;
  const type = cluster.type(kind);
  return cluster.store.get(type, type.namespaced ? namespace : undefined, name);
}

/**
 * Loads a scenario into an empty cluster: nodes, namespaces, objects (expanding each workload's
 * `sandbox:` block into ReplicaSets, pods, claims and jobs with past timestamps), then events.
 */
export function loadScenario(cluster: SandboxCluster, path: string): void {
  const scenario = readScenario(path);
  if (scenario.user) cluster.userName = scenario.user;
  cluster.rbac = scenario.rbac ?? [{ verbs: ['*'], resources: ['*'] }];
  cluster.faults = scenario.faults ?? [];
  for (const namespace of scenario.namespaces ?? []) {
    const created = ago(cluster, namespace.age, '30d');
    put(cluster, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace.name, ...(namespace.labels ? { labels: namespace.labels } : {}) } }, created);
    put(cluster, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: namespace.name } }, created);
    put(cluster, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: namespace.name, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } }, data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\n(sandbox)\n-----END CERTIFICATE-----\n' } }, created);
  }
  const hasLeaseNamespace = cluster.store.get(cluster.type('Namespace'), undefined, 'kube-node-lease') !== undefined;
  (scenario.nodes ?? []).forEach((spec, index) => {
    const node = nodeObject(cluster, spec, index);
    put(cluster, node, ago(cluster, spec.age, '30d'));
    if (hasLeaseNamespace) {
      put(cluster, {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
        metadata: { name: spec.name, namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: spec.name, uid: cluster.store.mustGet(cluster.type('Node'), undefined, spec.name).metadata.uid ?? '' }] },
        spec: { holderIdentity: spec.name, leaseDurationSeconds: 40, renewTime: new Date(cluster.startedAt.getTime() - 3_000).toISOString().replace('Z', '000Z') },
      }, ago(cluster, spec.age, '30d'));
    }
  });
  for (const entry of scenario.objects ?? []) {
    const { sandbox = {}, ...manifest } = entry;
    const created = put(cluster, manifest as KubeObject, ago(cluster, sandbox['age'] as string | undefined, '30d'));
    if (entry.kind === 'Deployment') expandDeployment(cluster, created, sandbox);
    else if (entry.kind === 'StatefulSet') expandStatefulSet(cluster, created, sandbox);
    else if (entry.kind === 'DaemonSet') expandDaemonSet(cluster, created, sandbox);
    else if (entry.kind === 'CronJob') expandCronJob(cluster, created, sandbox);
  }
  // Pods the scenario leaves without a node are already known to be unschedulable.
  const podType = cluster.type('Pod');
  let schedulerMessage = '';
  for (const pod of cluster.store.list(podType)) {
    if ((pod as unknown as Pod).spec?.nodeName) continue;
    const result = scheduleOnto(cluster, pod as unknown as Pod);
    if (!('message' in result)) continue;
    schedulerMessage = result.message;
    pod['status'] = { phase: 'Pending', qosClass: (pod as unknown as Pod).status?.qosClass, conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: pod.metadata.creationTimestamp, reason: 'Unschedulable', message: result.message }] };
    cluster.store.update(podType, pod);
  }
  // Let the controllers settle (statuses, endpoints, volumes) before the past events go in.
  for (let pass = 0; pass < 2; pass += 1) cluster.reconcileNow();
  for (const deployment of cluster.store.list(cluster.type('Deployment'))) {
    const replicaSets = cluster.store.list(cluster.type('ReplicaSet'), { namespace: deployment.metadata.namespace }).filter((replicaSet) => replicaSet.metadata.ownerReferences?.some((reference) => reference.uid === deployment.metadata.uid));
    const newest = replicaSets.map((replicaSet) => replicaSet.metadata.creationTimestamp ?? '').sort().pop();
    const status = (deployment as unknown as Deployment).status;
    if (!newest || !status?.conditions) continue;
    // A rollout that left old pods behind, or never got one pod available, stalled long ago;
    // anything else finished, even if a pod misbehaves now (that is availability, not progress).
    const current = replicaSets.find((replicaSet) => replicaSet.metadata.creationTimestamp === newest);
    const oldPods = replicaSets.some((replicaSet) => replicaSet !== current && Number((replicaSet['spec'] as { replicas?: number }).replicas ?? 0) > 0);
    const stalled = oldPods || (status.availableReplicas ?? 0) === 0;
    const progressing = status.conditions.find((condition) => condition.type === 'Progressing');
    if (progressing && current) {
      Object.assign(progressing, stalled
        ? { status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${current.metadata.name}" has timed out progressing.` }
        : { status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${current.metadata.name}" has successfully progressed.` });
    }
    for (const condition of status.conditions) {
      (condition as { lastUpdateTime?: string }).lastUpdateTime = newest;
      (condition as { lastTransitionTime?: string }).lastTransitionTime = newest;
    }
    cluster.store.update(cluster.type('Deployment'), deployment);
  }
  // Objects the controllers made while settling are as old as what they belong to.
  for (const kind of ['Endpoints', 'EndpointSlice']) {
    for (const object of cluster.store.list(cluster.type(kind))) {
      const service = cluster.store.get(cluster.type('Service'), object.metadata.namespace, object.metadata.labels?.['kubernetes.io/service-name'] ?? object.metadata.name);
      if (service?.metadata.creationTimestamp) cluster.store.backdate(cluster.type(kind), object.metadata.namespace, object.metadata.name, service.metadata.creationTimestamp);
    }
  }
  for (const volume of cluster.store.list(cluster.type('PersistentVolume'))) {
    const claimRef = (volume['spec'] as { claimRef?: { namespace?: string; name?: string } } | undefined)?.claimRef;
    const claim = claimRef?.name ? cluster.store.get(cluster.type('PersistentVolumeClaim'), claimRef.namespace, claimRef.name) : undefined;
    if (claim?.metadata.creationTimestamp) cluster.store.backdate(cluster.type('PersistentVolume'), undefined, volume.metadata.name, claim.metadata.creationTimestamp);
  }
  const eventType = cluster.type('Event');
  for (const event of cluster.store.list(eventType)) cluster.store.remove(eventType, event.metadata.namespace, event.metadata.name);
  for (const [index, event] of (scenario.events ?? []).entries()) {
    const involved = findObject(cluster, event.namespace, event.object);
    if (!involved) throw new ConfigError(`scenario ${path}: events: ${event.object} does not exist in namespace ${event.namespace}`);
    const first = ago(cluster, event.firstSeen, '10m');
    const last = ago(cluster, event.lastSeen ?? event.firstSeen, '10m');
    const message = event.message.replace('{uid}', involved.metadata.uid ?? '').replace('{scheduler}', schedulerMessage);
    cluster.store.create(eventType, {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name: `${involved.metadata.name}.${(BigInt(first.getTime()) * 1_000_000n + BigInt(index)).toString(16)}`, namespace: event.namespace, creationTimestamp: cluster.timestamp(first) },
      involvedObject: {
        kind: involved.kind, namespace: involved.metadata.namespace, name: involved.metadata.name, uid: involved.metadata.uid, apiVersion: involved.apiVersion,
        resourceVersion: involved.metadata.resourceVersion, ...(event.fieldPath ? { fieldPath: event.fieldPath } : {}),
      },
      reason: event.reason, message, type: event.type ?? 'Normal', count: event.count ?? 1,
      source: { component: event.source ?? 'kubelet', ...(event.host ? { host: event.host } : {}) },
      firstTimestamp: cluster.timestamp(first), lastTimestamp: cluster.timestamp(last), eventTime: null,
      reportingComponent: event.source ?? 'kubelet', reportingInstance: event.host ?? '',
    });
  }
}
