import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createMcpServer } from '../../../src/server/mcp.js';
import { JsonRpcErrorCode, McpStdioTransport, idFromMessageEnds } from '../../../src/server/mcp-stdio-transport.js';
import { createFakeCore } from '../../helpers/fake-core.js';

interface Answer {
  jsonrpc: string;
  id: string | number | null;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

interface Wire {
  transport: McpStdioTransport;
  input: PassThrough;
  logs: string[];
  /** Writes raw text to the server's stdin. */
  write(text: string | Buffer): void;
  send(message: unknown): void;
  /** The next line the server writes. */
  next(): Promise<Answer>;
  /** Sends initialize and notifications/initialized. */
  initialize(): Promise<Answer>;
}

const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The transport in front of the real MCP server over a fake core, on in-memory streams. */
async function wire(options: { maxMessageBytes?: number } = {}): Promise<Wire> {
  const input = new PassThrough();
  const output = new PassThrough();
  const logs: string[] = [];
  const core = createFakeCore();
  const server = createMcpServer({ config: core.config, core });
  const transport = new McpStdioTransport({ input, output, maxMessageBytes: options.maxMessageBytes ?? 64 * 1024, log: (message) => logs.push(message) });
  await server.connect(transport);
  closers.push(() => server.close());
  let buffered = '';
  const lines: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  output.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const next = () =>
    new Promise<Answer>((resolve, reject) => {
      const line = lines.shift();
      if (line !== undefined) return resolve(JSON.parse(line) as Answer);
      const timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5000);
      waiting.push((text) => {
        clearTimeout(timer);
        resolve(JSON.parse(text) as Answer);
      });
    });
  const write = (text: string | Buffer) => input.write(text);
  const send = (message: unknown) => write(`${JSON.stringify(message)}\n`);
  return {
    transport,
    input,
    logs,
    write,
    send,
    next,
    async initialize() {
      send({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } } });
      const answer = await next();
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      return answer;
    },
  };
}

const ping = (id: string | number) => ({ jsonrpc: '2.0', id, method: 'ping' });
const listTools = (id: string | number) => ({ jsonrpc: '2.0', id, method: 'tools/list' });

describe('McpStdioTransport: the session starts with initialize', () => {
  it.each(['tools/call', 'tools/list', 'resources/list', 'no/such/method'])('answers %s before initialize with -32002 and runs nothing', async (method) => {
    const { send, next } = await wire();
    send({ jsonrpc: '2.0', id: 7, method, params: method === 'tools/call' ? { name: 'k8s_exec', arguments: { intent: 'get', resource: 'pod', namespace: 'dev' } } : {} });
    const answer = await next();
    expect(answer).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: JsonRpcErrorCode.notInitialized } });
    expect(answer.error?.message).toMatch(/^server not initialized: send initialize/);
  });

  it('answers ping before initialize, and everything once initialize was answered', async () => {
    const { send, next, initialize } = await wire();
    send(ping(1));
    expect(await next()).toMatchObject({ id: 1, result: {} });
    const initialized = await initialize();
    expect(initialized.result).toMatchObject({ serverInfo: { name: 'rk8s' } });
    send(listTools(2));
    const tools = await next();
    expect((tools.result?.tools as Array<{ name: string }>).map((tool) => tool.name).sort()).toEqual(['k8s_diagnose', 'k8s_exec', 'k8s_plan', 'k8s_retrieve']);
  });
});

