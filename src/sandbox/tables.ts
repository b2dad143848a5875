import type { Pod, Service, Endpoints, ConfigMap, Secret, PersistentVolumeClaim, PersistentVolume, Node, Namespace, Event, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { Deployment, ReplicaSet, StatefulSet, DaemonSet, ControllerRevision } from 'kubernetes-types/apps/v1.js';
import type { Job, CronJob } from 'kubernetes-types/batch/v1.js';
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2.js';
import type { Ingress, IngressClass } from 'kubernetes-types/networking/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { ageOf, humanDuration } from './age.js';
import { ownValue } from '../own-property.js';
import { formatLabelSelector } from './selectors.js';
import type { KubeObject } from './types.js';

/** A Table column definition (meta.k8s.io/v1). */
export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number | boolean;
interface Printer {
  columns: [name: string, type?: string, priority?: number][];
  row: (object: KubeObject, now: Date) => Cell[];
}

const age = (object: KubeObject, now: Date) => ageOf(object.metadata.creationTimestamp, now);
const none = (value: string | undefined) => (value && value.length > 0 ? value : '<none>');

function templateColumns(template: PodTemplateSpec | undefined): [string, string] {
  const containers = template?.spec?.containers ?? [];
  return [containers.map((container) => container.name).join(','), containers.map((container) => container.image ?? '').join(',')];
}

/**
 * The READY, STATUS and RESTARTS columns of `kubectl get pods`, by the rules of the 1.32 pod
 * printer: the first init container that has not succeeded names the status (its restarts count
 * while the pod initializes), sidecars (restartPolicy Always init containers) count as containers,
 * and a deleted pod in a terminal phase keeps its phase rather than showing Terminating.
 */
export function podStatusReason(pod: Pod): { reason: string; ready: number; total: number; restarts: number; lastRestart?: string } {
  let reason = pod.status?.reason || pod.status?.phase || 'Pending';
  if (pod.status?.conditions?.some((condition) => condition.type === 'PodScheduled' && condition.reason === 'SchedulingGated')) reason = 'SchedulingGated';
  const initContainers = pod.spec?.initContainers ?? [];
  const sidecars = new Set(initContainers.filter((container) => container.restartPolicy === 'Always').map((container) => container.name));
  const total = (pod.spec?.containers.length ?? 0) + sidecars.size;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: string | undefined;
  let lastSidecarRestart: string | undefined;
  const later = (current: string | undefined, candidate: string | undefined) => (candidate && (!current || candidate > current) ? candidate : current);
  let initializing = false;
  const initStatuses = pod.status?.initContainerStatuses ?? [];
  for (const [index, status] of initStatuses.entries()) {
    restarts += status.restartCount;
    lastRestart = later(lastRestart, status.lastState?.terminated?.finishedAt);
    const sidecar = sidecars.has(status.name);
    if (sidecar) {
      sidecarRestarts += status.restartCount;
      lastSidecarRestart = later(lastSidecarRestart, status.lastState?.terminated?.finishedAt);
    }
    const terminated = status.state?.terminated;
    if (terminated && terminated.exitCode === 0) continue;
    if (sidecar && status.started) {
      if (status.ready) ready += 1;
      continue;
    }
    if (terminated) reason = terminated.reason ? `Init:${terminated.reason}` : terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode}`;
    else if (status.state?.waiting?.reason && status.state.waiting.reason !== 'PodInitializing') reason = `Init:${status.state.waiting.reason}`;
    else reason = `Init:${index}/${initContainers.length}`;
    initializing = true;
    break;
  }
  const initialized = pod.status?.conditions?.some((condition) => condition.type === 'Initialized' && condition.status === 'True') ?? false;
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    for (const status of [...(pod.status?.containerStatuses ?? [])].reverse()) {
      restarts += status.restartCount;
      lastRestart = later(lastRestart, status.lastState?.terminated?.finishedAt);
      if (status.state?.waiting?.reason) reason = status.state.waiting.reason;
      else if (status.state?.terminated?.reason) reason = status.state.terminated.reason;
      else if (status.state?.terminated) reason = status.state.terminated.signal ? `Signal:${status.state.terminated.signal}` : `ExitCode:${status.state.terminated.exitCode}`;
      else if (status.ready && status.state?.running) { hasRunning = true; ready += 1; }
    }
    if (reason === 'Completed' && hasRunning) {
      const readyCondition = pod.status?.conditions?.find((condition) => condition.type === 'Ready');
      reason = readyCondition?.status === 'True' ? 'Running' : 'NotReady';
    }
  }
  const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  if (pod.metadata?.deletionTimestamp && pod.status?.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && !terminal) reason = 'Terminating';
  return { reason, ready, total, restarts, ...(lastRestart && restarts !== 0 ? { lastRestart } : {}) };
}

const accessModeShort: ReadonlyMap<string, string> = new Map([['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']]);

function accessModes(modes: string[] | undefined): string {
  return (modes ?? []).map((mode) => accessModeShort.get(mode) ?? mode).join(',');
}

function servicePorts(service: Service): string {
  const ports = (service.spec?.ports ?? []).map((port) => `${port.port}${port.nodePort ? `:${port.nodePort}` : ''}/${port.protocol ?? 'TCP'}`);
  return ports.length > 0 ? ports.join(',') : '<none>';
}

function endpointsText(endpoints: Endpoints): string {
  const all: string[] = [];
  for (const subset of endpoints.subsets ?? []) {
    for (const address of subset.addresses ?? []) {
      for (const port of subset.ports ?? [{ port: 0 }]) all.push(port.port ? `${address.ip}:${port.port}` : address.ip);
    }
  }
  if (all.length === 0) return '<none>';
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

function quantityPercent(value: number | undefined): string {
  return value === undefined ? '<unknown>' : `${value}%`;
}

function hpaTargets(hpa: HorizontalPodAutoscaler): string {
  const parts = (hpa.spec?.metrics ?? []).map((metric, index) => {
    if (metric.type === 'Resource' && metric.resource) {
      const current = hpa.status?.currentMetrics?.[index]?.resource?.current?.averageUtilization;
      return `${metric.resource.name}: ${quantityPercent(current)}/${metric.resource.target.averageUtilization ?? 0}%`;
    }
    return '<unknown>/<unknown>';
  });
  return parts.length > 0 ? parts.join(', ') : '<none>';
}

function nodeRoles(node: Node): string {
  const roles = Object.keys(node.metadata?.labels ?? {}).filter((label) => label.startsWith('node-role.kubernetes.io/')).map((label) => label.slice('node-role.kubernetes.io/'.length));
  return roles.length > 0 ? roles.sort().join(',') : '<none>';
}

function nodeStatus(node: Node): string {
  const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
  const parts = [ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function jobStatus(job: Job): string {
  const conditions = job.status?.conditions ?? [];
  const has = (type: string) => conditions.some((condition) => condition.type === type && condition.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('Suspended')) return 'Suspended';
  return 'Running';
}

function jobDuration(job: Job, now: Date): string {
  const start = job.status?.startTime;
  if (!start) return '';
  const end = job.status?.completionTime ?? now.toISOString();
  return humanDuration(Date.parse(end) - Date.parse(start));
}

/** The API server's event printer: LAST SEEN from lastTimestamp, or the series, or eventTime. */
function eventTimes(event: Event, now: Date): { last: string; first: string; count: number } {
  const first = event.firstTimestamp ? ageOf(event.firstTimestamp, now) : ageOf(event.eventTime ?? undefined, now);
  let last = event.lastTimestamp ? ageOf(event.lastTimestamp, now) : first;
  let count = event.count ?? 0;
  if (event.series) {
    last = ageOf(event.series.lastObservedTime, now);
    count = event.series.count ?? count;
  } else if (count === 0) count = 1;
  return { last, first, count };
}

function eventSource(event: Event): string {
  const component = event.source?.component || event.reportingComponent || '';
  const instance = event.source?.host || event.reportingInstance || '';
  if (!component) return '<unknown>';
  return instance ? `${component}, ${instance}` : component;
}

function quotaColumns(status: { hard?: Record<string, string>; used?: Record<string, string> } | undefined): [string, string] {
  const requests: string[] = [];
  const limits: string[] = [];
  for (const name of Object.keys(status?.hard ?? {}).sort()) {
    const entry = `${name}: ${ownValue(status?.used, name) ?? '0'}/${ownValue(status?.hard, name)}`;
    if (name.startsWith('limits.')) limits.push(entry);
    else requests.push(entry);
  }
  return [requests.join(', '), limits.join(', ')];
}

const printers: Record<string, Printer> = {
  Pod: {
    columns: [['Name', 'string'], ['Ready', 'string'], ['Status', 'string'], ['Restarts', 'string'], ['Age', 'string'], ['IP', 'string', 1], ['Node', 'string', 1], ['Nominated Node', 'string', 1], ['Readiness Gates', 'string', 1]],
    row: (object, now) => {
      const pod = object as Pod;
      const status = podStatusReason(pod);
      const restarts = status.lastRestart ? `${status.restarts} (${ageOf(status.lastRestart, now)} ago)` : String(status.restarts);
      return [object.metadata.name, `${status.ready}/${status.total}`, status.reason, restarts, age(object, now), none(pod.status?.podIP), none(pod.spec?.nodeName), none(pod.status?.nominatedNodeName), '<none>'];
    },
  },
  Deployment: {
    columns: [['Name', 'string'], ['Ready', 'string'], ['Up-to-date', 'string'], ['Available', 'string'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    row: (object, now) => {
      const deployment = object as Deployment;
      const [containers, images] = templateColumns(deployment.spec?.template);
      return [object.metadata.name, `${deployment.status?.readyReplicas ?? 0}/${deployment.spec?.replicas ?? 1}`, deployment.status?.updatedReplicas ?? 0, deployment.status?.availableReplicas ?? 0, age(object, now), containers, images, formatLabelSelector(deployment.spec?.selector)];
    },
  },
  ReplicaSet: {
    columns: [['Name', 'string'], ['Desired', 'integer'], ['Current', 'integer'], ['Ready', 'integer'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    row: (object, now) => {
      const replicaSet = object as ReplicaSet;
      const [containers, images] = templateColumns(replicaSet.spec?.template);
      return [object.metadata.name, replicaSet.spec?.replicas ?? 1, replicaSet.status?.replicas ?? 0, replicaSet.status?.readyReplicas ?? 0, age(object, now), containers, images, formatLabelSelector(replicaSet.spec?.selector)];
    },
  },
  StatefulSet: {
    columns: [['Name', 'string'], ['Ready', 'string'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1]],
    row: (object, now) => {
      const statefulSet = object as StatefulSet;
      const [containers, images] = templateColumns(statefulSet.spec?.template);
      return [object.metadata.name, `${statefulSet.status?.readyReplicas ?? 0}/${statefulSet.spec?.replicas ?? 1}`, age(object, now), containers, images];
    },
  },
  DaemonSet: {
    columns: [['Name', 'string'], ['Desired', 'integer'], ['Current', 'integer'], ['Ready', 'integer'], ['Up-to-date', 'integer'], ['Available', 'integer'], ['Node Selector', 'string'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    row: (object, now) => {
      const daemonSet = object as DaemonSet;
      const status = daemonSet.status;
      const [containers, images] = templateColumns(daemonSet.spec?.template);
      const nodeSelector = Object.entries(daemonSet.spec?.template.spec?.nodeSelector ?? {}).map(([key, value]) => `${key}=${value}`).join(',');
      return [object.metadata.name, status?.desiredNumberScheduled ?? 0, status?.currentNumberScheduled ?? 0, status?.numberReady ?? 0, status?.updatedNumberScheduled ?? 0, status?.numberAvailable ?? 0, none(nodeSelector), age(object, now), containers, images, formatLabelSelector(daemonSet.spec?.selector)];
    },
  },
  ControllerRevision: {
    columns: [['Name', 'string'], ['Controller', 'string'], ['Revision', 'integer'], ['Age', 'string']],
    row: (object, now) => {
      const revision = object as unknown as ControllerRevision;
      const owner = revision.metadata?.ownerReferences?.find((reference) => reference.controller);
      const controller = owner ? `${owner.kind.toLowerCase()}.${owner.apiVersion.split('/')[0]}/${owner.name}` : '<none>';
      return [object.metadata.name, controller, revision.revision, age(object, now)];
    },
  },
  Job: {
    columns: [['Name', 'string'], ['Status', 'string'], ['Completions', 'string'], ['Duration', 'string'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    row: (object, now) => {
      const job = object as Job;
      const [containers, images] = templateColumns(job.spec?.template);
      const completions = job.spec?.completions !== undefined ? `${job.status?.succeeded ?? 0}/${job.spec.completions}` : `${job.status?.succeeded ?? 0}/1 of ${job.spec?.parallelism ?? 1}`;
      return [object.metadata.name, jobStatus(job), completions, jobDuration(job, now), age(object, now), containers, images, formatLabelSelector(job.spec?.selector)];
    },
  },
  CronJob: {
    columns: [['Name', 'string'], ['Schedule', 'string'], ['Timezone', 'string'], ['Suspend', 'boolean'], ['Active', 'integer'], ['Last Schedule', 'string'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    row: (object, now) => {
      const cronJob = object as CronJob;
      const [containers, images] = templateColumns(cronJob.spec?.jobTemplate.spec?.template);
      const last = cronJob.status?.lastScheduleTime ? ageOf(cronJob.status.lastScheduleTime, now) : '<none>';
      return [object.metadata.name, cronJob.spec?.schedule ?? '', none(cronJob.spec?.timeZone), cronJob.spec?.suspend ? 'True' : 'False', cronJob.status?.active?.length ?? 0, last, age(object, now), containers, images, formatLabelSelector(cronJob.spec?.jobTemplate.spec?.selector)];
    },
  },
  Service: {
    columns: [['Name', 'string'], ['Type', 'string'], ['Cluster-IP', 'string'], ['External-IP', 'string'], ['Port(s)', 'string'], ['Age', 'string'], ['Selector', 'string', 1]],
    row: (object, now) => {
      const service = object as Service;
      const external = service.spec?.type === 'LoadBalancer'
        ? (service.status?.loadBalancer?.ingress ?? []).map((entry) => entry.ip ?? entry.hostname).join(',') || '<pending>'
        : (service.spec?.externalIPs ?? []).join(',') || '<none>';
      const selector = Object.entries(service.spec?.selector ?? {}).map(([key, value]) => `${key}=${value}`).join(',');
      return [object.metadata.name, service.spec?.type ?? 'ClusterIP', service.spec?.clusterIP ?? '<none>', external, servicePorts(service), age(object, now), none(selector)];
    },
  },
  Endpoints: {
    columns: [['Name', 'string'], ['Endpoints', 'string'], ['Age', 'string']],
    row: (object, now) => [object.metadata.name, endpointsText(object as Endpoints), age(object, now)],
  },
  EndpointSlice: {
    columns: [['Name', 'string'], ['AddressType', 'string'], ['Ports', 'string'], ['Endpoints', 'string'], ['Age', 'string']],
    row: (object, now) => {
      const ports = (object['ports'] as { port?: number }[] | undefined ?? []).map((port) => String(port.port ?? '')).join(',') || '<unset>';
      const addresses = (object['endpoints'] as { addresses?: string[] }[] | undefined ?? []).flatMap((endpoint) => endpoint.addresses ?? []);
      const shown = addresses.length > 3 ? `${addresses.slice(0, 3).join(',')} + ${addresses.length - 3} more...` : addresses.join(',') || '<unset>';
      return [object.metadata.name, String(object['addressType'] ?? 'IPv4'), ports, shown, age(object, now)];
    },
  },
  Ingress: {
    columns: [['Name', 'string'], ['Class', 'string'], ['Hosts', 'string'], ['Address', 'string'], ['Ports', 'string'], ['Age', 'string']],
    row: (object, now) => {
      const ingress = object as Ingress;
      const hosts = (ingress.spec?.rules ?? []).map((rule) => rule.host ?? '*').join(',') || '*';
      const address = (ingress.status?.loadBalancer?.ingress ?? []).map((entry) => entry.ip ?? entry.hostname).join(',');
      const ports = (ingress.spec?.tls ?? []).length > 0 ? '80, 443' : '80';
      return [object.metadata.name, none(ingress.spec?.ingressClassName), hosts, address, ports, age(object, now)];
    },
  },
  IngressClass: {
    columns: [['Name', 'string'], ['Controller', 'string'], ['Parameters', 'string'], ['Age', 'string']],
    row: (object, now) => [object.metadata.name, (object as IngressClass).spec?.controller ?? '', '<none>', age(object, now)],
  },
  ConfigMap: {
    columns: [['Name', 'string'], ['Data', 'integer'], ['Age', 'string']],
    row: (object, now) => {
      const configMap = object as ConfigMap;
      return [object.metadata.name, Object.keys(configMap.data ?? {}).length + Object.keys(configMap.binaryData ?? {}).length, age(object, now)];
    },
  },
  Secret: {
    columns: [['Name', 'string'], ['Type', 'string'], ['Data', 'integer'], ['Age', 'string']],
    row: (object, now) => {
      const secret = object as Secret;
      return [object.metadata.name, secret.type ?? 'Opaque', Object.keys(secret.data ?? {}).length + Object.keys(secret.stringData ?? {}).length, age(object, now)];
    },
  },
  ServiceAccount: {
    columns: [['Name', 'string'], ['Secrets', 'integer'], ['Age', 'string']],
    row: (object, now) => [object.metadata.name, (object as ServiceAccount).secrets?.length ?? 0, age(object, now)],
  },
  PersistentVolumeClaim: {
    columns: [['Name', 'string'], ['Status', 'string'], ['Volume', 'string'], ['Capacity', 'string'], ['Access Modes', 'string'], ['StorageClass', 'string'], ['VolumeAttributesClass', 'string'], ['Age', 'string'], ['VolumeMode', 'string', 1]],
    row: (object, now) => {
      const claim = object as PersistentVolumeClaim;
      const status = object.metadata.deletionTimestamp ? 'Terminating' : claim.status?.phase ?? 'Pending';
      const capacity = claim.status?.capacity?.['storage'] ?? '';
      return [object.metadata.name, status, claim.spec?.volumeName ?? '', String(capacity), accessModes(claim.status?.accessModes), claim.spec?.storageClassName ?? '', none(claim.spec?.volumeAttributesClassName), age(object, now), claim.spec?.volumeMode ?? 'Filesystem'];
    },
  },
  PersistentVolume: {
    columns: [['Name', 'string'], ['Capacity', 'string'], ['Access Modes', 'string'], ['Reclaim Policy', 'string'], ['Status', 'string'], ['Claim', 'string'], ['StorageClass', 'string'], ['VolumeAttributesClass', 'string'], ['Reason', 'string'], ['Age', 'string'], ['VolumeMode', 'string', 1]],
    row: (object, now) => {
      const volume = object as PersistentVolume;
      const claim = volume.spec?.claimRef ? `${volume.spec.claimRef.namespace}/${volume.spec.claimRef.name}` : '';
      return [object.metadata.name, String(volume.spec?.capacity?.['storage'] ?? ''), accessModes(volume.spec?.accessModes), volume.spec?.persistentVolumeReclaimPolicy ?? 'Delete', volume.status?.phase ?? 'Available', claim, volume.spec?.storageClassName ?? '', none(volume.spec?.volumeAttributesClassName), volume.status?.reason ?? '', age(object, now), volume.spec?.volumeMode ?? 'Filesystem'];
    },
  },
  StorageClass: {
    columns: [['Name', 'string'], ['Provisioner', 'string'], ['ReclaimPolicy', 'string'], ['VolumeBindingMode', 'string'], ['AllowVolumeExpansion', 'string'], ['Age', 'string']],
    row: (object, now) => {
      const storageClass = object as unknown as StorageClass;
      const isDefault = object.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true';
      return [isDefault ? `${object.metadata.name} (default)` : object.metadata.name, storageClass.provisioner, storageClass.reclaimPolicy ?? 'Delete', storageClass.volumeBindingMode ?? 'Immediate', String(storageClass.allowVolumeExpansion ?? false), age(object, now)];
    },
  },
  HorizontalPodAutoscaler: {
    columns: [['Name', 'string'], ['Reference', 'string'], ['Targets', 'string'], ['MinPods', 'string'], ['MaxPods', 'string'], ['Replicas', 'string'], ['Age', 'string']],
    row: (object, now) => {
      const hpa = object as HorizontalPodAutoscaler;
      const reference = `${hpa.spec?.scaleTargetRef.kind}/${hpa.spec?.scaleTargetRef.name}`;
      return [object.metadata.name, reference, hpaTargets(hpa), String(hpa.spec?.minReplicas ?? 1), String(hpa.spec?.maxReplicas ?? 0), String(hpa.status?.currentReplicas ?? 0), age(object, now)];
    },
  },
  Node: {
    columns: [['Name', 'string'], ['Status', 'string'], ['Roles', 'string'], ['Age', 'string'], ['Version', 'string'], ['Internal-IP', 'string', 1], ['External-IP', 'string', 1], ['OS-Image', 'string', 1], ['Kernel-Version', 'string', 1], ['Container-Runtime', 'string', 1]],
    row: (object, now) => {
      const node = object as Node;
      const address = (type: string) => node.status?.addresses?.find((entry) => entry.type === type)?.address ?? '<none>';
      const info = node.status?.nodeInfo;
      return [object.metadata.name, nodeStatus(node), nodeRoles(node), age(object, now), info?.kubeletVersion ?? '', address('InternalIP'), address('ExternalIP'), info?.osImage ?? '', info?.kernelVersion ?? '', info?.containerRuntimeVersion ?? ''];
    },
  },
  Namespace: {
    columns: [['Name', 'string'], ['Status', 'string'], ['Age', 'string']],
    row: (object, now) => [object.metadata.name, (object as Namespace).status?.phase ?? 'Active', age(object, now)],
  },
  Event: {
    columns: [['Last Seen', 'string'], ['Type', 'string'], ['Reason', 'string'], ['Object', 'string'], ['Subobject', 'string', 1], ['Source', 'string', 1], ['Message', 'string'], ['First Seen', 'string', 1], ['Count', 'string', 1], ['Name', 'string', 1]],
    row: (object, now) => {
      const event = object as unknown as Event;
      const involved = event.involvedObject.name ? `${(event.involvedObject.kind ?? '').toLowerCase()}/${event.involvedObject.name}` : (event.involvedObject.kind ?? '').toLowerCase();
      const times = eventTimes(event, now);
      return [times.last, event.type ?? '', event.reason ?? '', involved, event.involvedObject.fieldPath ?? '', eventSource(event), (event.message ?? '').trim(), times.first, times.count, object.metadata.name];
    },
  },
  ResourceQuota: {
    columns: [['Name', 'string'], ['Age', 'string'], ['Request', 'string'], ['Limit', 'string']],
    row: (object, now) => {
      const [requests, limits] = quotaColumns(object['status'] as { hard?: Record<string, string>; used?: Record<string, string> } | undefined);
      return [object.metadata.name, age(object, now), requests, limits];
    },
  },
  LimitRange: {
    columns: [['Name', 'string'], ['Created At', 'date']],
    row: (object) => [object.metadata.name, object.metadata.creationTimestamp ?? ''],
  },
  NetworkPolicy: {
    columns: [['Name', 'string'], ['Pod-Selector', 'string'], ['Age', 'string']],
    row: (object, now) => {
      const selector = formatLabelSelector((object['spec'] as { podSelector?: Parameters<typeof formatLabelSelector>[0] } | undefined)?.podSelector);
      return [object.metadata.name, selector, age(object, now)];
    },
  },
  PodDisruptionBudget: {
    columns: [['Name', 'string'], ['Min Available', 'string'], ['Max Unavailable', 'string'], ['Allowed Disruptions', 'integer'], ['Age', 'string']],
    row: (object, now) => {
      const budget = object as PodDisruptionBudget;
      return [object.metadata.name, budget.spec?.minAvailable !== undefined ? String(budget.spec.minAvailable) : 'N/A', budget.spec?.maxUnavailable !== undefined ? String(budget.spec.maxUnavailable) : 'N/A', budget.status?.disruptionsAllowed ?? 0, age(object, now)];
    },
  },
  Lease: {
    columns: [['Name', 'string'], ['Holder', 'string'], ['Age', 'string']],
    row: (object, now) => [object.metadata.name, (object as Lease).spec?.holderIdentity ?? '', age(object, now)],
  },
};

const defaultPrinter: Printer = { columns: [['Name', 'string'], ['Age', 'string']], row: (object, now) => [object.metadata.name, age(object, now)] };

const descriptions: Record<string, string> = {
  Name: 'Name must be unique within a namespace. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  Age: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
};

/** Column definitions of a kind's server-side Table. */
export function tableColumns(kind: string): TableColumn[] {
  return (ownValue(printers, kind) ?? defaultPrinter).columns.map(([name, type = 'string', priority = 0]) => ({
    name, type, format: name === 'Name' ? 'name' : '', description: ownValue(descriptions, name) ?? name, priority,
  }));
}

/** Which object each Table row carries (kubectl's `includeObject` query parameter). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/**
 * Builds a meta.k8s.io/v1 Table for a list of objects of one kind. `present` turns a stored
 * object into what the row carries (another API version's view: cells come from the stored form).
 */
export function buildTable(kind: string, objects: readonly KubeObject[], options: { now: Date; resourceVersion: string; includeObject: IncludeObject; includeColumns?: boolean; present?: (object: KubeObject) => KubeObject }): Record<string, unknown> {
  const printer = ownValue(printers, kind) ?? defaultPrinter;
  const rows = objects.map((object) => {
    const row: Record<string, unknown> = { cells: printer.row(object, options.now) };
    if (options.includeObject === 'Object') row['object'] = options.present ? options.present(object) : object;
    else if (options.includeObject === 'Metadata') row['object'] = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
    return row;
  });
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: options.resourceVersion },
    columnDefinitions: options.includeColumns === false ? [] : tableColumns(kind), rows,
  };
}
