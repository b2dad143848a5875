import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest } from './api-error.js';
import { protobufToJson } from './protobuf.js';

/** The API server's request body limit (3 MiB), answered with 413 beyond it. */
export const maxBodyBytes = 3 * 1024 * 1024;

/** Reads the whole body, or throws 413 once it passes the limit. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) {
    request.resume();
    throw new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${maxBodyBytes}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBodyBytes) {
      request.resume();
      throw new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${maxBodyBytes}`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a request body as JSON, or as one of the protobuf messages kubectl sends. */
export function parseBody(body: Buffer, contentType: string | undefined): unknown {
  if (body.length === 0) return undefined;
  if ((contentType ?? '').includes('application/vnd.kubernetes.protobuf')) return protobufToJson(body);
  if ((contentType ?? '').includes('yaml')) {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json (server-side apply is not supported by the rk8s sandbox)`);
  }
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw badRequest(`error decoding request body: ${(error as Error).message}`);
  }
}

/** Sends a JSON answer. */
export function sendJson(response: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  response.end(text);
}

/** Sends an ApiError (or any error, as a 500) as a Kubernetes Status. */
export function sendError(response: ServerResponse, error: unknown): void {
  const apiError = error instanceof ApiError ? error : new ApiError(500, 'InternalError', `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`);
  sendJson(response, apiError.code, apiError.toStatus());
}
