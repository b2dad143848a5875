/**
 * The MCP server end to end: the built `rk8s mcp` over stdio, driven by the SDK's client, against the
 * sandbox cluster with the real kubectl.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { orgWithApprovals } from '../helpers/org.js';
import os from 'node:os';
import path from 'node:path';
import type { K8sExecResult } from '../../src/tool/k8s-exec.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import { RK8S_BIN } from '../helpers/cli.js';
import { useSandbox } from '../helpers/sandbox.js';

type ExecDocument = K8sExecResult;

describeWith(['kubectl'], 'rk8s mcp over stdio (sandbox cluster, real kubectl)', () => {
  const sandbox = useSandbox();
  const clients: Client[] = [];
  const auditLog = path.join(mkdtempSync(path.join(os.tmpdir(), 'rk8s-mcp-e2e-')), 'agent.log');

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  async function connect(options: { elicitation?: (message: string) => { action: 'accept' | 'decline'; content?: Record<string, unknown> } } = {}): Promise<Client> {
    if (!existsSync(RK8S_BIN)) throw new Error(`${RK8S_BIN} is missing: run npm run build`);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [RK8S_BIN, 'mcp', '--no-model'],
      env: {
        ...(process.env as Record<string, string>),
        ...sandbox().env,
        RK8S_AUDIT_LOG: auditLog,
        RK8S_APPROVALS_DIR: path.join(path.dirname(auditLog), 'approvals'),
        NO_COLOR: '1',
        // The shipped policy; with elicitation, the operator also lets the MCP client's own prompt confirm changes.
        RK8S_ORG_DIR: orgWithApprovals((policy) => {
          if (options.elicitation) policy.doors.mcp!.default.elicitation = ['low', 'medium', 'high'];
        }),
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'e2e-agent', version: '1.0.0' }, { capabilities: options.elicitation ? { elicitation: { form: {} } } : {} });
    if (options.elicitation) {
      const answer = options.elicitation;
      client.setRequestHandler(ElicitRequestSchema, async (request) => answer((request.params as { message: string }).message));
    }
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  async function call(client: Client, name: string, input: Record<string, unknown>): Promise<ExecDocument> {
    const result = await client.callTool({ name, arguments: input });
    return result.structuredContent as unknown as ExecDocument;
  }

  function auditEvents(operationId: string): string[] {
    return readFileSync(auditLog, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { operation_id: string; event: string; source: string })
      .filter((record) => record.operation_id === operationId)
      .map((record) => `${record.event}:${record.source}`);
  }

  async function restartedAt(name: string, namespace: string): Promise<string> {
    const result = await sandbox().kubectl(['get', 'deployment', name, '-n', namespace, '-o', `jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}`]);
    expect(result.exitCode).toBe(0);
    return result.stdout.trim();
  }

  it('lists the four tools', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['k8s_diagnose', 'k8s_exec', 'k8s_plan', 'k8s_retrieve']);
    expect(tools.find((tool) => tool.name === 'k8s_exec')?.annotations?.destructiveHint).toBe(true);
  });

  it('k8s_plan plans a restart and runs nothing', async () => {
    const client = await connect();
    const document = await call(client, 'k8s_plan', { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' });
    expect(document.status).toBe('needs-confirmation');
    expect(document.plan?.args).toEqual(['rollout', 'restart', 'deployment/api', '-n', 'prod']);
    expect(await restartedAt('api', 'prod')).toBe('');
    expect(auditEvents(document.operation_id)).toEqual(['proposed:mcp']);
  });

  it('k8s_exec runs an allowed read-only command with the real kubectl', async () => {
    const client = await connect();
    const document = await call(client, 'k8s_exec', { intent: 'get', resource: 'deployment', namespace: 'prod' });
    expect(document.status).toBe('executed');
    expect(document.result?.exit_code).toBe(0);
    expect(document.result?.stdout).toMatch(/\bapi\b/);
    expect(auditEvents(document.operation_id)).toEqual(['proposed:mcp', 'started:mcp', 'finished:mcp']);
  });

  it('k8s_exec answers blocked for a namespace the policy does not list', async () => {
    const client = await connect();
    const document = await call(client, 'k8s_exec', { intent: 'get', resource: 'pod', namespace: 'secret-ns' });
    expect(document.status).toBe('blocked');
    expect(document.verdict?.violations.map((violation) => violation.code)).toContain('NAMESPACE_NOT_LISTED');
    expect(auditEvents(document.operation_id)).toEqual(['denied:mcp']);
  });

  it('with the shipped policy, a change is filed for a person (needs-approval) and not executed; an agent confirm is refused', async () => {
    const client = await connect();
    const restart = { intent: 'restart', resource: 'deployment', namespace: 'staging', name: 'web' };
    const document = await call(client, 'k8s_exec', restart);
    expect(document.status).toBe('needs-approval');
    expect(document.approval?.ticket).toBeUndefined();
    const forged = await call(client, 'k8s_exec', { ...restart, constraints: { confirm: true, expectArgs: document.plan!.args } });
    expect((forged as unknown as { error: { code: string } }).error.code).toBe('INPUT_INVALID');
    expect(await restartedAt('web', 'staging')).toBe('');
    expect(auditEvents(document.operation_id)).not.toContain('started:mcp');
  });

  it('with elicitation accepted by the human, the command runs', async () => {
    const asked: string[] = [];
    const client = await connect({
      elicitation: (message) => {
        asked.push(message);
        return { action: 'accept', content: { confirm: true } };
      },
    });
    const document = await call(client, 'k8s_exec', { intent: 'restart', resource: 'deployment', namespace: 'staging', name: 'api' });
    expect(asked[0]).toContain('kubectl rollout restart deployment/api -n staging');
    expect(document.status).toBe('executed');
    expect(await restartedAt('api', 'staging')).not.toBe('');
    expect(auditEvents(document.operation_id)).toEqual(expect.arrayContaining(['proposed:mcp', 'confirmed:mcp', 'started:mcp', 'finished:mcp']));
  });
});

/** The built `rk8s mcp` spoken to in raw JSON-RPC lines, for the protocol edges the SDK client never produces. */
describe('rk8s mcp: JSON-RPC edges on raw stdio', () => {
  async function raw(env: Record<string, string> = {}) {
    if (!existsSync(RK8S_BIN)) throw new Error(`${RK8S_BIN} is missing: run npm run build`);
    const { spawn } = await import('node:child_process');
    const auditLog = path.join(mkdtempSync(path.join(os.tmpdir(), 'rk8s-mcp-raw-')), 'agent.log');
    const child = spawn(process.execPath, [RK8S_BIN, 'mcp', '--no-model'], { env: { ...process.env, RK8S_AUDIT_LOG: auditLog, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines = () => stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as { id: unknown; result?: Record<string, unknown>; error?: { code: number; message: string } });
    const answers = async (count: number) => {
      const deadline = Date.now() + 20_000;
      while (lines().length < count) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`expected ${count} answers, got ${lines().length}; stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return lines();
    };
    const write = (text: string) => new Promise<void>((resolve) => child.stdin.write(text, () => resolve()));
    return { child, write, answers, stderr: () => stderr, exited, auditLog };
  }

  const initialize = { jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

  it('answers tools/call before initialize with -32002 and runs nothing; the session then starts normally', async () => {
    const mcp = await raw();
    await mcp.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'k8s_exec', arguments: { intent: 'get', resource: 'pod', namespace: 'dev' } } })}\n`);
    const [early] = await mcp.answers(1);
    expect(early).toMatchObject({ id: 1, error: { code: -32002 } });
    expect(early!.error!.message).toMatch(/server not initialized/);
    await mcp.write(`${JSON.stringify(initialize)}\n`);
    await mcp.answers(2);
    await mcp.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    await mcp.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' })}\n`);
    const all = await mcp.answers(3);
    expect(all[1]).toMatchObject({ id: 'init', result: { serverInfo: { name: 'rk8s' } } });
    expect(all[2]!.result?.tools).toHaveLength(4);
    mcp.child.stdin.end();
    expect(await mcp.exited).toBe(0);
    expect(existsSync(mcp.auditLog) ? readFileSync(mcp.auditLog, 'utf8') : '').toBe('');
  });

  it('answers malformed JSON-RPC with -32700 / -32600 (id null unless a valid one is given) and keeps serving', async () => {
    const mcp = await raw();
    await mcp.write('{"jsonrpc":"2.0",\n[]\n"text"\n{"jsonrpc":"1.0","id":5,"method":"ping"}\n{"jsonrpc":"2.0","id":null,"method":"ping"}\n{"jsonrpc":"2.0","id":6,"method":"ping"}\n');
    const answers = await mcp.answers(6);
    expect(answers.map((answer) => [answer.id, answer.error?.code ?? 'ok'])).toEqual([
      [null, -32700],
      [null, -32600],
      [null, -32600],
      [5, -32600],
      [null, -32600],
      [6, 'ok'],
    ]);
    expect(mcp.stderr()).toMatch(/-32700 Parse error/);
    mcp.child.kill('SIGTERM');
    expect(await mcp.exited).toBe(0);
  });

  it('answers a line over 10 MiB with an error naming the limit, logs it to stderr, and keeps serving', async () => {
    const mcp = await raw();
    await mcp.write(`${JSON.stringify(initialize)}\n`);
    await mcp.answers(1);
    // The exact case: one 11 MiB line, the id last (as the SDK's clients write it).
    const big = JSON.stringify({ method: 'tools/call', params: { name: 'k8s_retrieve', arguments: { query: 'x'.repeat(11 * 1024 * 1024) } }, jsonrpc: '2.0', id: 77 });
    await mcp.write(`${big}\n`);
    await mcp.write(`${JSON.stringify({ jsonrpc: '2.0', id: 78, method: 'ping' })}\n`);
    const answers = await mcp.answers(3);
    expect(answers[1]).toMatchObject({ id: 77, error: { code: -32600 } });
    expect(answers[1]!.error!.message).toMatch(/over the limit of 4194304 \(RK8S_MCP_MAX_MESSAGE_BYTES\)/);
    expect(answers[2]).toMatchObject({ id: 78, result: {} });
    expect(mcp.stderr()).toMatch(/passed the 4194304-byte limit/);
    expect(mcp.child.exitCode).toBeNull();
    mcp.child.stdin.end();
    expect(await mcp.exited).toBe(0);
  }, 60_000);

  it('takes its message limit from RK8S_MCP_MAX_MESSAGE_BYTES', async () => {
    const mcp = await raw({ RK8S_MCP_MAX_MESSAGE_BYTES: '2048' });
    await mcp.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { _meta: { pad: 'p'.repeat(3000) } } })}\n`);
    const [answer] = await mcp.answers(1);
    expect(answer).toMatchObject({ id: 1, error: { code: -32600 } });
    expect(answer!.error!.message).toContain('over the limit of 2048');
    mcp.child.stdin.end();
    expect(await mcp.exited).toBe(0);
  });
});
