/**
 * The `sandbox:` blocks of workloads: a Deployment's past revisions (ReplicaSets, placed pods), a
 * StatefulSet's or DaemonSet's pods and older ControllerRevisions, a CronJob's past runs, a bare
 * Pod's node and restarts. Placed pods get the kubelet's memory of their past (start time, restart
 * history, an eviction), from which the kubelet computes their status.
 */
import type { Deployment, DaemonSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import type { Node, Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { randomUUID } from 'node:crypto';
import { ConfigError } from '../../errors.js';
import { ownValue, setOwnValue } from '../../own-property.js';
import type { SandboxCluster } from '../cluster.js';
import { ensureControllerRevision } from '../controllers/controller-revisions.js';
import { markEvicted } from '../controllers/node-lifecycle.js';
import { containerFaults, controllerReference, podFromTemplate, randomSuffix } from '../controllers/pod-factory.js';
import { bindPod, type PodIpAllocator } from '../controllers/scheduler.js';
import { templateHash } from '../controllers/template-hash.js';
import { applyCreateDefaults } from '../defaults.js';
import { parseDuration } from '../duration.js';
import { newPodRuntime } from '../kubelet/pod-runtime.js';
import { cloneJson, type KubeObject } from '../types.js';
import type { SandboxBlock, ScenarioPod } from './scenario-schema.js';
import { ago } from './scenario-time.js';

/** Shared state of one load. */
export interface LoadContext {
  cluster: SandboxCluster;
  ips: PodIpAllocator;
  file: string;
}

/**
 * Creates an object with scenario timestamps and server defaults (its manifest status kept).
 * Returns the stored object: read it, never change it (clone first).
 */
export function put(cluster: SandboxCluster, input: KubeObject, created: Date): KubeObject {
  const type = cluster.type(input.kind);
  const object = cloneJson(input);
  object.metadata.uid ??= randomUUID();
  object.metadata.creationTimestamp = cluster.timestamp(created);
  const status = object['status'];
  const defaulted = applyCreateDefaults(cluster, type, object, { inPlace: true });
  if (status !== undefined && input.kind !== 'Namespace' && input.kind !== 'Pod') defaulted['status'] = status;
  return cluster.store.create(type, defaulted, { owned: true });
}

/** Places a pod the scenario describes: on its node with its past, or Pending for the scheduler. */
export function placePod(context: LoadContext, template: PodTemplateSpec | undefined, owner: KubeObject | undefined, name: string, spec: ScenarioPod, extraLabels: Record<string, string> = {}, namespace?: string): KubeObject {
  const { cluster } = context;
  const pod = podFromTemplate(template, owner ?? { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(namespace ? { namespace } : {}) } }, name, extraLabels);
  if (!owner) delete pod.metadata.ownerReferences;
  const created = ago(cluster, spec.age, '1d');
  pod.metadata.uid = randomUUID();
  pod.metadata.creationTimestamp = cluster.timestamp(created);
  const stored = put(cluster, pod, created);
  if (!spec.node) return stored;
  const node = cluster.store.peekOne(cluster.type('Node'), undefined, spec.node) as unknown as Node | undefined;
  if (!node) throw new ConfigError(`scenario ${context.file}: pod ${name} is placed on unknown node ${spec.node}`, { hint: 'name one of the scenario nodes in `node:`' });
  const bound = bindPod(cluster, cloneJson(stored), node, context.ips);
  const runtime = newPodRuntime(cluster, bound.metadata.uid ?? '', created.getTime() + 1_000, true);
  if (spec.restarts !== undefined && spec.restarts > 0) {
    const podView = bound as unknown as Pod;
    const containers = podView.spec?.containers ?? [];
    const crashing = containers.filter((container, index) => containerFaults(cluster, podView, container, index).crash);
    const anchored = crashing.length > 0 ? crashing : containers.slice(0, 1);
    const lastFinishedAt = cluster.startedAt.getTime() - parseDuration(spec.lastRestart ?? '5m');
    for (const container of anchored) setOwnValue(runtime.containers, container.name, { image: {}, config: {}, anchor: { restarts: spec.restarts, lastFinishedAt } });
  }
  cluster.podRuntime.set(runtime.uid, runtime);
  if (spec.evicted) {
    const resource = spec.evicted === 'memory' || spec.evicted === true ? 'memory' : 'ephemeral-storage';
    markEvicted(cluster, cluster.store.mustGet(cluster.type('Node'), undefined, spec.node), bound, resource, cluster.startedAt.getTime() - parseDuration(spec.lastRestart ?? '10m'));
  }
  return bound;
}

function withImages(template: PodTemplateSpec | undefined, images: Record<string, string> | undefined): PodTemplateSpec {
  const copy = cloneJson(template) as PodTemplateSpec;
  for (const container of [...(copy.spec?.containers ?? []), ...(copy.spec?.initContainers ?? [])]) {
    const image = ownValue(images, container.name);
    if (image) container.image = image;
  }
  return copy;
}

/** A Deployment's revisions, oldest first: one ReplicaSet each, with its placed pods. */
export function expandDeployment(context: LoadContext, deployment: KubeObject, sandbox: SandboxBlock): void {
  const { cluster } = context;
  const spec = (deployment as unknown as Deployment).spec;
  const revisions = sandbox.revisions ?? [];
  const replicas = spec?.replicas ?? 1;
  revisions.forEach((revision, index) => {
    const template = withImages(spec?.template, revision.images);
    const hash = revision.hash ?? templateHash(template);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, 'pod-template-hash': hash } };
    const pods = revision.pods ?? [];
    const created = ago(cluster, revision.age, '1d');
    const annotations: Record<string, string> = {
      'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + 1),
      'deployment.kubernetes.io/revision': String(index + 1),
    };
    if (revision.changeCause) annotations['kubernetes.io/change-cause'] = revision.changeCause;
    const replicaSet = put(cluster, {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: {
        name: `${deployment.metadata.name}-${hash}`, namespace: deployment.metadata.namespace, labels: { ...template.metadata.labels },
        annotations, ownerReferences: [controllerReference(deployment)],
      },
      spec: { replicas: pods.length, minReadySeconds: spec?.minReadySeconds ?? 0, selector: { matchLabels: { ...spec?.selector.matchLabels, 'pod-template-hash': hash } }, template: template as unknown as KubeObject[string] },
    }, created);
    for (const pod of pods) placePod(context, template, replicaSet, pod.name ?? `${replicaSet.metadata.name}-${pod.suffix ?? randomSuffix()}`, pod);
    if (Date.now() - created.getTime() < 3_600_000 && pods.length > 0) {
      cluster.recordEvent(deployment, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${replicaSet.metadata.name} from 0 to ${pods.length}`, 'deployment-controller', { history: { first: created.getTime(), last: created.getTime(), count: 1 } });
    }
  });
  if (revisions.length > 0) {
    const stored = cluster.store.mustGet(cluster.type('Deployment'), deployment.metadata.namespace, deployment.metadata.name);
    const current = revisions[revisions.length - 1];
    stored.metadata.annotations = {
      ...stored.metadata.annotations, 'deployment.kubernetes.io/revision': String(revisions.length),
      ...(current?.changeCause && !stored.metadata.annotations?.['kubernetes.io/change-cause'] ? { 'kubernetes.io/change-cause': current.changeCause } : {}),
    };
    cluster.store.update(cluster.type('Deployment'), stored);
  }
}

/** Older ControllerRevisions from `sandbox.history` (oldest first), so `rollout undo` has somewhere to go. */
function createHistory(cluster: SandboxCluster, owner: KubeObject, template: PodTemplateSpec | undefined, sandbox: SandboxBlock): void {
  for (const entry of sandbox.history ?? []) {
    const name = ensureControllerRevision(cluster, owner, withImages(template, entry.images));
    cluster.store.backdate(cluster.type('ControllerRevision'), owner.metadata.namespace, name, cluster.timestamp(ago(cluster, entry.age, '30d')));
  }
}

/** A StatefulSet's pods in ordinal order, their claims from the volumeClaimTemplates, and its history. */
export function expandStatefulSet(context: LoadContext, set: KubeObject, sandbox: SandboxBlock): void {
  const { cluster } = context;
  const spec = (set as unknown as StatefulSet).spec;
  createHistory(cluster, set, spec?.template, sandbox);
  const revision = ensureControllerRevision(cluster, set, spec?.template);
  const pods = sandbox.pods ?? [];
  cluster.store.backdate(cluster.type('ControllerRevision'), set.metadata.namespace, revision, cluster.timestamp(ago(cluster, pods[0]?.age ?? sandbox.age, '30d')));
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
    placePod(context, template, set, name, pod, { 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(ordinal) });
  });
}

/** A DaemonSet's placed pods (with the controller's tolerations and node affinity) and its history. */
export function expandDaemonSet(context: LoadContext, set: KubeObject, sandbox: SandboxBlock): void {
  const { cluster } = context;
  const spec = (set as unknown as DaemonSet).spec;
  createHistory(cluster, set, spec?.template, sandbox);
  const revision = ensureControllerRevision(cluster, set, spec?.template);
  const hash = revision.slice(set.metadata.name.length + 1);
  const pods = sandbox.pods ?? [];
  cluster.store.backdate(cluster.type('ControllerRevision'), set.metadata.namespace, revision, cluster.timestamp(ago(cluster, pods[0]?.age ?? sandbox.age, '30d')));
  for (const pod of pods) {
    const template = cloneJson(spec?.template) as PodTemplateSpec;
    template.spec ??= { containers: [] };
    template.spec.tolerations = [
      ...(template.spec.tolerations ?? []),
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    ];
    if (pod.node) template.spec.affinity = { ...template.spec.affinity, nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [pod.node] }] }] } } };
    placePod(context, template, set, pod.name ?? `${set.metadata.name}-${pod.suffix ?? randomSuffix()}`, pod, { 'controller-revision-hash': hash, 'pod-template-generation': '1' });
  }
}

/**
 * A CronJob's past runs. A completed run is a Job with its pod placed on its node (the kubelet
 * runs it for `duration`); a failed run is a Job whose pods fail (a fault on its pods) until the
 * Job controller gives up at the backoff limit, as it happened back then.
 */
export function expandCronJob(context: LoadContext, cronJob: KubeObject, sandbox: SandboxBlock): void {
  const { cluster } = context;
  const spec = (cronJob as unknown as CronJob).spec;
  for (const entry of sandbox.jobs ?? []) {
    const started = ago(cluster, entry.age, '1d');
    const name = entry.name ?? `${cronJob.metadata.name}-${Math.floor(started.getTime() / 60_000)}`;
    if (entry.failed) {
      cluster.faults.push({ type: 'Error', namespace: cronJob.metadata.namespace, podPrefix: `${name}-`, message: 'level=error msg="report failed" error="query timeout: canceling statement due to statement timeout"', exitCode: 1 });
    }
    const job = put(cluster, {
      apiVersion: 'batch/v1', kind: 'Job',
      metadata: {
        name, namespace: cronJob.metadata.namespace, labels: { ...spec?.jobTemplate.metadata?.labels }, ownerReferences: [controllerReference(cronJob)],
        annotations: { ...spec?.jobTemplate.metadata?.annotations, 'batch.kubernetes.io/cronjob-scheduled-timestamp': cluster.timestamp(started) },
      },
      spec: cloneJson(spec?.jobTemplate.spec) as KubeObject[string],
    }, started);
    if (entry.failed) continue;
    const template = (job['spec'] as { template?: PodTemplateSpec }).template;
    const placed = placePod(context, template, job, `${name}-${entry.podSuffix ?? randomSuffix()}`, { age: entry.age ?? '1d', ...(entry.node ? { node: entry.node } : {}) });
    const runtime = cluster.podRuntime.get(placed.metadata.uid ?? '');
    const durationMs = parseDuration(entry.duration ?? '1m');
    if (runtime) for (const container of template?.spec?.containers ?? []) setOwnValue(runtime.containers, container.name, { image: {}, config: {}, runMs: Math.max(1_000, durationMs - 3_000) });
  }
}
