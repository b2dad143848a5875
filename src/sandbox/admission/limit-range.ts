/**
 * The LimitRanger admission plugin for pods: containers without requests or limits get the
 * LimitRange defaults (and the kubernetes.io/limit-ranger annotation saying so), and a container
 * over a max or under a min is refused: `pods "x" is forbidden: maximum cpu usage per Container is 2, but limit is 4`.
 */
import type { Container, LimitRange, Pod } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../api-error.js';
import type { SandboxCluster } from '../cluster.js';
import { ownValue, setOwnValue } from '../../own-property.js';
import { parseQuantity } from '../quantity.js';
import type { KubeObject } from '../types.js';

type Resources = Record<string, string>;

function applyDefaults(container: Container, defaults: Resources, defaultRequests: Resources): string[] {
  const notes: string[] = [];
  const resources = (container.resources ??= {});
  const setLimits: string[] = [];
  const setRequests: string[] = [];
  for (const [name, value] of Object.entries(defaults)) {
    if (ownValue(resources.limits, name) === undefined) {
      resources.limits = { ...resources.limits, [name]: value };
      setLimits.push(name);
    }
  }
  for (const [name, value] of Object.entries(defaultRequests)) {
    if (ownValue(resources.requests, name) === undefined) {
      const limit = ownValue(resources.limits, name);
      resources.requests = { ...resources.requests, [name]: limit !== undefined && !setLimits.includes(name) ? limit : value };
      setRequests.push(name);
    }
  }
  for (const name of setLimits) {
    if (ownValue(resources.requests, name) === undefined) {
      resources.requests = { ...resources.requests, [name]: ownValue(resources.limits, name) as string };
      setRequests.push(name);
    }
  }
  if (setRequests.length > 0) notes.push(`${[...new Set(setRequests)].sort().join(', ')} request for container ${container.name}`);
  if (setLimits.length > 0) notes.push(`${setLimits.sort().join(', ')} limit for container ${container.name}`);
  return notes;
}

function validate(container: Container, item: NonNullable<NonNullable<LimitRange['spec']>['limits']>[number], scope: 'Container' | 'Pod', values?: { requests: Resources; limits: Resources }): string[] {
  const problems: string[] = [];
  const requests = (values?.requests ?? container.resources?.requests ?? {}) as Resources;
  const limits = (values?.limits ?? container.resources?.limits ?? {}) as Resources;
  for (const [name, max] of Object.entries((item.max ?? {}) as Resources)) {
    const limit = ownValue(limits, name);
    if (limit === undefined) problems.push(`maximum ${name} usage per ${scope} is ${max}.  No limit is specified`);
    else if (parseQuantity(limit) > parseQuantity(max)) problems.push(`maximum ${name} usage per ${scope} is ${max}, but limit is ${limit}`);
  }
  for (const [name, min] of Object.entries((item.min ?? {}) as Resources)) {
    const request = ownValue(requests, name);
    if (request === undefined) problems.push(`minimum ${name} usage per ${scope} is ${min}.  No request is specified`);
    else if (parseQuantity(request) < parseQuantity(min)) problems.push(`minimum ${name} usage per ${scope} is ${min}, but request is ${request}`);
  }
  for (const [name, ratio] of Object.entries((item.maxLimitRequestRatio ?? {}) as Resources)) {
    const request = parseQuantity(ownValue(requests, name));
    const limit = parseQuantity(ownValue(limits, name));
    if (request > 0 && limit / request > parseQuantity(ratio)) problems.push(`${name} max limit to request ratio per ${scope} is ${ratio}, but provided ratio is ${(limit / request).toFixed(6)}`);
  }
  return problems;
}

/** Applies LimitRange defaults to a pod being created and refuses it when a limit is broken. */
export function admitLimitRanges(cluster: SandboxCluster, object: KubeObject): void {
  const namespace = object.metadata.namespace;
  if (!namespace) return;
  const ranges = cluster.store.peek(cluster.type('LimitRange'), { namespace }) as unknown as LimitRange[];
  if (ranges.length === 0) return;
  const pod = object as unknown as Pod;
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const notes: string[] = [];
  const problems: string[] = [];
  for (const range of ranges) {
    for (const item of range.spec?.limits ?? []) {
      if (item.type !== 'Container') continue;
      for (const container of containers) notes.push(...applyDefaults(container, (item.default ?? {}) as Resources, (item.defaultRequest ?? {}) as Resources));
    }
  }
  for (const range of ranges) {
    for (const item of range.spec?.limits ?? []) {
      if (item.type === 'Container') for (const container of containers) problems.push(...validate(container, item, 'Container'));
      if (item.type === 'Pod') {
        const sum = (field: 'requests' | 'limits') => {
          const total: Record<string, number> = {};
          for (const container of pod.spec?.containers ?? []) for (const [name, value] of Object.entries(container.resources?.[field] ?? {})) setOwnValue(total, name, (ownValue(total, name) ?? 0) + parseQuantity(value));
          return Object.fromEntries(Object.entries(total).map(([name, value]) => [name, String(value)]));
        };
        problems.push(...validate({ name: 'pod' }, item, 'Pod', { requests: sum('requests'), limits: sum('limits') }));
      }
    }
  }
  if (problems.length > 0) throw new ApiError(403, 'Forbidden', `pods "${object.metadata.name}" is forbidden: ${problems.join(', ')}`, { name: object.metadata.name, kind: 'pods' });
  if (notes.length > 0) object.metadata.annotations = { ...object.metadata.annotations, 'kubernetes.io/limit-ranger': `LimitRanger plugin set: ${notes.join('; ')}` };
}
