/**
 * Bounds the sockets the HTTP server holds, so slow or idle clients can never lock out /health or
 * real requests (a few hundred trickling sockets once exhausted the process's file descriptors).
 *
 * A connection is either busy (a whole request has arrived and is being answered) or not (it has
 * sent nothing yet, is still sending its request, or idles between keep-alive requests). At the
 * limit, a new connection evicts the oldest connection that is not busy: slowloris sockets are the
 * oldest of those, and an evicted idle keep-alive socket costs its client one reconnect. A busy
 * connection is never cut. When every connection is busy, the new one is answered 503 and closed.
 * Node's headers, body and keep-alive timeouts (set by the server) cut slow sockets on their own;
 * this guard covers the time until they do.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

/** Sockets beyond the limit that may wait for their 503 at once; past that Node drops new connections unanswered. */
export const REFUSAL_HEADROOM = 64;

/** How long a refused socket may take to send its request before it is closed unanswered. */
const REFUSAL_WINDOW_MS = 2000;

/** Counts for /health. */
export interface ConnectionStats {
  open: number;
  max: number;
  /** Idle or slow connections closed to make room, since the start. */
  evicted: number;
  /** Connections answered 503 because every connection was busy, since the start. */
  refused: number;
}

/** The guard; the server reports each request's progress to it. */
export interface ConnectionGuard {
  /** A request's head has arrived. True when its connection was refused: answer 503 and close. */
  requestStarted(request: IncomingMessage): boolean;
  /** The whole request has arrived and is being answered: its connection is not evicted until it is answered. */
  requestAccepted(request: IncomingMessage): void;
  /** The answer has been sent. */
  requestAnswered(request: IncomingMessage): void;
  stats(): ConnectionStats;
}

interface SocketState {
  /** When the socket connected or last finished an answer: the oldest idle one is evicted first. */
  since: number;
  /** Requests on it being answered (more than one only with pipelining). */
  busy: number;
  refused: boolean;
}

/** Guards `server`'s connections; `onLog` hears about evictions and refusals (at most once a second). */
export function guardConnections(server: Server, options: { maxConnections: number; onLog?: (message: string) => void; now?: () => number }): ConnectionGuard {
  const max = options.maxConnections;
  const now = options.now ?? (() => performance.now());
  const sockets = new Map<Socket, SocketState>();
  let evicted = 0;
  let refused = 0;
  let lastLog = -Infinity;
  // The hard cap, beyond which Node closes a new connection before any JavaScript sees it.
  server.maxConnections = max + REFUSAL_HEADROOM;

  const note = (message: string) => {
    if (now() - lastLog < 1000) return;
    lastLog = now();
    options.onLog?.(message);
  };

  server.on('connection', (socket: Socket) => {
    const state: SocketState = { since: now(), busy: 0, refused: false };
    sockets.set(socket, state);
    socket.once('close', () => sockets.delete(socket));
    if (sockets.size <= max) return;
    let victim: Socket | undefined;
    let oldest = Infinity;
    for (const [candidate, candidateState] of sockets) {
      if (candidate === socket || candidateState.busy > 0 || candidateState.refused) continue;
      if (candidateState.since < oldest) {
        oldest = candidateState.since;
        victim = candidate;
      }
    }
    if (victim) {
      evicted += 1;
      sockets.delete(victim);
      victim.destroy();
      note(`connection limit (${max}) reached: closed the oldest idle or still-sending connection to serve a new one (server.maxConnections)`);
      return;
    }
    refused += 1;
    state.refused = true;
    setTimeout(() => socket.destroy(), REFUSAL_WINDOW_MS).unref();
    note(`connection limit (${max}) reached with every connection busy: answering 503 (server.maxConnections)`);
  });

  const stateOf = (request: IncomingMessage) => sockets.get(request.socket);
  const accepted = new WeakSet<IncomingMessage>();

  return {
    requestStarted: (request) => stateOf(request)?.refused === true,
    requestAccepted(request) {
      const state = stateOf(request);
      if (!state || accepted.has(request)) return;
      accepted.add(request);
      state.busy += 1;
    },
    requestAnswered(request) {
      const state = stateOf(request);
      if (!state) return;
      if (accepted.delete(request)) state.busy -= 1;
      state.since = now();
    },
    stats: () => ({ open: sockets.size, max, evicted, refused }),
  };
}
