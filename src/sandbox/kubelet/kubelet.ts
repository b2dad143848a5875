/**
 * The kubelet on every node: starts bound pods, keeps their status true to what their containers
 * do (see pod-runtime.ts), wakes up when something is due (a crash, a restart after back-off, a pull
 * attempt, a retry of a missing Secret, a probe), records the kubelet's events, and finishes graceful
 * deletions. A node that is not Ready has no kubelet: its pods keep their last status and a
 * deletion never completes there.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { ownValue } from '../../own-property.js';
import type { SandboxCluster } from '../cluster.js';
import { spamLimitedCount, type EventHistory } from '../events/event-recorder.js';
import { cloneJson, jsonEqual, type KubeObject } from '../types.js';
import { missingPullSecrets, pullImage } from './image-pull.js';
import { probeFailureMessage, probeTiming } from './probes.js';
import { evaluatePod, kubeletScale, newPodRuntime, pullAttemptsUntil, startErrorMessage, type ContainerView, type PodRuntime, type PodView } from './pod-runtime.js';

const eventTtlMs = 3_600_000;

/** True when the node's kubelet is posting Ready. */
export function nodeIsReady(node: Node | KubeObject | undefined): boolean {
  return ((node as Node | undefined)?.status?.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True');
}

function fieldPath(view: ContainerView): string {
  return `spec.${view.init ? 'initContainers' : 'containers'}{${view.name}}`;
}

/** The runtime record of a pod, created when the kubelet first sees it. */
export function runtimeOf(cluster: SandboxCluster, pod: KubeObject): PodRuntime {
  const uid = pod.metadata.uid ?? '';
  let runtime = cluster.podRuntime.get(uid);
  if (!runtime) {
    // Timestamps have second precision: only the scenario's past is read back from them.
    const started = Date.parse((pod as unknown as Pod).status?.startTime ?? '');
    const created = Date.parse(pod.metadata.creationTimestamp ?? '');
    const boundAt = !cluster.loading ? Date.now() : Number.isFinite(started) ? started : Number.isFinite(created) ? created + 1_000 : Date.now();
    runtime = newPodRuntime(cluster, uid, boundAt, cluster.loading);
    cluster.podRuntime.set(uid, runtime);
  }
  return runtime;
}

/**
 * Evaluates one pod now (or, for a pod on a node that went down before the scenario started, as of
 * the moment its kubelet last reported): writes its status, records events, sets its next wake-up.
 */
export function syncPod(cluster: SandboxCluster, namespace: string, name: string, uid: string, tick: boolean, lastReport?: number): void {
  const type = cluster.type('Pod');
  const stored = cluster.store.peekOne(type, namespace, name);
  if (!stored || stored.metadata.uid !== uid || stored.metadata.deletionTimestamp) return;
  const pod = stored as unknown as Pod;
  const node = pod.spec?.nodeName ? cluster.store.peekOne(cluster.type('Node'), undefined, pod.spec.nodeName) : undefined;
  if (!node || (!nodeIsReady(node) && lastReport === undefined)) return;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
  const runtime = runtimeOf(cluster, stored);
  const now = lastReport ?? Date.now();
  const before = cluster.loading ? runtime : cloneJson(runtime);
  const view = evaluatePod(cluster, pod, runtime, now);
  if (!jsonEqual(view.status, stored['status'])) cluster.store.replace(type, { ...stored, status: view.status as unknown as KubeObject[string] });
  if (cluster.loading) runtime.loadEvaluated = true;
  // While the scenario loads, the past is synthesized once at the end (synthesizeHistories).
  if (!cluster.loading) recordTransitions(cluster, cluster.store.peekOne(type, namespace, name) ?? stored, before, runtime, view, now, tick);
  if (lastReport !== undefined) return;
  if (view.wakeAt !== undefined) {
    cluster.wakeAt(`kubelet/${uid}`, Math.max(view.wakeAt, now + 5), () => syncPod(cluster, namespace, name, uid, true));
  } else cluster.cancelWake(`kubelet/${uid}`);
}

/** Live events: what changed since the last evaluation, and what a kubelet sync repeats. */
function recordTransitions(cluster: SandboxCluster, pod: KubeObject, before: PodRuntime, runtime: PodRuntime, view: PodView, now: number, tick: boolean): void {
  const spec = pod as unknown as Pod;
  const host = spec.spec?.nodeName ?? '';
  const event = (type: 'Normal' | 'Warning', reason: string, message: string, path?: string) => cluster.recordEvent(pod, type, reason, message, 'kubelet', { host, ...(path ? { fieldPath: path } : {}) });
  if (view.mount && (tick || before.volumes.failingSince === undefined)) {
    event('Warning', 'FailedMount', view.mount.message);
    const since = runtime.volumes.failingSince ?? now;
    const timeout = 122_000 * kubeletScale(cluster);
    const windows = Math.floor((now - since) / timeout);
    const seenWindows = Math.floor(((before.volumes.lastCheckAt ?? since) - since) / timeout);
    if (windows > seenWindows && windows > 0) {
      event('Warning', 'FailedMount', `Unable to attach or mount volumes: unmounted volumes=[${view.mount.volume}], unattached volumes=[], failed to process volumes=[]: context deadline exceeded`);
    }
  }
  for (const container of view.containers) {
    const state = ownValue(runtime.containers, container.name);
    if (!state) continue;
    const path = fieldPath(container);
    const seen = state.seen ?? { instance: -1, attempts: 0, probeTicks: 0 };
    const image = container.container.image ?? '';
    if (container.stage === 'image') {
      const reason = container.status.state?.waiting?.reason;
      const attempts = state.image.attempts ?? 0;
      if (state.image.reason === 'ErrImagePull' && attempts > seen.attempts) {
        const missing = missingPullSecrets(cluster, spec);
        if (missing.length > 0) event('Warning', 'FailedToRetrieveImagePullSecret', `Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`);
        const outcome = pullImage(cluster, spec, container.container, 0, container.init);
        event('Normal', 'Pulling', `Pulling image "${image}"`, path);
        if (!outcome.ok) event('Warning', 'Failed', outcome.event.message, path);
        event('Warning', 'Failed', 'Error: ErrImagePull', path);
      } else if (reason === 'ImagePullBackOff' && tick) {
        event('Normal', 'BackOff', `Back-off pulling image "${image}"`, path);
        event('Warning', 'Failed', 'Error: ImagePullBackOff', path);
      } else if (reason && reason !== 'ErrImagePull' && reason !== 'ImagePullBackOff' && (tick || seen.waiting !== reason)) {
        event('Warning', reason === 'InvalidImageName' ? 'InspectFailed' : reason, container.status.state?.waiting?.message ?? '', path);
        event('Warning', 'Failed', `Error: ${reason}`, path);
      }
      seen.attempts = attempts;
    } else if (container.stage === 'config' && (tick || seen.waiting !== 'CreateContainerConfigError')) {
      event('Normal', 'Pulled', `Container image "${image}" already present on machine`, path);
      event('Warning', 'Failed', `Error: ${container.status.state?.waiting?.message ?? ''}`, path);
    }
    const timeline = container.timeline;
    if (timeline) {
      const finished = timeline.latestFinished ?? timeline.previousFinished;
      const died = finished && finished.finishedAt !== seen.finishedAt && finished.finishedAt <= now;
      if (died && container.faults.crash?.type === 'LivenessFailure' && container.container.livenessProbe) {
        const probe = container.container.livenessProbe;
        for (let index = 0; index < probeTiming(probe).failureThreshold; index += 1) event('Warning', 'Unhealthy', probeFailureMessage(probe, spec, container.faults.crash, 'Liveness'), path);
        event('Normal', 'Killing', `Container ${container.name} failed liveness probe, will be restarted`, path);
      }
      if (container.stage === 'running' && timeline.restartCount !== seen.instance) {
        if (state.image.passedAt !== undefined && seen.instance < 0 && pullImage(cluster, spec, container.container, 0, container.init).ok && (container.container.imagePullPolicy === 'Always')) {
          event('Normal', 'Pulling', `Pulling image "${image}"`, path);
          event('Normal', 'Pulled', `Successfully pulled image "${image}" in 1.5s (1.5s including waiting). Image size: 52428800 bytes.`, path);
        } else event('Normal', 'Pulled', `Container image "${image}" already present on machine`, path);
        event('Normal', 'Created', `Created container ${container.name}`, path);
        event('Normal', 'Started', `Started container ${container.name}`, path);
      }
      if (died && container.faults.crash?.type === 'StartError') {
        // The runtime refused to start the process: created, never started.
        event('Normal', 'Created', `Created container ${container.name}`, path);
        event('Warning', 'Failed', `Error: ${startErrorMessage(container.container, container.faults)}`, path);
      }
      if (container.stage === 'backoff' && (died || tick)) {
        event('Warning', 'BackOff', `Back-off restarting failed container ${container.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`, path);
      }
      if (container.stage === 'terminated' && died && container.init && (finished?.exitCode ?? 0) === 0) {
        // A completed init container: nothing to report beyond its start.
      }
      if (finished) seen.finishedAt = finished.finishedAt;
      seen.instance = timeline.restartCount;
      if (container.stage !== 'running') seen.instance = timeline.runningSince !== undefined ? timeline.restartCount : seen.instance;
    }
    const probe = container.container.readinessProbe;
    if (container.stage === 'running' && probe && container.faults.readiness && timeline?.runningSince !== undefined) {
      const timing = probeTiming(probe);
      const scale = kubeletScale(cluster);
      const first = timeline.runningSince + timing.initialDelayMs * scale;
      const ticks = now >= first ? Math.floor((now - first) / (timing.periodMs * scale)) + 1 : 0;
      const fresh = seen.instance !== timeline.restartCount ? ticks : ticks - seen.probeTicks;
      for (let index = 0; index < Math.min(Math.max(0, fresh), 3); index += 1) event('Warning', 'Unhealthy', probeFailureMessage(probe, spec, container.faults.readiness, 'Readiness'), path);
      seen.probeTicks = ticks;
    }
    seen.waiting = container.status.state?.waiting?.reason;
    state.seen = seen;
  }
}

const history = (first: number, last: number, count: number): EventHistory => ({ first, last, count: Math.max(1, count) });

/** Events a real cluster would still show for this pod's past (the last hour of it, as the event TTL keeps). */
function synthesizeHistory(cluster: SandboxCluster, pod: KubeObject, runtime: PodRuntime, view: PodView, now: number): void {
  const spec = pod as unknown as Pod;
  const host = spec.spec?.nodeName ?? '';
  const sync = cluster.timings.kubeletSyncMs;
  const cutoff = now - eventTtlMs;
  const record = (type: 'Normal' | 'Warning', reason: string, message: string, first: number, last: number, occurrences: number, path?: string) => {
    if (last < cutoff || occurrences <= 0) return;
    const count = spamLimitedCount(occurrences, Math.max(0, last - first));
    cluster.recordEvent(pod, type, reason, message, 'kubelet', { host, history: history(first, last, count), ...(path ? { fieldPath: path } : {}) });
  };
  const lastTick = (since: number) => since + Math.floor((now - since) / sync) * sync;
  if (view.mount) {
    const since = runtime.volumes.failingSince ?? runtime.boundAt;
    const span = now - since;
    record('Warning', 'FailedMount', view.mount.message, since, lastTick(since), 8 + Math.floor(Math.max(0, span - 64_000) / 122_000));
    if (span > 122_000) {
      record('Warning', 'FailedMount', `Unable to attach or mount volumes: unmounted volumes=[${view.mount.volume}], unattached volumes=[], failed to process volumes=[]: context deadline exceeded`,
        since + 122_000, since + Math.floor(span / 122_000) * 122_000, Math.floor(span / 122_000));
    }
  }
  for (const container of view.containers) {
    const state = ownValue(runtime.containers, container.name);
    if (!state) continue;
    const path = fieldPath(container);
    const image = container.container.image ?? '';
    const waiting = container.status.state?.waiting;
    if (container.stage === 'image' && state.image.failingSince !== undefined) {
      const since = state.image.failingSince;
      if (state.image.reason === 'ErrImagePull') {
        const attempts = pullAttemptsUntil(cluster, since, now);
        const outcome = pullImage(cluster, spec, container.container, 0, container.init);
        const missing = missingPullSecrets(cluster, spec);
        if (missing.length > 0) record('Warning', 'FailedToRetrieveImagePullSecret', `Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`, since, lastTick(since), Math.floor((now - since) / sync) + 1);
        record('Normal', 'Pulling', `Pulling image "${image}"`, since, attempts.last, attempts.count, path);
        if (!outcome.ok) record('Warning', 'Failed', outcome.event.message, since, attempts.last, attempts.count, path);
        record('Warning', 'Failed', 'Error: ErrImagePull', since, attempts.last, attempts.count, path);
        const syncs = Math.floor((now - since) / sync);
        if (syncs > 0) {
          record('Normal', 'BackOff', `Back-off pulling image "${image}"`, since + sync, lastTick(since), syncs, path);
          record('Warning', 'Failed', 'Error: ImagePullBackOff', since + sync, lastTick(since), syncs, path);
        }
      } else if (waiting?.reason) {
        const syncs = Math.floor((now - since) / sync) + 1;
        record('Warning', waiting.reason === 'InvalidImageName' ? 'InspectFailed' : waiting.reason, waiting.message ?? '', since, lastTick(since), syncs, path);
        record('Warning', 'Failed', `Error: ${waiting.reason}`, since, lastTick(since), syncs, path);
      }
    }
    if (container.stage === 'config' && state.config.failingSince !== undefined) {
      const since = state.config.failingSince;
      const syncs = Math.floor((now - since) / sync) + 1;
      record('Normal', 'Pulled', `Container image "${image}" already present on machine`, since, lastTick(since), syncs, path);
      record('Warning', 'Failed', `Error: ${waiting?.message ?? ''}`, since, lastTick(since), syncs, path);
    }
    const timeline = container.timeline;
    if (timeline && state.startedAt !== undefined) {
      const starts = timeline.restartCount + 1;
      const latestStart = timeline.runningSince ?? timeline.latestFinished?.startedAt ?? state.startedAt;
      const firstStart = state.anchor ? Math.min(latestStart, runtime.boundAt + runtime.startDelayMs) : state.startedAt;
      record('Normal', 'Pulled', `Container image "${image}" already present on machine`, firstStart, latestStart, starts, path);
      record('Normal', 'Created', `Created container ${container.name}`, firstStart, latestStart, starts, path);
      if (container.faults.crash?.type === 'StartError') record('Warning', 'Failed', `Error: ${startErrorMessage(container.container, container.faults)}`, firstStart, latestStart, starts, path);
      else record('Normal', 'Started', `Started container ${container.name}`, firstStart, latestStart, starts, path);
      const crash = container.faults.crash;
      if (crash && timeline.restartCount >= 1) {
        const deaths = timeline.restartCount + (container.stage === 'backoff' || container.stage === 'terminated' ? 1 : 0);
        const lastDeath = (timeline.latestFinished ?? timeline.previousFinished)?.finishedAt ?? now;
        if (crash.type === 'LivenessFailure' && container.container.livenessProbe) {
          const probe = container.container.livenessProbe;
          const threshold = probeTiming(probe).failureThreshold;
          record('Warning', 'Unhealthy', probeFailureMessage(probe, spec, crash, 'Liveness'), firstStart, lastDeath, deaths * threshold, path);
          record('Normal', 'Killing', `Container ${container.name} failed liveness probe, will be restarted`, firstStart, lastDeath, deaths, path);
        }
        const backOffEnd = container.stage === 'backoff' ? now : lastDeath;
        const backOffStart = Math.min(backOffEnd, firstStart + (Number.isFinite(timeline.latestFinished?.finishedAt ?? 0) ? 0 : 0) + 2 * Math.min(60_000, Math.max(1_000, (lastDeath - firstStart) / Math.max(1, deaths))));
        record('Warning', 'BackOff', `Back-off restarting failed container ${container.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
          backOffStart, backOffEnd, Math.max(1, Math.floor((backOffEnd - backOffStart) / sync)), path);
      }
      const probe = container.container.readinessProbe;
      if (container.stage === 'running' && probe && container.faults.readiness && timeline.runningSince !== undefined) {
        const timing = probeTiming(probe);
        const scale = kubeletScale(cluster);
        const first = timeline.runningSince + timing.initialDelayMs * scale;
        if (now >= first) {
          const period = timing.periodMs * scale;
          const ticks = Math.floor((now - first) / period) + 1;
          record('Warning', 'Unhealthy', probeFailureMessage(probe, spec, container.faults.readiness, 'Readiness'), first, first + (ticks - 1) * period, ticks, path);
        }
      }
    }
    state.seen = { instance: timeline?.restartCount ?? -1, ...(timeline?.latestFinished ? { finishedAt: timeline.latestFinished.finishedAt } : timeline?.previousFinished ? { finishedAt: timeline.previousFinished.finishedAt } : {}), ...(waiting?.reason ? { waiting: waiting.reason } : {}), attempts: state.image.attempts ?? 0, probeTicks: 0 };
    if (container.timeline?.runningSince !== undefined && container.faults.readiness && container.container.readinessProbe) {
      const timing = probeTiming(container.container.readinessProbe);
      const scale = kubeletScale(cluster);
      const first = container.timeline.runningSince + timing.initialDelayMs * scale;
      state.seen.probeTicks = now >= first ? Math.floor((now - first) / (timing.periodMs * scale)) + 1 : 0;
    }
  }
}

/** Records the events a real cluster would still show for each loaded pod's past (scenario loading, once). */
export function synthesizeHistories(cluster: SandboxCluster): void {
  const type = cluster.type('Pod');
  const now = Date.now();
  for (const stored of cluster.store.peek(type)) {
    const runtime = cluster.podRuntime.get(stored.metadata.uid ?? '');
    if (!runtime?.historic || stored.metadata.deletionTimestamp) continue;
    const pod = stored as unknown as Pod;
    if (runtime.evicted) continue;
    const view = evaluatePod(cluster, pod, runtime, now);
    synthesizeHistory(cluster, stored, runtime, view, now);
  }
}

/** Removes a gracefully deleted pod once its grace is over (a kubelet confirming the containers stopped). */
export function scheduleTermination(cluster: SandboxCluster, pod: KubeObject): void {
  const uid = pod.metadata.uid ?? '';
  if (cluster.pendingTransitions.has(`terminate/${uid}`)) return;
  const node = (pod as unknown as Pod).spec?.nodeName ? cluster.store.peekOne(cluster.type('Node'), undefined, (pod as unknown as Pod).spec?.nodeName ?? '') : undefined;
  if (node && !nodeIsReady(node)) return;
  cluster.pendingTransitions.add(`terminate/${uid}`);
  cluster.cancelWake(`kubelet/${uid}`);
  const grace = Number(pod.metadata.deletionGracePeriodSeconds ?? 30);
  const delay = grace === 0 ? 0 : cluster.timings.podTerminationMs;
  cluster.later(delay, () => {
    cluster.pendingTransitions.delete(`terminate/${uid}`);
    const current = cluster.store.peekOne(cluster.type('Pod'), pod.metadata.namespace, pod.metadata.name);
    if (current && current.metadata.uid === uid) {
      cluster.store.remove(cluster.type('Pod'), pod.metadata.namespace, pod.metadata.name);
      cluster.podRuntime.delete(uid);
    }
  });
}

/**
 * The kubelet's pass over the pods: new bound pods start, pods on a node that came back are
 * evaluated again, terminating pods finish. Pods are otherwise driven by their own wake-ups.
 */
export function reconcileKubelet(cluster: SandboxCluster): void {
  const type = cluster.type('Pod');
  const nodeType = cluster.type('Node');
  const readyNodes = new Map<string, boolean>();
  const isReady = (name: string) => {
    let ready = readyNodes.get(name);
    if (ready === undefined) {
      ready = nodeIsReady(cluster.store.peekOne(nodeType, undefined, name));
      readyNodes.set(name, ready);
    }
    return ready;
  };
  for (const stored of [...cluster.store.peek(type)]) {
    const pod = stored as unknown as Pod;
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) continue;
    const uid = stored.metadata.uid ?? '';
    if (stored.metadata.deletionTimestamp) {
      scheduleTermination(cluster, stored);
      continue;
    }
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    if (!isReady(nodeName)) {
      const runtime = cluster.podRuntime.get(uid);
      if (runtime) runtime.paused = true;
      if (cluster.loading && runtime && !runtime.reported) {
        // The pod ran until its node went down: its status is what the kubelet last reported then.
        const node = cluster.store.peekOne(nodeType, undefined, nodeName) as unknown as Node | undefined;
        const since = Date.parse(node?.status?.conditions?.find((condition) => condition.type === 'Ready')?.lastTransitionTime ?? '');
        if (Number.isFinite(since) && since > runtime.boundAt) {
          runtime.reported = true;
          syncPod(cluster, stored.metadata.namespace ?? '', stored.metadata.name, uid, false, since);
        }
      }
      continue;
    }
    const runtime = cluster.podRuntime.get(uid);
    // Pods are driven by their own wake-ups; at load each is evaluated once (its past is fixed).
    if (runtime && !runtime.paused && (!cluster.loading || runtime.loadEvaluated)) continue;
    if (runtime) runtime.paused = false;
    syncPod(cluster, stored.metadata.namespace ?? '', stored.metadata.name, uid, false);
  }
  for (const uid of [...cluster.podRuntime.keys()]) {
    if (!cluster.store.peekUid(uid)) cluster.podRuntime.delete(uid);
  }
}
