/**
 * The two event recorders of Kubernetes 1.32, writing core/v1 Events into the store:
 *
 * - the legacy recorder (client-go tools/record) that the kubelet and kube-controller-manager use:
 *   `count`, `firstTimestamp`, `lastTimestamp`, `source`; the same object+reason+message bumps the
 *   count; ten different messages for one object and reason within ten minutes collapse into one
 *   "(combined from similar events): ..." event; a token bucket per source, object and reason
 *   (burst 25, then one per five minutes) drops the rest, as the EventCorrelator's spam filter does;
 * - the events.k8s.io recorder (client-go tools/events) that kube-scheduler uses: `eventTime`,
 *   `series` {count, lastObservedTime}, `reportingController`, `action`, no `count` and no
 *   first/lastTimestamp; a repeat (same regarding, reason, action, controller) grows the series
 *   and keeps the first note.
 */
import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import type { ObjectStore } from '../store.js';
import { resourceTypeForKind, type ResourceType } from '../resources.js';
import type { KubeObject } from '../types.js';

/** Where an event happened in the past (scenario loading): first and last occurrence and how many. */
export interface EventHistory {
  first: number;
  last: number;
  count: number;
}

/** Options of one legacy event. */
export interface LegacyEventOptions {
  host?: string;
  fieldPath?: string;
  annotations?: Record<string, string>;
  /** A past occurrence (scenario loading); default: now, once. */
  history?: EventHistory;
  /** Skip the spam filter (scenario events are what the scenario says they were). */
  unfiltered?: boolean;
}

/** Options of one events.k8s.io event. */
export interface SeriesEventOptions {
  action: string;
  reportingInstance: string;
  history?: EventHistory;
  fieldPath?: string;
}

const spamBurst = 25;
const spamRefillMs = 300_000;
const similarLimit = 10;
const similarWindowMs = 600_000;

