/**
 * POST /k8s-exec and POST /plan: one request through the pipeline (k8s_exec, k8s_plan) over HTTP.
 * The server's hooks already apply the bearer token and the Host/Origin checks; this handler adds
 * the 400 for a bad payload (before any stream starts), the per-request deadline, a slot in the
 * bounded plan queue (429 when full), cancellation when the client goes away or the server shuts
 * down, and NDJSON events for clients that ask for `application/x-ndjson`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InputError, serializeError } from '../errors.js';
import type { Core } from '../contracts/core.js';
import type { PipelineEvent } from '../contracts/events.js';
import { parsePayload } from '../pipeline/propose.js';
import { assertConstraints } from '../pipeline/run-request.js';
import type { Config } from '../schemas/config.js';
import type { K8sExecPayload } from '../schemas/request.js';
import { k8s_exec } from '../tool/k8s-exec.js';
import { k8s_plan } from '../tool/k8s-plan.js';
import { eventLine, resultLine } from '../output/ndjson.js';
import { untilAborted } from '../abortable.js';
import { openNdjsonReply, sendDocument, statusForDocument } from './document-reply.js';
import { errorBody, inputErrorBody } from './error-replies.js';
import { QueueFullError, type ReleaseSlot } from './plan-queue.js';
import { abortAnswer, type Flight } from './request-flights.js';
import type { ServerCore } from './server-core.js';

/** What the routes need from the server. */
export interface ExecPlanRouteContext {
  /** The server's core (its kubectl behind the shutdown gate), its plan queue, and whether the model is loaded. */
  serverCore: ServerCore;
  config: Config;
  /** The authenticated user of a request. */
  userOf(request: FastifyRequest): string;
  /** Starts tracking a request; the server aborts it at the deadline, on disconnect and on shutdown. */
  startFlight(reply: FastifyReply, timeoutMs: number): Flight;
}

/** Registers POST /k8s-exec and POST /plan on the server's app. */
export function registerExecPlanRoutes(app: FastifyInstance, context: ExecPlanRouteContext): void {
  const { serverCore, config } = context;
  const settings = config.server;

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
    const execSeconds = Math.min(payload.constraints?.timeoutSeconds ?? config.exec.timeoutSeconds, config.exec.maxTimeoutSeconds);
    // The deadline covers queueing and planning; a command additionally gets its own kubectl timeout.
    const timeoutMs = (settings.requestTimeoutSeconds + (kind === 'exec' ? execSeconds : 0)) * 1000;
    const flight = context.startFlight(reply, timeoutMs);
    const signal = flight.controller.signal;

    let core: Core;
    let release: ReleaseSlot;
    try {
      core = await untilAborted(serverCore.ready, signal);
      // The queue is there once the core is.
      release = await serverCore.queue!.acquire(signal);
    } catch (error) {
      if (error instanceof QueueFullError) return reply.code(429).header('retry-after', '1').send({ error: serializeError(error) });
      const aborted = abortAnswer(flight, timeoutMs);
      if (aborted) return reply.code(aborted.code).send({ error: aborted.error });
      if (flight.reason === 'client-closed') return reply;
      return reply.code(503).send(errorBody('NOT_READY', `the server could not load: ${serializeError(error).message}`));
    }

    const stream = openNdjsonReply(request, reply);
    // The slot covers propose() (retrieve, plan, validate, record); its first audit-end or error ends it.
    const onEvent = (event: PipelineEvent) => {
      if (event.type === 'audit-end' || event.type === 'error') release();
      if (event.type === 'plan-end' && event.planner === 'llm') serverCore.modelLoaded = true;
      if (stream && !stream.destroyed) stream.write(eventLine(event));
    };
    const user = context.userOf(request);
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
    return sendDocument(reply, { flight, timeoutMs, stream }, document, statusForDocument);
  };

  app.post('/k8s-exec', (request, reply) => handle('exec', request, reply));
  app.post('/plan', (request, reply) => handle('plan', request, reply));
}
