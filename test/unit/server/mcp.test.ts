import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/schemas/config.js';
import { createMcpServer } from '../../../src/server/mcp.js';
import type { K8sExecResult } from '../../../src/tool/k8s-exec.js';
import type { PlanDocument } from '../../../src/output/plan-document.js';
import { allowAtDoor, createFakeCore, type FakeCore } from '../../helpers/fake-core.js';

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
async function connect(options: { answer?: (message: string) => ElicitResult; allowAgentConfirm?: boolean; allowElicitation?: boolean } = {}): Promise<Connected> {
  const core = createFakeCore();
  // org/approvals.yaml as a test needs it: by default an MCP agent gets nothing confirmed but by a person in the inbox.
  if (options.allowAgentConfirm) allowAtDoor(core, 'mcp', { self_confirm: ['low', 'medium', 'high'] });
  if (options.allowElicitation ?? options.answer !== undefined) allowAtDoor(core, 'mcp', { elicitation: ['low', 'medium', 'high'] });
  const config: Config = core.config;
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
    const { document } = await call<K8sExecResult>(client, 'k8s_exec', { intent: 'get', resource: 'pod', namespace: 'payments' });
    expect(document.status).toBe('blocked');
    expect(document.verdict?.violations.map((violation) => violation.code)).toContain('NAMESPACE_NOT_LISTED');
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

  it('by default a change is filed in the approvals inbox (needs-approval, no ticket), and an agent confirm is refused', async () => {
    const { client, core } = await connect();
    const { document } = await call<K8sExecResult>(client, 'k8s_exec', restart);
    expect(document.status).toBe('needs-approval');
    expect(document.approval?.ticket).toBeUndefined();
    expect(document.approval?.request).toMatchObject({ id: expect.stringMatching(/^[a-z2-9]{8}$/), state: 'pending' });
    expect(document.approval?.message).toMatch(/rk8s approve /);
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['proposed', 'dry-run', 'approval-requested']);
    const forged = await call<{ error: { code: string; message: string } }>(client, 'k8s_exec', { ...restart, constraints: { confirm: true, expectArgs: document.plan!.args } });
    expect(forged.isError).toBe(true);
    expect(forged.document.error).toMatchObject({ code: 'INPUT_INVALID', message: expect.stringMatching(/constraints\.approvalToken: required with confirm/) });
    expect(changingCalls(core)).toEqual([]);
    expect(core.auditLog.records.map((record) => record.event)).not.toContain('started');
  });

  it('lets the agent confirm only when the operator allows it, with the single-use token of the answer it was shown', async () => {
    const { client, core } = await connect({ allowAgentConfirm: true });
    const shown = await call<K8sExecResult>(client, 'k8s_exec', restart);
    expect(shown.document.status).toBe('needs-confirmation');
    const approvalToken = shown.document.approval!.ticket!.token;
    const { document } = await call<K8sExecResult>(client, 'k8s_exec', { ...restart, constraints: { approvalToken } });
    expect(document.status).toBe('executed');
    expect(changingCalls(core)).toEqual([['rollout', 'restart', 'deployment/api', '-n', 'prod']]);
    const replay = await call<K8sExecResult>(client, 'k8s_exec', { ...restart, constraints: { approvalToken } });
    expect(replay.document).toMatchObject({ status: 'blocked', error: { code: 'APPROVAL_USED' } });
    expect(changingCalls(core)).toHaveLength(1);
  });

  it('a client that answers its own elicitation gets nothing run unless the operator lets elicitation confirm', async () => {
    const { client, core, asked } = await connect({ answer: () => ({ action: 'accept', content: { name: 'web-1', confirm: true } }), allowElicitation: false });
    const { document } = await call<K8sExecResult>(client, 'k8s_exec', { intent: 'delete', resource: 'pod', namespace: 'dev', name: 'web-1' });
    expect(asked).toEqual([]);
    expect(document.status).toBe('needs-approval');
    expect(changingCalls(core)).toEqual([]);
  });

  it('a never rule refuses a change at every agent door, whoever would confirm it', async () => {
    const { client, core } = await connect({ allowAgentConfirm: true });
    core.approvalsPolicy = { ...core.approvalsPolicy, policy: { ...core.approvalsPolicy.policy, never: [{ id: 'no-agent-delete', verbs: ['delete'], reason: 'deleting is done by a person' }] } };
    const { document } = await call<K8sExecResult>(client, 'k8s_exec', { intent: 'delete', resource: 'pod', namespace: 'dev', name: 'web-1' });
    expect(document).toMatchObject({ status: 'blocked', error: { code: 'AGENT_NOT_ALLOWED', message: expect.stringMatching(/deleting is done by a person/) } });
    expect(document.approval?.ticket).toBeUndefined();
    expect(changingCalls(core)).toEqual([]);
  });

  it('without agent confirmation allowed, an approval token from elsewhere is refused', async () => {
    const { client, core } = await connect();
    const { document } = await call<K8sExecResult>(client, 'k8s_exec', { ...restart, constraints: { approvalToken: 'rk8s_apt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    expect(document).toMatchObject({ status: 'blocked', error: { code: 'APPROVAL_UNKNOWN' } });
    expect(changingCalls(core)).toEqual([]);
  });

  it('blocks a request whose expectArgs differ from the fresh plan', async () => {
    const { client, core } = await connect({ allowAgentConfirm: true });
    const { document } = await call<K8sExecResult>(client, 'k8s_exec', { ...restart, constraints: { expectArgs: ['rollout', 'restart', 'deployment/web', '-n', 'prod'] } });
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
