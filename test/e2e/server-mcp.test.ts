/**
 * The MCP server end to end: the built `rk8s mcp` over stdio, driven by the SDK's client, against the
 * sandbox cluster with the real kubectl.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { RK8S_BIN } from '../helpers/cli.js';
import { hasKubectl, useSandbox } from '../helpers/sandbox.js';

if (!hasKubectl) console.warn('skipping the MCP end-to-end tests: kubectl is not installed');

interface ExecDocument {
  operation_id: string;
  status: string;
  plan: { command: string; args: string[] } | null;
  verdict: { violations: Array<{ code: string }> } | null;
  result?: { exit_code: number; stdout: string };
  notes?: string[];
}

describe.skipIf(!hasKubectl)('rk8s mcp over stdio (sandbox cluster, real kubectl)', () => {
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
      env: { ...(process.env as Record<string, string>), ...sandbox().env, RK8S_AUDIT_LOG: auditLog, NO_COLOR: '1' },
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

  it('without elicitation, a medium-risk command answers needs-confirmation and is not executed, even with confirm: true from the agent', async () => {
    const client = await connect();
    const document = await call(client, 'k8s_exec', { intent: 'restart', resource: 'deployment', namespace: 'staging', name: 'web', constraints: { confirm: true } });
    expect(document.status).toBe('needs-confirmation');
    expect(document.notes?.join(' ')).toMatch(/constraints\.confirm was ignored/);
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
