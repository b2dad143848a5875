/**
 * The HTTP requests in progress: each has a deadline, is aborted when its client goes away or the
 * server shuts down, and answers with one status and error per reason. Every route uses this, so a
 * timeout is a 504 REQUEST_TIMEOUT and a shutdown a 503 SERVER_SHUTTING_DOWN whatever the route.
 */
import type { FastifyReply } from 'fastify';
import { CancelledError, type SerializedError } from '../errors.js';

/** Why a request was stopped. */
export type AbortReason = 'timeout' | 'client-closed' | 'shutdown';

/** One request in progress: how to stop it and why it was stopped. */
export interface Flight {
  readonly controller: AbortController;
  reason?: AbortReason;
  abort(reason: AbortReason): void;
}

/** The requests in progress, and how to start tracking one. */
export interface Flights {
  readonly active: Set<Flight>;
  /** Tracks the request of `reply`: aborted at `timeoutMs`, and when its connection closes before the answer. */
  start(reply: FastifyReply, timeoutMs: number): Flight;
}

/** An empty registry. */
export function createFlights(): Flights {
  const active = new Set<Flight>();
  return {
    active,
    start(reply, timeoutMs) {
      const controller = new AbortController();
      const flight: Flight = {
        controller,
        abort(reason) {
          if (controller.signal.aborted) return;
          flight.reason = reason;
          controller.abort(new CancelledError(reason === 'timeout' ? 'request timed out' : reason === 'shutdown' ? 'server shutting down' : 'client disconnected'));
        },
      };
      const timer = setTimeout(() => flight.abort('timeout'), timeoutMs);
      timer.unref();
      reply.raw.on('close', () => {
        clearTimeout(timer);
        active.delete(flight);
        if (!reply.raw.writableEnded) flight.abort('client-closed');
      });
      active.add(flight);
      return flight;
    },
  };
}

/** The status and error an aborted request answers with (undefined: not aborted, or its client is gone). */
export function abortAnswer(flight: Pick<Flight, 'reason'>, timeoutMs: number, what = 'the request'): { code: number; error: SerializedError } | undefined {
  if (flight.reason === 'timeout') return { code: 504, error: { code: 'REQUEST_TIMEOUT', message: `no answer within ${Math.round(timeoutMs / 1000)} s (server.requestTimeoutSeconds)` } };
  if (flight.reason === 'shutdown') return { code: 503, error: { code: 'SERVER_SHUTTING_DOWN', message: `the server is shutting down; ${what} was cancelled` } };
  return undefined;
}
