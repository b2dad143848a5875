/**
 * The server's error answers: one body shape with a stable code, the 400 of a payload zod refused,
 * and the replies to what fastify itself rejects (a body too large, not JSON, malformed) or does not route.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { serializeError, type InputError, type SerializedError } from '../errors.js';

/** The body of every error response. */
export interface ErrorBody {
  error: SerializedError & { fields?: Array<{ path: string; message: string }> };
}

/** An error body with its stable code. */
export function errorBody(code: string, message: string, extra: Partial<ErrorBody['error']> = {}): ErrorBody {
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

/** Answers what fastify refuses before a route runs, and a path no route serves (listing `routes`). */
export function installErrorReplies(app: FastifyInstance, options: { bodyLimitBytes: number; routes: string }): void {
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send(errorBody('BODY_TOO_LARGE', `the request body is larger than ${options.bodyLimitBytes} bytes`));
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
    reply.code(404).send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}; routes: ${options.routes}`));
  });
}
