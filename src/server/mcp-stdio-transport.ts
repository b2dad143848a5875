/**
 * The MCP stdio transport of `rk8s mcp`: newline-delimited JSON-RPC on stdin/stdout, read by rk8s
 * itself instead of the SDK's StdioServerTransport, which ignored malformed messages without a word,
 * accepted tools/call before initialize, and closed the server (exit 0, silently) on a line over
 * 10 MiB. This one answers every message it cannot take with a JSON-RPC error and keeps serving:
 *
 * - not JSON: -32700 Parse error (id null);
 * - JSON but not a JSON-RPC 2.0 message (an array, a number, no `jsonrpc: "2.0"`, a bad id or
 *   method): -32600 Invalid Request (with the id when it is a valid one, else null);
 * - a line over `maxMessageBytes`: -32600 with the id when it can be read from the line's ends;
 *   the line is skipped without being held in memory, and stderr says so;
 * - a request other than initialize or ping before the server has answered initialize: -32002;
 * - a request while the server drains for shutdown: -32000, so nothing new starts.
 *
 * It also counts the requests still waiting for their answer, so a shutdown can wait for them,
 * and answer (with an error) any a stopped handler never will.
 */
import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';

/** JSON-RPC error codes this transport answers with. */
export const JsonRpcErrorCode = {
  parseError: -32700,
  invalidRequest: -32600,
  /** Server-defined: the server is stopping and takes no new request. */
  shuttingDown: -32000,
  /** Server-defined (as in LSP): a request came before initialize. */
  notInitialized: -32002,
} as const;

/** Requests a client may send before it has initialized the session. */
const BEFORE_INITIALIZE: ReadonlySet<string> = new Set(['initialize', 'ping']);

/** How much of an oversized line's start and end is kept to find its id. */
const ID_WINDOW_BYTES = 1024;

/** Options of the transport. */
export interface McpStdioTransportOptions {
  input?: Readable;
  output?: Writable;
  /** Largest message (one line, without its newline) accepted. */
  maxMessageBytes: number;
  /** Diagnostics for stderr (never stdout: it carries the protocol). */
  log?: (message: string) => void;
}

type Answer = { jsonrpc: '2.0'; id: RequestId | null; error: { code: number; message: string } };

/**
 * The id of an oversized message, read from its ends: the first member of the top-level object (or
 * the second, after "jsonrpc"), or its last member, where SDK clients put it. A nested "id" can be
 * neither: it is followed by more than one closing brace.
 */
export function idFromMessageEnds(head: string, tail: string): RequestId | undefined {
  const id = String.raw`(-?\d{1,15}|"(?:[^"\\]|\\.){0,256}")`;
  const version = String.raw`"jsonrpc"\s*:\s*"2\.0"`;
  const patterns: Array<[RegExp, string]> = [
    [new RegExp(String.raw`^\s*\{\s*"id"\s*:\s*${id}\s*,`), head],
    [new RegExp(String.raw`^\s*\{\s*${version}\s*,\s*"id"\s*:\s*${id}\s*,`), head],
    [new RegExp(String.raw`,\s*"id"\s*:\s*${id}\s*\}\s*$`), tail],
    [new RegExp(String.raw`,\s*"id"\s*:\s*${id}\s*,\s*${version}\s*\}\s*$`), tail],
  ];
  for (const [pattern, text] of patterns) {
    const match = pattern.exec(text);
    if (match?.[1] !== undefined) return JSON.parse(match[1]) as RequestId;
  }
  return undefined;
}

function isValidId(value: unknown): value is RequestId {
  return (typeof value === 'string') || (typeof value === 'number' && Number.isInteger(value));
}