/** Seconds-precision RFC 3339, as core/v1 timestamps are written. */
export function secondsTimestamp(milliseconds: number): string {
  return new Date(milliseconds).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** MicroTime (RFC 3339 with six fraction digits), as eventTime and series.lastObservedTime are written. */
export function microTimestamp(milliseconds: number): string {
  return new Date(milliseconds).toISOString().replace(/\.(\d+)Z$/, (_match, fraction: string) => `.${fraction.padEnd(6, '0').slice(0, 6)}Z`);
}

/** How many of `occurrences` evenly spread over `spanMs` the spam filter lets through. */
export function spamLimitedCount(occurrences: number, spanMs: number): number {
  if (occurrences <= spamBurst) return occurrences;
  const perOccurrence = spanMs / Math.max(1, occurrences - 1);
  const afterBurst = spanMs - perOccurrence * spamBurst;
  return Math.min(occurrences, spamBurst + Math.max(0, Math.floor(afterBurst / spamRefillMs)));
}

function reference(object: KubeObject, fieldPath?: string): ObjectReference {
  const result: ObjectReference = {
    kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name, uid: object.metadata.uid,
    apiVersion: object.apiVersion, resourceVersion: object.metadata.resourceVersion,
  };
  if (!object.metadata.namespace) delete result.namespace;
  if (fieldPath) result.fieldPath = fieldPath;
  return result;
}

interface Bucket {
  tokens: number;
  refilledAt: number;
}

/** Both recorders over one store. */
export class EventRecorder {
  private readonly type: ResourceType;
  /** Dedup key -> namespace/name of the event it bumps. */
  private readonly existing = new Map<string, { namespace: string; name: string }>();
  private readonly similar = new Map<string, { messages: Set<string>; since: number }>();
  private readonly buckets = new Map<string, Bucket>();
  private sequence = 0;

  constructor(private readonly store: ObjectStore, private readonly now: () => number) {
    const type = resourceTypeForKind('Event');
    if (!type) throw new Error('the sandbox has no Event resource type');
    this.type = type;
  }

  /** Forgets every key (after the scenario loader replaced the events). */
  reset(): void {
    this.existing.clear();
    this.similar.clear();
    this.buckets.clear();
  }

  private eventName(objectName: string, at: number): string {
    // The recorders name events <object>.<hex UnixNano>; a sequence keeps same-millisecond ones apart.
    this.sequence = (this.sequence + 1) % 1_000_000;
    return `${objectName}.${(BigInt(Math.floor(at)) * 1_000_000n + BigInt(this.sequence)).toString(16)}`;
  }

  private allow(key: string, at: number): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: spamBurst, refilledAt: at };
      this.buckets.set(key, bucket);
    }
    const refill = Math.floor((at - bucket.refilledAt) / spamRefillMs);
    if (refill > 0) {
      bucket.tokens = Math.min(spamBurst, bucket.tokens + refill);
      bucket.refilledAt += refill * spamRefillMs;
    }
    if (bucket.tokens <= 0) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** The legacy (core/v1) recorder: kubelet, controllers. */
  legacy(object: KubeObject, eventType: 'Normal' | 'Warning', reason: string, message: string, component: string, options: LegacyEventOptions = {}): void {
    const at = options.history?.last ?? this.now();
    const host = options.host ?? '';
    const involved = reference(object, options.fieldPath);
    const objectKey = [involved.kind, involved.namespace ?? '', involved.name, involved.uid ?? '', involved.apiVersion ?? ''].join('\u0000');
    if (!options.unfiltered && !options.history && !this.allow([component, host, objectKey, eventType, reason].join('\u0000'), at)) return;
    const aggregateKey = [component, host, objectKey, eventType, reason, options.fieldPath ?? ''].join('\u0000');
    let text = message;
    let key = `${aggregateKey}\u0000${message}`;
    if (!options.history) {
      let record = this.similar.get(aggregateKey);
      if (!record || at - record.since > similarWindowMs) {
        record = { messages: new Set(), since: at };
        this.similar.set(aggregateKey, record);
      }
      record.messages.add(message);
      if (record.messages.size >= similarLimit && !this.existing.has(key)) {
        text = `(combined from similar events): ${message}`;
        key = `${aggregateKey}\u0000(combined)`;
      }
    }
    const namespace = object.metadata.namespace ?? 'default';
    const known = this.existing.get(key);
    const current = known ? this.store.get(this.type, known.namespace, known.name) : undefined;
    if (current) {
      current['count'] = Number(current['count'] ?? 1) + (options.history?.count ?? 1);
      current['lastTimestamp'] = secondsTimestamp(at);
      if (text !== current['message']) current['message'] = text;
      this.store.update(this.type, current);
      return;
    }
    const first = options.history?.first ?? at;
    const name = this.eventName(object.metadata.name, first);
    this.store.create(this.type, {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace, creationTimestamp: secondsTimestamp(first), ...(options.annotations ? { annotations: options.annotations } : {}) },
      involvedObject: involved as KubeObject[string], reason, message: text, type: eventType, count: options.history?.count ?? 1,
      source: { component, ...(host ? { host } : {}) },
      firstTimestamp: secondsTimestamp(first), lastTimestamp: secondsTimestamp(at), eventTime: null,
      reportingComponent: component, reportingInstance: host,
    });
    this.existing.set(key, { namespace, name });
  }

  /** The events.k8s.io recorder: kube-scheduler. */
  series(object: KubeObject, eventType: 'Normal' | 'Warning', reason: string, note: string, controller: string, options: SeriesEventOptions): void {
    const at = options.history?.last ?? this.now();
    const regarding = reference(object, options.fieldPath);
    const key = ['series', regarding.kind, regarding.namespace ?? '', regarding.name, regarding.uid ?? '', regarding.fieldPath ?? '', reason, options.action, controller].join('\u0000');
    const namespace = object.metadata.namespace ?? 'default';
    const known = this.existing.get(key);
    const current = known ? this.store.get(this.type, known.namespace, known.name) : undefined;
    if (current) {
      const series = current['series'] as { count?: number } | null | undefined;
      current['series'] = { count: (series?.count ?? 1) + (options.history?.count ?? 1), lastObservedTime: microTimestamp(at) };
      this.store.update(this.type, current);
      return;
    }
    const first = options.history?.first ?? at;
    const count = options.history?.count ?? 1;
    const name = this.eventName(object.metadata.name, first);
    this.store.create(this.type, {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace, creationTimestamp: secondsTimestamp(first) },
      involvedObject: regarding as KubeObject[string], reason, message: note, type: eventType,
      source: {}, firstTimestamp: null, lastTimestamp: null, eventTime: microTimestamp(first),
      ...(count > 1 ? { series: { count, lastObservedTime: microTimestamp(at) } } : {}),
      action: options.action, reportingComponent: controller, reportingInstance: options.reportingInstance,
    });
    this.existing.set(key, { namespace, name });
  }

  /** Removes events not updated for `ttlMs` (the API server's event TTL, one hour). */
  expire(ttlMs: number): void {
    const cutoff = this.now() - ttlMs;
    for (const event of [...this.store.peek(this.type)]) {
      const series = event['series'] as { lastObservedTime?: string } | undefined;
      const last = Date.parse(String(series?.lastObservedTime ?? event['lastTimestamp'] ?? event['eventTime'] ?? event.metadata.creationTimestamp ?? ''));
      if (Number.isFinite(last) && last < cutoff) this.store.remove(this.type, event.metadata.namespace, event.metadata.name);
    }
  }
}
