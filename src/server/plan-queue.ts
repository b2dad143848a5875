/** A bounded concurrency queue in front of planning: a few run, some wait, the rest are turned away (HTTP 429). */
import { CancelledError, Rk8sError } from '../errors.js';

/** The queue is full: the caller should retry later. */
export class QueueFullError extends Rk8sError {
  override readonly code = 'SERVER_BUSY';
}

/** Releases a slot; calling it more than once is harmless. */
export type ReleaseSlot = () => void;

/** Counts for /health. */
export interface QueueStats {
  running: number;
  waiting: number;
  concurrency: number;
  maxWaiting: number;
}

/** A slot-based limiter. */
export interface PlanQueue {
  /**
   * Takes a slot now, or waits for one; throws QueueFullError at once when `maxWaiting` callers
   * already wait, and CancelledError when the signal aborts while waiting.
   */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot>;
  stats(): QueueStats;
}

/** Creates a queue running at most `concurrency` holders with at most `maxWaiting` waiting. */
export function createPlanQueue(options: { concurrency: number; maxWaiting: number }): PlanQueue {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const maxWaiting = Math.max(0, Math.floor(options.maxWaiting));
  let running = 0;
  const waiting: Array<{ grant: () => void }> = [];

  const slot = (): ReleaseSlot => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = waiting.shift();
      if (next) next.grant();
      else running -= 1;
    };
  };

  return {
    async acquire(signal) {
      signal?.throwIfAborted();
      if (running < concurrency) {
        running += 1;
        return slot();
      }
      if (waiting.length >= maxWaiting) {
        throw new QueueFullError(`the planner queue is full (${running} planning, ${waiting.length} waiting)`, { hint: 'retry in a moment' });
      }
      return new Promise<ReleaseSlot>((resolve, reject) => {
        const entry = {
          // The slot passes straight from the releaser to this waiter: `running` does not change.
          grant: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve(slot());
          },
        };
        const onAbort = () => {
          const index = waiting.indexOf(entry);
          if (index >= 0) waiting.splice(index, 1);
          reject(new CancelledError('cancelled while waiting for the planner'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(entry);
      });
    },
    stats: () => ({ running, waiting: waiting.length, concurrency, maxWaiting }),
  };
}