/** A stdio transport with strict JSON-RPC framing, initialize gating and drain support. */
export class McpStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;
  /** Called once when the input ends or the output breaks: the client is gone or done. */
  onend?: (why: 'input-closed' | 'output-closed') => void;

  private readonly input: Readable;
  private readonly output: Writable;
  private readonly maxMessageBytes: number;
  private readonly log: (message: string) => void;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Set while skipping the rest of an oversized line: its first and last bytes, to find the id. */
  private oversized: { head: Buffer; tail: Buffer; bytes: number } | undefined;
  private initialized = false;
  private initializeId: RequestId | undefined;
  private draining = false;
  private closed = false;
  private ended = false;
  /** Requests handed to the server and not answered yet. */
  private readonly pending = new Map<RequestId, string>();
  /** Requests answered by the transport on the server's behalf (a late real answer is dropped). */
  private readonly abandoned = new Set<RequestId>();
  private waiters: Array<() => void> = [];

  constructor(options: McpStdioTransportOptions) {
    this.input = options.input ?? process.stdin;
    this.output = options.output ?? process.stdout;
    this.maxMessageBytes = options.maxMessageBytes;
    this.log = options.log ?? (() => undefined);
  }

  /** Requests waiting for an answer. */
  get pendingRequests(): number {
    return this.pending.size;
  }

  async start(): Promise<void> {
    this.input.on('data', this.onData);
    this.input.on('end', this.onInputEnd);
    this.input.on('error', this.onInputError);
    this.output.on('error', this.onOutputError);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if ('id' in message && message.id !== undefined && ('result' in message || 'error' in message)) {
      const id = message.id as RequestId;
      if (this.abandoned.delete(id)) return;
      if (id === this.initializeId && 'result' in message) this.initialized = true;
      this.answered(id);
    }
    await this.write(message);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off('data', this.onData);
    this.input.off('end', this.onInputEnd);
    this.input.off('error', this.onInputError);
    this.input.pause();
    this.chunks = [];
    this.onclose?.();
  }

  /** From now on every new request is answered -32000 (the server is stopping); answers still go out. */
  beginDrain(): void {
    this.draining = true;
  }

  /** Resolves when no request waits for an answer. */
  idle(): Promise<void> {
    return this.pending.size === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Answers every request still waiting with an error (the server stopped before its handler did). */
  async answerPending(message: string): Promise<number> {
    const ids = [...this.pending.keys()];
    for (const id of ids) {
      this.abandoned.add(id);
      this.answered(id);
      await this.write(this.errorAnswer(id, JsonRpcErrorCode.shuttingDown, message));
    }
    return ids.length;
  }

  private answered(id: RequestId): void {
    if (!this.pending.delete(id) || this.pending.size > 0) return;
    for (const wake of this.waiters) wake();
    this.waiters = [];
  }

  private write(message: JSONRPCMessage | Answer): Promise<void> {
    if (this.output.destroyed || this.output.writableEnded) return Promise.resolve();
    return new Promise((resolve) => {
      // The callback runs once the data is handed to the OS, or with the error (EPIPE: the client is gone).
      this.output.write(`${JSON.stringify(message)}\n`, () => resolve());
    });
  }

  private errorAnswer(id: RequestId | null, code: number, message: string): Answer {
    return { jsonrpc: '2.0', id, error: { code, message } };
  }

  private refuse(id: RequestId | null, code: number, message: string): void {
    void this.write(this.errorAnswer(id, code, message));
  }

  private readonly onData = (chunk: Buffer | string) => {
    let data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    while (data.length > 0 && !this.closed) {
      const newline = data.indexOf(0x0a);
      const piece = newline === -1 ? data : data.subarray(0, newline);
      this.take(piece);
      if (newline === -1) return;
      this.endLine();
      data = data.subarray(newline + 1);
    }
  };

  /** Adds bytes of the current line, switching to skipping once the line passes the limit. */
  private take(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.oversized) {
      this.oversized.bytes += piece.length;
      this.oversized.tail = Buffer.concat([this.oversized.tail, piece]).subarray(-ID_WINDOW_BYTES);
      return;
    }
    if (this.buffered + piece.length <= this.maxMessageBytes) {
      this.chunks.push(piece);
      this.buffered += piece.length;
      return;
    }
    const sofar = Buffer.concat([...this.chunks, piece]);
    this.oversized = { head: sofar.subarray(0, ID_WINDOW_BYTES), tail: sofar.subarray(-ID_WINDOW_BYTES), bytes: sofar.length };
    this.chunks = [];
    this.buffered = 0;
    this.log(`a message passed the ${this.maxMessageBytes}-byte limit (RK8S_MCP_MAX_MESSAGE_BYTES): skipping it`);
  }

  private endLine(): void {
    if (this.oversized) {
      const { head, tail, bytes } = this.oversized;
      this.oversized = undefined;
      const id = idFromMessageEnds(head.toString('utf8'), tail.toString('utf8').replace(/\r$/, ''));
      this.log(`skipped a ${bytes}-byte message (${id === undefined ? 'id unknown' : `id ${JSON.stringify(id)}`})`);
      this.refuse(id ?? null, JsonRpcErrorCode.invalidRequest, `Invalid Request: the message is ${bytes} bytes, over the limit of ${this.maxMessageBytes} (RK8S_MCP_MAX_MESSAGE_BYTES); it was not read`);
      return;
    }
    const line = Buffer.concat(this.chunks).toString('utf8').replace(/\r$/, '');
    this.chunks = [];
    this.buffered = 0;
    if (line.trim() === '') return;
    this.handleLine(line);
  }

  private handleLine(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      this.log(`answered a line that is not JSON with -32700 Parse error`);
      this.refuse(null, JsonRpcErrorCode.parseError, `Parse error: ${(error as Error).message}`);
      return;
    }
    const problem = this.shapeProblem(value);
    if (problem) {
      this.log(`answered an invalid JSON-RPC message with -32600: ${problem.message}`);
      this.refuse(problem.id, JsonRpcErrorCode.invalidRequest, `Invalid Request: ${problem.message}`);
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(value);
    const object = value as Record<string, unknown>;
    const id = isValidId(object.id) ? object.id : null;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      if ('method' in object && id !== null) this.refuse(id, JsonRpcErrorCode.invalidRequest, `Invalid Request: ${where}${issue?.message ?? 'not a JSON-RPC message'}`);
      else if ('method' in object) this.refuse(null, JsonRpcErrorCode.invalidRequest, `Invalid Request: ${where}${issue?.message ?? 'not a JSON-RPC message'}`);
      else this.log(`ignored an invalid JSON-RPC response: ${where}${issue?.message ?? ''}`);
      return;
    }
    const message = parsed.data;
    if ('method' in message && 'id' in message) {
      const requestId = message.id;
      if (this.pending.has(requestId)) {
        this.refuse(requestId, JsonRpcErrorCode.invalidRequest, `Invalid Request: id ${JSON.stringify(requestId)} is already used by a request still in progress`);
        return;
      }
      if (this.draining) {
        this.refuse(requestId, JsonRpcErrorCode.shuttingDown, 'the server is shutting down: the request was not started');
        return;
      }
      if (!this.initialized && !BEFORE_INITIALIZE.has(message.method)) {
        this.refuse(requestId, JsonRpcErrorCode.notInitialized, `server not initialized: send initialize (and wait for its answer) before ${message.method}`);
        return;
      }
      if (message.method === 'initialize') this.initializeId = requestId;
      this.pending.set(requestId, message.method);
    } else if ('method' in message && message.method === 'notifications/cancelled') {
      // The client gave up on a request: the server sends no answer for it, and its id is free again.
      const cancelled = (message.params as { requestId?: unknown } | undefined)?.requestId;
      if (isValidId(cancelled)) this.answered(cancelled);
    }
    this.onmessage?.(message);
  }

  /** Why a parsed JSON value is not a JSON-RPC 2.0 message, checked before the SDK's schema for clearer answers. */
  private shapeProblem(value: unknown): { id: RequestId | null; message: string } | undefined {
    if (Array.isArray(value)) return { id: null, message: 'batches (JSON arrays) are not supported; send one message per line' };
    if (typeof value !== 'object' || value === null) return { id: null, message: `a message must be a JSON object, not ${value === null ? 'null' : typeof value}` };
    const object = value as Record<string, unknown>;
    const hasId = Object.hasOwn(object, 'id');
    const id = isValidId(object.id) ? object.id : null;
    if (hasId && id === null) return { id: null, message: 'id must be a string or an integer' };
    if (object.jsonrpc !== '2.0') return { id, message: 'jsonrpc must be "2.0"' };
    if (Object.hasOwn(object, 'method') && typeof object.method !== 'string') return { id, message: 'method must be a string' };
    if (!Object.hasOwn(object, 'method') && !Object.hasOwn(object, 'result') && !Object.hasOwn(object, 'error')) return { id, message: 'a message needs a method (request, notification) or a result or error (response)' };
    if (Object.hasOwn(object, 'params') && (typeof object.params !== 'object' || object.params === null)) return { id, message: 'params must be an object' };
    return undefined;
  }

  private readonly onInputEnd = () => this.end('input-closed');

  private readonly onInputError = (error: Error) => {
    this.onerror?.(error);
    this.end('input-closed');
  };

  private readonly onOutputError = (error: Error) => {
    this.log(`stdout failed (${error.message}): the client is gone`);
    this.end('output-closed');
  };

  private end(why: 'input-closed' | 'output-closed'): void {
    if (this.ended) return;
    this.ended = true;
    this.onend?.(why);
  }
}
