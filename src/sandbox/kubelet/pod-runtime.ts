/**
 * The kubelet's view of one pod: what it remembers (when the pod was bound, when its volumes
 * mounted, when each container first started, what failed since when) and the pod status that
 * follows from it at a given moment. Pure apart from reading Secrets/ConfigMaps/registry rules,
 * so the scenario loader (a pod placed hours ago) and the live kubelet (a timer firing now)
 * compute the same status.
 */
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { ownValue, setOwnValue } from '../../own-property.js';
import type { SandboxCluster } from '../cluster.js';
import { containerFaults, digest, qosClass, type ContainerFaults } from '../controllers/pod-factory.js';
import { formatGoDuration, parseDuration } from '../duration.js';
import type { Fault } from '../scenario-types.js';
import { timelineAt, type FinishedInstance, type TimelineInput, type TimelineState } from './container-timeline.js';
import { environmentProblem, volumeProblem } from './config-references.js';
import { pullImage, runtimeName, type PullOutcome } from './image-pull.js';
import { probeTiming } from './probes.js';

/** A check the kubelet retries (volumes, environment, image pulls): failing since when, last tried when. */
export interface RetriedCheck {
  failingSince?: number;
  lastCheckAt?: number;
  /** When the check passed (the stage after it starts here). */
  passedAt?: number;
  /** The last failure message. */
  message?: string;
  /** Image pulls: how many attempts failed so far. */
  attempts?: number;
  /** Image pulls: the failure reason of the last attempt (ErrImagePull, InvalidImageName...). */
  reason?: string;
}

/** What the kubelet remembers about one container. */
export interface ContainerRuntime {
  image: RetriedCheck;
  config: RetriedCheck;
  /** When instance 0 started. */
  startedAt?: number;
  /** How long one instance runs before it ends (Infinity: until stopped). */
  runMs?: number;
  /** The scenario's history: instance `restarts` ended at `lastFinishedAt`. */
  anchor?: { restarts: number; lastFinishedAt: number };
  /** Runtime event bookkeeping: what the last evaluation saw. */
  seen?: { instance: number; finishedAt?: number; waiting?: string; attempts: number; probeTicks: number };
}

/** What the kubelet remembers about one pod. */
export interface PodRuntime {
  uid: string;
  boundAt: number;
  /** Delay from binding to the volume check (history: 2 s; live: podStartMs). */
  startDelayMs: number;
  /** How long a successful init container runs. */
  initRunMs: number;
  volumes: RetriedCheck;
  /** By container name (a pod's own names: read and write them with ownValue/setOwnValue). */
  containers: Record<string, ContainerRuntime>;
  /** The eviction manager evicted the pod. */
  evicted?: { at: number; message: string };
  /** Built while loading the scenario (its past is synthesized, not lived). */
  historic: boolean;
  /** Its node is not Ready: nobody updates the pod until the node comes back. */
  paused?: boolean;
  /** Loading: the status as of the node going down was written. */
  reported?: boolean;
  /** Loading: evaluated once already. */
  loadEvaluated?: boolean;
}

/** One container's computed state. */
export interface ContainerView {
  name: string;
  init: boolean;
  /** Where the container is: blocked before it ran, waiting, running, or done. */
  stage: 'creating' | 'initializing' | 'image' | 'config' | 'running' | 'backoff' | 'terminated';
  status: ContainerStatus;
  timeline?: TimelineState;
  faults: ContainerFaults;
  pull?: PullOutcome;
  /** When this container became ready (running and passing readiness). */
  readySince?: number;
  /** When the container is next due for a change or a retry. */
  wakeAt?: number;
  container: Container;
}

/** The computed pod. */
export interface PodView {
  status: NonNullable<Pod['status']>;
  containers: ContainerView[];
  /** Volumes blocked: the mount problem. */
  mount?: { volume: string; message: string };
  terminal: boolean;
  wakeAt?: number;
}

const never = Number.POSITIVE_INFINITY;

