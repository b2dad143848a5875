import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startMcpStdioSession } from '../../../src/server/mcp-stdio-session.js';
import { JsonRpcErrorCode } from '../../../src/server/mcp-stdio-transport.js';
import { createFakeCore, type FakeCoreOptions } from '../../helpers/fake-core.js';

interface Answer {
  id: string | number | null;
  result?: { structuredContent?: { status: string; error?: { code: string } }; isError?: boolean };
  error?: { code: number; message: string };
}

/** A session on in-memory streams over a fake core; `answers` collects every line the server writes. */
async function session(fake: FakeCoreOptions, cancel?: AbortSignal) {
  const core = createFakeCore(fake);
  const input = new PassThrough();
  const output = new PassThrough();
  const answers: Answer[] = [];
  let buffered = '';
  output.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) answers.push(JSON.parse(line) as Answer);
  });
  const started = await startMcpStdioSession({ config: core.config, core, input, output, ...(cancel ? { cancel } : {}) });
  const send = (message: unknown) => input.write(`${JSON.stringify(message)}\n`);
  const until = async (predicate: () => boolean, what: string) => {
    const deadline = Date.now() + 5000;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'agent', version: '1' } } });
  await until(() => answers.some((answer) => answer.id === 0), 'initialize');
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { core, input, answers, send, until, session: started };
}

const call = (id: number, name: string, input: Record<string, unknown>) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: input } });
const listPods = { intent: 'get', resource: 'pod', namespace: 'dev' };

describe('MCP stdio session shutdown', () => {
  it('waits for a running command, answers its call with the result, then closes', async () => {
    let finish: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const { core, answers, send, until, session: mcp } = await session({ kubectl: () => ({ stdout: ['NAME READY'] }) });
    // Wrap the fake's run so it waits for the test before it ends.
    const run = core.kubectl.run.bind(core.kubectl);
    core.kubectl.run = async function* (args, options) {
      await gate;
      yield* run(args, options);
    };
    send(call(1, 'k8s_exec', listPods));
    await until(() => core.auditLog.records.some((record) => record.event === 'started'), 'the command to start');
    const stopping = mcp.shutdown();
    send(call(2, 'k8s_exec', listPods));
    await until(() => answers.some((answer) => answer.id === 2), 'the refusal of a new call');
    expect(answers.find((answer) => answer.id === 2)?.error?.code).toBe(JsonRpcErrorCode.shuttingDown);
    finish();
    const summary = await stopping;
    expect(summary).toMatchObject({ pendingCalls: 1, runningCommands: 1, answeredByShutdown: 0, cancelled: false, unwrittenOutcomes: 0 });
    expect(answers.find((answer) => answer.id === 1)?.result?.structuredContent?.status).toBe('executed');
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['proposed', 'started', 'finished']);
  });

  it('when cancel aborts, cancels the running command, records it, and still answers the call', async () => {
    const cancel = new AbortController();
    const { core, answers, send, until, session: mcp } = await session({ kubectl: () => ({ hang: true }) }, cancel.signal);
    send(call(1, 'k8s_exec', listPods));
    await until(() => core.auditLog.records.some((record) => record.event === 'started'), 'the command to start');
    const stopping = mcp.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(answers.some((answer) => answer.id === 1)).toBe(false);
    cancel.abort();
    const summary = await stopping;
    expect(summary).toMatchObject({ pendingCalls: 1, runningCommands: 1, cancelled: true });
    const answer = answers.find((entry) => entry.id === 1);
    expect(answer?.result?.structuredContent).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } });
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['proposed', 'started', 'cancelled']);
  });

  it('answers a call that has not started a command (planning) with a shutdown error at once', async () => {
    const { core, answers, send, until, session: mcp } = await session({ planner: { hang: true } });
    let planning = false;
    const plan = core.planner.plan.bind(core.planner);
    Object.assign(core.planner, { plan: (...args: Parameters<typeof plan>) => ((planning = true), plan(...args)) });
    send(call(1, 'k8s_plan', { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' }));
    await until(() => planning, 'planning to start');
    const summary = await mcp.shutdown();
    expect(summary).toMatchObject({ pendingCalls: 1, runningCommands: 0, answeredByShutdown: 1 });
    expect(answers.find((answer) => answer.id === 1)?.error?.code).toBe(JsonRpcErrorCode.shuttingDown);
    expect(core.kubectl.calls).toEqual([]);
  });

  it('reports the end of stdin', async () => {
    const { input, session: mcp } = await session({});
    input.end();
    expect(await mcp.ended).toBe('input-closed');
    await mcp.shutdown();
  });
});
