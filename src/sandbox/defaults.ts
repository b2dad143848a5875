import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { ownValue, setOwnValue } from '../own-property.js';
import type { SandboxCluster } from './cluster.js';
import { priorityOfClass } from './controllers/pod-factory.js';
import type { ResourceType } from './resources.js';
import { cloneJson, type KubeObject } from './types.js';

function podSpecDefaults(spec: Record<string, unknown> | undefined): void {
  if (!spec) return;
  spec['restartPolicy'] ??= 'Always';
  spec['dnsPolicy'] ??= 'ClusterFirst';
  spec['schedulerName'] ??= 'default-scheduler';
  spec['terminationGracePeriodSeconds'] ??= 30;
  spec['securityContext'] ??= {};
  for (const container of [...((spec['initContainers'] as Record<string, unknown>[] | undefined) ?? []), ...((spec['containers'] as Record<string, unknown>[] | undefined) ?? [])]) {
    const image = String(container['image'] ?? '');
    container['imagePullPolicy'] ??= image.endsWith(':latest') || !/:[^/:]+$/.test(image.split('@')[0] ?? '') && !image.includes('@') ? 'Always' : 'IfNotPresent';
    // A limit without a request defaults the request to the limit (API server defaulting).
    const resources = container['resources'] as { limits?: Record<string, unknown>; requests?: Record<string, unknown> } | undefined;
    if (resources?.limits) {
      for (const [name, value] of Object.entries(resources.limits)) {
        if (ownValue(resources.requests, name) === undefined) resources.requests = { ...resources.requests, [name]: value };
      }
    }
    container['terminationMessagePath'] ??= '/dev/termination-log';
    container['terminationMessagePolicy'] ??= 'File';
    container['resources'] ??= {};
    for (const port of (container['ports'] as Record<string, unknown>[] | undefined) ?? []) port['protocol'] ??= 'TCP';
    for (const probeName of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
      const probe = container[probeName] as Record<string, unknown> | undefined;
      if (!probe) continue;
      probe['timeoutSeconds'] ??= 1;
      probe['periodSeconds'] ??= 10;
      probe['successThreshold'] ??= 1;
      probe['failureThreshold'] ??= 3;
      const httpGet = probe['httpGet'] as Record<string, unknown> | undefined;
      if (httpGet) httpGet['scheme'] ??= 'HTTP';
    }
  }
}

function templateDefaults(spec: Record<string, unknown> | undefined): void {
  const template = spec?.['template'] as Record<string, unknown> | undefined;
  podSpecDefaults(template?.['spec'] as Record<string, unknown> | undefined);
}

function allocateClusterIp(cluster: SandboxCluster): string {
  const used = new Set(cluster.store.peek(cluster.type('Service')).map((service) => (service as unknown as Service).spec?.clusterIP));
  for (let index = 10 + used.size; index < 65_000 + used.size; index += 1) {
    const candidate = `10.96.${Math.floor(index / 250)}.${(index % 250) + 1}`;
    if (!used.has(candidate)) return candidate;
  }
  return '10.96.255.254';
}

/**
 * API server defaulting on create (what a real server fills in so that `-o yaml` and the
 * controllers see complete objects). The uid must already be set: Jobs select on it.
 */
