/**
 * The API reads' edges (src/cluster/api-connection.ts, api-lister.ts, api-worker.ts), each a case where
 * kubectl does something the first version did not: an empty HTTPS_PROXY beside a set https_proxy, a
 * kubeconfig with a name twice, a kubeconfig rewritten under a long-running core, a GET given up on (its
 * connection closed in the worker), the other types' pages after one type falls back, the byte budget
 * over every type, and the names `.` and `..` (defense in depth: the policy validator denies them
 * first). "does not present the client certificate..." is a guard that holds in Node itself.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import yaml from 'js-yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiLister, getThrough, listThrough } from '../../../src/cluster/api-lister.js';
import { resolveApiConnection, type ApiConnection } from '../../../src/cluster/api-connection.js';
import { startApiWorker, type ApiWorker } from '../../../src/cluster/api-worker.js';
import { generateServingCertificate } from '../../../src/sandbox/certificate.js';
import type { Config } from '../../../src/schemas/config.js';
import { fakeConfig } from '../../helpers/fake-core.js';

const certificate = generateServingCertificate(['127.0.0.1']);
const stranger = generateServingCertificate(['127.0.0.1']);
const client = generateServingCertificate(['rk8s-user']);

interface TestServer {
  server: Server;
  port: number;
  seen: string[];
  open: Set<Socket>;
  clientCertificates: string[];
  handle: (request: IncomingMessage, response: ServerResponse) => void;
}

async function startServer(cert = certificate, options: { requestCert?: boolean } = {}): Promise<TestServer> {
  const state: TestServer = { server: undefined as unknown as Server, port: 0, seen: [], open: new Set(), clientCertificates: [], handle: () => undefined };
  state.server = createServer({ cert: cert.certificatePem, key: cert.privateKeyPem, ...(options.requestCert ? { requestCert: true, rejectUnauthorized: false } : {}) }, (request, response) => {
    state.seen.push(request.url ?? '');
    state.handle(request, response);
  });
  state.server.on('connection', (socket: Socket) => {
    state.open.add(socket);
    socket.on('close', () => state.open.delete(socket));
  });
  state.server.on('secureConnection', (socket: TLSSocket) => {
    const peer = socket.getPeerCertificate();
    if (peer && Object.keys(peer).length > 0) state.clientCertificates.push(String(peer.subject?.CN ?? 'a certificate'));
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.port = (state.server.address() as AddressInfo).port;
  return state;
}

async function stopServer(state: TestServer): Promise<void> {
  state.server.closeAllConnections();
  for (const socket of state.open) socket.destroy();
  await new Promise((resolve) => state.server.close(resolve));
}

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function connectionTo(state: TestServer, ca = certificate.certificatePem): ApiConnection {
  return { server: new URL(`https://127.0.0.1:${state.port}`), ca: Buffer.from(ca), token: 'the-token', source: { file: 'test', context: 'test' } };
}
function workerFor(state: TestServer, extra: { cert?: Uint8Array; key?: Uint8Array } = {}): ApiWorker {
  return startApiWorker({ host: '127.0.0.1', port: state.port, hostHeader: `127.0.0.1:${state.port}`, ca: Buffer.from(certificate.certificatePem), ...extra });
}

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-api-redteam-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function writeKubeconfig(file: string, server: string, extra: { token?: string; duplicate?: boolean } = {}): void {
  const clusters = [{ name: 'c', cluster: { server, 'certificate-authority-data': Buffer.from(certificate.certificatePem).toString('base64') } }];
  if (extra.duplicate) clusters.push({ name: 'c', cluster: { server: 'https://10.9.9.9:6443', 'certificate-authority-data': Buffer.from(certificate.certificatePem).toString('base64') } });
  writeFileSync(file, yaml.dump({
    apiVersion: 'v1', kind: 'Config', clusters,
    users: [{ name: 'u', user: { token: extra.token ?? 'token-a' } }],
    contexts: [{ name: 'work', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'work',
  }));
}
function configFor(file: string): Config {
  const base = fakeConfig();
  return { ...base, kubectl: { ...base.kubectl, kubeconfig: file, context: 'work', apiReads: true } };
}

describe('api-connection: the connection kubectl would use', () => {
  it('falls back when https_proxy is set and HTTPS_PROXY is empty (Go takes the first non-empty of the two)', () => {
    const file = path.join(directory, 'config');
    writeKubeconfig(file, 'https://10.0.0.1:6443');
    const answer = resolveApiConnection(configFor(file), { HTTPS_PROXY: '', https_proxy: 'http://proxy.corp:3128' });
    // kubectl (net/http ProxyFromEnvironment) sends this request through proxy.corp; the API read goes direct.
    expect('fallback' in answer).toBe(true);
  });

  it('falls back when a kubeconfig names a cluster twice (kubectl refuses the file: duplicate name in list)', () => {
    const file = path.join(directory, 'config');
    writeKubeconfig(file, 'https://10.0.0.1:6443', { duplicate: true });
    const answer = resolveApiConnection(configFor(file), {});
    expect('fallback' in answer).toBe(true);
  });
});

describe('api-lister: a long-running core (serve, mcp, tui)', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startServer();
    b = await startServer();
    for (const state of [a, b]) state.handle = (_request, response) => json(response, 200, { items: [{ metadata: { name: state === a ? 'from-a' : 'from-b' } }], metadata: {} });
  });
  afterAll(async () => {
    await stopServer(a);
    await stopServer(b);
  });

  it('follows the kubeconfig kubectl reads on every run: a rewritten server (or user) is not sent the old token', async () => {
    const file = path.join(directory, 'config');
    writeKubeconfig(file, `https://127.0.0.1:${a.port}`, { token: 'token-a' });
    const lister = createApiLister(configFor(file), {});
    try {
      const first = await lister.list(['namespaces'], undefined, { timeoutMs: 3000, maxBytes: 1 << 20 });
      expect('items' in first && first.items.map((item) => (item as { metadata: { name: string } }).metadata.name)).toEqual(['from-a']);
      // `aws eks update-kubeconfig`, `kubectl config set-cluster c --server=...`, a rotated token: kubectl's next run reads the new file.
      writeKubeconfig(file, `https://127.0.0.1:${b.port}`, { token: 'token-b' });
      a.seen.length = 0;
      const second = await lister.list(['namespaces'], undefined, { timeoutMs: 3000, maxBytes: 1 << 20 });
      // The inventory must come from the cluster kubectl will run the command against (or be left to kubectl).
      expect(a.seen).toEqual([]);
      if ('items' in second) expect(second.items.map((item) => (item as { metadata: { name: string } }).metadata.name)).toEqual(['from-b']);
    } finally {
      await lister.close?.();
    }
  });
});

describe('api-worker: what is left behind', () => {
  let state: TestServer;
  beforeAll(async () => {
    state = await startServer();
  });
  afterAll(() => stopServer(state));

  it('closes the connection of a GET the main thread gave up on (a timeout), instead of keeping it open in the worker', async () => {
    state.handle = () => undefined; // an API server that accepts and never answers
    const worker = workerFor(state);
    try {
      for (let round = 0; round < 3; round++) {
        const answer = await listThrough(worker, connectionTo(state), ['pods', 'services'], 'prod', { timeoutMs: 200, maxBytes: 1 << 20 });
        expect('error' in answer).toBe(true);
      }
      await sleep(300);
      // Each timed-out inventory of a TUI or server left its sockets open in the worker (file descriptors, server connections).
      expect(state.open.size).toBe(0);
    } finally {
      await worker.close();
    }
  });

  it('stops reading the other types once one of them is left to kubectl', async () => {
    let pages = 0;
    state.seen.length = 0;
    state.handle = (request, response) => {
      const url = new URL(request.url ?? '/', 'https://x');
      if (url.pathname.endsWith('/pods')) return json(response, 403, { kind: 'Status', code: 403 });
      pages += 1;
      setTimeout(() => json(response, 200, { items: [{ metadata: { name: `d${pages}` } }], metadata: pages < 30 ? { continue: `page-${pages}` } : {} }), 20);
    };
    const worker = workerFor(state);
    try {
      const answer = await listThrough(worker, connectionTo(state), ['deployments', 'pods'], 'prod', { timeoutMs: 5000, maxBytes: 1 << 20, pageSize: 1 });
      expect('fallback' in answer).toBe(true);
      const atFallback = pages;
      await sleep(400);
      // kubectl now makes the read; the API lister keeps paging through the deployments nobody will use.
      expect(pages - atFallback).toBeLessThanOrEqual(1);
    } finally {
      await worker.close();
    }
  });

  it('keeps the answer within maxBytes over every page (types listed at once each get the whole budget)', async () => {
    state.handle = (_request, response) => json(response, 200, { items: [{ metadata: { name: 'x'.repeat(600) } }], metadata: {} });
    const worker = workerFor(state);
    try {
      const answer = await listThrough(worker, connectionTo(state), ['deployments', 'statefulsets', 'daemonsets'], 'prod', { timeoutMs: 5000, maxBytes: 1000 });
      if ('items' in answer) expect(answer.bytes).toBeLessThanOrEqual(1000);
    } finally {
      await worker.close();
    }
  });
});

describe('api-worker: nothing before the server is verified', () => {
  let impostor: TestServer;
  beforeAll(async () => {
    impostor = await startServer(stranger, { requestCert: true });
    impostor.handle = (_request, response) => json(response, 200, { items: [], metadata: {} });
  });
  afterAll(() => stopServer(impostor));

  it('does not present the client certificate to a server the kubeconfig CA did not sign', async () => {
    const worker = workerFor(impostor, { cert: Buffer.from(client.certificatePem), key: Buffer.from(client.privateKeyPem) });
    try {
      const answer = await listThrough(worker, connectionTo(impostor), ['pods'], 'prod', { timeoutMs: 3000, maxBytes: 1 << 20 });
      expect('fallback' in answer).toBe(true);
      expect(impostor.seen).toEqual([]);
      // Go's crypto/tls (kubectl) verifies the server's chain before it sends its Certificate message.
      expect(impostor.clientCertificates).toEqual([]);
    } finally {
      await worker.close();
    }
  });
});

describe('api-lister: names kubectl refuses to send', () => {
  let state: TestServer;
  beforeAll(async () => {
    state = await startServer();
    state.handle = (request, response) => json(response, 200, { kind: 'Namespace', metadata: { name: 'prod' }, path: request.url });
  });
  afterAll(() => stopServer(state));

  it.each(['..', '.'])('leaves the name %s to kubectl (client-go: invalid resource name, IsValidPathSegmentName)', async (name) => {
    state.seen.length = 0;
    const worker = workerFor(state);
    try {
      const answer = await getThrough(worker, connectionTo(state), 'pod', name, 'prod', { timeoutMs: 3000, maxBytes: 1 << 20 });
      expect(state.seen).toEqual([]);
      expect('fallback' in answer).toBe(true);
    } finally {
      await worker.close();
    }
  });
});
