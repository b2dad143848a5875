/**
 * The scenario's `events:`: written the way their component writes them (kube-scheduler through
 * events.k8s.io with a series, everything else through the legacy recorder with a count). An event
 * the scenario gives replaces the one the sandbox synthesized for the same object and reason.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { ConfigError } from '../../errors.js';
import type { KubeObject } from '../types.js';
import type { ScenarioEvent } from './scenario-schema.js';
import { ago } from './scenario-time.js';

function findObject(cluster: SandboxCluster, namespace: string | undefined, reference: string): KubeObject | undefined {
  const slash = reference.indexOf('/');
  const kind = reference.slice(0, slash);
  const name = reference.slice(slash + 1);
  let type;
  try {
    type = cluster.type(kind);
  } catch {
    return undefined;
  }
  return cluster.store.get(type, type.namespaced ? namespace : undefined, name);
}

/** Writes the scenario's events (after removing synthesized ones they replace). */
export function loadScenarioEvents(cluster: SandboxCluster, events: ScenarioEvent[], file: string): void {
  const eventType = cluster.type('Event');
  const resolved = events.map((event, index) => {
    const involved = findObject(cluster, event.namespace, event.object ?? '');
    if (!involved) {
      throw new ConfigError(`scenario ${file}: events[${index}].object: ${event.object} does not exist${event.namespace ? ` in namespace ${event.namespace}` : ''}`, { hint: 'name an object of the scenario as Kind/name' });
    }
    return { event, involved };
  });
  const replaced = new Set(resolved.map(({ event, involved }) => `${involved.metadata.uid}/${event.reason}`));
  for (const stored of [...cluster.store.peek(eventType)]) {
    const uid = (stored['involvedObject'] as { uid?: string } | undefined)?.uid;
    if (replaced.has(`${uid}/${String(stored['reason'])}`)) cluster.store.remove(eventType, stored.metadata.namespace, stored.metadata.name);
  }
  for (const { event, involved } of resolved) {
    const first = ago(cluster, event.firstSeen, '10m').getTime();
    const last = ago(cluster, event.lastSeen ?? event.firstSeen, '10m').getTime();
    const scheduled = (involved as unknown as Pod).status?.conditions?.find((condition) => condition.type === 'PodScheduled' && condition.status === 'False')?.message ?? '';
    const message = event.message.replace('{uid}', involved.metadata.uid ?? '').replace('{scheduler}', scheduled);
    const source = event.source ?? 'kubelet';
    const series = event.api ? event.api === 'events.k8s.io/v1' : source === 'default-scheduler';
    const history = { first: Math.min(first, last), last: Math.max(first, last), count: event.count ?? 1 };
    const subject = event.namespace && !involved.metadata.namespace ? { ...involved, metadata: { ...involved.metadata } } : involved;
    if (series) {
      cluster.events.series(subject, event.type ?? 'Normal', event.reason ?? '', message, source, {
        action: source === 'default-scheduler' ? (event.reason === 'Scheduled' ? 'Binding' : 'Scheduling') : event.reason ?? '',
        reportingInstance: source === 'default-scheduler' ? 'default-scheduler-control-plane' : event.host ?? '', history, ...(event.fieldPath ? { fieldPath: event.fieldPath } : {}),
      });
    } else {
      cluster.events.legacy(subject, event.type ?? 'Normal', event.reason ?? '', message, source, { history, unfiltered: true, ...(event.host ? { host: event.host } : {}), ...(event.fieldPath ? { fieldPath: event.fieldPath } : {}) });
    }
  }
}
