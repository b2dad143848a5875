/** Evidence lines in one format, so the CLI, the TUI and a model read the same facts the same way. */
import type { Event } from 'kubernetes-types/core/v1.js';
import { ago, eventCount, eventFirstSeen, eventLastSeen, formatAge, timeOf } from './age.js';
import type { Evidence, ObjectRef } from './finding.js';

/** Most events one finding lists; the rest are counted in a note. */
export const MAX_EVENTS_PER_FINDING = 8;

/** An exact status or spec field. */
export function fieldEvidence(object: ObjectRef, path: string, text: string, type: 'field' | 'spec' = 'field'): Evidence {
  return { type, object, path, text };
}

/** A note (a derived fact, e.g. "no node has 64 allocatable CPUs"). */
export function noteEvidence(text: string, object?: ObjectRef): Evidence {
  return { type: 'note', text, ...(object ? { object } : {}) };
}

/**
 * One event as a line: type, reason, how often over how long, when last, who reported it, and the
 * message exactly. Series (events.k8s.io style) and eventTime-only events are counted the same way.
 */
export function eventLine(event: Event, now: number): string {
  const count = eventCount(event);
  const first = timeOf(eventFirstSeen(event));
  const last = eventLastSeen(event);
  const lastTime = timeOf(last);
  const span = count > 1 && first !== undefined && lastTime !== undefined && lastTime > first ? ` over ${formatAge(lastTime - first)}` : '';
  const when = last ? `, last ${ago(last, now)}` : '';
  const source = event.reportingComponent || event.source?.component;
  const host = event.reportingInstance || event.source?.host;
  const from = source ? `, ${source}${host && host !== source ? ` ${host}` : ''}` : '';
  return `${event.type ?? 'Normal'} ${event.reason ?? ''} (x${count}${span}${when}${from}): ${event.message ?? ''}`.trim();
}

/** Events as evidence, newest first, at most `limit`, plus a note for the rest. */
export function eventsEvidence(events: readonly Event[], now: number, limit = MAX_EVENTS_PER_FINDING): Evidence[] {
  const shown = events.slice(0, limit).map((event): Evidence => {
    const involved = event.involvedObject;
    const at = eventLastSeen(event);
    return {
      type: 'event',
      ...(involved?.kind && involved.name ? { object: { kind: involved.kind, name: involved.name, ...(involved.namespace ? { namespace: involved.namespace } : {}) } } : {}),
      text: eventLine(event, now),
      ...(at ? { at } : {}),
    };
  });
  if (events.length > limit) shown.push(noteEvidence(`and ${events.length - limit} more event(s)`));
  return shown;
}
