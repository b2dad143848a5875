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
import { RK8S_BIN } from '../helpers/cli.js';
import { hasKubectl, useSandbox } from '../helpers/sandbox.js';

if (!hasKubectl) console.warn('skipping the MCP end-to-end tests: kubectl is not installed');

type ExecDocument = K8sExecResult;

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

  it('lists the three tools', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['k8s_exec', 'k8s_plan', 'k8s_retrieve']);
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