/** The probe-time scale: kubeletSyncMs relative to Kubernetes' 10 s. */
export function kubeletScale(cluster: SandboxCluster): number {
  return cluster.timings.kubeletSyncMs / 10_000;
}

/** A new runtime record for a pod bound at `boundAt`. */
export function newPodRuntime(cluster: SandboxCluster, uid: string, boundAt: number, historic: boolean): PodRuntime {
  return {
    uid, boundAt, historic, volumes: {}, containers: {},
    startDelayMs: historic ? 2_000 : cluster.timings.podStartMs,
    initRunMs: historic ? 3_000 : Math.max(50, cluster.timings.podStartMs),
  };
}

function containerRuntime(runtime: PodRuntime, name: string): ContainerRuntime {
  const existing = ownValue(runtime.containers, name);
  if (existing) return existing;
  const created: ContainerRuntime = { image: {}, config: {} };
  setOwnValue(runtime.containers, name, created);
  return created;
}

/**
 * Runs a retried check at `now` if it is due: a check that never failed passes as of `stageStart`;
 * one that failed is tried again only every `periodMs` (the kubelet's sync), passing as of the retry.
 */
function retry(check: RetriedCheck, stageStart: number, now: number, periodMs: number, evaluate: () => string | undefined): boolean {
  if (check.passedAt !== undefined) return true;
  if (now < stageStart) return false;
  if (check.failingSince !== undefined && check.lastCheckAt !== undefined && now < check.lastCheckAt + periodMs) return false;
  const problem = evaluate();
  if (problem === undefined) {
    check.passedAt = check.failingSince === undefined ? stageStart : now;
    delete check.message;
    return true;
  }
  check.failingSince ??= stageStart;
  check.lastCheckAt = check.lastCheckAt === undefined ? Math.max(stageStart, check.failingSince) + Math.floor((now - Math.max(stageStart, check.failingSince)) / periodMs) * periodMs : now;
  check.message = problem;
  return false;
}

/** Image pull attempt times: the first at `since`, then after back-offs of base, 2x base ... up to 30x. */
export function pullAttemptsUntil(cluster: SandboxCluster, since: number, now: number): { count: number; last: number; next: number; gap: number } {
  const base = cluster.timings.restartBackOffMs;
  const max = base * 30;
  let attempt = since;
  let count = 1;
  let gap = base;
  while (attempt + gap <= now && count < 1_000_000) {
    attempt += gap;
    count += 1;
    if (gap >= max) {
      const skip = Math.floor((now - attempt) / max);
      attempt += skip * max;
      count += skip;
    }
    gap = Math.min(gap * 2, max);
  }
  return { count, last: attempt, next: attempt + gap, gap };
}

function containerId(cluster: SandboxCluster, uid: string, name: string, instance: number): string {
  return `${runtimeName(cluster)}://${digest(`${uid}/${name}/${instance}`)}`;
}

function imageIdOf(image: string): string {
  const repository = image.split('@')[0]?.replace(/:[^/:]+$/, '') ?? image;
  const qualified = repository.includes('/') && /[.:]/.test(repository.split('/')[0] ?? '') ? repository : `docker.io/${repository.includes('/') ? repository : `library/${repository}`}`;
  return `${qualified}@sha256:${digest(image)}`;
}

