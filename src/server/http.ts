/**
 * The HTTP server (fastify): GET /health, POST /k8s-exec and POST /plan, each a thin consumer of the
 * pipeline (k8s_exec and k8s_plan). It adds only what a network door needs: a bearer token, Host and
 * Origin checks (DNS rebinding, browsers), an approval token with every confirm, a body
 * limit, slow-client limits (headers, body and keep-alive timeouts, a connection limit), a bounded
 * queue in front of planning, per-request deadlines, NDJSON streaming, and a graceful shutdown
 * that lets running kubectl commands finish, records every outcome and answers every request.
 */
import os from 'node:os';
import { PassThrough } from 'node:stream';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { packageVersion } from '../config/paths.js';
import { InputError, serializeError, type SerializedError } from '../errors.js';
import type { Core } from '../contracts/core.js';
import type { PipelineEvent } from '../contracts/events.js';
import { parsePayload } from '../pipeline/propose.js';
import type { Config } from '../schemas/config.js';
import type { K8sExecPayload } from '../schemas/request.js';
import { k8s_exec } from '../tool/k8s-exec.js';
import { k8s_plan } from '../tool/k8s-plan.js';
import { assertConstraints } from '../pipeline/run-request.js';
import { assertBoundToLoopback, assertServerExposure, createBearerCheck } from './auth.js';
import { findExecutable } from '../config/find-executable.js';
import { guardConnections } from './connection-guard.js';
import { createCoreDrain, type CoreDrain } from '../lifecycle/core-drain.js';
import { NDJSON_MEDIA_TYPE, eventLine, resultLine, wantsNdjson } from '../output/ndjson.js';
import { QueueFullError, createPlanQueue, type PlanQueue, type ReleaseSlot } from './plan-queue.js';
import { checkRequestOrigin } from './request-origin.js';
import { registerDiagnoseRoute } from './diagnose-route.js';
import { untilAborted } from '../abortable.js';
import { abortAnswer, createFlights } from './request-flights.js';

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



/** The body of every error response. */
interface ErrorBody {
  error: SerializedError & { fields?: Array<{ path: string; message: string }> };
}

function errorBody(code: string, message: string, extra: Partial<ErrorBody['error']> = {}): ErrorBody {
  return { error: { code, message, ...extra } };
}

/** A 400 body from an InputError: the field paths and messages zod reported, in order. */
export function inputErrorBody(error: InputError): ErrorBody {
  const issues = ((error.details as { issues?: Array<{ field: string; message: string }> } | undefined)?.issues ?? []).map((issue) => ({
    path: issue.field,
    message: issue.message,
  }));
  const message = issues.length > 0 ? issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ') : error.message;
  return errorBody('INPUT_INVALID', message, { fields: issues, ...(error.hint ? { hint: error.hint } : {}) });
}

const ROUTES = 'GET /health, POST /k8s-exec, POST /plan, POST /diagnose';

/**
 * The HTTP status of a document: 200, except when a step could not be put on record (the audit log
 * could not be written): 507 when the disk is full, 503 otherwise, so monitoring sees it too.
 */
