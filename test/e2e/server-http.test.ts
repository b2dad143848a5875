/** `rk8s serve` end to end: the built binary on 127.0.0.1, the sandbox cluster and the real kubectl. */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import net from 'node:net';
import { RK8S_BIN, runCli } from '../helpers/cli.js';
import { orgWithApprovals } from '../helpers/org.js';
import { useSandbox, waitFor } from '../helpers/sandbox.js';

describe('rk8s serve refuses an exposed address without a token', () => {
  it.each(['0.0.0.0', '::', 'foo.localhost', 'localhost.example.com'])('--host %s exits 5 naming RK8S_SERVER_TOKEN', async (host) => {
    const result = await runCli(['serve', '--host', host, '--port', '0', '--no-model'], { env: { RK8S_SERVER_TOKEN: '' } });
    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(/refusing to listen on .* without a token/);
    expect(result.stderr).toContain('RK8S_SERVER_TOKEN');
  });
});

describeWith(['kubectl'], 'rk8s serve (sandbox cluster, real kubectl)', () => {
  const sandbox = useSandbox();
  const children: ChildProcess[] = [];
  const auditLog = path.join(mkdtempSync(path.join(os.tmpdir(), 'rk8s-serve-e2e-')), 'agent.log');

  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  const orgAllowingTokens = orgWithApprovals((policy) => {
    policy.doors.http!.default.self_confirm = ['low', 'medium', 'high'];
  });

  async function serve(): Promise<{ url: string; child: ChildProcess; stderr: () => string; exited: Promise<number | null> }> {
    const child = spawn(process.execPath, [RK8S_BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--no-model', '--preload'], {
      // The operator lets HTTP callers confirm with the approval token (org/approvals.yaml); the shipped policy sends changes to the inbox.
      env: { ...process.env, ...sandbox().env, RK8S_AUDIT_LOG: auditLog, NO_COLOR: '1', RK8S_SERVER_TOKEN: '', RK8S_ORG_DIR: orgAllowingTokens, RK8S_APPROVALS_DIR: path.join(path.dirname(auditLog), 'approvals') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1], { what: 'rk8s serve to listen', timeoutMs: 30_000 });
    return { url, child, stderr: () => stderr, exited };
  }

  const post = (url: string, body: unknown, accept = 'application/json') =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify(body) });

  it('answers /health, runs /k8s-exec with the real kubectl, streams NDJSON, and stops cleanly on SIGTERM', async () => {
    const server = await serve();
    const health = (await (await fetch(`${server.url}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', planner: { kind: 'template' }, kubectl: { found: true } });
    expect(health.index_size).toBeGreaterThan(0);

    const response = await post(`${server.url}/k8s-exec`, { intent: 'get', resource: 'deployment', namespace: 'prod' });
    expect(response.status).toBe(200);
    const document = (await response.json()) as { operation_id: string; status: string; result: { stdout: string } };
    expect(document.status).toBe('executed');
    expect(document.result.stdout).toMatch(/\bapi\b/);

    const streamed = await post(`${server.url}/k8s-exec`, { intent: 'get', resource: 'deployment', namespace: 'staging' }, 'application/x-ndjson');
    const lines = (await streamed.text()).trim().split('\n').map((line) => JSON.parse(line) as { type: string; line?: string; result?: { status: string } });
    expect(lines.some((line) => line.type === 'exec-output' && /\bweb\b/.test(line.line ?? ''))).toBe(true);
    expect(lines.at(-1)?.result?.status).toBe('executed');

    const invalid = await post(`${server.url}/plan`, { intent: 'restart', resource: 'deployment', namespace: 'Prod', name: 'api' });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { fields: Array<{ path: string }> } }).error.fields[0]?.path).toBe('namespace');

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toMatch(/stopped: /);
    const records = readFileSync(auditLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { operation_id: string; event: string; source: string; user: string });
    const ours = records.filter((record) => record.operation_id === document.operation_id);
    expect(ours.map((record) => record.event)).toEqual(['proposed', 'started', 'finished']);
    expect(ours.every((record) => record.source === 'http' && record.user === 'anonymous@loopback')).toBe(true);
  });

  it('refuses a rebound Host and a foreign Origin, and runs a confirmed command only with the approval token it handed out, once', async () => {
    const server = await serve();
    const { port } = new URL(server.url);
    const raw = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: { error?: { code: string } } }>((resolve, reject) => {
        const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/k8s-exec', setHost: false, headers: { 'content-type': 'application/json', ...headers } }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as never }));
        });
        request.on('error', reject);
        request.end(JSON.stringify({ intent: 'get', resource: 'pod', namespace: 'prod' }));
      });
    const rebound = await raw({ host: `attacker.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body.error?.code).toBe('HOST_NOT_ALLOWED');
    const fromPage = await raw({ host: `localhost:${port}`, origin: 'https://attacker.example' });
    expect(fromPage.status).toBe(403);
    expect(fromPage.body.error?.code).toBe('ORIGIN_NOT_ALLOWED');
    expect((await raw({ host: `localhost:${port}` })).status).toBe(200);

    const replicas = async () => (await sandbox().kubectl(['get', 'deployment', 'web', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}'])).stdout.trim();
    const before = Number(await replicas());
    const payload = { intent: 'scale', resource: 'deployment', namespace: 'staging', name: 'web', query: `to ${before + 1}` };
    const bare = await post(`${server.url}/k8s-exec`, { ...payload, constraints: { confirm: true, expectArgs: ['scale', 'deployment/web', '-n', 'staging', `--replicas=${before + 1}`] } });
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as { error: { fields: Array<{ path: string }> } }).error.fields[0]?.path).toBe('constraints.approvalToken');

    const shown = (await (await post(`${server.url}/k8s-exec`, payload)).json()) as { status: string; plan: { args: string[] }; approval: { ticket: { token: string; expiresAt: string } } };
    expect(shown.status).toBe('needs-confirmation');
    expect(shown.plan.args.at(-1)).toBe(`--replicas=${before + 1}`);
    const token = shown.approval.ticket.token;
    const mismatch = (await (await post(`${server.url}/k8s-exec`, { ...payload, query: `to ${before + 2}`, constraints: { approvalToken: token } })).json()) as { status: string; error: { code: string } };
    expect(mismatch.status).toBe('blocked');
    expect(mismatch.error.code).toBe('APPROVAL_MISMATCH');
    expect(Number(await replicas())).toBe(before);
    const confirmed = (await (await post(`${server.url}/k8s-exec`, { ...payload, constraints: { approvalToken: token } })).json()) as { status: string };
    expect(confirmed.status).toBe('executed');
    expect(Number(await replicas())).toBe(before + 1);
    const replay = (await (await post(`${server.url}/k8s-exec`, { ...payload, constraints: { approvalToken: token } })).json()) as { status: string; error: { code: string } };
    expect(replay).toMatchObject({ status: 'blocked', error: { code: 'APPROVAL_USED' } });
    expect(Number(await replicas())).toBe(before + 1);
  });
});

describe('rk8s serve: slow clients and /health in token mode (the built binary)', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  async function serve(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
    const auditLog = path.join(mkdtempSync(path.join(os.tmpdir(), 'rk8s-serve-limits-')), 'agent.log');
    const child = spawn(process.execPath, [RK8S_BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--no-model'], {
      env: { ...process.env, RK8S_AUDIT_LOG: auditLog, NO_COLOR: '1', RK8S_SERVER_TOKEN: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1], { what: 'rk8s serve to listen', timeoutMs: 30_000 });
    return { url, child };
  }

  it('cuts a trickling body at RK8S_SERVER_BODY_TIMEOUT with 408', async () => {
    const { url } = await serve({ RK8S_SERVER_HEADERS_TIMEOUT: '1', RK8S_SERVER_BODY_TIMEOUT: '2' });
    const { port } = new URL(url);
    const socket = net.connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('POST /plan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{');
    const timer = setInterval(() => socket.writable && socket.write(' '), 100);
    await closed;
    clearInterval(timer);
    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
  });

  it('with the fd limit at 300 and 320 slow-body sockets open, /health and /plan still answer (the red-team case)', async () => {
    const auditLog = path.join(mkdtempSync(path.join(os.tmpdir(), 'rk8s-serve-fds-')), 'agent.log');
    // Long timeouts, so only the connection limit (default 256) keeps the server within its descriptors.
    const child = spawn('sh', ['-c', `ulimit -n 300 && exec "$0" "$@"`, process.execPath, RK8S_BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--no-model', '--preload'], {
      env: { ...process.env, RK8S_AUDIT_LOG: auditLog, NO_COLOR: '1', RK8S_SERVER_TOKEN: '', RK8S_SERVER_HEADERS_TIMEOUT: '300', RK8S_SERVER_BODY_TIMEOUT: '600' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1], { what: 'rk8s serve to listen', timeoutMs: 30_000 });
    const { port } = new URL(url);
    const slow: net.Socket[] = [];
    try {
      for (let index = 0; index < 320; index++) {
        const socket = net.connect(Number(port), '127.0.0.1');
        socket.on('error', () => undefined);
        slow.push(socket);
        await new Promise<void>((resolve) => socket.once('connect', () => resolve()).once('close', () => resolve()));
        socket.write('POST /k8s-exec HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 50000\r\n\r\n{');
      }
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      const body = (await health.json()) as { connections: { open: number; max: number; evicted: number } };
      expect(body.connections.max).toBe(256);
      expect(body.connections.open).toBeLessThanOrEqual(256);
      expect(body.connections.evicted).toBeGreaterThanOrEqual(320 - 256);
      const plan = await fetch(`${url}/plan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ intent: 'get', resource: 'pod', namespace: 'dev' }) });
      expect(plan.status).toBe(200);
      expect(((await plan.json()) as { status: string }).status).toBe('allowed');
      expect(stderr).toMatch(/connection limit \(256\) reached/);
      expect(stderr).not.toMatch(/EMFILE/);
    } finally {
      for (const socket of slow) socket.destroy();
    }
  }, 60_000);

  it('with a token, /health answers only the status without it, everything with it', async () => {
    const token = 'e2e-token-0123456789abcdef';
    const { url } = await serve({ RK8S_SERVER_TOKEN: token });
    await waitFor(async () => (await fetch(`${url}/health`)).status === 200, { what: 'the core to load' });
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
    const full = (await (await fetch(`${url}/health`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, unknown>;
    expect(full).toHaveProperty('policy_version');
    expect(full).toHaveProperty('kubectl.path');
  });
});