describe('McpStdioTransport: malformed JSON-RPC is answered, never ignored', () => {
  it.each([
    ['not JSON', '{"jsonrpc": "2.0", "id": 1, "method": ', JsonRpcErrorCode.parseError, null],
    ['a truncated string', '{"jsonrpc":"2.0","id":1,"method":"ping', JsonRpcErrorCode.parseError, null],
    ['plain text', 'hello', JsonRpcErrorCode.parseError, null],
    ['a number', '42', JsonRpcErrorCode.invalidRequest, null],
    ['a string', '"ping"', JsonRpcErrorCode.invalidRequest, null],
    ['null', 'null', JsonRpcErrorCode.invalidRequest, null],
    ['a batch', '[{"jsonrpc":"2.0","id":1,"method":"ping"}]', JsonRpcErrorCode.invalidRequest, null],
    ['an empty object', '{}', JsonRpcErrorCode.invalidRequest, null],
    ['no jsonrpc member', '{"id":3,"method":"ping"}', JsonRpcErrorCode.invalidRequest, 3],
    ['jsonrpc 1.0', '{"jsonrpc":"1.0","id":"a","method":"ping"}', JsonRpcErrorCode.invalidRequest, 'a'],
    ['a null id', '{"jsonrpc":"2.0","id":null,"method":"ping"}', JsonRpcErrorCode.invalidRequest, null],
    ['an object id', '{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}', JsonRpcErrorCode.invalidRequest, null],
    ['a fractional id', '{"jsonrpc":"2.0","id":1.5,"method":"ping"}', JsonRpcErrorCode.invalidRequest, null],
    ['a boolean id', '{"jsonrpc":"2.0","id":true,"method":"ping"}', JsonRpcErrorCode.invalidRequest, null],
    ['a numeric method', '{"jsonrpc":"2.0","id":4,"method":12}', JsonRpcErrorCode.invalidRequest, 4],
    ['string params', '{"jsonrpc":"2.0","id":5,"method":"ping","params":"x"}', JsonRpcErrorCode.invalidRequest, 5],
    ['neither method nor result', '{"jsonrpc":"2.0","id":6}', JsonRpcErrorCode.invalidRequest, 6],
  ])('%s -> %i with the right id, then keeps serving', async (_label, line, code, id) => {
    const { write, send, next, logs } = await wire();
    write(`${line}\n`);
    const answer = await next();
    expect(answer).toMatchObject({ jsonrpc: '2.0', id, error: { code } });
    expect(answer.error?.message).toMatch(code === JsonRpcErrorCode.parseError ? /^Parse error/ : /^Invalid Request: /);
    expect(logs.length).toBeGreaterThan(0);
    send(ping('after'));
    expect(await next()).toMatchObject({ id: 'after', result: {} });
  });

  it('skips blank lines and accepts CRLF line ends', async () => {
    const { write, next } = await wire();
    write('\n   \n\r\n');
    write(`${JSON.stringify(ping(1))}\r\n`);
    expect(await next()).toMatchObject({ id: 1, result: {} });
  });

  it('assembles a message split across chunks, and splits messages that share one', async () => {
    const { write, next } = await wire();
    const text = JSON.stringify(ping('split'));
    write(text.slice(0, 5));
    write(text.slice(5));
    write(`\n${JSON.stringify(ping('a'))}\n${JSON.stringify(ping('b'))}\n`);
    expect((await next()).id).toBe('split');
    expect((await next()).id).toBe('a');
    expect((await next()).id).toBe('b');
  });

  it('refuses a second request with the id of one still in progress', async () => {
    const { send, next, initialize, transport } = await wire();
    await initialize();
    // A tools/call on the fake core answers quickly; hold one open by sending two with the same id at once.
    const call = { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'k8s_plan', arguments: { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' } } };
    send(call);
    send(call);
    const answers = [await next(), await next()];
    expect(answers.filter((answer) => answer.error?.code === JsonRpcErrorCode.invalidRequest && /already used/.test(answer.error.message))).toHaveLength(1);
    expect(answers.filter((answer) => answer.result !== undefined)).toHaveLength(1);
    expect(transport.pendingRequests).toBe(0);
  });

  it('every line of random bytes or random JSON gets exactly one answer and the server keeps serving (seeded)', async () => {
    const seed = Number(process.env.RK8S_PROPERTY_SEED ?? 20261201);
    console.log(`mcp-stdio-transport property seed: ${seed}`);
    const { write, send, next } = await wire();
    const line = fc.oneof(
      fc.string({ maxLength: 80 }).filter((text) => !text.includes('\n') && text.trim() !== ''),
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
      fc.record({ jsonrpc: fc.constantFrom('2.0', '1.0', 2), id: fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.double()), method: fc.oneof(fc.constantFrom('tools/call', 'ping', 'initialize'), fc.integer()) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
    );
    const samples = fc.sample(line, { seed, numRuns: 150 });
    let index = 0;
    for (const sample of samples) {
      write(`${sample}\n`);
      send(ping(`probe-${index}`));
      // At most one answer for the line (a valid notification or response gets none), then the probe's.
      const first = await next();
      if (first.id !== `probe-${index}`) {
        expect(first.error ?? first.result, `line ${JSON.stringify(sample)}`).toBeDefined();
        const probe = await next();
        expect(probe.id, `after line ${JSON.stringify(sample)}`).toBe(`probe-${index}`);
      }
      index += 1;
    }
  });
});

describe('McpStdioTransport: oversized messages', () => {
  const limit = 4096;

  it('answers a line over the limit with -32600, with its id when the line ends with it, logs it, and keeps serving', async () => {
    const { write, send, next, logs, initialize } = await wire({ maxMessageBytes: limit });
    await initialize();
    // SDK clients serialize {method, params, jsonrpc, id}: the id comes last, after the big params.
    const big = JSON.stringify({ method: 'tools/call', params: { name: 'k8s_plan', arguments: { query: 'x'.repeat(limit * 3) } }, jsonrpc: '2.0', id: 41 });
    // In pieces, as a pipe delivers it.
    for (let offset = 0; offset < big.length; offset += 1000) write(big.slice(offset, offset + 1000));
    write('\n');
    const answer = await next();
    expect(answer).toMatchObject({ id: 41, error: { code: JsonRpcErrorCode.invalidRequest } });
    expect(answer.error?.message).toContain(`over the limit of ${limit}`);
    expect(logs.some((line) => line.includes(`${limit}-byte limit`))).toBe(true);
    send(listTools(42));
    expect((await next()).id).toBe(42);
  });

  it('answers id null when the id cannot be read from the line ends', async () => {
    const { write, next } = await wire({ maxMessageBytes: limit });
    write(`{"jsonrpc":"2.0","method":"x","params":{"blob":"${'y'.repeat(limit * 2)}","id":5}}\n`);
    expect(await next()).toMatchObject({ id: null, error: { code: JsonRpcErrorCode.invalidRequest } });
  });

  it('accepts a message of exactly the limit', async () => {
    const { write, next } = await wire({ maxMessageBytes: limit });
    const base = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { _meta: { pad: '' } } });
    const padded = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { _meta: { pad: 'p'.repeat(limit - base.length) } } });
    expect(Buffer.byteLength(padded)).toBe(limit);
    write(`${padded}\n`);
    expect(await next()).toMatchObject({ id: 1, result: {} });
  });

  it.each([
    ['{"jsonrpc":"2.0","id":7,"method":"tools/call"', 'xx"}}', 7],
    ['{"id":"abc","jsonrpc":"2.0"', '}', 'abc'],
    ['{"method":"tools/call"', '"x"}},"jsonrpc":"2.0","id":8}', 8],
    ['{"method":"tools/call"', '"x"}},"id":"q\\"1","jsonrpc":"2.0"}', 'q"1'],
    ['{"method":"tools/call"', '"x":{"id":5}}}', undefined],
    ['{"method":"tools/call"', 'no end', undefined],
  ])('idFromMessageEnds(%j, %j) -> %j', (head, tail, id) => {
    expect(idFromMessageEnds(head, tail)).toBe(id);
  });
});

