/**
 * How a route answers with a document (exec, plan, diagnose): as NDJSON when the client asks for
 * `application/x-ndjson` (the events as they come, then one `result` line), else one JSON body whose
 * status says how it ended. A request stopped at its deadline or by shutdown carries that error.
 */
import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NDJSON_MEDIA_TYPE, resultLine, wantsNdjson } from '../output/ndjson.js';
import { abortAnswer, type Flight } from './request-flights.js';

/**
 * The HTTP status of a document: 200, except when a step could not be put on record (the audit log
 * could not be written): 507 when the disk is full, 503 otherwise, so monitoring sees it too.
 */
export function statusForDocument(document: object): number {
  const error = (document as { error?: { code?: string; message?: string } }).error;
  if (error?.code !== 'AUDIT_WRITE_FAILED') return 200;
  return /ENOSPC|no space/i.test(error.message ?? '') ? 507 : 503;
}

/** Starts the NDJSON answer (200, sent at once) when the client asks for it; undefined: answer with one JSON body. */
export function openNdjsonReply(request: FastifyRequest, reply: FastifyReply): PassThrough | undefined {
  const stream = wantsNdjson(request.headers.accept) ? new PassThrough() : undefined;
  if (stream) reply.code(200).header('content-type', `${NDJSON_MEDIA_TYPE}; charset=utf-8`).header('cache-control', 'no-store').send(stream);
  return stream;
}

/** The request a document answers, and how it is being answered. */
export interface DocumentAnswer {
  flight: Flight;
  timeoutMs: number;
  /** The NDJSON answer, when one was opened. */
  stream: PassThrough | undefined;
  /** What an abort by shutdown says was cancelled ("the request", "the investigation"). */
  what?: string;
}

/**
 * Answers with a finished document: the stream's result line, or the body with the abort's status
 * (504, 503) or `statusOf`; nothing when the client has gone.
 */
export function sendDocument<T extends object>(reply: FastifyReply, answer: DocumentAnswer, finished: T, statusOf: (document: T) => number): FastifyReply {
  const aborted = abortAnswer(answer.flight, answer.timeoutMs, answer.what);
  const document: T = aborted ? { ...finished, error: aborted.error } : finished;
  if (answer.stream) {
    if (!answer.stream.destroyed) answer.stream.end(resultLine(document));
    return reply;
  }
  if (answer.flight.reason === 'client-closed') return reply;
  return reply.code(aborted?.code ?? statusOf(document)).send(document);
}
