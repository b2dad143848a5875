/**
 * The HTTP server's core and where the server is in its life. The core may still be loading when the
 * server listens (no --preload); once it is there it is made drainable (kubectl behind a gate that
 * shutdown closes, the audit log behind a ledger of outcomes still to write) and gets its plan queue.
 */
import os from 'node:os';
import { serializeError, type SerializedError } from '../errors.js';
import type { Core } from '../contracts/core.js';
import { createCoreDrain, type CoreDrain } from '../lifecycle/core-drain.js';
import type { Config } from '../schemas/config.js';
import { createPlanQueue, type PlanQueue } from './plan-queue.js';

/** Where the server is: loading its core, serving, unable to load it, or shutting down. */
export type ServerPhase = 'starting' | 'ready' | 'failed' | 'shutting-down';

/** The server's core, its queue and drain once loaded, and its phase. */
export interface ServerCore {
  /** The drainable core; rejects when the core could not load. */
  readonly ready: Promise<Core>;
  readonly phase: ServerPhase;
  /** True once an LLM planner has answered (or the model was loaded before listening). */
  modelLoaded: boolean;
  /** There once `ready` has resolved. */
  readonly queue: PlanQueue | undefined;
  /** There once `ready` has resolved. */
  readonly drain: CoreDrain | undefined;
  /** Why the core could not load. */
  readonly startupError: SerializedError | undefined;
  /** Shutdown has begun: the phase says so and kubectl's gate closes (now, or as soon as the core is there). */
  beginShutdown(): void;
}

/** How the server core is loaded. */
export interface ServerCoreOptions {
  settings: Config['server'];
  /** How many requests plan at once; defaults to `settings.planConcurrency`, then to what suits the planner. */
  planConcurrency?: number;
  modelPreloaded?: boolean;
}

/** Loads the server's core behind the caller's (a core or a promise of one). */
export function loadServerCore(core: Core | Promise<Core>, options: ServerCoreOptions): ServerCore {
  let phase: ServerPhase = 'starting';
  let queue: PlanQueue | undefined;
  let drain: CoreDrain | undefined;
  let startupError: SerializedError | undefined;

  const ready: Promise<Core> = Promise.resolve(core).then(
    (loaded) => {
      drain = createCoreDrain(loaded);
      if (phase === 'shutting-down') drain.close();
      const concurrency = options.planConcurrency ?? options.settings.planConcurrency ?? (loaded.planner.kind === 'llm' ? 1 : 16 * os.availableParallelism());
      queue = createPlanQueue({ concurrency, maxWaiting: options.settings.maxQueue });
      if (phase === 'starting') phase = 'ready';
      return drain.core;
    },
    (error: unknown) => {
      phase = 'failed';
      startupError = serializeError(error);
      throw error;
    },
  );
  // Awaited per request; this keeps an early failure from being an unhandled rejection.
  ready.catch(() => undefined);

  return {
    ready,
    get phase() {
      return phase;
    },
    modelLoaded: options.modelPreloaded === true,
    get queue() {
      return queue;
    },
    get drain() {
      return drain;
    },
    get startupError() {
      return startupError;
    },
    beginShutdown() {
      phase = 'shutting-down';
      drain?.close();
    },
  };
}
