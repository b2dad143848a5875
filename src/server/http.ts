/**
 * The HTTP server (fastify): GET /health, POST /k8s-exec, POST /plan and POST /diagnose, each a thin
 * consumer of the pipeline (k8s_exec, k8s_plan, k8s_diagnose). It adds only what a network door
 * needs: a bearer token, Host and Origin checks (DNS rebinding, browsers), an approval token with
 * every confirm, a body limit, slow-client limits (headers, body and keep-alive timeouts, a
 * connection limit), a bounded queue in front of planning, per-request deadlines, NDJSON streaming,
 * and a graceful shutdown that lets running kubectl commands finish, records every outcome and
 * answers every request. This file builds the server; each route and guard has its own module.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Core } from '../contracts/core.js';
import type { Config } from '../schemas/config.js';
import { findExecutable } from '../config/find-executable.js';
import { assertBoundToLoopback, assertServerExposure, createBearerCheck } from './auth.js';
import { guardConnections } from './connection-guard.js';
import { registerDiagnoseRoute } from './diagnose-route.js';
import { installErrorReplies } from './error-replies.js';
import { registerExecPlanRoutes } from './exec-plan-routes.js';
import { registerHealthRoute } from './health-route.js';
import { installRequestGuards } from './request-guards.js';
import { createFlights } from './request-flights.js';
import { loadServerCore } from './server-core.js';
import { shutDownServer, type ShutdownOptions, type ShutdownSummary } from './server-shutdown.js';

export { inputErrorBody } from './error-replies.js';
export { statusForDocument } from './document-reply.js';
export type { ShutdownOptions, ShutdownSummary } from './server-shutdown.js';

/** How to build the HTTP server. Host, port, token and limits default to `config.server`. */
export interface HttpServerOptions {
  config: Config;
  /** The core, or a promise of it: without --preload the server listens first and builds the core behind. */
  core: Core | Promise<Core>;
  host?: string;
  port?: number;
  token?: string;
  /** How many requests plan at once (default: 1 with an LLM planner, 16 per core with the template planner, whose requests mostly wait on the audit fsync). */
  planConcurrency?: number;
  /** True when the model was loaded before listening (reported by /health). */
  modelPreloaded?: boolean;
  /** Notified of what the server does (listening, shutdown progress); the CLI prints it to stderr. */
  onLog?: (message: string) => void;
}

/** A running (or ready to run) HTTP server. */
export interface HttpServer {
  readonly app: FastifyInstance;
  /** Starts listening; resolves with the URL (port 0 picks a free port). */
  listen(): Promise<string>;
  /**
   * Stops accepting, lets running kubectl finish until the grace period ends, cancels the rest,
   * waits for every outcome record and answer, then closes. Idempotent.
   */
  shutdown(options?: ShutdownOptions): Promise<ShutdownSummary>;
}

const ROUTES = 'GET /health, POST /k8s-exec, POST /plan, POST /diagnose';

/** Builds the server (it does not listen yet). Throws ConfigError for an exposed host without a token. */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const settings = options.config.server;
  const host = options.host ?? settings.host;
  const port = options.port ?? settings.port;
  const token = options.token ?? settings.token;
  assertServerExposure(host, token);
  const log = options.onLog ?? (() => undefined);
  const checkBearer = createBearerCheck(token);
  const users = new WeakMap<FastifyRequest, string>();
  const userOf = (request: FastifyRequest) => users.get(request) ?? 'unknown';
  const registry = createFlights();
  const startedAt = Date.now();
  const kubectlFound = findExecutable(options.config.kubectl.path);
  const serverCore = loadServerCore(options.core, { settings, planConcurrency: options.planConcurrency, modelPreloaded: options.modelPreloaded });

  const bodyTimeoutMs = settings.bodyTimeoutSeconds * 1000;
  // loadConfig refuses headers > body; a config built by hand is clamped rather than crash Node's check.
  const headersTimeoutMs = Math.min(settings.headersTimeoutSeconds * 1000, bodyTimeoutMs);
  const app = Fastify({
    logger: false,
    bodyLimit: settings.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Node's own limits on slow clients: the head, then the whole request must arrive in time
    // (else it answers 408 and closes); an idle kept-alive socket closes after keepAliveTimeout.
    requestTimeout: bodyTimeoutMs,
    keepAliveTimeout: settings.keepAliveTimeoutSeconds * 1000,
    http: {
      headersTimeout: headersTimeoutMs,
      requestTimeout: bodyTimeoutMs,
      // Node checks those deadlines on this interval (default 30 s, which would let a 10 s limit run to 40 s).
      connectionsCheckingInterval: Math.round(Math.max(50, Math.min(1000, Math.min(headersTimeoutMs, bodyTimeoutMs) / 4))),
    },
  });
  const connections = guardConnections(app.server, { maxConnections: settings.maxConnections, onLog: log });

  installRequestGuards(app, { connections, maxConnections: settings.maxConnections, token, checkBearer, users, isShuttingDown: () => serverCore.phase === 'shutting-down' });
  installErrorReplies(app, { bodyLimitBytes: settings.bodyLimitBytes, routes: ROUTES });
  registerHealthRoute(app, { config: options.config, serverCore, connections, token, checkBearer, kubectlFound, startedAt });
  registerExecPlanRoutes(app, { serverCore, config: options.config, userOf, startFlight: registry.start });
  registerDiagnoseRoute(app, { core: serverCore.ready, config: options.config, userOf, startFlight: registry.start });

  let shuttingDown: Promise<ShutdownSummary> | undefined;
  const shutdown = (shutdownOptions: ShutdownOptions) =>
    shutDownServer({ app, serverCore, flights: registry.active, graceSeconds: options.config.shutdownGraceSeconds, log }, shutdownOptions);

  return {
    app,
    async listen() {
      const address = await app.listen({ host, port });
      if (token === undefined) {
        // `localhost` is resolved when listening: make sure it did not lead anywhere but this machine.
        try {
          assertBoundToLoopback(host, app.addresses().map((bound) => (typeof bound === 'string' ? bound : bound.address)));
        } catch (error) {
          await app.close();
          throw error;
        }
      }
      log(`rk8s HTTP server listening on ${address}${token === undefined ? ' (no token: loopback only)' : ' (bearer token required)'}`);
      return address;
    },
    shutdown(shutdownOptions = {}) {
      shuttingDown ??= shutdown(shutdownOptions);
      return shuttingDown;
    },
  };
}
