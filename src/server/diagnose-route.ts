/**
 * POST /diagnose: one investigation (k8s_diagnose) over HTTP. The server's hooks already apply the
 * bearer token and the Host/Origin checks to every route; this handler adds the per-request deadline,
 * cancellation when the client goes away or the server shuts down, and NDJSON progress for clients
 * that ask for `application/x-ndjson` (each investigation event, then a `result` line).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InputError, serializeError } from '../errors.js';
import type { Core } from '../contracts/core.js';
import type { Config } from '../schemas/config.js';
import type { DiagnoseDocument } from '../diagnose/document.js';
import { parseDiagnosePayload } from '../diagnose/investigate.js';
import { BATCH_READ_TIMEOUT_SECONDS } from '../diagnose/snapshot.js';
import { k8s_diagnose } from '../tool/k8s-diagnose.js';
import { resultLine } from '../output/ndjson.js';
import { untilAborted } from '../abortable.js';
import { openNdjsonReply, sendDocument } from './document-reply.js';
import { errorBody, inputErrorBody } from './error-replies.js';
import { abortAnswer, type Flight } from './request-flights.js';

/** What the route needs from the server. */
export interface DiagnoseRouteContext {
  /** The server's core (its kubectl behind the shutdown gate). */
  core: Promise<Core>;
  config: Config;
  /** The authenticated user of a request. */
  userOf(request: FastifyRequest): string;
  /** Starts tracking a request; the server aborts it at the deadline, on disconnect and on shutdown. */
  startFlight(reply: FastifyReply, timeoutMs: number): Flight;
}

/** The status code of a finished investigation: 400 for a target that does not exist, else 200 (the document says the rest). */
function statusOf(document: DiagnoseDocument): number {
  return document.error?.code === 'INPUT_INVALID' ? 400 : 200;
}

/** Registers POST /diagnose on the server's app. */
export function registerDiagnoseRoute(app: FastifyInstance, context: DiagnoseRouteContext): void {
  app.post('/diagnose', async (request, reply) => {
    try {
      parseDiagnosePayload(request.body);
    } catch (error) {
      if (error instanceof InputError) return reply.code(400).send(inputErrorBody(error));
      throw error;
    }
    const settings = context.config.server;
    // Reads are bounded per kubectl call; the whole investigation gets the plan deadline plus one batched read.
    const timeoutMs = (settings.requestTimeoutSeconds + Math.min(BATCH_READ_TIMEOUT_SECONDS, context.config.exec.maxTimeoutSeconds)) * 1000;
    const flight = context.startFlight(reply, timeoutMs);
    const signal = flight.controller.signal;
    let core: Core;
    try {
      core = await untilAborted(context.core, signal);
    } catch (error) {
      if (flight.reason === 'client-closed') return reply;
      const aborted = abortAnswer(flight, timeoutMs, 'the investigation');
      if (aborted) return reply.code(aborted.code).send({ error: aborted.error });
      return reply.code(503).send(errorBody('NOT_READY', `the server could not load: ${serializeError(error).message}`));
    }
    const stream = openNdjsonReply(request, reply);
    let document: DiagnoseDocument;
    try {
      document = await k8s_diagnose(request.body, {
        core,
        source: 'http',
        user: context.userOf(request),
        signal,
        onEvent: (event) => {
          // The document travels once, in the final result line.
          if (stream && !stream.destroyed && event.type !== 'investigation-end') stream.write(`${JSON.stringify(event)}\n`);
        },
      });
    } catch (error) {
      const body = error instanceof InputError ? inputErrorBody(error) : { error: serializeError(error) };
      if (stream) {
        stream.end(resultLine(body));
        return reply;
      }
      return reply.code(error instanceof InputError ? 400 : 500).send(body);
    }
    return sendDocument(reply, { flight, timeoutMs, stream, what: 'the investigation' }, document, statusOf);
  });
}