describe('McpStdioTransport: draining', () => {
  it('answers new requests with -32000 once draining, and answers what is left on request', async () => {
    const { send, next, initialize, transport } = await wire();
    await initialize();
    transport.beginDrain();
    send(listTools(3));
    expect(await next()).toMatchObject({ id: 3, error: { code: JsonRpcErrorCode.shuttingDown } });
    expect(transport.pendingRequests).toBe(0);
    await transport.idle();
  });

  it('answerPending answers every waiting request once, and drops the handler\'s late answer', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const transport = new McpStdioTransport({ input, output, maxMessageBytes: 4096 });
    const received: unknown[] = [];
    transport.onmessage = (message) => received.push(message);
    await transport.start();
    const written: string[] = [];
    output.on('data', (chunk: Buffer) => written.push(...chunk.toString().trim().split('\n')));
    input.write(`${JSON.stringify({ jsonrpc: '2.0', id: 'i', method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(transport.pendingRequests).toBe(1);
    expect(await transport.answerPending('stopping')).toBe(1);
    await transport.send({ jsonrpc: '2.0', id: 'i', result: {} });
    await new Promise((resolve) => setImmediate(resolve));
    expect(written.map((line) => JSON.parse(line) as Answer)).toEqual([{ jsonrpc: '2.0', id: 'i', error: { code: JsonRpcErrorCode.shuttingDown, message: 'stopping' } }]);
    await transport.close();
  });

  it('reports the end of input once, so the session can drain', async () => {
    const { input, transport } = await wire();
    const ends: string[] = [];
    transport.onend = (why) => ends.push(why);
    input.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(ends).toEqual(['input-closed']);
  });
});

describe('McpStdioTransport: cancelled requests', () => {
  it('frees the id of a request the client cancelled (no answer is owed, the id may be used again)', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const transport = new McpStdioTransport({ input, output, maxMessageBytes: 4096 });
    const received: Array<{ method?: string }> = [];
    transport.onmessage = (message) => received.push(message as { method?: string });
    await transport.start();
    input.write(`${JSON.stringify({ jsonrpc: '2.0', id: 'i', method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    await transport.send({ jsonrpc: '2.0', id: 'i', result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 'x', version: '1' } } });
    input.write(`${JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/list' })}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(transport.pendingRequests).toBe(1);
    input.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 5, reason: 'user' } })}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(transport.pendingRequests).toBe(0);
    await transport.idle();
    input.write(`${JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/list' })}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(received.map((message) => message.method)).toEqual(['initialize', 'tools/list', 'notifications/cancelled', 'tools/list']);
    await transport.close();
  });
});
