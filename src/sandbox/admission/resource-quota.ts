/**
 * ResourceQuota: what a namespace uses against each quota's hard limits (the quota controller's
 * status.used) and the admission check that refuses a create beyond them, in the API server's words:
 * `pods "web-7f6d5c4b3-x2k9p" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=1500m, limited: requests.cpu=2`.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { ownValue, setOwnValue } from '../../own-property.js';
import { ApiError } from '../api-error.js';
import type { SandboxCluster } from '../cluster.js';
import { isActivePod } from '../controllers/pod-factory.js';
import { formatQuantity, parseQuantity, quantityFormat, type QuantityFormat } from '../quantity.js';
import { resourceTypes, type ResourceType } from '../resources.js';
import type { KubeObject } from '../types.js';

const computeResources = ['cpu', 'memory', 'ephemeral-storage'];

function containerAmount(containers: Container[], field: 'requests' | 'limits', resource: string): number {
  return containers.reduce((sum, container) => sum + parseQuantity(ownValue(container.resources?.[field], resource)), 0);
}

/** What one pod adds to each quota resource. */
export function podUsage(pod: Pod): Record<string, number> {
  const containers = pod.spec?.containers ?? [];
  const init = pod.spec?.initContainers ?? [];
  const usage: Record<string, number> = { pods: 1, 'count/pods': 1 };
  for (const resource of computeResources) {
    for (const field of ['requests', 'limits'] as const) {
      const amount = Math.max(containerAmount(containers, field, resource), ...init.map((container) => containerAmount([container], field, resource)));
      setOwnValue(usage, `${field}.${resource}`, amount);
      if (field === 'requests') setOwnValue(usage, resource, amount);
    }
  }
  return usage;
}

function countKey(type: ResourceType): string {
  return `count/${type.plural}${type.group ? `.${type.group}` : ''}`;
}

/** What one object of any kind adds to the namespace's usage. */
export function objectUsage(type: ResourceType, object: KubeObject): Record<string, number> {
  if (type.kind === 'Pod') return isActivePod(object as unknown as Pod) ? podUsage(object as unknown as Pod) : {};
  const usage: Record<string, number> = { [countKey(type)]: 1 };
  if (type.kind === 'Service') {
    usage['services'] = 1;
    const serviceType = (object['spec'] as { type?: string } | undefined)?.type;
    if (serviceType === 'LoadBalancer') usage['services.loadbalancers'] = 1;
    if (serviceType === 'NodePort' || serviceType === 'LoadBalancer') usage['services.nodeports'] = ((object['spec'] as { ports?: unknown[] }).ports ?? []).length;
  }
  if (type.kind === 'ConfigMap') usage['configmaps'] = 1;
  if (type.kind === 'Secret') usage['secrets'] = 1;
  if (type.kind === 'ResourceQuota') usage['resourcequotas'] = 1;
  if (type.kind === 'PersistentVolumeClaim') {
    usage['persistentvolumeclaims'] = 1;
    usage['requests.storage'] = parseQuantity((object['spec'] as { resources?: { requests?: { storage?: string } } } | undefined)?.resources?.requests?.storage);
  }
  return usage;
}

/** The resources a hard limit of this name counts. */
function tracked(hard: Record<string, unknown>): string[] {
  return Object.keys(hard);
}

/** The kinds that can count against a quota (everything namespaced that is stored). */
function countedTypes(): ResourceType[] {
  return resourceTypes.filter((type) => type.namespaced && !type.virtual && type.kind !== 'Event');
}

/** Current usage of a namespace for the resources a quota tracks. */
export function namespaceUsage(cluster: SandboxCluster, namespace: string, resources: string[]): Record<string, number> {
  const usage: Record<string, number> = Object.fromEntries(resources.map((resource) => [resource, 0]));
  const needed = new Set(resources);
  for (const type of countedTypes()) {
    const relevant = type.kind === 'Pod' ? resources.some((resource) => resource === 'pods' || resource.includes('.') || computeResources.includes(resource) || resource === 'count/pods')
      : resources.some((resource) => resource === countKey(type) || ['services', 'services.loadbalancers', 'services.nodeports', 'configmaps', 'secrets', 'persistentvolumeclaims', 'requests.storage', 'resourcequotas'].includes(resource));
    if (!relevant) continue;
    for (const object of cluster.store.peek(type, { namespace })) {
      for (const [resource, amount] of Object.entries(objectUsage(type, object))) if (needed.has(resource)) setOwnValue(usage, resource, (ownValue(usage, resource) ?? 0) + amount);
    }
  }
  return usage;
}

