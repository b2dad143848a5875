/**
 * A core that can be drained: its kubectl runner sits behind a gate (closed: nothing new starts;
 * cancel: what runs is stopped) and its audit log behind a ledger (which started operations still
 * lack their outcome record). Every front-end stops through one: close, wait for `idle`, exit.
 */
import type { Core } from '../contracts/core.js';
import { createKubectlGate } from './kubectl-gate.js';
import { createOutcomeLedger } from './outcome-ledger.js';

/** The drainable core and its controls. */
export interface CoreDrain {
  /** Use this core: the caller's, with the gated runner and the watched log. */
  readonly core: Core;
  /** kubectl runs in progress. */
  readonly runningCommands: number;
  /** Started operations whose outcome record is not durable yet. */
  readonly pendingOutcomes: number;
  /** Outcome records that could not be written. */
  readonly unwrittenOutcomes: number;
  /** True while a run started with this signal is in progress. */
  isRunning(signal: AbortSignal | undefined): boolean;
  /** From now on every new kubectl run is refused (and recorded as `cancelled` by the pipeline). */
  close(): void;
  /** Resolves when no kubectl runs and every started operation has its outcome record. */
  idle(): Promise<void>;
}

/** Wraps a core; `cancel` aborting stops every kubectl run in progress. */
export function createCoreDrain(core: Core, options: { cancel?: AbortSignal } = {}): CoreDrain {
  const gate = createKubectlGate(core.kubectl, options);
  const ledger = createOutcomeLedger(core.auditLog);
  // A copy with the two seams replaced; the policy fields stay shared with the original, because
  // reloadPolicy() replaces them on whichever object it is given.
  const drained: Core = Object.defineProperties(
    { ...core, kubectl: gate.runner, auditLog: ledger.auditLog },
    {
      policy: { enumerable: true, get: () => core.policy, set: (policy: Core['policy']) => void (core.policy = policy) },
      validator: { enumerable: true, get: () => core.validator, set: (validator: Core['validator']) => void (core.validator = validator) },
    },
  );
  return {
    core: drained,
    get runningCommands() {
      return gate.active;
    },
    get pendingOutcomes() {
      return ledger.pending;
    },
    get unwrittenOutcomes() {
      return ledger.unwritten;
    },
    isRunning: (signal) => gate.isRunning(signal),
    close: () => gate.close(),
    async idle() {
      // The outcome is written after kubectl exits, so wait for the runs first, then the records.
      await gate.idle();
      await ledger.settled();
    },
  };
}