export function applyCreateDefaults(cluster: SandboxCluster, type: ResourceType, input: KubeObject, options: { inPlace?: boolean } = {}): KubeObject {
  const object = options.inPlace ? input : cloneJson(input);
  const spec = object['spec'] as Record<string, unknown> | undefined;
  switch (type.kind) {
    case 'Namespace':
      object.metadata.labels = { ...object.metadata.labels, 'kubernetes.io/metadata.name': object.metadata.name };
      object['spec'] = { finalizers: ['kubernetes'] };
      object['status'] = { phase: 'Active' };
      break;
    case 'Pod': {
      object['spec'] ??= { containers: [] };
      podSpecDefaults(object['spec'] as Record<string, unknown>);
      const pod = object as unknown as Pod;
      const podSpec = object['spec'] as Record<string, unknown>;
      podSpec['serviceAccountName'] ??= 'default';
      podSpec['enableServiceLinks'] ??= true;
      podSpec['preemptionPolicy'] ??= 'PreemptLowerPriority';
      podSpec['priority'] ??= priorityOfClass(String(podSpec['priorityClassName'] ?? ''));
      // DefaultTolerationSeconds: tolerate a not-ready or unreachable node for five minutes.
      const tolerations = [...((podSpec['tolerations'] as { key?: string; effect?: string }[] | undefined) ?? [])];
      for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
        if (!tolerations.some((toleration) => toleration.key === key && (!toleration.effect || toleration.effect === 'NoExecute'))) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 } as { key: string });
      }
      podSpec['tolerations'] = tolerations;
      if (!object['status']) object['status'] = { phase: 'Pending', qosClass: pod.spec ? undefined : 'BestEffort' };
      break;
    }
    case 'Deployment':
      if (!spec) break;
      spec['replicas'] ??= 1;
      spec['strategy'] ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
      spec['revisionHistoryLimit'] ??= 10;
      spec['progressDeadlineSeconds'] ??= 600;
      templateDefaults(spec);
      break;
    case 'ReplicaSet':
      if (spec) { spec['replicas'] ??= 1; templateDefaults(spec); }
      break;
    case 'StatefulSet':
      if (!spec) break;
      spec['replicas'] ??= 1;
      spec['podManagementPolicy'] ??= 'OrderedReady';
      spec['updateStrategy'] ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      spec['revisionHistoryLimit'] ??= 10;
      spec['persistentVolumeClaimRetentionPolicy'] ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
      templateDefaults(spec);
      break;
    case 'DaemonSet':
      if (!spec) break;
      spec['updateStrategy'] ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
      spec['revisionHistoryLimit'] ??= 10;
      templateDefaults(spec);
      break;
    case 'Job': {
      if (!spec) break;
      const uid = object.metadata.uid ?? '';
      const labels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': object.metadata.name, 'controller-uid': uid, 'job-name': object.metadata.name };
      if (!spec['manualSelector']) spec['selector'] = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
      const template = (spec['template'] ?? {}) as Record<string, Record<string, unknown>>;
      template['metadata'] = { ...template['metadata'], labels: { ...(template['metadata']?.['labels'] as Record<string, string> | undefined), ...labels } };
      spec['template'] = template;
      object.metadata.labels = { ...object.metadata.labels, 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': object.metadata.name, 'controller-uid': uid, 'job-name': object.metadata.name };
      spec['completions'] ??= 1;
      spec['parallelism'] ??= 1;
      spec['backoffLimit'] ??= 6;
      spec['completionMode'] ??= 'NonIndexed';
      spec['suspend'] ??= false;
      spec['podReplacementPolicy'] ??= 'TerminatingOrFailed';
      templateDefaults(spec);
      break;
    }
    case 'CronJob':
      if (!spec) break;
      spec['concurrencyPolicy'] ??= 'Allow';
      spec['suspend'] ??= false;
      spec['successfulJobsHistoryLimit'] ??= 3;
      spec['failedJobsHistoryLimit'] ??= 1;
      break;
    case 'Service': {
      if (!spec) break;
      spec['type'] ??= 'ClusterIP';
      spec['sessionAffinity'] ??= 'None';
      spec['internalTrafficPolicy'] ??= 'Cluster';
      spec['ipFamilies'] ??= ['IPv4'];
      spec['ipFamilyPolicy'] ??= 'SingleStack';
      if (spec['clusterIP'] !== 'None') {
        spec['clusterIP'] ??= allocateClusterIp(cluster);
        spec['clusterIPs'] ??= [spec['clusterIP']];
      }
      for (const port of (spec['ports'] as Record<string, unknown>[] | undefined) ?? []) {
        port['protocol'] ??= 'TCP';
        port['targetPort'] ??= port['port'];
      }
      object['status'] ??= { loadBalancer: {} };
      break;
    }
    case 'PersistentVolumeClaim': {
      if (spec) spec['volumeMode'] ??= 'Filesystem';
      // The DefaultStorageClass admission plugin: no storageClassName means the default class (if any).
      if (spec && spec['storageClassName'] === undefined) {
        const fallback = cluster.store.peek(cluster.type('StorageClass')).find((entry) => entry.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
        if (fallback) spec['storageClassName'] = fallback.metadata.name;
      }
      object['status'] ??= { phase: 'Pending' };
      break;
    }
    case 'Secret': {
      object['type'] ??= 'Opaque';
      const stringData = object['stringData'] as Record<string, string> | undefined;
      if (stringData) {
        const data = { ...((object['data'] as Record<string, string> | undefined) ?? {}) };
        for (const [key, value] of Object.entries(stringData)) setOwnValue(data, key, Buffer.from(String(value)).toString('base64'));
        object['data'] = data;
        delete object['stringData'];
      }
      break;
    }
    case 'ServiceAccount':
    case 'ConfigMap':
      break;
    default:
      break;
  }
  return object;
}
