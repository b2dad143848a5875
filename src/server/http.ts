/**
 * The HTTP server (fastify): GET /health, POST /k8s-exec and POST /plan, each a thin consumer of the
 * pipeline (k8s_exec and propose). It adds only what a network door needs: a bearer token, Host and
 * Origin checks (DNS rebinding, browsers), `constraints.expectArgs` with every confirm, a body
 * limit, a bounded queue in front of planning, per-request deadlines, NDJSON streaming, and a
 * graceful shutdown that lets running kubectl commands finish and records every outcome.
 */
import os from 'node:os';
import { PassThrough } from 'node:stream';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { packageVersion } from '../config/paths.js';
import { CancelledError, InputError, serializeError, type SerializedError } from '../errors.js';
import type { Core } from '../pipeline/core.js';
import type { PipelineEvent } from '../pipeline/events.js';
import { parsePayload } from '../pipeline/propose.js';
import type { Config } from '../schemas/config.js';
import type { K8sExecPayload } from '../schemas/request.js';
import { assertConfirmNamesArgs, k8s_exec } from '../tool/k8s-exec.js';
import { assertServerExposure, createBearerCheck } from './auth.js';
import { findExecutable } from '../config/find-executable.js';
import { createKubectlGate, type KubectlGate } from './kubectl-gate.js';
import { NDJSON_MEDIA_TYPE, eventLine, resultLine, wantsNdjson } from './ndjson.js';
import { planRequest } from './plan-document.js';
import { QueueFullError, createPlanQueue, type PlanQueue, type ReleaseSlot } from './plan-queue.js';
import { checkRequestOrigin } from './request-origin.js';
import { registerDiagnoseRoute } from './diagnose-route.js';

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
}

/** A running (or ready to run) HTTP server. */
export interface HttpServer {
  readonly app: FastifyInstance;
  /** Starts listening; resolves with the URL (port 0 picks a free port). */
  listen(): Promise<string>;
  /** Stops accepting, lets running kubectl finish up to the grace deadline, aborts the rest. Idempotent. */
  shutdown(): Promise<ShutdownSummary>;
}

type AbortReason = 'timeout' | 'client-closed' | 'shutdown';

/** One request in progress: how to stop it and why it was stopped. */
interface Flight {
  readonly controller: AbortController;
  reason?: AbortReason;
  abort(reason: AbortReason): void;
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

/** Waits for a promise unless the signal aborts first (then rejects with the abort reason). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (error: unknown) => (signal.removeEventListener('abort', onAbort), reject(error)),
    );
  });
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
  const flights = new Set<Flight>();
  const startedAt = Date.now();
  let state: 'starting' | 'ready' | 'failed' | 'shutting-down' = 'starting';
  let modelLoaded = options.modelPreloaded === true;
  let queue: PlanQueue | undefined;
  let gate: KubectlGate | undefined;
  let startupError: SerializedError | undefined;
  const kubectlFound = findExecutable(options.config.kubectl.path);

  // The server's core: the caller's, with kubectl behind a gate that shutdown can close.
  const coreReady: Promise<Core> = Promise.resolve(options.core).then(
    (core) => {
      gate = createKubectlGate(core.kubectl);
      const concurrency = options.planConcurrency ?? settings.planConcurrency ?? (core.planner.kind === 'llm' ? 1 : 16 * os.availableParallelism());
      queue = createPlanQueue({ concurrency, maxWaiting: settings.maxQueue });
      if (state === 'starting') state = 'ready';
      return { ...core, kubectl: gate.runner };
    },
    (error: unknown) => {
      state = 'failed';
      startupError = serializeError(error);
      throw error;
    },
  );
  // Awaited per request; this keeps an early failure from being an unhandled rejection.
  coreReady.catch(() => undefined);

  const app = Fastify({
    logger: false,
    bodyLimit: settings.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
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

  app.get('/health', async (_request, reply) => {
    const found = await kubectlFound;
    const ready = state === 'ready';
    const core = ready ? await coreReady : undefined;
    const body = {
      status: state === 'ready' ? 'ok' : state,
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
      running_commands: gate?.active ?? 0,
      auth: token === undefined ? 'none (loopback only)' : 'bearer',
      ...(startupError ? { error: startupError } : {}),
    };
    return reply.code(ready ? 200 : 503).send(body);
  });

  const startFlight = (reply: FastifyReply, timeoutMs: number): Flight => {
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
      flights.delete(flight);
      if (!reply.raw.writableEnded) flight.abort('client-closed');
    });
    flights.add(flight);
    return flight;
  };

  /** The status and error an aborted request answers with (undefined: it was not aborted). */
  const abortAnswer = (flight: Flight, timeoutMs: number): { code: number; error: SerializedError } | undefined => {
    if (flight.reason === 'timeout') return { code: 504, error: { code: 'REQUEST_TIMEOUT', message: `no answer within ${Math.round(timeoutMs / 1000)} s (server.requestTimeoutSeconds)` } };
    if (flight.reason === 'shutdown') return { code: 503, error: { code: 'SERVER_SHUTTING_DOWN', message: 'the server is shutting down; the request was cancelled' } };
    return undefined;
  };

