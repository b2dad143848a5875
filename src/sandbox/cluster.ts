import { randomBytes } from 'node:crypto';
import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import { ObjectStore } from './store.js';
import { resourceTypeForKind, type ResourceType } from './resources.js';
import { cloneJson, type KubeObject } from './types.js';
import { reconcileAll } from './controllers/reconcile-all.js';
import type { Fault, RbacRule } from './scenario-types.js';

/** Delays of the simulated cluster; short by default so tests run fast, real timers all the same. */
export interface SandboxTimings {
  /** From scheduling to Running/Ready. */
  podStartMs: number;
  /** From a graceful delete to the pod being gone (DELETED watch event). */
  podTerminationMs: number;
  /** How long a Job's pod runs before it succeeds. */
  jobRunMs: number;
  /** Interval between generated log lines (what `logs -f` streams). */
  logIntervalMs: number;
}

/** Default timings: pods Ready in 200 ms, a 3-replica rollout done in about a second. */
export const defaultTimings: SandboxTimings = { podStartMs: 200, podTerminationMs: 300, jobRunMs: 500, logIntervalMs: 2000 };

/** The simulated cluster: storage, controllers, timers, the scenario's faults and RBAC rules. */
export class SandboxCluster {
  readonly store: ObjectStore;
  readonly timings: SandboxTimings;
  readonly startedAt = new Date();
  faults: Fault[] = [];
  rbac: RbacRule[] = [];
  userName = 'oncall@example.com';
  /** Pods (by uid) whose start or termination is already scheduled on a timer. */
  readonly pendingTransitions = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private reconcileQueued = false;
  private reconciling = false;
  private stopped = false;
  private readonly unsubscribe: () => void;
  /** Last error a controller threw, kept for diagnostics instead of crashing the server. */
  lastControllerError: unknown;

  constructor(options: { timings?: Partial<SandboxTimings> } = {}) {
    this.timings = { ...defaultTimings, ...options.timings };
    this.store = new ObjectStore();
    this.unsubscribe = this.store.subscribe(() => this.requestReconcile());
  }

  /** The current time (one place, so ages and timestamps agree). */
  now(): Date {
    return new Date();
  }

  /** RFC 3339 timestamp with second precision, as Kubernetes writes them. */
  timestamp(date = this.now()): string {
    return date.toISOString().replace(/\.\d+Z$/, 'Z');
  }

  /** The stored resource type of a kind, which must exist. */
  type(kind: string): ResourceType {
    const type = resourceTypeForKind(kind);
    if (!type) throw new Error(`sandbox has no resource type for kind ${kind}`);
    return type;
  }

  /** Runs `action` after `delayMs` unless the sandbox stops first. */
  later(delayMs: number, action: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopped) return;
      try {
        action();
      } catch (error) {
        this.lastControllerError = error;
      }
    }, delayMs);
    this.timers.add(timer);
  }

  /** Schedules one reconciliation pass of every controller (coalesced). */
  requestReconcile(): void {
    if (this.reconcileQueued || this.stopped) return;
    this.reconcileQueued = true;
    this.later(0, () => {
      this.reconcileQueued = false;
      this.reconcileNow();
    });
  }

  /** Runs every controller once, synchronously. */
  reconcileNow(): void {
    if (this.reconciling || this.stopped) return;
    this.reconciling = true;
    try {
      reconcileAll(this);
    } catch (error) {
      this.lastControllerError = error;
    } finally {
      this.reconciling = false;
    }
  }

  /** True once stop() ran. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Cancels every timer and stops reacting to changes. */
  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /**
   * Records a core/v1 Event about `object`, or bumps the count of the same event (same object,
   * reason and message), the way the event recorder's aggregation does.
   */
  recordEvent(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string, options: { host?: string; fieldPath?: string } = {}): void {
    if (this.stopped) return;
    const eventType = this.type('Event');
    const namespace = object.metadata.namespace ?? 'default';
    const timestamp = this.timestamp();
    const match = this.store.peek(eventType, { namespace }).find((event) => {
      const involved = event['involvedObject'] as ObjectReference;
      return involved.uid === object.metadata.uid && event['reason'] === reason && event['message'] === message;
    });
    if (match) {
      const existing = cloneJson(match);
      existing['count'] = Number(existing['count'] ?? 1) + 1;
      existing['lastTimestamp'] = timestamp;
      this.store.update(eventType, existing);
      return;
    }
    const involvedObject: ObjectReference = {
      kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name, uid: object.metadata.uid,
      apiVersion: object.apiVersion, resourceVersion: object.metadata.resourceVersion,
    };
    if (!object.metadata.namespace) delete involvedObject.namespace;
    if (options.fieldPath) involvedObject.fieldPath = options.fieldPath;
    this.store.create(eventType, {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name: `${object.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
      involvedObject, reason, message, type, count: 1,
      source: { component, ...(options.host ? { host: options.host } : {}) },
      firstTimestamp: timestamp, lastTimestamp: timestamp, eventTime: null,
      reportingComponent: component, reportingInstance: options.host ?? '',
    });
  }
}
