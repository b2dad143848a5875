/**
 * The HTTP server's graceful shutdown: stop accepting, abort what has not reached kubectl yet, let
 * running kubectl finish until the grace period ends, cancel the rest, then wait for every outcome
 * record and every answer.
 */
import type { FastifyInstance } from 'fastify';
import type { Flight } from './request-flights.js';
import type { ServerCore } from './server-core.js';

/** How to shut down. */
export interface ShutdownOptions {
  /**
   * Aborting it ends the grace period: running commands are cancelled. When given, the caller owns
   * the grace period (rk8s serve: src/cli/shutdown.ts); otherwise it is `config.shutdownGraceSeconds`.
   */
  cancel?: AbortSignal;
}

/** What a graceful shutdown did. */
export interface ShutdownSummary {
  /** Requests in flight when shutdown began. */
  inFlight: number;
  /** kubectl commands that were still running when shutdown began. */
  runningCommands: number;
  /** Requests aborted (before running anything, or at the deadline). */
  aborted: number;
  /** True when the grace deadline passed with commands still running. */
  deadlineReached: boolean;
  /** Outcome records that could not be written (the audit log is missing them). */
  unwrittenOutcomes: number;
}

/** What shutdown works on. */
export interface ServerShutdownContext {
  app: FastifyInstance;
  serverCore: ServerCore;
  /** The requests in progress. */
  flights: ReadonlySet<Flight>;
  /** The grace period when the caller gives no `cancel` signal. */
  graceSeconds: number;
  log(message: string): void;
}

/** Shuts the server down once (the caller keeps it idempotent). */
export async function shutDownServer(context: ServerShutdownContext, options: ShutdownOptions): Promise<ShutdownSummary> {
  // serverCore.drain is read where it is used: a core still loading may arrive meanwhile.
  const { app, serverCore, flights, log } = context;
  serverCore.beginShutdown();
  // Stop accepting first; close() resolves once the requests still in flight have answered.
  const closing = app.close();
  // Node closes idle keep-alive sockets once, when close() is called; sockets that go idle later
  // (answers finishing during the grace period) would hold it open until the client's keep-alive ends.
  // Once no pipeline request is left, sockets that never sent a request are cut too.
  const sweeper = setInterval(() => (flights.size === 0 ? app.server.closeAllConnections() : app.server.closeIdleConnections()), 50);
  sweeper.unref();
  void closing.finally(() => clearInterval(sweeper));
  const summary: ShutdownSummary = { inFlight: flights.size, runningCommands: serverCore.drain?.runningCommands ?? 0, aborted: 0, deadlineReached: false, unwrittenOutcomes: 0 };
  // Requests not running kubectl yet (queued, planning) have nothing worth waiting for.
  for (const flight of flights) {
    if (!serverCore.drain?.isRunning(flight.controller.signal)) {
      flight.abort('shutdown');
      summary.aborted += 1;
    }
  }
  if (summary.runningCommands > 0) log(`waiting for ${summary.runningCommands} running kubectl command(s) to finish`);
  let deadline: NodeJS.Timeout | undefined;
  let onCancel: (() => void) | undefined;
  const graceOver = new Promise<'expired'>((resolve) => {
    const cancel = options.cancel;
    if (cancel === undefined) {
      deadline = setTimeout(() => resolve('expired'), context.graceSeconds * 1000);
      return;
    }
    onCancel = () => resolve('expired');
    if (cancel.aborted) onCancel();
    else cancel.addEventListener('abort', onCancel, { once: true });
  });
  const outcome = serverCore.drain ? await Promise.race([serverCore.drain.idle().then(() => 'idle' as const), graceOver]) : 'idle';
  clearTimeout(deadline);
  if (onCancel) options.cancel?.removeEventListener('abort', onCancel);
  if (outcome === 'expired') {
    summary.deadlineReached = (serverCore.drain?.runningCommands ?? 0) > 0 || (serverCore.drain?.pendingOutcomes ?? 0) > 0;
    for (const flight of flights) {
      if (!flight.controller.signal.aborted) {
        flight.abort('shutdown');
        summary.aborted += 1;
      }
    }
  }
  // The cancelled commands' outcome records, then every answer.
  await serverCore.drain?.idle();
  await closing;
  summary.unwrittenOutcomes = serverCore.drain?.unwrittenOutcomes ?? 0;
  return summary;
}