/** How a container dies, by its crash fault (or how long a job container runs). */
function timelineInput(cluster: SandboxCluster, pod: Pod, container: Container, faults: ContainerFaults, state: ContainerRuntime, init: boolean): TimelineInput {
  const restartPolicy = (pod.spec?.restartPolicy ?? 'Always') as 'Always' | 'OnFailure' | 'Never';
  const policy = init && restartPolicy === 'Always' ? 'OnFailure' : restartPolicy;
  const base = cluster.timings.restartBackOffMs;
  const crash = faults.crash;
  const common = { firstStart: state.startedAt ?? 0, restartPolicy: policy, backOffMs: base, maxBackOffMs: base * 30, immediateRestartMs: Math.min(1_000, base / 10), ...(state.anchor ? { anchor: state.anchor } : {}) };
  if (crash?.type === 'OOMKilled') return { ...common, runMs: crash.runFor !== undefined ? parseDuration(crash.runFor) : 60_000, termination: { exitCode: 137, reason: 'OOMKilled' } };
  // The process never runs: the runtime refuses to start it (exit 128, StartError), then back-off.
  if (crash?.type === 'StartError') return { ...common, runMs: 0, termination: { exitCode: 128, reason: 'StartError' } };
  if (crash?.type === 'CrashLoopBackOff' || crash?.type === 'Error') {
    return { ...common, runMs: crash.runFor !== undefined ? parseDuration(crash.runFor) : 2_000, termination: { exitCode: crash.exitCode ?? 1, reason: 'Error' } };
  }
  if (crash?.type === 'LivenessFailure' && container.livenessProbe) {
    const timing = probeTiming(container.livenessProbe);
    const scale = kubeletScale(cluster);
    const run = crash.runFor !== undefined ? parseDuration(crash.runFor) : (timing.initialDelayMs + timing.periodMs * timing.failureThreshold) * scale;
    return { ...common, runMs: run, termination: { exitCode: 137, reason: 'Error' } };
  }
  const runs = init || policy !== 'Always' ? state.runMs ?? never : never;
  if (state.anchor && !Number.isFinite(runs)) {
    // Restarted in the past, healthy now: the last instance ended in an error and this one runs on.
    return { ...common, runMs: never, termination: { exitCode: 1, reason: 'Error' } };
  }
  return { ...common, runMs: runs, termination: { exitCode: 0, reason: 'Completed' } };
}

function terminated(cluster: SandboxCluster, uid: string, name: string, instance: number, finished: FinishedInstance, message?: string): ContainerState {
  return {
    terminated: {
      exitCode: finished.exitCode, reason: finished.reason, ...(message ? { message } : {}),
      startedAt: cluster.timestamp(finished.startedAt), finishedAt: cluster.timestamp(finished.finishedAt), containerID: containerId(cluster, uid, name, instance),
    },
  };
}

/** What containerd says when it cannot start a container's process (the kubelet passes it on). */
export function startErrorMessage(container: Container, faults: ContainerFaults): string {
  const executable = container.command?.[0] ?? container.args?.[0] ?? container.name;
  const why = faults.crash?.message ?? `exec: "${executable}": executable file not found in $PATH`;
  return `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${why}: unknown`;
}

/** The termination message a FallbackToLogsOnError container leaves (its last log lines), or the runtime's StartError. */
function terminationMessage(container: Container, faults: ContainerFaults, finished: FinishedInstance): string | undefined {
  if (finished.reason === 'StartError') return startErrorMessage(container, faults);
  if (container.terminationMessagePolicy !== 'FallbackToLogsOnError' || finished.exitCode === 0 || finished.reason === 'OOMKilled') return undefined;
  const message = faults.crash?.message;
  return message ? `ERROR ${message}\nFATAL unable to start: ${message}\n` : undefined;
}

