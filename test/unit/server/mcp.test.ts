import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/schemas/config.js';
import { createMcpServer } from '../../../src/server/mcp.js';
import type { K8sExecResult } from '../../../src/tool/k8s-exec.js';
import type { PlanDocument } from '../../../src/server/plan-document.js';
import { createFakeCore, type FakeCore } from '../../helpers/fake-core.js';

interface Connected {
  client: Client;
  core: FakeCore;
  /** Every elicitation the server sent. */
  asked: Array<{ message: string; requestedSchema: unknown }>;
}

const open: Client[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()));
});

/** A server on a fake core and a client over an in-memory pair; `answer` makes the client elicitation-capable. */
async function connect(options: { answer?: (message: string) => ElicitResult; allowAgentConfirm?: boolean } = {}): Promise<Connected> {
  const core = createFakeCore();
  const config: Config = { ...core.config, mcpAllowAgentConfirm: options.allowAgentConfirm ?? false };
  const server = createMcpServer({ config, core });
  const client = new Client({ name: 'test-agent', version: '1.0.0' }, { capabilities: options.answer ? { elicitation: { form: {} } } : {} });
  const asked: Connected['asked'] = [];
  if (options.answer) {
    const answer = options.answer;
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      const params = request.params as { message: string; requestedSchema: unknown };
      asked.push({ message: params.message, requestedSchema: params.requestedSchema });
      return answer(params.message);
    });
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
  open.push(client);
  return { client, core, asked };
}

async function call<T>(client: Client, name: string, input: Record<string, unknown>): Promise<{ document: T; isError: boolean; text: string }> {
  const result = await client.callTool({ name, arguments: input });
  const content = result.content as Array<{ type: string; text?: string }>;
  return { document: result.structuredContent as T, isError: result.isError === true, text: content[0]?.text ?? '' };
}

/** kubectl calls that could change the cluster (not reads, not dry-runs). */
function changingCalls(core: FakeCore): string[][] {
  return core.kubectl.calls.map((entry) => entry.args).filter((args) => args[0] !== 'get' && !args.some((argument) => argument.startsWith('--dry-run')));
}

