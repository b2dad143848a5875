import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import { ObjectStore } from './store.js';
import { resourceTypeForKind, type ResourceType } from './resources.js';
import type { KubeObject } from './types.js';
import { reconcileAll } from './controllers/reconcile-all.js';
import { EventRecorder, type EventHistory } from './events/event-recorder.js';
import type { PodRuntime } from './kubelet/pod-runtime.js';
import type { Fault, RbacRule, Registry } from './scenario-types.js';

/** Delays of the simulated cluster; short by default so tests run fast, real timers all the same. */
export interface SandboxTimings {
  /** From scheduling to the containers starting (image already present, sandbox created). */
  podStartMs: number;
  /** From a graceful delete to the pod being gone (DELETED watch event). */
  podTerminationMs: number;
  /** How long a Job's pod runs before it succeeds. */
  jobRunMs: number;
  /** Interval between generated log lines (what `logs -f` streams). */
  logIntervalMs: number;
  /** The kubelet's first restart back-off (doubling up to 30x, Kubernetes: 10 s up to 5 min); image pulls back off the same way. */
  restartBackOffMs: number;
  /** How often the kubelet retries a pod it cannot start (missing Secret/ConfigMap, mount) and the probes' time unit scale (Kubernetes: 10 s). */
  kubeletSyncMs: number;
  /** How often the scheduler retries an unschedulable pod (Kubernetes: at most 5 min). */
  schedulerRetryMs: number;
  /** How often the HPA controller recomputes (Kubernetes: 15 s). */
  hpaSyncMs: number;
}

/** Default timings: pods Ready in 200 ms, a 3-replica rollout done in about a second, kubelet back-offs as in Kubernetes. */
export const defaultTimings: SandboxTimings = {
  podStartMs: 200, podTerminationMs: 300, jobRunMs: 500, logIntervalMs: 2000,
  restartBackOffMs: 10_000, kubeletSyncMs: 10_000, schedulerRetryMs: 60_000, hpaSyncMs: 15_000,
};

/** Kinds whose writes never need a controller pass (nothing reconciles from them). */
const passiveKinds = new Set(['Event', 'Lease', 'ControllerRevision', 'Endpoints', 'EndpointSlice']);

/** The simulated cluster: storage, controllers, timers, the scenario's faults, registry and RBAC rules. */
export class SandboxCluster {
  readonly store: ObjectStore;
  readonly timings: SandboxTimings;
  readonly startedAt = new Date();
  readonly events: EventRecorder;
  faults: Fault[] = [];
  registry: Registry = {};
  rbac: RbacRule[] = [];
  userName = 'oncall@example.com';
  /** True while the scenario loader builds the cluster: controllers backdate what they create. */
  loading = false;
  /** The kubelet's per-pod state (container start times, restart anchors), by pod uid. */
  readonly podRuntime = new Map<string, PodRuntime>();
  /** How long the pods of a Job run before they succeed, by Job uid (the scenario's `runFor`). */
  readonly jobRunFor = new Map<string, number>();
  /** Objects whose status the scenario wrote and the controllers leave as written (HPA metrics). */
  readonly frozenStatus = new Set<string>();
  /** Pods (by uid) whose start or termination is already scheduled on a timer. */
  readonly pendingTransitions = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly keyedTimers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private reconcileQueued = false;
  private reconciling = false;
  private stopped = false;
  private readonly unsubscribe: () => void;
  private readonly passiveResources: Set<string>;
  /** Last error a controller threw, kept for diagnostics instead of crashing the server. */
  lastControllerError: unknown;

  constructor(options: { timings?: Partial<SandboxTimings> } = {}) {
    this.timings = { ...defaultTimings, ...options.timings };
    this.store = new ObjectStore();
    this.events = new EventRecorder(this.store, () => Date.now());
    this.passiveResources = new Set([...passiveKinds].map((kind) => {
      const type = resourceTypeForKind(kind);
      return type ? `${type.group}/${type.plural}` : '';
    }));
    this.unsubscribe = this.store.subscribe((event) => {
      if (!this.passiveResources.has(event.resource)) this.requestReconcile();
    });
  }

  /** The current time (one place, so ages and timestamps agree). */
  now(): Date {
    return new Date();
  }

  /** RFC 3339 timestamp with second precision, as Kubernetes writes them. */
  timestamp(date: Date | number = this.now()): string {
    return new Date(date).toISOString().replace(/\.\d+Z$/, 'Z');
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
      this.guard(action);
    }, Math.max(0, delayMs));
    this.timers.add(timer);
  }

  /**
   * Runs `action` at wall-clock time `at` (milliseconds); one timer per key, and an earlier request
   * for the same key replaces a later one (kubelet and controller wake-ups).
   */
  wakeAt(key: string, at: number, action: () => void): void {
    if (this.stopped || !Number.isFinite(at)) return;
    const existing = this.keyedTimers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.keyedTimers.delete(key);
      if (this.stopped) return;
      this.guard(action);
    }, Math.max(0, Math.min(2_147_000_000, at - Date.now())));
    this.keyedTimers.set(key, { at, timer });
  }

  /** Cancels a keyed wake-up. */
  cancelWake(key: string): void {
    const existing = this.keyedTimers.get(key);
    if (existing) clearTimeout(existing.timer);
    this.keyedTimers.delete(key);
  }

  private guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.lastControllerError = error;
    }
  }

  /** Schedules one reconciliation pass of every controller (coalesced). */
  requestReconcile(): void {
    if (this.reconcileQueued || this.stopped || this.loading) return;
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
    for (const { timer } of this.keyedTimers.values()) clearTimeout(timer);
    this.keyedTimers.clear();
  }

  /**
   * Records a core/v1 Event the way client-go's legacy recorder does (kubelet, controllers): the
   * same object, reason and message bump the count; see events/event-recorder.ts.
   */
  recordEvent(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string, options: { host?: string; fieldPath?: string; history?: EventHistory; annotations?: Record<string, string> } = {}): void {
    if (this.stopped) return;
    if (this.loading && !options.history) return;
    this.events.legacy(object, type, reason, message, component, options);
  }

  /** Records an events.k8s.io Event (series, eventTime), the way kube-scheduler does. */
  recordSchedulerEvent(object: KubeObject, type: 'Normal' | 'Warning', reason: string, action: string, note: string, options: { history?: EventHistory } = {}): void {
    if (this.stopped) return;
    if (this.loading && !options.history) return;
    this.events.series(object, type, reason, note, 'default-scheduler', { action, reportingInstance: 'default-scheduler-control-plane', ...options });
  }

  /**
   * Creates an object the way a controller does. While the scenario loads, what a controller makes
   * is as old as its owner (a ReplicaSet's pods as old as the ReplicaSet) unless it says otherwise.
   */
  create(type: ResourceType, object: KubeObject): KubeObject {
    if (this.loading && !object.metadata.creationTimestamp) {
      const owner = this.store.peekUid(object.metadata.ownerReferences?.find((reference) => reference.controller)?.uid);
      if (owner?.metadata.creationTimestamp) object.metadata.creationTimestamp = owner.metadata.creationTimestamp;
    }
    return this.store.create(type, object);
  }

  /** An ObjectReference to a stored object (events, owner lookups). */
  reference(object: KubeObject): ObjectReference {
    return { kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name, uid: object.metadata.uid, apiVersion: object.apiVersion };
  }
}