/** Evaluates one container from `start` (when it may begin: after volumes and earlier init containers). */
function evaluateContainer(cluster: SandboxCluster, pod: Pod, runtime: PodRuntime, container: Container, index: number, init: boolean, start: number | undefined, now: number): ContainerView {
  const uid = pod.metadata?.uid ?? '';
  const faults = containerFaults(cluster, pod, container, index, init);
  const state = containerRuntime(runtime, container.name);
  const base: ContainerStatus = { name: container.name, image: container.image ?? '', imageID: '', ready: false, restartCount: 0, started: false, state: {}, lastState: {} };
  const view = (stage: ContainerView['stage'], status: ContainerStatus, extra: Partial<ContainerView> = {}): ContainerView => ({ name: container.name, init, stage, status, faults, container, ...extra });
  if (start === undefined) {
    return view(init ? 'initializing' : 'creating', { ...base, state: { waiting: { reason: init || runtime.volumes.passedAt === undefined ? (init ? 'PodInitializing' : 'ContainerCreating') : 'PodInitializing' } } });
  }
  const sync = cluster.timings.kubeletSyncMs;
  // The image: present, or pulled, or failing with back-off between attempts.
  let pull: PullOutcome | undefined;
  if (state.image.passedAt === undefined) {
    const check = state.image;
    if (check.failingSince === undefined) {
      pull = pullImage(cluster, pod, container, index, init);
      if (pull.ok) check.passedAt = start + (pull.pulled ? 1_500 : 0);
      else {
        check.failingSince = start;
        check.reason = pull.reason;
        check.message = pull.message;
        check.attempts = 1;
        check.lastCheckAt = start;
      }
    } else if (check.reason === 'ErrImagePull') {
      const attempts = pullAttemptsUntil(cluster, check.failingSince, now);
      if (attempts.count > (check.attempts ?? 1)) {
        pull = pullImage(cluster, pod, container, index, init);
        if (pull.ok) check.passedAt = attempts.last;
        else {
          check.attempts = attempts.count;
          check.lastCheckAt = attempts.last;
          check.message = pull.message;
          check.reason = pull.reason;
        }
      }
    } else if (now >= (check.lastCheckAt ?? start) + sync) {
      pull = pullImage(cluster, pod, container, index, init);
      if (pull.ok) check.passedAt = now;
      else check.lastCheckAt = now;
    }
    if (check.passedAt === undefined) {
      const reason = check.reason ?? 'ErrImagePull';
      if (reason === 'ErrImagePull') {
        const attempts = pullAttemptsUntil(cluster, check.failingSince ?? start, now);
        const inError = now - attempts.last < Math.min(2_000, attempts.gap / 4);
        const message = inError ? check.message ?? '' : `Back-off pulling image "${container.image}": ErrImagePull: ${check.message ?? ''}`;
        return view('image', { ...base, state: { waiting: { reason: inError ? 'ErrImagePull' : 'ImagePullBackOff', message } } }, { wakeAt: Math.min(attempts.next, inError ? attempts.last + Math.min(2_000, attempts.gap / 4) : never, now + sync) });
      }
      return view('image', { ...base, state: { waiting: { reason, message: check.message ?? '' } } }, { wakeAt: (check.lastCheckAt ?? now) + sync });
    }
  }
  const imageReady = state.image.passedAt ?? start;
  // The environment: every referenced Secret/ConfigMap key must exist.
  if (!retry(state.config, imageReady, now, sync, () => environmentProblem(cluster, pod, container))) {
    if (now < imageReady) return view('creating', { ...base, state: { waiting: { reason: 'ContainerCreating' } } }, { wakeAt: imageReady });
    return view('config', { ...base, state: { waiting: { reason: 'CreateContainerConfigError', message: state.config.message ?? '' } } }, { wakeAt: (state.config.lastCheckAt ?? now) + sync });
  }
  state.startedAt ??= state.config.passedAt ?? imageReady;
  const input = timelineInput(cluster, pod, container, faults, state, init);
  const timeline = timelineAt(input, now);
  const imageID = imageIdOf(container.image ?? '');
  const restartCount = timeline.restartCount;
  const latestId = containerId(cluster, uid, container.name, restartCount);
  const previousState = (finished: FinishedInstance | undefined, instance: number): ContainerState => (finished ? terminated(cluster, uid, container.name, instance, finished, terminationMessage(container, faults, finished)) : {});
  const wakeAt = timeline.nextChangeAt;
  if (timeline.runningSince !== undefined) {
    let ready = !init;
    let readySince: number | undefined = timeline.runningSince;
    let probeWake: number | undefined;
    if (!init && container.readinessProbe) {
      const timing = probeTiming(container.readinessProbe);
      const scale = kubeletScale(cluster);
      if (faults.readiness) {
        ready = false;
        readySince = undefined;
        const first = timeline.runningSince + timing.initialDelayMs * scale;
        probeWake = now < first ? first : first + Math.ceil((now - first + 1) / (timing.periodMs * scale)) * timing.periodMs * scale;
      } else {
        readySince = timeline.runningSince + timing.initialDelayMs * scale;
        if (now < readySince) {
          ready = false;
          probeWake = readySince;
        }
      }
    }
    const status: ContainerStatus = {
      ...base, imageID, containerID: latestId, started: true, ready, restartCount,
      state: { running: { startedAt: cluster.timestamp(timeline.runningSince) } },
      lastState: previousState(timeline.previousFinished, restartCount - 1),
    };
    const next = Math.min(wakeAt ?? never, probeWake ?? never);
    return view('running', status, { timeline, ...(ready && readySince !== undefined ? { readySince } : {}), ...(Number.isFinite(next) ? { wakeAt: next } : {}) });
  }
  const finished = timeline.latestFinished;
  if (timeline.backOff && finished) {
    const podName = `${pod.metadata?.name}_${pod.metadata?.namespace}(${uid})`;
    const status: ContainerStatus = {
      ...base, imageID, containerID: latestId, restartCount,
      state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${formatGoDuration(timeline.backOff.durationMs)} restarting failed container=${container.name} pod=${podName}` } },
      lastState: previousState(finished, restartCount),
    };
    return view('backoff', status, { timeline, wakeAt: Math.min(timeline.backOff.restartAt, now + sync) });
  }
  if (finished) {
    const status: ContainerStatus = {
      ...base, imageID, containerID: latestId, restartCount,
      state: terminated(cluster, uid, container.name, restartCount, finished, terminationMessage(container, faults, finished)),
      lastState: previousState(timeline.previousFinished, restartCount - 1),
    };
    return view('terminated', status, { timeline });
  }
  return view('creating', { ...base, state: { waiting: { reason: 'ContainerCreating' } } }, { ...(wakeAt !== undefined ? { wakeAt } : {}) });
}

function condition(type: string, ok: boolean, at: number, cluster: SandboxCluster, reason?: string, message?: string): PodCondition {
  return {
    type, status: ok ? 'True' : 'False', lastProbeTime: null as unknown as string, lastTransitionTime: cluster.timestamp(at),
    ...(reason ? { reason } : {}), ...(message ? { message } : {}),
  };
}

/** The pod's status at `now` from what the kubelet remembers (updating the memory as checks run). */
export function evaluatePod(cluster: SandboxCluster, pod: Pod, runtime: PodRuntime, now: number): PodView {
  const previous = pod.status ?? {};
  const spec = pod.spec;
  const containers = spec?.containers ?? [];
  const initContainers = spec?.initContainers ?? [];
  const volumesStart = runtime.boundAt + runtime.startDelayMs;
  const views: ContainerView[] = [];
  const sync = cluster.timings.kubeletSyncMs;
  let mount: PodView['mount'];
  const mounted = retry(runtime.volumes, volumesStart, now, sync, () => {
    const problem = volumeProblem(cluster, pod);
    return problem ? JSON.stringify(problem) : undefined;
  });
  if (!mounted && runtime.volumes.message) mount = JSON.parse(runtime.volumes.message) as { volume: string; message: string };
  let cursor: number | undefined = mounted ? runtime.volumes.passedAt : undefined;
  let initialized = initContainers.length === 0;
  let initDoneAt = cursor;
  initContainers.forEach((container, index) => {
    if (container.restartPolicy === 'Always') {
      // A sidecar: starts in order, keeps running, and does not hold the pod's initialization.
      const sidecar = evaluateContainer(cluster, pod, runtime, container, index, false, cursor, now);
      views.push({ ...sidecar, init: true });
      return;
    }
    const state = containerRuntime(runtime, container.name);
    state.runMs ??= runtime.initRunMs;
    const view = evaluateContainer(cluster, pod, runtime, container, index, true, cursor, now);
    views.push(view);
    const done = view.stage === 'terminated' && view.timeline?.latestFinished?.exitCode === 0;
    cursor = done ? view.timeline?.latestFinished?.finishedAt : undefined;
  });
  if (initContainers.length > 0) {
    initialized = cursor !== undefined;
    initDoneAt = cursor;
  }
  containers.forEach((container, index) => {
    const state = containerRuntime(runtime, container.name);
    if ((spec?.restartPolicy ?? 'Always') !== 'Always') {
      const owner = pod.metadata?.ownerReferences?.find((reference) => reference.controller)?.uid;
      state.runMs ??= (owner ? cluster.jobRunFor.get(owner) : undefined) ?? (runtime.historic ? 45_000 : cluster.timings.jobRunMs);
    }
    views.push(evaluateContainer(cluster, pod, runtime, container, index, false, initialized ? initDoneAt : undefined, now));
  });
  const appViews = views.filter((view) => !view.init);
  const initViews = views.filter((view) => view.init && view.container.restartPolicy !== 'Always');
  // Phase, the kubelet's getPhase: a waiting container that never ran keeps the pod Pending.
  const restartPolicy = spec?.restartPolicy ?? 'Always';
  let phase: string;
  const initFailedForGood = initViews.some((view) => view.stage === 'terminated' && (view.timeline?.latestFinished?.exitCode ?? 0) !== 0);
  if (runtime.evicted) phase = 'Failed';
  else if (initFailedForGood) phase = 'Failed';
  else if (!initialized) phase = 'Pending';
  else {
    let waiting = 0;
    let running = 0;
    let stopped = 0;
    let succeeded = 0;
    for (const view of appViews) {
      if (view.stage === 'running') running += 1;
      else if (view.stage === 'terminated') {
        stopped += 1;
        if (view.timeline?.latestFinished?.exitCode === 0) succeeded += 1;
      } else if (view.stage === 'backoff') stopped += 1;
      else waiting += 1;
    }
    if (waiting > 0) phase = 'Pending';
    else if (running > 0) phase = 'Running';
    else if (stopped > 0) {
      if (restartPolicy === 'Always') phase = 'Running';
      else if (stopped === succeeded && appViews.every((view) => view.stage === 'terminated')) phase = 'Succeeded';
      else if (restartPolicy === 'Never' && appViews.every((view) => view.stage === 'terminated')) phase = 'Failed';
      else phase = 'Running';
    } else phase = 'Pending';
  }
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  let containerStatuses = appViews.map((view) => view.status);
  let initStatuses = views.filter((view) => view.init).map((view) => view.status);
  if (runtime.evicted) {
    // The eviction manager killed every container (SIGKILL: exit 137).
    const killedAt = cluster.timestamp(runtime.evicted.at);
    const kill = (status: ContainerStatus): ContainerStatus => {
      if (!status.state?.running) return { ...status, ready: false, started: false };
      return { ...status, ready: false, started: false, state: { terminated: { exitCode: 137, reason: 'Error', startedAt: status.state.running.startedAt, finishedAt: killedAt, containerID: status.containerID } } };
    };
    containerStatuses = containerStatuses.map(kill);
    initStatuses = initStatuses.map(kill);
  }
  const unready = appViews.filter((view, index) => !(containerStatuses[index]?.ready ?? false)).map((view) => view.name);
  const allReady = unready.length === 0 && !terminal;
  const sandboxAt = runtime.volumes.passedAt;
  const readyAt = allReady ? Math.max(...appViews.map((view) => view.readySince ?? volumesStart), sandboxAt ?? volumesStart) : latestUnreadyTime(appViews, sandboxAt ?? runtime.boundAt);
  const terminalAt = terminal ? (runtime.evicted?.at ?? Math.max(...appViews.map((view) => view.timeline?.latestFinished?.finishedAt ?? 0), ...initViews.map((view) => view.timeline?.latestFinished?.finishedAt ?? 0))) : 0;
  const readyReason = phase === 'Succeeded' ? 'PodCompleted' : phase === 'Failed' ? 'PodFailed' : 'ContainersNotReady';
  const readyMessage = phase === 'Succeeded' ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const incompleteInits = initViews.filter((view) => !(view.stage === 'terminated' && view.timeline?.latestFinished?.exitCode === 0)).map((view) => view.name);
  const conditions: PodCondition[] = [
    condition('PodReadyToStartContainers', sandboxAt !== undefined && !terminal, terminal ? terminalAt : sandboxAt ?? volumesStart, cluster),
    initialized || phase === 'Succeeded'
      ? condition('Initialized', true, initDoneAt ?? volumesStart, cluster, phase === 'Succeeded' && initContainers.length === 0 ? 'PodCompleted' : undefined)
      : condition('Initialized', false, runtime.boundAt, cluster, 'ContainersNotInitialized', `containers with incomplete status: [${incompleteInits.join(' ')}]`),
    allReady ? condition('Ready', true, readyAt, cluster) : condition('Ready', false, terminal ? terminalAt : readyAt, cluster, readyReason, readyMessage),
    allReady ? condition('ContainersReady', true, readyAt, cluster) : condition('ContainersReady', false, terminal ? terminalAt : readyAt, cluster, readyReason, readyMessage),
    condition('PodScheduled', true, runtime.boundAt, cluster),
  ];
  if (runtime.evicted) {
    conditions.unshift({ type: 'DisruptionTarget', status: 'True', lastProbeTime: null as unknown as string, lastTransitionTime: cluster.timestamp(runtime.evicted.at), reason: 'TerminationByKubelet', message: runtime.evicted.message });
  }
  // A condition that did not change keeps the time it last changed.
  for (const entry of conditions) {
    const old = previous.conditions?.find((candidate) => candidate.type === entry.type);
    if (old && old.status === entry.status && old.lastTransitionTime) entry.lastTransitionTime = old.lastTransitionTime;
  }
  const status: NonNullable<Pod['status']> = {
    phase,
    conditions,
    hostIP: previous.hostIP, hostIPs: previous.hostIPs,
    ...(terminal ? {} : { podIP: previous.podIP, podIPs: previous.podIPs }),
    startTime: cluster.timestamp(runtime.boundAt),
    ...(initStatuses.length > 0 ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses,
    qosClass: previous.qosClass ?? qosClass(containers),
  };
  if (runtime.evicted) {
    status.reason = 'Evicted';
    status.message = runtime.evicted.message;
  }
  const wakes = [mount ? (runtime.volumes.lastCheckAt ?? now) + sync : never, ...views.map((view) => view.wakeAt ?? never)];
  if (!mounted && now < volumesStart) wakes.push(volumesStart);
  const wakeAt = terminal ? undefined : Math.min(...wakes);
  return { status, containers: views, ...(mount ? { mount } : {}), terminal, ...(wakeAt !== undefined && Number.isFinite(wakeAt) ? { wakeAt } : {}) };
}

function latestUnreadyTime(views: ContainerView[], fallback: number): number {
  let latest = fallback;
  for (const view of views) {
    const finished = view.timeline?.latestFinished?.finishedAt;
    if (finished !== undefined && finished > latest) latest = finished;
    const running = view.timeline?.runningSince;
    if (view.stage === 'running' && running !== undefined && running > latest) latest = running;
  }
  return latest;
}

/** The crash fault of a container by name (logs and metrics read it). */
export function crashFault(cluster: SandboxCluster, pod: Pod, name: string): Fault | undefined {
  const index = (pod.spec?.containers ?? []).findIndex((container) => container.name === name);
  const initIndex = (pod.spec?.initContainers ?? []).findIndex((container) => container.name === name);
  const container = index >= 0 ? pod.spec?.containers[index] : pod.spec?.initContainers?.[initIndex];
  if (!container) return undefined;
  return containerFaults(cluster, pod, container, index >= 0 ? index : initIndex, index < 0).crash;
}