export function statusForDocument(document: object): number {
  const error = (document as { error?: { code?: string; message?: string } }).error;
  if (error?.code !== 'AUDIT_WRITE_FAILED') return 200;
  return /ENOSPC|no space/i.test(error.message ?? '') ? 507 : 503;
}


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
  const registry = createFlights();
  const flights = registry.active;
  const startedAt = Date.now();
  let state: 'starting' | 'ready' | 'failed' | 'shutting-down' = 'starting';
  let modelLoaded = options.modelPreloaded === true;
  let queue: PlanQueue | undefined;
  let drain: CoreDrain | undefined;
  let startupError: SerializedError | undefined;
  const kubectlFound = findExecutable(options.config.kubectl.path);

  // The server's core: the caller's, drainable (kubectl behind a gate that shutdown closes, the
  // audit log behind a ledger of outcomes still to write).
  const coreReady: Promise<Core> = Promise.resolve(options.core).then(
    (core) => {
      drain = createCoreDrain(core);
      if (state === 'shutting-down') drain.close();
      const concurrency = options.planConcurrency ?? settings.planConcurrency ?? (core.planner.kind === 'llm' ? 1 : 16 * os.availableParallelism());
      queue = createPlanQueue({ concurrency, maxWaiting: settings.maxQueue });
      if (state === 'starting') state = 'ready';
      return drain.core;
    },
    (error: unknown) => {
      state = 'failed';
      startupError = serializeError(error);
      throw error;
    },
  );
  // Awaited per request; this keeps an early failure from being an unhandled rejection.
  coreReady.catch(() => undefined);

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

  // Before anything else: a connection refused at the limit gets a 503 and nothing more.
  // (Callback-style hooks: they run on every request, and cost no promise.)
  app.addHook('onRequest', (request, reply, done) => {
    if (!connections.requestStarted(request.raw)) return done();
    reply
      .code(503)
      .header('connection', 'close')
      .header('retry-after', '1')
      .send(errorBody('SERVER_BUSY', `every connection is busy (server.maxConnections is ${settings.maxConnections}); retry in a moment`));
  });
  // The whole request has arrived (body parsed): from here until answered, its connection is never evicted.
  app.addHook('preValidation', (request, _reply, done) => {
    connections.requestAccepted(request.raw);
    done();
  });
  app.addHook('onResponse', (request, _reply, done) => {
    connections.requestAnswered(request.raw);
    done();
  });

  app.addHook('onRequest', async (request, reply) => {
    // Before the token and on every route (/health too): a browser must never get an answer.
    const refusal = checkRequestOrigin(request.headers, token !== undefined);
    if (refusal) {
      return reply.code(403).send(errorBody(refusal.code, refusal.message, {
        hint: refusal.code === 'HOST_NOT_ALLOWED' ? 'call http://127.0.0.1:<port>/ or http://localhost:<port>/ directly, not through another host name' : 'call the server from a script, an agent or curl, not from a web page',
      }));
    }
    if (request.url === '/health' || request.url.startsWith('/health?')) return;
    const user = checkBearer(request.headers.authorization);
    if (user === undefined) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="rk8s"')
        .send(errorBody('UNAUTHORIZED', 'missing or invalid bearer token', { hint: 'send Authorization: Bearer <RK8S_SERVER_TOKEN>' }));
    }
    users.set(request, user);
  });

  // While shutting down, answers close their connection: a kept-alive socket would hold close() open.
  app.addHook('onSend', async (_request, reply) => {
    if (state === 'shutting-down') reply.header('connection', 'close');
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send(errorBody('BODY_TOO_LARGE', `the request body is larger than ${settings.bodyLimitBytes} bytes`));
    }
    if (error.statusCode === 415) {
      return reply.code(415).send(errorBody('UNSUPPORTED_MEDIA_TYPE', 'send the payload as JSON with Content-Type: application/json'));
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(400).send(errorBody('INPUT_INVALID', `invalid request body: ${error.message}`, { fields: [] }));
    }
    return reply.code(500).send({ error: serializeError(error) });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}; routes: ${ROUTES}`));
  });

  app.get('/health', async (request, reply) => {
    const found = await kubectlFound;
    const ready = state === 'ready';
    const status = state === 'ready' ? 'ok' : state;
    // With a token, only a caller holding it learns what runs here (versions, paths, policy).
    if (token !== undefined && checkBearer(request.headers.authorization) === undefined) {
      return reply.code(ready ? 200 : 503).send({ status });
    }
    const core = ready ? await coreReady : undefined;
    const body = {
      status,
      version: packageVersion(),
      uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
      planner: core
        ? { kind: core.planner.kind, ...(core.planner.model ? { model: core.planner.model } : {}), model_loaded: core.planner.kind === 'llm' ? modelLoaded : null }
        : null,
      embedder: core?.retriever.embedderId ?? null,
      index_size: core?.retriever.size ?? null,
      kubectl: { path: options.config.kubectl.path, found: found !== undefined },
      policy_version: core?.validator.policyVersion ?? null,
      queue: queue?.stats() ?? null,
      running_commands: drain?.runningCommands ?? 0,
      connections: connections.stats(),
      auth: token === undefined ? 'none (loopback only)' : 'bearer',
      ...(startupError ? { error: startupError } : {}),
    };
    return reply.code(ready ? 200 : 503).send(body);
  });

  const handle = async (kind: 'exec' | 'plan', request: FastifyRequest, reply: FastifyReply) => {
    let payload: K8sExecPayload;
    try {
      payload = parsePayload(request.body);
      // Checked before any stream starts, so a streaming client gets the 400 too.
      if (kind === 'exec') assertConstraints(payload);
    } catch (error) {
      if (error instanceof InputError) return reply.code(400).send(inputErrorBody(error));
      throw error;
    }
    const execSeconds = Math.min(payload.constraints?.timeoutSeconds ?? options.config.exec.timeoutSeconds, options.config.exec.maxTimeoutSeconds);
    // The deadline covers queueing and planning; a command additionally gets its own kubectl timeout.
    const timeoutMs = (settings.requestTimeoutSeconds + (kind === 'exec' ? execSeconds : 0)) * 1000;
    const flight = registry.start(reply, timeoutMs);
    const signal = flight.controller.signal;

    let core: Core;
    let release: ReleaseSlot;
    try {
      core = await untilAborted(coreReady, signal);
      release = await queue!.acquire(signal);
    } catch (error) {
      if (error instanceof QueueFullError) return reply.code(429).header('retry-after', '1').send({ error: serializeError(error) });
      const aborted = abortAnswer(flight, timeoutMs);
      if (aborted) return reply.code(aborted.code).send({ error: aborted.error });
      if (flight.reason === 'client-closed') return reply;
      return reply.code(503).send(errorBody('NOT_READY', `the server could not load: ${serializeError(error).message}`));
    }

    const stream = wantsNdjson(request.headers.accept) ? new PassThrough() : undefined;
    if (stream) reply.code(200).header('content-type', `${NDJSON_MEDIA_TYPE}; charset=utf-8`).header('cache-control', 'no-store').send(stream);
    // The slot covers propose() (retrieve, plan, validate, record); its first audit-end or error ends it.
    const onEvent = (event: PipelineEvent) => {
      if (event.type === 'audit-end' || event.type === 'error') release();
      if (event.type === 'plan-end' && event.planner === 'llm') modelLoaded = true;
      if (stream && !stream.destroyed) stream.write(eventLine(event));
    };
    const user = users.get(request) ?? 'unknown';
    let document: object;
    try {
      document =
        kind === 'exec'
          ? await k8s_exec(payload, { core, source: 'http', user, signal, onEvent })
          : await k8s_plan(payload, { core, source: 'http', user, signal, onEvent });
    } catch (error) {
      const body = { error: serializeError(error) };
      if (stream) {
        stream.end(resultLine(body));
        return reply;
      }
      return reply.code(error instanceof InputError ? 400 : 500).send(error instanceof InputError ? inputErrorBody(error) : body);
    } finally {
      release();
    }
    const aborted = abortAnswer(flight, timeoutMs);
    if (aborted) document = { ...document, error: aborted.error };
    if (stream) {
      if (!stream.destroyed) stream.end(resultLine(document));
      return reply;
    }
    if (flight.reason === 'client-closed') return reply;
    return reply.code(aborted?.code ?? statusForDocument(document)).send(document);
  };

  app.post('/k8s-exec', (request, reply) => handle('exec', request, reply));
  app.post('/plan', (request, reply) => handle('plan', request, reply));
  registerDiagnoseRoute(app, { core: coreReady, config: options.config, userOf: (request) => users.get(request) ?? 'unknown', startFlight: registry.start });

  let shuttingDown: Promise<ShutdownSummary> | undefined;

  const shutdown = async (shutdownOptions: ShutdownOptions): Promise<ShutdownSummary> => {
    state = 'shutting-down';
    drain?.close();
    // Stop accepting first; close() resolves once the requests still in flight have answered.
    const closing = app.close();
    // Node closes idle keep-alive sockets once, when close() is called; sockets that go idle later
    // (answers finishing during the grace period) would hold it open until the client's keep-alive ends.
    // Once no pipeline request is left, sockets that never sent a request are cut too.
    const sweeper = setInterval(() => (flights.size === 0 ? app.server.closeAllConnections() : app.server.closeIdleConnections()), 50);
    sweeper.unref();
    void closing.finally(() => clearInterval(sweeper));
    const summary: ShutdownSummary = { inFlight: flights.size, runningCommands: drain?.runningCommands ?? 0, aborted: 0, deadlineReached: false, unwrittenOutcomes: 0 };
    // Requests not running kubectl yet (queued, planning) have nothing worth waiting for.
    for (const flight of flights) {
      if (!drain?.isRunning(flight.controller.signal)) {
        flight.abort('shutdown');
        summary.aborted += 1;
      }
    }
    if (summary.runningCommands > 0) log(`waiting for ${summary.runningCommands} running kubectl command(s) to finish`);
    let deadline: NodeJS.Timeout | undefined;
    let onCancel: (() => void) | undefined;
    const graceOver = new Promise<'expired'>((resolve) => {
      const cancel = shutdownOptions.cancel;
      if (cancel === undefined) {
        deadline = setTimeout(() => resolve('expired'), options.config.shutdownGraceSeconds * 1000);
        return;
      }
      onCancel = () => resolve('expired');
      if (cancel.aborted) onCancel();
      else cancel.addEventListener('abort', onCancel, { once: true });
    });
    const outcome = drain ? await Promise.race([drain.idle().then(() => 'idle' as const), graceOver]) : 'idle';
    clearTimeout(deadline);
    if (onCancel) shutdownOptions.cancel?.removeEventListener('abort', onCancel);
    if (outcome === 'expired') {
      summary.deadlineReached = (drain?.runningCommands ?? 0) > 0 || (drain?.pendingOutcomes ?? 0) > 0;
      for (const flight of flights) {
        if (!flight.controller.signal.aborted) {
          flight.abort('shutdown');
          summary.aborted += 1;
        }
      }
    }
    // The cancelled commands' outcome records, then every answer.
    await drain?.idle();
    await closing;
    summary.unwrittenOutcomes = drain?.unwrittenOutcomes ?? 0;
    return summary;
  };

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
