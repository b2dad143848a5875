/**
 * A KubectlRunner wrapper that knows which runs are in progress and, once closed for shutdown,
 * refuses to start new ones, so a stopping server lets running commands finish and starts nothing.
 */
import { CancelledError } from '../errors.js';
import type { KubectlRunner } from '../contracts/ports.js';

/** The gate around a runner. */
export interface KubectlGate {
  /** Use this runner in the server's core. */
  readonly runner: KubectlRunner;
  /** Runs in progress. */
  readonly active: number;
  /** True while a run started with this signal is in progress. */
  isRunning(signal: AbortSignal | undefined): boolean;
  /** From now on every new run throws CancelledError (the audit log then records `cancelled`). */
  close(): void;
  /** Resolves when no run is in progress. */
  idle(): Promise<void>;
}

/** How a gate behaves. */
export interface KubectlGateOptions {
  /** Aborting it cancels every run in progress (a shutdown's grace period is over). */
  cancel?: AbortSignal;
}

/** The run's own signal combined with the gate's cancel signal. */
function withCancel(signal: AbortSignal | undefined, cancel: AbortSignal | undefined): AbortSignal | undefined {
  if (cancel === undefined) return signal;
  return signal === undefined ? cancel : AbortSignal.any([signal, cancel]);
}

/** Wraps a runner in a gate. */
export function createKubectlGate(inner: KubectlRunner, options: KubectlGateOptions = {}): KubectlGate {
  const cancel = options.cancel;
  let closed = false;
  const running = new Map<AbortSignal | undefined, number>();
  let active = 0;
  let waiters: Array<() => void> = [];

  const finish = (signal: AbortSignal | undefined) => {
    active -= 1;
    const count = (running.get(signal) ?? 1) - 1;
    if (count <= 0) running.delete(signal);
    else running.set(signal, count);
    if (active === 0) {
      for (const wake of waiters) wake();
      waiters = [];
    }
  };

  return {
    runner: {
      async *run(args, runOptions = {}) {
        if (closed) throw new CancelledError('rk8s is shutting down: the command was not started');
        active += 1;
        running.set(runOptions.signal, (running.get(runOptions.signal) ?? 0) + 1);
        try {
          yield* inner.run(args, { ...runOptions, signal: withCancel(runOptions.signal, cancel) });
        } finally {
          finish(runOptions.signal);
        }
      },
      ...(inner.read
        ? {
            async read(args, readOptions = {}) {
              if (closed) throw new CancelledError('rk8s is shutting down: the read was not started');
              return inner.read!(args, { ...readOptions, signal: withCancel(readOptions.signal, cancel) });
            },
          }
        : {}),
    },
    get active() {
      return active;
    },
    isRunning: (signal) => signal !== undefined && running.has(signal),
    close() {
      closed = true;
    },
    idle: () => (active === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}
