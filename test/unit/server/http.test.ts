import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import type { Core } from '../../../src/contracts/core.js';
import type { KubectlRunner } from '../../../src/contracts/ports.js';
import type { Config } from '../../../src/schemas/config.js';
import { tokenUser } from '../../../src/server/auth.js';
import { createHttpServer, type HttpServer } from '../../../src/server/http.js';
import { allowAtDoor, createFakeCore, type FakeCore, type FakeCoreOptions } from '../../helpers/fake-core.js';

const TOKEN = 'test-token-0123456789abcdef';

interface Started {
  url: string;
  server: HttpServer;
  core: FakeCore;
}

const running: HttpServer[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.shutdown()));
});

function withServerSettings(config: Config, server: Partial<Config['server']>): Config {
  return { ...config, server: { ...config.server, ...server } };
}

/** A server on 127.0.0.1 with a free port over a fake core. */
async function start(
  options: { fake?: FakeCoreOptions; server?: Partial<Config['server']>; shutdownGraceSeconds?: number; token?: string; kubectl?: KubectlRunner; planConcurrency?: number; shippedApprovals?: boolean } = {},
): Promise<Started> {
  const core = createFakeCore(options.fake);
  // Most tests here exercise the approval-token round trip, which an operator enables for HTTP in
  // org/approvals.yaml; `shippedApprovals` keeps the shipped policy (a person decides in the inbox).
  if (!options.shippedApprovals) allowAtDoor(core, 'http', { self_confirm: ['low', 'medium', 'high'] });
  const config = { ...withServerSettings(core.config, options.server ?? {}), ...(options.shutdownGraceSeconds === undefined ? {} : { shutdownGraceSeconds: options.shutdownGraceSeconds }) };
  const served: Core = { ...core, config, ...(options.kubectl ? { kubectl: options.kubectl } : {}) };
  const server = createHttpServer({ config, core: served, host: '127.0.0.1', port: 0, token: options.token, planConcurrency: options.planConcurrency });
  running.push(server);
  const url = await server.listen();
  return { url, server, core };
}

function post(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body), signal });
}

/** A raw request with exactly these headers (fetch would not let a test set Host). */
function rawRequest(url: string, options: { method?: string; path: string; headers: Record<string, string>; body?: unknown; agent?: false }): Promise<{ status: number; body: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const { hostname, port } = new URL(url);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: hostname,
        port,
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        path: options.path,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
        setHost: false,
        ...(options.agent === false ? { agent: false } : {}),
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: (text === '' ? {} : JSON.parse(text)) as never }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Polls until the predicate holds (no fixed sleeps), failing after the deadline. */
async function waitFor(predicate: () => Promise<boolean> | boolean, what: string, timeoutMs = 5000): Promise<void> {
  try {
    await vi.waitFor(async () => {
      if (!(await predicate())) throw new Error('not yet');
    }, { timeout: timeoutMs, interval: 10 });
  } catch {
    throw new Error(`timed out waiting for ${what}`);
  }
}

async function health(url: string): Promise<{ queue: { running: number; waiting: number }; running_commands: number } & Record<string, unknown>> {
  return (await (await fetch(`${url}/health`)).json()) as never;
}

/** A kubectl that runs until the test calls finish() (or its signal aborts). */
function slowKubectl(): { runner: KubectlRunner; finish: () => void } {
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  return {
    finish: () => finish(),
    runner: {
      async *run(args, options = {}) {
        if (args[0] === 'get') {
          // The preview shown before a confirmation is a quick read.
          yield { type: 'exec-output', stream: 'stdout', line: 'api 3/3' };
          yield { type: 'exec-end', exitCode: 0, durationMs: 1, truncated: false, timedOut: false, cancelled: false };
          return;
        }
        const aborted = new Promise<'aborted'>((resolve) => options.signal?.addEventListener('abort', () => resolve('aborted'), { once: true }));
        const outcome = await Promise.race([finished.then(() => 'finished' as const), aborted]);
        if (outcome === 'aborted') {
          yield { type: 'exec-end', exitCode: 130, durationMs: 1, truncated: false, timedOut: false, cancelled: true };
          return;
        }
        yield { type: 'exec-output', stream: 'stdout', line: 'deployment.apps/api restarted' };
        yield { type: 'exec-end', exitCode: 0, durationMs: 1, truncated: false, timedOut: false, cancelled: false };
      },
    },
  };
}