/** How a resource's amounts print (binary for memory, counts for object counts). */
export function resourceFormat(resource: string, hard: unknown): QuantityFormat {
  if (resource === 'pods' || resource.startsWith('count/') || ['services', 'services.loadbalancers', 'services.nodeports', 'configmaps', 'secrets', 'persistentvolumeclaims', 'resourcequotas', 'replicationcontrollers'].includes(resource)) return 'count';
  if (/memory|storage/.test(resource)) return quantityFormat(String(hard)) === 'binary' || typeof hard !== 'string' ? 'binary' : 'decimal';
  return 'decimal';
}

function pretty(values: Record<string, number>, hard: Record<string, unknown>, keys: string[]): string {
  return [...keys].sort().map((key) => `${key}=${formatQuantity(ownValue(values, key) ?? 0, resourceFormat(key, ownValue(hard, key)))}`).join(',');
}

/** Refuses a create that would exceed a quota in the namespace (403 Forbidden, the admission plugin's message). */
export function checkQuota(cluster: SandboxCluster, type: ResourceType, object: KubeObject): void {
  const namespace = object.metadata.namespace;
  if (!namespace || type.kind === 'Event') return;
  const quotas = cluster.store.peek(cluster.type('ResourceQuota'), { namespace });
  if (quotas.length === 0) return;
  const requested = objectUsage(type, object);
  const qualified = type.group ? `${type.plural}.${type.group}` : type.plural;
  for (const quota of [...quotas].sort((left, right) => left.metadata.name.localeCompare(right.metadata.name))) {
    const hard = ((quota['spec'] as { hard?: Record<string, unknown> } | undefined)?.hard ?? {}) as Record<string, unknown>;
    const resources = tracked(hard).filter((resource) => ownValue(requested, resource) !== undefined);
    if (resources.length === 0) continue;
    if (type.kind === 'Pod') {
      const pod = object as unknown as Pod;
      const missing: string[] = [];
      for (const resource of resources) {
        const match = /^(requests|limits)\.(cpu|memory|ephemeral-storage)$/.exec(resource) ?? (computeResources.includes(resource) ? ['', 'requests', resource] : undefined);
        if (!match) continue;
        const field = match[1] as 'requests' | 'limits';
        const names = (pod.spec?.containers ?? []).filter((container) => ownValue(container.resources?.[field], match[2] ?? '') === undefined).map((container) => container.name);
        if (names.length > 0) missing.push(`${resource} for: ${names.join(',')}`);
      }
      if (missing.length > 0) {
        throw new ApiError(403, 'Forbidden', `${qualified} "${object.metadata.name}" is forbidden: failed quota: ${quota.metadata.name}: must specify ${missing.sort().join('; ')}`, { name: object.metadata.name, kind: type.plural });
      }
    }
    const used = namespaceUsage(cluster, namespace, resources);
    const exceeded = resources.filter((resource) => {
      const amount = ownValue(requested, resource) ?? 0;
      return amount > 0 && (ownValue(used, resource) ?? 0) + amount > parseQuantity(ownValue(hard, resource) as string | number);
    });
    if (exceeded.length === 0) continue;
    const limited = Object.fromEntries(exceeded.map((resource) => [resource, parseQuantity(ownValue(hard, resource) as string | number)]));
    throw new ApiError(403, 'Forbidden',
      `${qualified} "${object.metadata.name}" is forbidden: exceeded quota: ${quota.metadata.name}, requested: ${pretty(requested, hard, exceeded)}, used: ${pretty(used, hard, exceeded)}, limited: ${pretty(limited, hard, exceeded)}`,
      { name: object.metadata.name, kind: type.plural });
  }
}

/** The quota controller: status.hard and status.used of every ResourceQuota. */
export function reconcileQuotas(cluster: SandboxCluster): void {
  const type = cluster.type('ResourceQuota');
  for (const quota of [...cluster.store.peek(type)]) {
    const hard = ((quota['spec'] as { hard?: Record<string, unknown> } | undefined)?.hard ?? {}) as Record<string, unknown>;
    const resources = tracked(hard);
    const used = namespaceUsage(cluster, quota.metadata.namespace ?? '', resources);
    const status = {
      hard: Object.fromEntries(resources.map((resource) => [resource, String(ownValue(hard, resource))])),
      used: Object.fromEntries(resources.map((resource) => [resource, formatQuantity(ownValue(used, resource) ?? 0, resourceFormat(resource, ownValue(hard, resource)))])),
    };
    if (JSON.stringify(status) === JSON.stringify(quota['status'])) continue;
    cluster.store.update(type, { ...quota, status });
  }
}
