/** Ages and event times, measured against the snapshot's read time (never a clock: analysis is pure). */
import type { Event } from 'kubernetes-types/core/v1.js';

/** Milliseconds since the epoch for an ISO time, or undefined. */
export function timeOf(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/** "14m", "2h", "3d" (kubectl's style, one unit, rounded down). */
export function formatAge(milliseconds: number): string {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** "14m ago" from a time and the snapshot's now; "" when the time is unknown. */
export function ago(value: string | null | undefined, now: number): string {
  const time = timeOf(value);
  return time === undefined ? '' : `${formatAge(now - time)} ago`;
}

/** When an event last happened: series, lastTimestamp, eventTime, then creation. */
export function eventLastSeen(event: Event): string | undefined {
  return event.series?.lastObservedTime ?? event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp ?? undefined;
}

/** When an event first happened. */
export function eventFirstSeen(event: Event): string | undefined {
  return event.firstTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp ?? undefined;
}

/** How many times an event happened (a series counts its occurrences). */
export function eventCount(event: Event): number {
  return event.series?.count ?? event.count ?? 1;
}
