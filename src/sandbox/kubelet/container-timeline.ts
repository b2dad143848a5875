/**
 * One container's life as a pure function of time, the way the kubelet restarts it: each instance
 * runs `runMs` and ends (a crash, an OOM kill, a liveness kill or a clean exit); the first restart
 * is immediate, later ones wait a back-off that doubles from `backOffMs` up to `maxBackOffMs`
 * (Kubernetes: 10 s to 5 min), and an instance that lived longer than twice the maximum resets it.
 * The scenario loader and the running kubelet both read the state from here, so a pod placed in
 * the past and a pod that crashes live tell the same story.
 */

/** How one instance ends. */
export interface Termination {
  exitCode: number;
  reason: string;
}

/** What the timeline needs to know about a container. */
export interface TimelineInput {
  /** When instance 0 started. */
  firstStart: number;
  /** How long each instance runs before it ends; Infinity for a container that keeps running. */
  runMs: number;
  termination: Termination;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  backOffMs: number;
  maxBackOffMs: number;
  /** Gap before the first (immediate) restart: the kubelet's next sync. */
  immediateRestartMs: number;
  /** History the scenario gives: instance `restarts` ended at `lastFinishedAt`. */
  anchor?: { restarts: number; lastFinishedAt: number };
}

/** One finished instance. */
export interface FinishedInstance extends Termination {
  startedAt: number;
  finishedAt: number;
}

/** The container at a moment. */
export interface TimelineState {
  /** Restart count (the index of the latest instance). */
  restartCount: number;
  /** The latest instance is running since this time. */
  runningSince?: number;
  /** The latest instance ended (and waits for a restart, or for good). */
  latestFinished?: FinishedInstance;
  /** The instance before the latest, if it ended. */
  previousFinished?: FinishedInstance;
  /** Waiting for a restart: the back-off in force (what "back-off 5m0s" prints) and when it ends. */
  backOff?: { durationMs: number; restartAt: number };
  /** Ended for good (restartPolicy Never, or OnFailure after exit 0). */
  terminal: boolean;
  /** When this state changes next (a death or a restart); undefined if never. */
  nextChangeAt?: number;
}

function restarts(input: TimelineInput): boolean {
  if (input.restartPolicy === 'Always') return true;
  if (input.restartPolicy === 'OnFailure') return input.termination.exitCode !== 0;
  return false;
}

/**
 * The gap after instance `index` ended before the next starts, given how long the previous cycle
 * took (`sinceLastEnd`: from the previous instance's end to this one's end).
 */
function gapAfter(input: TimelineInput, exponent: number): number {
  if (exponent <= 0) return input.immediateRestartMs;
  return Math.min(input.backOffMs * 2 ** (exponent - 1), input.maxBackOffMs);
}

/**
 * The state of the container at `now`. An anchor (restartCount R, last termination at L) reads as
 * kubectl shows it, "R (L ago)": either instance R ended at L and waits out its back-off, or, when
 * it would already run again, instance R-1 ended at L and instance R runs since.
 */
export function timelineAt(input: TimelineInput, now: number): TimelineState {
  const state = rawTimelineAt(input, now);
  const anchor = input.anchor;
  if (anchor && anchor.restarts > 0 && state.restartCount > anchor.restarts && now >= anchor.lastFinishedAt) {
    return rawTimelineAt({ ...input, anchor: { restarts: anchor.restarts - 1, lastFinishedAt: anchor.lastFinishedAt } }, now);
  }
  return state;
}

