/**
 * `rk8s mcp` stopped while a tools/call runs the real kubectl against the sandbox: the call gets its
 * result before the process exits, every `started` has its outcome record, `rk8s audit verify`
 * passes. The client is raw JSON-RPC lines on the spawned process's stdin/stdout.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import { useSandbox, waitFor } from '../helpers/sandbox.js';
import { auditOutcomes, spawnRk8s, verifyAudit, waitForKubectl, type Spawned } from '../helpers/signals.js';

interface Answer {
  id: number | string | null;
  result?: { structuredContent?: { operation_id: string; status: string; error?: { code: string }; result?: { stderr: string } } };
  error?: { code: number; message: string };
}

/** A spawned `rk8s mcp` and a line-level client for it. */
interface McpProcess extends Spawned {
  send(message: unknown): void;
  answers(): Answer[];
  answer(id: number): Promise<Answer>;
  auditLog: string;
}

const status = (id: number, timeout: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'k8s_exec', arguments: { intent: 'status', resource: 'deployment', namespace: 'staging', name: 'web', params: { timeout } } },
});

describeWith(['kubectl'], 'rk8s mcp under SIGTERM/SIGINT and a closed stdin (sandbox, real kubectl)', () => {
  const sandbox = useSandbox({ timings: { podStartMs: 3_600_000 } });
  let restarted = false;

  async function mcp(grace: number): Promise<McpProcess> {
    if (!restarted) {
      expect((await sandbox().kubectl(['rollout', 'restart', 'deployment/web', '-n', 'staging'])).exitCode).toBe(0);
      restarted = true;
    }
    const auditLog = path.join(mkdtempSync(path.join(os.tmpdir(), 'rk8s-signals-mcp-')), 'agent.log');
    const spawned = spawnRk8s(['mcp', '--no-model'], { ...sandbox().env, RK8S_AUDIT_LOG: auditLog, RK8S_SHUTDOWN_GRACE_SECONDS: String(grace) }, { stdin: 'pipe' });
    const answers = () =>
      spawned
        .stdout()
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Answer);
    const client: McpProcess = {
      ...spawned,
      auditLog,
      send: (message) => spawned.child.stdin!.write(`${JSON.stringify(message)}\n`),
      answers,
      answer: (id) => waitFor(() => answers().find((answer) => answer.id === id), { what: `the answer to call ${id}`, timeoutMs: 60_000, intervalMs: 50 }),
    };
    client.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'signals-e2e', version: '1' } } });
    await client.answer(0);
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return client;
  }

  const startedCount = async (client: McpProcess, count: number) => {
    await waitFor(() => auditOutcomes(client.auditLog).started.length >= count, { what: `${count} operation(s) to start`, timeoutMs: 60_000, intervalMs: 50 });
    // Only a lone call waits for its kubectl: the load test means to catch calls in every stage.
    if (count === 1) await waitForKubectl(client.child.pid!, ['rollout', 'status']);
  };

  it('SIGTERM while kubectl runs: the call gets its result, then the process exits 0 with the outcome recorded', async () => {
    const client = await mcp(20);
    client.send(status(1, '3s'));
    await startedCount(client, 1);
    await client.signal('SIGTERM', /SIGTERM: shutting down/);
    const answer = await client.answer(1);
    expect(answer.result?.structuredContent?.status).toBe('failed');
    expect(answer.result?.structuredContent?.result?.stderr).toMatch(/timed out waiting for the condition/);
    expect(await client.exited).toEqual({ code: 0, signal: null });
    const log = auditOutcomes(client.auditLog);
    expect(log.lost).toEqual([]);
    expect(log.outcomes.get(answer.result!.structuredContent!.operation_id)).toBe('failed');
    expect((await verifyAudit(client.auditLog)).exitCode).toBe(0);
  });

  it('SIGINT past the grace period: the command is cancelled, the call still gets its result, exit 130', async () => {
    const client = await mcp(1);
    client.send(status(1, '120s'));
    await startedCount(client, 1);
    await client.signal('SIGINT', /SIGINT: shutting down/);
    const answer = await client.answer(1);
    expect(answer.result?.structuredContent).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } });
    expect(await client.exited).toEqual({ code: 130, signal: null });
    expect(auditOutcomes(client.auditLog).lost).toEqual([]);
    expect((await verifyAudit(client.auditLog)).exitCode).toBe(0);
  });

  it('a closed stdin drains like SIGTERM: the running call is answered, then exit 0', async () => {
    const client = await mcp(20);
    client.send(status(1, '3s'));
    await startedCount(client, 1);
    client.child.stdin!.end();
    const answer = await client.answer(1);
    expect(answer.result?.structuredContent?.status).toBe('failed');
    expect(await client.exited).toEqual({ code: 0, signal: null });
    expect(auditOutcomes(client.auditLog).lost).toEqual([]);
  });

  it('under load: 20 concurrent calls, SIGTERM, every call answered and zero lost outcomes; a call sent after the signal is refused', async () => {
    const grace = 5;
    const client = await mcp(grace);
    for (let id = 1; id <= 20; id++) client.send(status(id, id % 2 === 0 ? '3s' : '120s'));
    await startedCount(client, 20);
    await client.signal('SIGTERM', /SIGTERM: shutting down/);
    client.send(status(99, '3s'));
    const { code } = await client.exited;
    const answers = client.answers();
    const log = auditOutcomes(client.auditLog);
    console.log(
      `signal load test (mcp): ${log.started.length} operations, ${log.lost.length} lost outcomes, ` +
        `${answers.filter((answer) => typeof answer.id === 'number' && answer.id >= 1 && answer.id <= 20).length}/20 calls answered, exit ${code}`,
    );
    for (let id = 1; id <= 20; id++) expect(answers.find((answer) => answer.id === id)?.result?.structuredContent?.status, `call ${id}`).toBe('failed');
    expect(answers.find((answer) => answer.id === 99)?.error?.code).toBe(-32000);
    expect(log.started).toHaveLength(20);
    expect(log.lost).toEqual([]);
    expect(code).toBe(130);
    expect((await verifyAudit(client.auditLog)).exitCode).toBe(0);
  }, 90_000);
});
