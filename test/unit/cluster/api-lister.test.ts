/**
 * The API lister (src/cluster/api-lister.ts, api-worker.ts) against a TLS server of the test's own:
 * list items get the kind the real API server leaves out, pages are followed, the token is sent, and
 * every answer it cannot use (an error status, not JSON, not a list, a refused connection, a
 * certificate the kubeconfig's authority did not sign) is left to kubectl; only a timeout is an
 * answer of its own, and an abort throws.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listThrough } from '../../../src/cluster/api-lister.js';
import type { ApiConnection } from '../../../src/cluster/api-connection.js';
import { startApiWorker, type ApiWorker } from '../../../src/cluster/api-worker.js';
import { generateServingCertificate } from '../../../src/sandbox/certificate.js';

const certificate = generateServingCertificate(['127.0.0.1']);
const stranger = generateServingCertificate(['127.0.0.1']);
let server: Server;
let port: number;
const seen: Array<{ url: string; authorization?: string }> = [];
let handle: (request: IncomingMessage, response: ServerResponse) => void = () => undefined;

beforeAll(async () => {
  server = createServer({ cert: certificate.certificatePem, key: certificate.privateKeyPem }, (request, response) => {
    seen.push({ url: request.url ?? '', ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}) });
    handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function connection(ca = certificate.certificatePem, at = port): ApiConnection {
  return { server: new URL(`https://127.0.0.1:${at}`), ca: Buffer.from(ca), token: 'the-token', source: { file: 'test', context: 'test' } };
}

async function withWorker<T>(use: (worker: ApiWorker, target: ApiConnection) => Promise<T>, target = connection()): Promise<T> {
  const worker = startApiWorker({ host: '127.0.0.1', port: Number(target.server.port), hostHeader: target.server.host, ca: target.ca });
  try {
    return await use(worker, target);
  } finally {
    await worker.close();
  }
}

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const OPTIONS = { timeoutMs: 5000, maxBytes: 1024 * 1024 };

describe('listThrough', () => {
  it('follows continue tokens, sets each item\'s kind and sends the token', async () => {
    seen.length = 0;
    handle = (request, response) => {
      const url = new URL(request.url ?? '/', 'https://x');
      if (url.pathname === '/apis/apps/v1/namespaces/prod/deployments') {
        if (url.searchParams.get('continue') === 'page-2') return json(response, 200, { items: [{ metadata: { name: 'web' } }], metadata: {} });
        return json(response, 200, { items: [{ metadata: { name: 'api' } }], metadata: { continue: 'page-2' } });
      }
      if (url.pathname === '/api/v1/nodes') return json(response, 200, { items: [{ kind: 'Node', metadata: { name: 'node-1' } }], metadata: {} });
      json(response, 404, { kind: 'Status', code: 404 });
    };
    const answer = await withWorker((worker, target) => listThrough(worker, target, ['deployments', 'nodes'], 'prod', { ...OPTIONS, pageSize: 1 }));
    if (!('items' in answer)) throw new Error(JSON.stringify(answer));
    expect(answer.items).toEqual([{ kind: 'Deployment', metadata: { name: 'api' } }, { kind: 'Deployment', metadata: { name: 'web' } }, { kind: 'Node', metadata: { name: 'node-1' } }]);
    expect(seen.map((entry) => entry.url).sort()).toEqual(['/api/v1/nodes?limit=1', '/apis/apps/v1/namespaces/prod/deployments?limit=1', '/apis/apps/v1/namespaces/prod/deployments?limit=1&continue=page-2']);
    expect(new Set(seen.map((entry) => entry.authorization))).toEqual(new Set(['Bearer the-token']));
  });

  it.each<[string, (response: ServerResponse) => void, RegExp]>([
    ['a 403', (response) => json(response, 403, { kind: 'Status', code: 403 }), /answered 403/],
    ['a 404 (an older server)', (response) => json(response, 404, { kind: 'Status', code: 404 }), /answered 404/],
    ['an answer that is not JSON', (response) => json(response, 200, '<html>'), /did not answer JSON/],
    ['JSON that is not a list', (response) => json(response, 200, { kind: 'Status' }), /did not answer a list/],
    ['an answer over the budget', (response) => json(response, 200, { items: [{ metadata: { name: 'x'.repeat(4096) } }] }), /passed 1024 bytes/],
  ])('leaves %s to kubectl', async (_what, answer, reason) => {
    handle = (_request, response) => answer(response);
    expect(await withWorker((worker, target) => listThrough(worker, target, ['pods'], 'prod', { ...OPTIONS, maxBytes: 1024 }))).toEqual({ fallback: expect.stringMatching(reason) });
  });

  it('leaves a server whose certificate the kubeconfig\'s authority did not sign to kubectl (and sends it no token)', async () => {
    seen.length = 0;
    handle = (_request, response) => json(response, 200, { items: [] });
    expect(await withWorker((worker, target) => listThrough(worker, target, ['pods'], 'prod', OPTIONS), connection(stranger.certificatePem))).toEqual({ fallback: expect.stringMatching(/could not be read/) });
    expect(seen).toEqual([]);
  });

  it('leaves a server whose certificate names another host to kubectl', async () => {
    const elsewhere = generateServingCertificate(['api.example.com']);
    const other = createServer({ cert: elsewhere.certificatePem, key: elsewhere.privateKeyPem }, (_request, response) => json(response, 200, { items: [] }));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const target = connection(elsewhere.certificatePem, (other.address() as AddressInfo).port);
      expect(await withWorker((worker) => listThrough(worker, target, ['pods'], 'prod', OPTIONS), target)).toEqual({ fallback: expect.stringMatching(/could not be read \(.*(IP|altnames|127\.0\.0\.1)/) });
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('leaves a refused connection to kubectl', async () => {
    const closed = createServer({ cert: certificate.certificatePem, key: certificate.privateKeyPem });
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await withWorker((worker, target) => listThrough(worker, target, ['pods'], 'prod', OPTIONS), connection(certificate.certificatePem, unused))).toEqual({ fallback: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('says when the server does not answer in time, and throws when the caller aborts', async () => {
    handle = () => undefined; // never answers
    expect(await withWorker((worker, target) => listThrough(worker, target, ['pods'], 'prod', { ...OPTIONS, timeoutMs: 200 }))).toEqual({ error: expect.stringMatching(/did not answer within 1 s/), durationMs: expect.any(Number) });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('the user left')), 100);
    await expect(withWorker((worker, target) => listThrough(worker, target, ['pods'], 'prod', { ...OPTIONS, signal: controller.signal }))).rejects.toThrow('the user left');
    server.closeAllConnections();
  });

  it('leaves a type it has no API path for to kubectl', async () => {
    expect(await withWorker((worker, target) => listThrough(worker, target, ['widgets'], 'prod', OPTIONS))).toEqual({ fallback: 'widgets is not a type read from the API' });
  });
});