function rawTimelineAt(input: TimelineInput, now: number): TimelineState {
  const run = input.runMs;
  const resetAfter = 2 * input.maxBackOffMs;
  let index: number;
  let startedAt: number;
  let exponent: number;
  let previous: FinishedInstance | undefined;
  let lastEnd: number | undefined;
  if (input.anchor && input.anchor.restarts >= 0) {
    // The scenario says instance `restarts` ended at lastFinishedAt, after a steady crash loop.
    index = input.anchor.restarts;
    const finishedAt = input.anchor.lastFinishedAt;
    const lived = Number.isFinite(run) ? run : 60_000;
    const anchored: FinishedInstance = { ...input.termination, startedAt: finishedAt - lived, finishedAt };
    if (now < finishedAt) {
      return { restartCount: index, runningSince: anchored.startedAt, terminal: false, nextChangeAt: finishedAt };
    }
    if (!restarts(input)) return { restartCount: index, latestFinished: anchored, terminal: true };
    exponent = lived > resetAfter ? 0 : index;
    const gap = gapAfter(input, exponent);
    if (now < finishedAt + gap) {
      const previousEnd = finishedAt - lived - gapAfter(input, Math.max(0, exponent - 1));
      const before: FinishedInstance | undefined = index > 0 ? { ...input.termination, startedAt: previousEnd - lived, finishedAt: previousEnd } : undefined;
      return {
        restartCount: index, latestFinished: anchored, ...(before ? { previousFinished: before } : {}),
        backOff: { durationMs: gap, restartAt: finishedAt + gap }, terminal: false, nextChangeAt: finishedAt + gap,
      };
    }
    previous = anchored;
    lastEnd = finishedAt;
    index += 1;
    startedAt = finishedAt + gap;
    exponent += 1;
  } else {
    index = 0;
    startedAt = input.firstStart;
    exponent = 0;
  }
  if (now < startedAt) {
    return { restartCount: Math.max(0, index - 1), terminal: false, nextChangeAt: startedAt, ...(previous ? { latestFinished: previous } : {}) };
  }
  if (!Number.isFinite(run)) {
    return { restartCount: index, runningSince: startedAt, ...(previous ? { previousFinished: previous } : {}), terminal: false };
  }
  // Once the back-off is at its cap, every cycle is run + max: jump over whole cycles.
  for (let guard = 0; guard < 100_000; guard += 1) {
    const finishedAt = startedAt + run;
    if (now < finishedAt) {
      return { restartCount: index, runningSince: startedAt, ...(previous ? { previousFinished: previous } : {}), terminal: false, nextChangeAt: finishedAt };
    }
    const current: FinishedInstance = { ...input.termination, startedAt, finishedAt };
    if (!restarts(input)) return { restartCount: index, latestFinished: current, ...(previous ? { previousFinished: previous } : {}), terminal: true };
    if (lastEnd !== undefined && finishedAt - lastEnd > resetAfter) exponent = 0;
    const gap = gapAfter(input, exponent);
    if (now < finishedAt + gap) {
      return {
        restartCount: index, latestFinished: current, ...(previous ? { previousFinished: previous } : {}),
        backOff: { durationMs: gap, restartAt: finishedAt + gap }, terminal: false, nextChangeAt: finishedAt + gap,
      };
    }
    if (gap === input.maxBackOffMs && run + gap <= resetAfter) {
      const cycle = run + gap;
      const skip = Math.floor((now - (finishedAt + gap)) / cycle);
      if (skip > 1) {
        const jumped = skip - 1;
        index += jumped;
        startedAt += jumped * cycle;
        lastEnd = startedAt - gap;
        previous = { ...input.termination, startedAt: startedAt - cycle, finishedAt: startedAt - gap };
        continue;
      }
    }
    previous = current;
    lastEnd = finishedAt;
    index += 1;
    exponent += 1;
    startedAt = finishedAt + gap;
  }
  return { restartCount: index, runningSince: startedAt, terminal: false };
}

/** How many instances ended in [from, to] (events at load: restarts, BackOff periods). */
export function finishedBetween(input: TimelineInput, from: number, to: number): FinishedInstance[] {
  const result: FinishedInstance[] = [];
  let state = timelineAt(input, to);
  let guard = 0;
  while (guard < 500) {
    guard += 1;
    const finished = state.latestFinished ?? state.previousFinished;
    if (!finished || finished.finishedAt < from) break;
    if (!result.some((entry) => entry.finishedAt === finished.finishedAt)) result.push(finished);
    const before = finished.startedAt - 1;
    if (before <= from) break;
    state = timelineAt(input, before);
    if (!state.latestFinished && !state.previousFinished) break;
  }
  return result.reverse();
}
