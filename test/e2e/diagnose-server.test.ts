/** POST /diagnose (JSON and NDJSON) on the built `rk8s serve`, and the MCP tool k8s_diagnose on `rk8s mcp`, against the sandbox with the real kubectl. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import { DiagnoseDocumentSchema } from '../../src/diagnose/document.js';
import { RK8S_BIN } from '../helpers/cli.js';
import { useSandbox, waitFor } from '../helpers/sandbox.js';

describeWith(['kubectl'], 'k8s_diagnose over HTTP and MCP (sandbox, real kubectl)', () => {
  const sandbox = useSandbox();
  const auditLog = path.join(mkdtempSync(path.join(os.tmpdir(), 'rk8s-diagnose-server-')), 'agent.log');
  const children: ChildProcess[] = [];
  const clients: Client[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('POST /diagnose answers the document, streams NDJSON progress, and rejects a bad payload with the field', async () => {
    const child = spawn(process.execPath, [RK8S_BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--no-model', '--preload'], {
      env: { ...process.env, ...sandbox().env, RK8S_AUDIT_LOG: auditLog, NO_COLOR: '1', RK8S_SERVER_TOKEN: 'e2e-diagnose-token-0123456789' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1], { what: 'rk8s serve to listen', timeoutMs: 30_000 });
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}/diagnose`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer e2e-diagnose-token-0123456789', ...headers }, body: JSON.stringify(body) });

    expect((await fetch(`${url}/diagnose`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"namespace":"prod"}' })).status).toBe(401);

    const response = await post({ namespace: 'staging', target: 'deploy/web' });
    expect(response.status).toBe(200);
    const document = DiagnoseDocumentSchema.parse(await response.json());
    expect(document.findings[0]).toMatchObject({ reason: 'ImagePullBackOff' });
    expect(document.findings[0]!.remediations[0]).toMatchObject({ request: { intent: 'rollback', params: { revision: 1 } } });

    const streamed = await post({ namespace: 'prod', target: 'payments' }, { accept: 'application/x-ndjson' });
    expect(streamed.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await streamed.text()).trim().split('\n').map((line) => JSON.parse(line) as { type: string; check?: string; result?: { status: string } });
    expect(lines[0]!.type).toBe('investigation-start');
    // The document travels once, in the result line.
    expect(lines.some((line) => line.type === 'investigation-end')).toBe(false);
    expect(lines.some((line) => line.type === 'investigation-step' && line.check === 'logs')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ type: 'result', result: { status: 'findings' } });

    const invalid = await post({ namespace: 'Prod' });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { fields: Array<{ path: string }> } }).error.fields[0]?.path).toBe('namespace');
    const unknown = await post({ namespace: 'prod', target: 'deploy/nope' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toBe('no Deployment named "nope" in namespace prod');

    child.kill('SIGTERM');
    await waitFor(() => child.exitCode !== null, { what: 'rk8s serve to stop' });
  });

  it('the MCP tool k8s_diagnose is read-only and answers the document as structured content', async () => {
    if (!existsSync(RK8S_BIN)) throw new Error(`${RK8S_BIN} is missing: run npm run build`);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [RK8S_BIN, 'mcp', '--no-model'],
      env: { ...(process.env as Record<string, string>), ...sandbox().env, RK8S_AUDIT_LOG: auditLog, NO_COLOR: '1' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'e2e-agent', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    const { tools } = await client.listTools();
    const tool = tools.find((candidate) => candidate.name === 'k8s_diagnose')!;
    expect(tool.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(tool.outputSchema).toBeDefined();
    const result = await client.callTool({ name: 'k8s_diagnose', arguments: { namespace: 'staging', target: 'pvc/scratch' } });
    const document = DiagnoseDocumentSchema.parse(result.structuredContent);
    expect(document.findings[0]).toMatchObject({ reason: 'StorageClassNotFound', object: { kind: 'PersistentVolumeClaim', name: 'scratch' } });
    expect(result.isError).toBeFalsy();
  });
});