const restart = { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' };
const restartArgs = ['rollout', 'restart', 'deployment/api', '-n', 'prod'];
const listPods = { intent: 'get', resource: 'pod', namespace: 'dev' };

/** The approval token of a needs-confirmation answer (the first leg of the round trip). */
async function approvalToken(url: string, payload: object): Promise<string> {
  const shown = (await (await post(`${url}/k8s-exec`, payload)).json()) as { status: string; approval?: { ticket?: { token: string } } };
  expect(shown.status).toBe('needs-confirmation');
  return shown.approval!.ticket!.token;
}

const mutations = (core: FakeCore) => core.kubectl.calls.map((call) => call.args).filter((args) => args[0] !== 'get');

describe('HTTP server', () => {
  it('GET /health reports the planner, embedder, index, kubectl and policy version', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'ok',
      planner: { kind: 'template', model_loaded: null },
      embedder: 'fake-v1',
      index_size: 4,
      policy_version: 'policy-v1',
      kubectl: { path: 'kubectl' },
    });
    expect(typeof body.version).toBe('string');
    expect(typeof (body.kubectl as { found: unknown }).found).toBe('boolean');
  });

  it('POST /k8s-exec runs an allowed command and records source http and the loopback user', async () => {
    const { url, core } = await start({ fake: { kubectl: () => ({ stdout: ['NAME   READY', 'web-1  1/1'] }) } });
    const response = await post(`${url}/k8s-exec`, listPods);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; plan: { args: string[] }; result: { stdout: string; exit_code: number } };
    expect(body.status).toBe('executed');
    expect(body.plan.args).toEqual(['get', 'pods', '-n', 'dev']);
    expect(body.result).toMatchObject({ exit_code: 0, stdout: 'NAME   READY\nweb-1  1/1' });
    expect(core.auditLog.records.map((record) => [record.event, record.source, record.user])).toEqual([
      ['proposed', 'http', 'anonymous@loopback'],
      ['started', 'http', 'anonymous@loopback'],
      ['finished', 'http', 'anonymous@loopback'],
    ]);
  });

  it('POST /k8s-exec does not run a medium-risk command without confirm', async () => {
    const { url, core } = await start();
    const body = (await (await post(`${url}/k8s-exec`, restart)).json()) as { status: string; confirmation: unknown; approval: { ticket: { token: string; expiresAt: string } } };
    expect(body.status).toBe('needs-confirmation');
    expect(body.confirmation).toEqual({ kind: 'key', expectRequired: false });
    expect(body.approval.ticket.token).toMatch(/^rk8s_apt_/);
    expect(mutations(core)).toEqual([]);
  });

  it('with the shipped approvals policy, POST /k8s-exec files a change in the inbox and answers needs-approval', async () => {
    const { url, core } = await start({ shippedApprovals: true });
    const body = (await (await post(`${url}/k8s-exec`, restart)).json()) as { status: string; approval: { request: { id: string; state: string }; ticket?: unknown } };
    expect(body.status).toBe('needs-approval');
    expect(body.approval.request.state).toBe('pending');
    expect(body.approval.ticket).toBeUndefined();
    expect((await core.approvalStore.get(body.approval.request.id))?.proposal.plan.args).toEqual(restartArgs);
    expect(mutations(core)).toEqual([]);
  });

  it('answers 507 when a step cannot be put on record because the disk is full, and runs nothing', async () => {
    const { url, core } = await start();
    core.auditLog.failOn = 'proposed';
    const response = await post(`${url}/k8s-exec`, listPods);
    expect(response.status).toBe(507);
    expect(((await response.json()) as { status: string; error: { code: string } })).toMatchObject({ status: 'failed', error: { code: 'AUDIT_WRITE_FAILED' } });
    expect(core.kubectl.calls).toEqual([]);
  });

  it('POST /plan answers the plan and the verdict and runs nothing', async () => {
    const { url, core } = await start();
    const response = await post(`${url}/plan`, restart);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; plan: { command: string }; verdict: { risk: string }; cards: Array<{ id: string }> };
    expect(body.status).toBe('needs-confirmation');
    expect(body.plan.command).toBe('kubectl rollout restart deployment/api -n prod');
    expect(body.verdict.risk).toBe('medium');
    expect(body.cards[0]?.id).toBe('restart-deployment');
    expect(core.kubectl.calls).toEqual([]);
  });

  it.each([
    ['an invalid namespace', { ...restart, namespace: 'Prod!' }, ['namespace']],
    ['a bad intent and a bad timeout', { ...restart, intent: 'explode', constraints: { timeoutSeconds: 0 } }, ['intent', 'constraints.timeoutSeconds']],
    ['a missing namespace', { intent: 'restart', resource: 'deployment', name: 'api' }, ['namespace']],
    ['an unknown key', { ...restart, shell: 'rm -rf /' }, ['(payload)']],
  ])('answers 400 with the field paths for %s', async (_label, payload, paths) => {
    const { url, core } = await start();
    for (const route of ['/k8s-exec', '/plan']) {
      const response = await post(`${url}${route}`, payload);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string; fields: Array<{ path: string; message: string }> } };
      expect(body.error.code).toBe('INPUT_INVALID');
      expect(body.error.fields.map((field) => field.path)).toEqual(paths);
      expect(body.error.message.startsWith(`${paths[0]}: `)).toBe(true);
    }
    expect(core.auditLog.records).toEqual([]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const { url } = await start();
    const response = await post(`${url}/plan`, '{"intent": ');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('INPUT_INVALID');
  });

  it('answers 413 for a body over the limit', async () => {
    const { url, core } = await start({ server: { bodyLimitBytes: 1024 } });
    const response = await post(`${url}/k8s-exec`, { ...listPods, query: 'x'.repeat(2000) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('BODY_TOO_LARGE');
    expect(core.kubectl.calls).toEqual([]);
  });

  it('with a token, answers 401 without a valid bearer token on every route but /health, and records the token user', async () => {
    const { url, core } = await start({ token: TOKEN, fake: { kubectl: () => ({ stdout: ['ok'] }) } });
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const wrong: Array<Record<string, string>> = [{}, { authorization: `Bearer ${TOKEN}x` }, { authorization: `Basic ${TOKEN}` }, { authorization: 'Bearer' }];
    for (const headers of wrong) {
      const response = await post(`${url}/k8s-exec`, listPods, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    }
    expect(core.auditLog.records).toEqual([]);
    const response = await post(`${url}/k8s-exec`, listPods, { authorization: `Bearer ${TOKEN}` });
    expect(response.status).toBe(200);
    expect(core.auditLog.records[0]?.user).toBe(tokenUser(TOKEN));
    expect(core.auditLog.records[0]?.user).not.toContain(TOKEN.slice(0, 6));
  });

  it('answers 429 when the planner queue is full', async () => {
    const { url } = await start({ fake: { planner: { hang: true } }, server: { maxQueue: 1 }, planConcurrency: 1 });
    const clients = new AbortController();
    const first = post(`${url}/plan`, restart, {}, clients.signal).catch(() => undefined);
    const second = post(`${url}/plan`, restart, {}, clients.signal).catch(() => undefined);
    await waitFor(async () => {
      const { queue } = await health(url);
      return queue.running === 1 && queue.waiting === 1;
    }, 'one request planning and one waiting');
    const third = await post(`${url}/plan`, restart);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('SERVER_BUSY');
    clients.abort();
    await Promise.all([first, second]);
    // Disconnected clients free their slots.
    await waitFor(async () => (await health(url)).queue.running === 0, 'the queue to drain');
  });

  it('answers 504 when a request outlives the per-request timeout, and records it as cancelled', async () => {
    const { url, core } = await start({ fake: { planner: { hang: true } }, server: { requestTimeoutSeconds: 0.2 } });
    const response = await post(`${url}/plan`, restart);
    expect(response.status).toBe(504);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('REQUEST_TIMEOUT');
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['cancelled']);
  });

  it('streams the pipeline events as NDJSON with Accept: application/x-ndjson, ending with the result', async () => {
    const { url } = await start({ fake: { kubectl: () => ({ stdout: ['line one', 'line two'] }) } });
    const response = await post(`${url}/k8s-exec`, listPods, { accept: 'application/x-ndjson' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const text = await response.text();
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; line?: string; proposal?: Record<string, unknown>; result?: { status: string } });
    expect(lines.map((line) => line.type)).toEqual([
      'retrieve-end',
      'plan-end',
      'validate-end',
      'approval-request',
      'audit-end',
      'approval-end',
      'exec-output',
      'exec-output',
      'exec-end',
      'audit-end',
      'result',
    ]);
    expect(lines.filter((line) => line.type === 'exec-output').map((line) => line.line)).toEqual(['line one', 'line two']);
    const approval = lines.find((line) => line.type === 'approval-request');
    expect(approval?.proposal).toHaveProperty('plan');
    expect(approval?.proposal).not.toHaveProperty('approvalToken');
    expect(lines.at(-1)?.result?.status).toBe('executed');
  });

  it('streams /plan too', async () => {
    const { url } = await start();
    const response = await post(`${url}/plan`, restart, { accept: 'application/x-ndjson' });
    const lines = (await response.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; result?: { status: string } });
    expect(lines.map((line) => line.type)).toEqual(['retrieve-end', 'plan-end', 'validate-end', 'approval-request', 'audit-end', 'result']);
    expect(lines.at(-1)?.result?.status).toBe('needs-confirmation');
  });

  it('answers 404 with the list of routes', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/nope`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('POST /k8s-exec');
  });

  it('on shutdown, stops accepting, lets a running kubectl command finish, and records it as finished', async () => {
    const slow = slowKubectl();
    const { url, server, core } = await start({ kubectl: slow.runner });
    const request = post(`${url}/k8s-exec`, { ...restart, constraints: { approvalToken: await approvalToken(url, restart) } });
    await waitFor(async () => (await health(url)).running_commands === 1, 'kubectl to be running');
    const stopping = server.shutdown();
    // New connections are refused (or answered 503) while the command finishes.
    await waitFor(async () => {
      try {
        return (await fetch(`${url}/health`)).status === 503;
      } catch {
        return true;
      }
    }, 'the server to stop accepting');
    slow.finish();
    const response = await request;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { status: string }).status).toBe('executed');
    const summary = await stopping;
    expect(summary).toMatchObject({ inFlight: 1, runningCommands: 1, aborted: 0, deadlineReached: false });
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['proposed', 'dry-run', 'confirmed', 'started', 'finished']);
  });

  it('on shutdown, cancels a command still running at the grace deadline and records it as cancelled', async () => {
    const { url, server, core } = await start({ fake: { kubectl: (args) => (args[0] === 'get' ? { stdout: ['api 3/3'] } : { hang: true }) }, shutdownGraceSeconds: 0.2 });
    const request = post(`${url}/k8s-exec`, { ...restart, constraints: { approvalToken: await approvalToken(url, restart) } });
    await waitFor(async () => (await health(url)).running_commands === 1, 'kubectl to be running');
    const summary = await server.shutdown();
    expect(summary).toMatchObject({ runningCommands: 1, deadlineReached: true, aborted: 1 });
    const response = await request;
    expect(response.status).toBe(503);
    const body = (await response.json()) as { status: string; error: { code: string } };
    expect(body.status).toBe('failed');
    expect(body.error.code).toBe('SERVER_SHUTTING_DOWN');
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['proposed', 'dry-run', 'confirmed', 'started', 'cancelled']);
  });

  it('on shutdown, cancels at once a request that has not started a command', async () => {
    const { url, server, core } = await start({ fake: { planner: { hang: true } }, shutdownGraceSeconds: 30 });
    const request = post(`${url}/k8s-exec`, restart);
    await waitFor(async () => (await health(url)).queue.running === 1, 'the request to be planning');
    const summary = await server.shutdown();
    expect(summary).toMatchObject({ inFlight: 1, runningCommands: 0, aborted: 1, deadlineReached: false });
    expect((await request).status).toBe(503);
    expect(core.auditLog.records.map((record) => record.event)).toEqual(['cancelled']);
  });

  it('listens on localhost without a token once every address it bound is loopback', async () => {
    const core = createFakeCore();
    const server = createHttpServer({ config: core.config, core, host: 'localhost', port: 0 });
    running.push(server);
    const url = await server.listen();
    expect(server.app.addresses().every((bound) => typeof bound !== 'string' && (bound.address === '127.0.0.1' || bound.address === '::1'))).toBe(true);
    expect((await fetch(`${url.replace('localhost', '127.0.0.1')}/health`)).status).toBe(200);
  });

  it.each(['0.0.0.0', '::', '192.168.1.10', 'example.com', 'foo.localhost'])('refuses to start on %s without a token', (host) => {
    const core = createFakeCore();
    expect(() => createHttpServer({ config: core.config, core, host, port: 0 })).toThrow(ConfigError);
    expect(() => createHttpServer({ config: core.config, core, host, port: 0 })).toThrow(/RK8S_SERVER_TOKEN/);
    expect(() => createHttpServer({ config: core.config, core, host, port: 0, token: TOKEN })).not.toThrow();
  });

  describe('Host and Origin (DNS rebinding, browsers)', () => {
    it.each([
      ['a rebound DNS name', { host: 'attacker.example:8000' }, 'HOST_NOT_ALLOWED'],
      ['a rebound name without a port', { host: 'attacker.example' }, 'HOST_NOT_ALLOWED'],
      ['another loopback-looking name', { host: 'localhost.attacker.example' }, 'HOST_NOT_ALLOWED'],
      ['a LAN address', { host: '192.168.1.10:8000' }, 'HOST_NOT_ALLOWED'],
      ['a foreign Origin on a loopback Host', { host: '127.0.0.1:8000', origin: 'https://attacker.example' }, 'ORIGIN_NOT_ALLOWED'],
      ['the opaque null Origin', { host: 'localhost', origin: 'null' }, 'ORIGIN_NOT_ALLOWED'],
      ['a look-alike Origin', { host: 'localhost', origin: 'http://127.0.0.1.attacker.example' }, 'ORIGIN_NOT_ALLOWED'],
    ])('without a token, answers 403 to %s on every route and runs nothing', async (_label, headers, code) => {
      const { url, core } = await start({ fake: { kubectl: () => ({ stdout: ['ok'] }) } });
      for (const request of [{ path: '/k8s-exec', body: listPods }, { path: '/plan', body: restart }, { path: '/health' }]) {
        const response = await rawRequest(url, { ...request, headers });
        expect(response.status).toBe(403);
        expect(response.body.error?.code).toBe(code);
        expect(response.body.error?.message).toMatch(code === 'HOST_NOT_ALLOWED' ? /Host header .* is not 127\.0\.0\.1, localhost or \[::1\]/ : /Origin .* is not a loopback origin/);
      }
      expect(core.kubectl.calls).toEqual([]);
      expect(core.auditLog.records).toEqual([]);
    });

    it('without a token, never answers a request without a Host header (Node refuses HTTP/1.1 without one)', async () => {
      const { url, core } = await start({ fake: { kubectl: () => ({ stdout: ['ok'] }) } });
      const response = await rawRequest(url, { path: '/k8s-exec', body: listPods, headers: {} });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(core.kubectl.calls).toEqual([]);
    });

    it.each([
      ['127.0.0.1 with a port', { host: '127.0.0.1:8000' }],
      ['localhost without a port', { host: 'localhost' }],
      ['LOCALHOST in capitals', { host: 'LOCALHOST:1' }],
      ['[::1]', { host: '[::1]:8000' }],
      ['a loopback Origin', { host: 'localhost:8000', origin: 'http://localhost:3000' }],
      ['an https [::1] Origin', { host: '127.0.0.1', origin: 'https://[::1]:8443' }],
    ])('without a token, accepts %s', async (_label, headers) => {
      const { url } = await start({ fake: { kubectl: () => ({ stdout: ['ok'] }) } });
      const response = await rawRequest(url, { path: '/k8s-exec', body: listPods, headers });
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('executed');
    });

    it('with a token, accepts any Host with the token but still refuses a foreign Origin', async () => {
      const { url, core } = await start({ token: TOKEN, fake: { kubectl: () => ({ stdout: ['ok'] }) } });
      const authorization = `Bearer ${TOKEN}`;
      const byName = await rawRequest(url, { path: '/k8s-exec', body: listPods, headers: { host: 'rk8s.internal:8000', authorization } });
      expect(byName.status).toBe(200);
      const fromPage = await rawRequest(url, { path: '/k8s-exec', body: listPods, headers: { host: 'rk8s.internal:8000', authorization, origin: 'https://attacker.example' } });
      expect(fromPage.status).toBe(403);
      expect(fromPage.body.error?.code).toBe('ORIGIN_NOT_ALLOWED');
      const withoutToken = await rawRequest(url, { path: '/k8s-exec', body: listPods, headers: { host: 'rk8s.internal:8000' } });
      expect(withoutToken.status).toBe(401);
      expect(core.kubectl.calls).toHaveLength(1);
    });
  });

  describe('confirmation round trip (approval token)', () => {
    it('answers 400 naming constraints.approvalToken for confirm without it, streaming or not, and runs nothing', async () => {
      const { url, core } = await start();
      for (const accept of ['application/json', 'application/x-ndjson']) {
        const response = await post(`${url}/k8s-exec`, { ...restart, constraints: { confirm: true, expectArgs: restartArgs } }, { accept });
        expect(response.status).toBe(400);
        const body = (await response.json()) as { error: { code: string; message: string; fields: Array<{ path: string; message: string }> } };
        expect(body.error.code).toBe('INPUT_INVALID');
        expect(body.error.fields.map((field) => field.path)).toEqual(['constraints.approvalToken']);
        expect(body.error.message).toBe('constraints.approvalToken: required with confirm: send back approval.token from the needs-confirmation answer');
      }
      expect(core.kubectl.calls).toEqual([]);
      expect(core.auditLog.records).toEqual([]);
    });

    it('runs what the needs-confirmation answer showed when its token comes back, once', async () => {
      const { url, core } = await start({ fake: { kubectl: (args) => ({ stdout: [args[0] === 'get' ? 'api 3/3' : 'deployment.apps/api restarted'] }) } });
      const token = await approvalToken(url, restart);
      const response = await post(`${url}/k8s-exec`, { ...restart, constraints: { approvalToken: token } });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { status: string }).status).toBe('executed');
      expect(mutations(core)).toEqual([restartArgs]);
      const replay = (await (await post(`${url}/k8s-exec`, { ...restart, constraints: { approvalToken: token } })).json()) as { status: string; error: { code: string } };
      expect(replay).toMatchObject({ status: 'blocked', error: { code: 'APPROVAL_USED' } });
      expect(mutations(core)).toEqual([restartArgs]);
    });

    it('a high-risk command needs confirmText, the object name, with its token', async () => {
      const { url, core } = await start({ fake: { kubectl: () => ({ stdout: ['ok'] }) } });
      core.validator.forcedRisk = 'high';
      const shown = (await (await post(`${url}/k8s-exec`, restart)).json()) as { confirmation: { kind: string; word: string }; approval: { ticket: { token: string } } };
      expect(shown.confirmation).toEqual({ kind: 'typed-name', word: 'api', expectRequired: false });
      const withoutName = (await (await post(`${url}/k8s-exec`, { ...restart, constraints: { approvalToken: shown.approval.ticket.token } })).json()) as { status: string; error: { code: string } };
      expect(withoutName).toMatchObject({ status: 'needs-confirmation', error: { code: 'CONFIRM_TEXT_MISMATCH' } });
      expect(mutations(core)).toEqual([]);
      const named = (await (await post(`${url}/k8s-exec`, { ...restart, constraints: { approvalToken: shown.approval.ticket.token, confirmText: 'api' } })).json()) as { status: string };
      expect(named.status).toBe('executed');
    });

    it('answers blocked with APPROVAL_MISMATCH when the fresh plan differs from expectArgs, and runs nothing', async () => {
      const { url, core } = await start();
      const response = await post(`${url}/k8s-exec`, { ...restart, constraints: { expectArgs: ['rollout', 'restart', 'deployment/web', '-n', 'prod'] } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { status: string; verdict: { violations: Array<{ code: string; message: string }> }; plan: { args: string[] } };
      expect(body.status).toBe('blocked');
      expect(body.plan.args).toEqual(restartArgs);
      expect(body.verdict.violations[0]?.code).toBe('APPROVAL_MISMATCH');
      expect(body.verdict.violations[0]?.message).toContain('kubectl rollout restart deployment/web -n prod');
      expect(core.kubectl.calls).toEqual([]);
      expect(core.auditLog.records.map((record) => record.event)).toEqual(['proposed', 'denied']);
    });

    it('/plan ignores confirm (it never runs anything)', async () => {
      const { url } = await start();
      const response = await post(`${url}/plan`, { ...restart, constraints: { confirm: true } });
      expect(response.status).toBe(200);
    });
  });

  it('streams cards by id only: no approval token and no card objects in any event', async () => {
    const { url } = await start();
    const response = await post(`${url}/k8s-exec`, restart, { accept: 'application/x-ndjson' });
    const text = await response.text();
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; cards?: Array<Record<string, unknown>>; proposal?: Record<string, unknown> });
    const retrieved = lines.find((line) => line.type === 'retrieve-end');
    expect(retrieved?.cards?.[0]).toMatchObject({ id: 'restart-deployment', risk: 'medium' });
    expect(retrieved?.cards?.[0]).not.toHaveProperty('card');
    expect(retrieved?.cards?.[0]).not.toHaveProperty('snippet');
    const approval = lines.find((line) => line.type === 'approval-request');
    expect(approval?.proposal).toMatchObject({ cardId: 'restart-deployment', plan: { args: restartArgs } });
    expect(approval?.proposal).not.toHaveProperty('approvalToken');
    expect(approval?.proposal).not.toHaveProperty('card');
    expect(text).not.toContain('command_template');
    expect(text).not.toContain('"approvalToken"');
  });
});

/** A raw TCP client: what it received, and a promise of its close. */
function rawSocket(url: string): { socket: net.Socket; received: () => string; closed: Promise<void> } {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  sockets.push(socket);
  return { socket, received: () => text, closed };
}

const sockets: net.Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

/** Writes one byte every `everyMs` until the socket closes. */
function trickle(socket: net.Socket, everyMs = 50): void {
  const timer = setInterval(() => (socket.writable ? socket.write('a') : clearInterval(timer)), everyMs);
  socket.on('close', () => clearInterval(timer));
}

describe('slow clients', () => {
  const quick = { headersTimeoutSeconds: 0.3, bodyTimeoutSeconds: 0.6 };

  it('cuts a trickling body at the body timeout with 408 and runs nothing', async () => {
    const { url, core } = await start({ server: quick, fake: { kubectl: () => ({ stdout: ['ok'] }) } });
    const client = rawSocket(url);
    client.socket.write('POST /k8s-exec HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{');
    trickle(client.socket);
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
    expect(core.kubectl.calls).toEqual([]);
    expect(core.auditLog.records).toEqual([]);
    // The server still answers.
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it.each([
    ['a request head that never ends', 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n'],
    ['a connection that sends nothing', ''],
  ])('cuts %s at the headers timeout', async (_label, head) => {
    const { url } = await start({ server: quick });
    const client = rawSocket(url);
    if (head) client.socket.write(head);
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
  });

  it('closes an idle kept-alive socket after the keep-alive timeout', async () => {
    const { url } = await start({ server: { keepAliveTimeoutSeconds: 0.2 } });
    const client = rawSocket(url);
    client.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    await client.closed;
    const answer = client.received();
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(answer).toMatch(/connection: keep-alive/i);
    // One answer, then the server closed the idle socket (no second response, no 408).
    expect(answer.match(/HTTP\/1\.1/g)).toHaveLength(1);
  });

  it('with the connection limit held by slow sockets, a new client still gets /health: the oldest slow socket is evicted', async () => {
    const limit = 6;
    // Long timeouts: only the guard can free a slot here.
    const { url } = await start({ server: { maxConnections: limit, headersTimeoutSeconds: 60, bodyTimeoutSeconds: 120 } });
    const slow = Array.from({ length: limit }, () => rawSocket(url));
    for (const [index, client] of slow.entries()) {
      await new Promise<void>((resolve) => client.socket.once('connect', () => resolve()));
      client.socket.write(index % 2 === 0 ? 'POST /plan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{' : 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    }
    await waitFor(async () => {
      const response = await rawRequest(url, { path: '/health', headers: { host: '127.0.0.1' }, agent: false });
      return response.status === 200 && (response.body.connections as { evicted: number }).evicted >= 1;
    }, 'a new client to be served while the slow sockets hold the limit');
    await slow[0]!.closed;
    expect(slow[0]!.received()).toBe('');
  });

  it('with every connection busy, a new connection gets a clean 503 SERVER_BUSY', async () => {
    const { url, core } = await start({ server: { maxConnections: 2 }, shutdownGraceSeconds: 0.1, fake: { kubectl: () => ({ hang: true }) } });
    const clients = new AbortController();
    const busy = [1, 2].map(() => post(`${url}/k8s-exec`, listPods, {}, clients.signal).catch(() => undefined));
    // Watched in-process: any probe over HTTP would take a connection itself.
    await waitFor(() => core.kubectl.calls.length === 2, 'the two requests to hold both connections');
    const refused = await rawRequest(url, { path: '/health', headers: { host: '127.0.0.1' }, agent: false });
    expect(refused.status).toBe(503);
    expect(refused.body.error?.code).toBe('SERVER_BUSY');
    clients.abort();
    await Promise.all(busy);
  });
});

describe('/health in token mode', () => {
  it('answers only the status without a valid token, and everything with it', async () => {
    const { url } = await start({ token: TOKEN });
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: `Basic ${TOKEN}` }];
    for (const headers of attempts) {
      const response = await fetch(`${url}/health`, { headers });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    }
    const full = (await (await fetch(`${url}/health`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Record<string, unknown>;
    expect(full).toMatchObject({ status: 'ok', policy_version: 'policy-v1', kubectl: { path: 'kubectl' }, auth: 'bearer' });
    expect(typeof full.version).toBe('string');
  });

  it('without a token (loopback only) answers everything', async () => {
    const { url } = await start();
    expect(await (await fetch(`${url}/health`)).json()).toHaveProperty('policy_version', 'policy-v1');
  });
});

describe('shutdown driven by the caller (rk8s serve)', () => {
  it('waits for the caller\'s cancel rather than its own grace period, answers with the cancelled document, and records every outcome', async () => {
    const { url, server, core } = await start({ fake: { kubectl: () => ({ hang: true }) }, shutdownGraceSeconds: 0.05 });
    const requests = Array.from({ length: 12 }, () => post(`${url}/k8s-exec`, listPods));
    await waitFor(async () => (await health(url)).running_commands === 12, 'twelve commands to be running');
    const cancel = new AbortController();
    let done = false;
    const stopping = server.shutdown({ cancel: cancel.signal }).then((summary) => ((done = true), summary));
    // Well past the configured 0.05 s: the caller owns the grace period.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(done).toBe(false);
    cancel.abort();
    const summary = await stopping;
    expect(summary).toMatchObject({ inFlight: 12, runningCommands: 12, aborted: 12, deadlineReached: true, unwrittenOutcomes: 0 });
    for (const response of await Promise.all(requests)) {
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('SERVER_SHUTTING_DOWN');
    }
    const started = core.auditLog.records.filter((record) => record.event === 'started').map((record) => record.operation_id);
    const outcomes = core.auditLog.records.filter((record) => record.event === 'cancelled').map((record) => record.operation_id);
    expect(started).toHaveLength(12);
    expect(new Set(outcomes)).toEqual(new Set(started));
  });
});