const restart = { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' };

describe('MCP server', () => {
  it('lists the four tools with input schemas from the zod schemas and read-only/destructive annotations', async () => {
    const { client } = await connect();
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    expect([...byName.keys()].sort()).toEqual(['k8s_diagnose', 'k8s_exec', 'k8s_plan', 'k8s_retrieve']);
    expect(byName.get('k8s_diagnose')?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(byName.get('k8s_retrieve')?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(byName.get('k8s_plan')?.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.get('k8s_exec')?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    const execSchema = byName.get('k8s_exec')!.inputSchema as { properties: Record<string, { pattern?: string; enum?: string[] }>; additionalProperties?: unknown };
    expect(Object.keys(execSchema.properties)).toEqual(expect.arrayContaining(['constraints', 'intent', 'name', 'namespace', 'query', 'resource']));
    expect(execSchema.properties.namespace?.pattern).toBeDefined();
    expect(execSchema.properties.intent?.enum).toContain('restart');
    expect(execSchema.additionalProperties).toBe(false);
    expect(byName.get('k8s_exec')?.outputSchema).toBeDefined();
  });

  it('k8s_retrieve returns cards and runs nothing', async () => {
    const { client, core } = await connect();
    const { document } = await call<{ cards: Array<{ id: string; risk: string }> }>(client, 'k8s_retrieve', { intent: 'restart', resource: 'deploy' });
    expect(document.cards[0]).toMatchObject({ id: 'restart-deployment', risk: 'medium' });
    expect(core.kubectl.calls).toEqual([]);
  });

  it('k8s_plan answers with the plan and the verdict, records the proposal as source mcp, and runs nothing', async () => {
    const { client, core } = await connect();
    const { document, isError } = await call<PlanDocument>(client, 'k8s_plan', restart);
    expect(isError).toBe(false);
    expect(document.status).toBe('needs-confirmation');
    expect(document.plan?.args).toEqual(['rollout', 'restart', 'deployment/api', '-n', 'prod']);
    expect(document.verdict?.risk).toBe('medium');
    expect(core.kubectl.calls).toEqual([]);
    expect(core.auditLog.records.map((record) => [record.event, record.source])).toEqual([['proposed', 'mcp']]);
    expect(core.auditLog.records[0]?.user).toMatch(/via mcp:test-agent$/);
  });

  it('rejects an invalid payload naming the field', async () => {
    const { client } = await connect();
    const { isError, text } = await call(client, 'k8s_plan', { intent: 'restart', resource: 'deployment', namespace: 'Prod!', name: 'api' });
    expect(isError).toBe(true);
    expect(text).toMatch(/namespace/);
    expect(text).toMatch(/DNS-1123/);
  });

  it('k8s_exec answers blocked for a command the policy denies, and runs nothing', async () => {
    const { client, core } = await connect();
    const { document } = await call<K8sExecResult>(client, 'k8s_exec', { intent: 'get', resource: 'pod', namespace: 'kube-system' });
    expect(document.status).toBe('blocked');
    expect(document.verdict?.violations.map((violation) => violation.code)).toContain('NAMESPACE_UNKNOWN');
    expect(core.kubectl.calls).toEqual([]);
  });

  it('k8s_exec runs an allowed read-only command', async () => {
    const { client, core } = await connect();
    core.kubectl.script = () => ({ stdout: ['NAME READY', 'api-1 1/1'] });
    const { document } = await call<K8sExecResult>(client, 'k8s_exec', { intent: 'get', resource: 'pod', namespace: 'dev' });
    expect(document.status).toBe('executed');
    expect(document.result?.stdout).toBe('NAME READY\napi-1 1/1');
    expect(core.kubectl.calls.map((entry) => entry.args)).toEqual([['get', 'pods', '-n', 'dev']]);
  });

  it('without elicitation, a medium-risk command answers needs-confirmation and does not run, even when the agent sends confirm: true', async () => {
    const { client, core } = await connect();
    const { document } = await call<K8sExecResult>(client, 'k8s_exec', { ...restart, constraints: { confirm: true } });
    expect(document.status).toBe('needs-confirmation');
    expect(document.notes?.join(' ')).toMatch(/constraints\.confirm was ignored/);
    expect(core.kubectl.calls).toEqual([]);
    expect(core.auditLog.records.map((record) => record.event)).not.toContain('started');
  });

  it('lets the agent confirm only when the operator allows it, and only with the argv it was shown', async () => {
    const { client, core } = await connect({ allowAgentConfirm: true });
    const shown = await call<K8sExecResult>(client, 'k8s_exec', restart);
    expect(shown.document.status).toBe('needs-confirmation');
    const { document } = await call<K8sExecResult>(client, 'k8s_exec', { ...restart, constraints: { confirm: true, expectArgs: shown.document.plan!.args } });
    expect(document.status).toBe('executed');
    expect(core.kubectl.calls.map((entry) => entry.args)).toEqual([['rollout', 'restart', 'deployment/api', '-n', 'prod']]);
  });

  it('with agent confirmation allowed, ignores a confirm that does not name the argv (constraints.expectArgs)', async () => {
    const { client, core } = await connect({ allowAgentConfirm: true });
    const { document } = await call<K8sExecResult>(client, 'k8s_exec', { ...restart, constraints: { confirm: true } });
    expect(document.status).toBe('needs-confirmation');
    expect(document.notes?.join(' ')).toMatch(/constraints\.confirm was ignored: constraints\.expectArgs is required with confirm/);
    expect(document.plan?.args).toEqual(['rollout', 'restart', 'deployment/api', '-n', 'prod']);
    expect(core.kubectl.calls).toEqual([]);
  });

  it('with agent confirmation allowed, blocks a confirm whose expectArgs differ from the fresh plan', async () => {
    const { client, core } = await connect({ allowAgentConfirm: true });
    const { document } = await call<K8sExecResult>(client, 'k8s_exec', { ...restart, constraints: { confirm: true, expectArgs: ['rollout', 'restart', 'deployment/web', '-n', 'prod'] } });
    expect(document.status).toBe('blocked');
    expect(document.verdict?.violations.map((violation) => violation.code)).toEqual(['APPROVAL_MISMATCH']);
    expect(core.kubectl.calls).toEqual([]);
  });

  it('elicitation: the argv the human confirmed is the argv that runs; a mismatching expectArgs is refused before asking', async () => {
    const { client, core, asked } = await connect({ answer: () => ({ action: 'accept', content: { confirm: true } }) });
    core.kubectl.script = () => ({ stdout: ['ok'] });
    const scale = { intent: 'scale', resource: 'deployment', namespace: 'staging', name: 'web', query: 'to 3' };
    const { document } = await call<K8sExecResult>(client, 'k8s_exec', scale);
    expect(document.status).toBe('executed');
    const ran = changingCalls(core);
    expect(ran).toEqual([document.plan!.args]);
    expect(asked[0]?.message).toContain(`kubectl ${ran[0]!.join(' ')}`);
    const refused = await call<K8sExecResult>(client, 'k8s_exec', { ...scale, constraints: { expectArgs: ['scale', 'deployment/web', '-n', 'staging', '--replicas=2'] } });
    expect(refused.document.status).toBe('blocked');
    expect(asked).toHaveLength(1);
    expect(changingCalls(core)).toHaveLength(1);
  });

  it('asks the human through elicitation, showing the exact command, and runs it once accepted', async () => {
    const { client, core, asked } = await connect({ answer: () => ({ action: 'accept', content: { confirm: true } }) });
    core.kubectl.script = (args) => ({ stdout: [args[0] === 'get' ? 'api   3/3   current-state' : 'restarted'] });
    const { document } = await call<K8sExecResult>(client, 'k8s_exec', restart);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.message).toContain('kubectl rollout restart deployment/api -n prod');
    expect(asked[0]?.message).toMatch(/MEDIUM-risk/);
    // The human sees the preview (here the current state: restart has no dry-run) before deciding.
    expect(asked[0]?.message).toContain('api   3/3   current-state');
    expect(document.status).toBe('executed');
    expect(document.result?.stdout).toBe('restarted');
    expect(changingCalls(core)).toEqual([['rollout', 'restart', 'deployment/api', '-n', 'prod']]);
    const events = core.auditLog.records.map((record) => record.event);
    expect(events).toEqual(expect.arrayContaining(['proposed', 'confirmed', 'started', 'finished']));
    expect(core.auditLog.records.every((record) => record.source === 'mcp')).toBe(true);
  });

  it.each([
    ['declined', { action: 'decline' } as ElicitResult],
    ['cancelled', { action: 'cancel' } as ElicitResult],
    ['accepted without the box ticked', { action: 'accept', content: { confirm: false } } as ElicitResult],
  ])('does not run when the human %s', async (_label, answer) => {
    const { client, core, asked } = await connect({ answer: () => answer });
    const { document } = await call<K8sExecResult>(client, 'k8s_exec', restart);
    expect(asked).toHaveLength(1);
    expect(document.status).toBe('needs-confirmation');
    expect(changingCalls(core)).toEqual([]);
    expect(core.auditLog.records.map((record) => record.event)).not.toContain('started');
  });

  it('for a high-risk command the human must type the object name', async () => {
    const typed: string[] = ['web', 'web-1'];
    const { client, core, asked } = await connect({ answer: () => ({ action: 'accept', content: { name: typed.shift() ?? '' } }) });
    const first = await call<K8sExecResult>(client, 'k8s_exec', { intent: 'delete', resource: 'pod', namespace: 'dev', name: 'web-1' });
    expect(first.document.status).toBe('needs-confirmation');
    expect(changingCalls(core)).toEqual([]);
    const second = await call<K8sExecResult>(client, 'k8s_exec', { intent: 'delete', resource: 'pod', namespace: 'dev', name: 'web-1' });
    expect(second.document.status).toBe('executed');
    expect(asked[0]?.requestedSchema).toMatchObject({ required: ['name'] });
    expect(asked[0]?.message).toMatch(/HIGH-risk/);
    expect(changingCalls(core)).toEqual([['delete', 'pod', 'web-1', '-n', 'dev']]);
  });
});