  const handle = async (kind: 'exec' | 'plan', request: FastifyRequest, reply: FastifyReply) => {
    let payload: K8sExecPayload;
    try {
      payload = parsePayload(request.body);
      // Checked before any stream starts, so a streaming client gets the 400 too.
      if (kind === 'exec') assertConfirmNamesArgs(payload);
    } catch (error) {
      if (error instanceof InputError) return reply.code(400).send(inputErrorBody(error));
      throw error;
    }
    const execSeconds = Math.min(payload.constraints?.timeoutSeconds ?? options.config.exec.timeoutSeconds, options.config.exec.maxTimeoutSeconds);
    // The deadline covers queueing and planning; a command additionally gets its own kubectl timeout.
    const timeoutMs = (settings.requestTimeoutSeconds + (kind === 'exec' ? execSeconds : 0)) * 1000;
    const flight = startFlight(reply, timeoutMs);
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
          : await planRequest(payload, core, { source: 'http', user, signal, onEvent });
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
    return reply.code(aborted?.code ?? 200).send(document);
  };

  app.post('/k8s-exec', (request, reply) => handle('exec', request, reply));
  app.post('/plan', (request, reply) => handle('plan', request, reply));
  registerDiagnoseRoute(app, { core: coreReady, config: options.config, userOf: (request) => users.get(request) ?? 'unknown', startFlight });

  let shuttingDown: Promise<ShutdownSummary> | undefined;

  const shutdown = async (): Promise<ShutdownSummary> => {
    state = 'shutting-down';
    gate?.close();
    // Stop accepting first; close() resolves once the requests still in flight have answered.
    const closing = app.close();
    // Node closes idle keep-alive sockets once, when close() is called; sockets that go idle later
    // (answers finishing during the grace period) would hold it open until the client's keep-alive ends.
    // Once no pipeline request is left, sockets that never sent a request are cut too.
    const sweeper = setInterval(() => (flights.size === 0 ? app.server.closeAllConnections() : app.server.closeIdleConnections()), 50);
    sweeper.unref();
    void closing.finally(() => clearInterval(sweeper));
    const summary: ShutdownSummary = { inFlight: flights.size, runningCommands: gate?.active ?? 0, aborted: 0, deadlineReached: false };
    // Requests not running kubectl yet (queued, planning) have nothing worth waiting for.
    for (const flight of flights) {
      if (!gate?.isRunning(flight.controller.signal)) {
        flight.abort('shutdown');
        summary.aborted += 1;
      }
    }
    if (summary.runningCommands > 0) {
      log(`waiting up to ${settings.shutdownGraceSeconds} s for ${summary.runningCommands} running kubectl command(s)`);
    }
    const graceMs = settings.shutdownGraceSeconds * 1000;
    let deadline: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      deadline = setTimeout(() => resolve('expired'), graceMs);
    });
    const outcome = gate ? await Promise.race([gate.idle().then(() => 'idle' as const), expired]) : 'idle';
    clearTimeout(deadline);
    if (outcome === 'expired') {
      summary.deadlineReached = true;
      for (const flight of flights) {
        if (!flight.controller.signal.aborted) {
          flight.abort('shutdown');
          summary.aborted += 1;
        }
      }
    }
    await closing;
    return summary;
  };

  return {
    app,
    async listen() {
      const address = await app.listen({ host, port });
      log(`rk8s HTTP server listening on ${address}${token === undefined ? ' (no token: loopback only)' : ' (bearer token required)'}`);
      return address;
    },
    shutdown() {
      shuttingDown ??= shutdown();
      return shuttingDown;
    },
  };
}
