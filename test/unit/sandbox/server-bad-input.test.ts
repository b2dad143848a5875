/** The API server over raw HTTPS: bad input gets a Kubernetes Status, and the server keeps serving. */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';

interface Reply {
  status: number;
  contentType: string;
  body: string;
}

let sandbox: Sandbox;
let certificateAuthority: string;

function call(method: string, path: string, options: { body?: Buffer | string; contentType?: string; token?: string | null; accept?: string } = {}): Promise<Reply> {
  const url = new URL(path, sandbox.url);
  const headers: Record<string, string> = {};
  if (options.token !== null) headers['Authorization'] = `Bearer ${options.token ?? sandbox.token}`;
  if (options.contentType) headers['Content-Type'] = options.contentType;
  if (options.accept) headers['Accept'] = options.accept;
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers, ca: certificateAuthority }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('error', reject);
    if (options.body !== undefined) outgoing.write(options.body);
    outgoing.end();
  });
}

function status(reply: Reply): { kind: string; code: number; reason: string; message: string } {
  return JSON.parse(reply.body) as { kind: string; code: number; reason: string; message: string };
}

/** Encodes a length-delimited protobuf field. */
function field(number: number, value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([Buffer.from([(number << 3) | 2, bytes.length]), bytes]);
}

beforeAll(async () => {
  sandbox = await startSandbox();
  const kubeconfig = readFileSync(sandbox.kubeconfigPath, 'utf8');
  certificateAuthority = Buffer.from(/certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1] ?? '', 'base64').toString('utf8');
});

afterAll(async () => {
  await sandbox.stop();
});

describe('sandbox API server input handling', () => {
  it.each([
    ['no token', null],
    ['a wrong token', 'rk8s-sandbox-wrong'],
  ])('answers 401 Unauthorized to %s', async (_name, token) => {
    const reply = await call('GET', '/api/v1/namespaces/prod/pods', { token });
    expect(reply.status).toBe(401);
    expect(status(reply)).toMatchObject({ kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' });
  });

  it.each([
    ['malformed JSON', 'POST', '/api/v1/namespaces/prod/configmaps', '{"metadata": {', 'application/json', 400, 'BadRequest'],
    ['a body of the wrong kind', 'POST', '/api/v1/namespaces/prod/configmaps', '{"kind":"Pod","metadata":{"name":"x"}}', 'application/json', 400, 'BadRequest'],
    ['an unknown resource', 'GET', '/api/v1/namespaces/prod/foos', undefined, undefined, 404, 'NotFound'],
    ['an unknown group', 'GET', '/apis/example.com/v1/widgets', undefined, undefined, 404, 'NotFound'],
    ['a missing object', 'GET', '/apis/apps/v1/namespaces/prod/deployments/nope', undefined, undefined, 404, 'NotFound'],
    ['a missing namespace on create', 'POST', '/api/v1/namespaces/nope/configmaps', '{"metadata":{"name":"x"}}', 'application/json', 404, 'NotFound'],
    ['a duplicate create', 'POST', '/api/v1/namespaces/prod/configmaps', '{"metadata":{"name":"api-config"}}', 'application/json', 409, 'AlreadyExists'],
    ['server-side apply', 'PATCH', '/api/v1/namespaces/prod/configmaps/api-config', 'data: {}', 'application/apply-patch+yaml', 415, 'UnsupportedMediaType'],
    ['an unknown patch type', 'PATCH', '/api/v1/namespaces/prod/configmaps/api-config', '{}', 'text/plain', 415, 'UnsupportedMediaType'],
    ['a malformed patch', 'PATCH', '/apis/apps/v1/namespaces/prod/deployments/api', '{"spec":', 'application/merge-patch+json', 400, 'BadRequest'],
    ['a bad label selector', 'GET', '/api/v1/namespaces/prod/pods?labelSelector=app%20in%20prod', undefined, undefined, 400, 'BadRequest'],
    ['a negative scale', 'PATCH', '/apis/apps/v1/namespaces/prod/deployments/api/scale', '{"spec":{"replicas":-1}}', 'application/merge-patch+json', 422, 'Invalid'],
    ['a bad protobuf body', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', 'not protobuf', 'application/vnd.kubernetes.protobuf', 400, 'BadRequest'],
  ])('answers %s with a Status', async (_name, method, path, body, contentType, code, reason) => {
    const reply = await call(method, path, { ...(body !== undefined ? { body } : {}), ...(contentType ? { contentType } : {}) });
    expect(reply.status).toBe(code);
    expect(reply.contentType).toBe('application/json');
    expect(status(reply)).toMatchObject({ kind: 'Status', code, reason });
  });

  it('answers an oversized body with 413', async () => {
    const reply = await call('POST', '/api/v1/namespaces/prod/configmaps', { body: Buffer.alloc(3 * 1024 * 1024 + 10, 0x20), contentType: 'application/json' });
    expect(reply.status).toBe(413);
    expect(status(reply).reason).toBe('RequestEntityTooLarge');
  });

  it('answers a stale resourceVersion on update with 409 Conflict', async () => {
    const current = JSON.parse((await call('GET', '/api/v1/namespaces/prod/configmaps/web-config')).body) as { metadata: { resourceVersion: string } };
    const stale = { ...current, metadata: { ...current.metadata, resourceVersion: '1' } };
    const reply = await call('PUT', '/api/v1/namespaces/prod/configmaps/web-config', { body: JSON.stringify(stale), contentType: 'application/json' });
    expect(reply.status).toBe(409);
    expect(status(reply).message).toContain('the object has been modified');
  });

  it('decodes a protobuf SelfSubjectAccessReview like kubectl auth can-i sends', async () => {
    const attributes = Buffer.concat([field(1, 'prod'), field(2, 'delete'), field(3, ''), field(5, 'pods')]);
    const review = Buffer.concat([field(1, Buffer.alloc(0)), field(2, field(1, attributes))]);
    const typeMeta = Buffer.concat([field(1, 'authorization.k8s.io/v1'), field(2, 'SelfSubjectAccessReview')]);
    const body = Buffer.concat([Buffer.from('k8s\0', 'binary'), field(1, typeMeta), field(2, review)]);
    const reply = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body, contentType: 'application/vnd.kubernetes.protobuf' });
    expect(reply.status).toBe(201);
    const parsed = JSON.parse(reply.body) as { status: { allowed: boolean }; spec: { resourceAttributes: { verb: string; resource: string; namespace: string } } };
    expect(parsed.status.allowed).toBe(true);
    expect(parsed.spec.resourceAttributes).toMatchObject({ verb: 'delete', resource: 'pods', namespace: 'prod' });
  });

  it('serves aggregated discovery with the exact content type, legacy discovery otherwise', async () => {
    const aggregated = await call('GET', '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    expect(aggregated.contentType).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const legacy = await call('GET', '/api/v1');
    const resources = (JSON.parse(legacy.body) as { resources: { name: string; group?: string; version?: string; kind: string }[] }).resources;
    expect(resources.find((resource) => resource.name === 'pods/eviction')).toMatchObject({ group: 'policy', version: 'v1', kind: 'Eviction' });
    const version = JSON.parse((await call('GET', '/version')).body) as { major: string; minor: string };
    expect(version).toMatchObject({ major: '1', minor: '32' });
  });

  it('serves tables with priority columns when asked', async () => {
    const reply = await call('GET', '/api/v1/namespaces/prod/pods', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    const table = JSON.parse(reply.body) as { kind: string; columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[]; object: { kind: string } }[] };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.filter((column) => column.priority === 0).map((column) => column.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(table.rows[0]?.object.kind).toBe('PartialObjectMetadata');
  });

  it('streams watch events after a list resourceVersion', async () => {
    const list = JSON.parse((await call('GET', '/api/v1/namespaces/prod/configmaps')).body) as { metadata: { resourceVersion: string } };
    await call('POST', '/api/v1/namespaces/prod/configmaps', { body: '{"metadata":{"name":"watched"}}', contentType: 'application/json' });
    const reply = await call('GET', `/api/v1/namespaces/prod/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=1`);
    const events = reply.body.trim().split('\n').map((line) => JSON.parse(line) as { type: string; object: { metadata: { name: string } } });
    expect(events.map((event) => `${event.type} ${event.object.metadata.name}`)).toContain('ADDED watched');
  });

  it('evictions honour the PodDisruptionBudget, and a dry-run eviction in the body changes nothing', async () => {
    const eviction = (name: string, dryRun: boolean) => JSON.stringify({
      apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'prod' }, ...(dryRun ? { deleteOptions: { dryRun: ['All'] } } : {}),
    });
    const path = (name: string) => `/api/v1/namespaces/prod/pods/${name}/eviction`;
    const dry = await call('POST', path('api-5d8f7c9b6-2xkqp'), { body: eviction('api-5d8f7c9b6-2xkqp', true), contentType: 'application/json' });
    expect(dry.status).toBe(201);
    const untouched = JSON.parse((await call('GET', '/api/v1/namespaces/prod/pods/api-5d8f7c9b6-2xkqp')).body) as { metadata: { deletionTimestamp?: string } };
    expect(untouched.metadata.deletionTimestamp).toBeUndefined();
    const first = await call('POST', path('api-5d8f7c9b6-2xkqp'), { body: eviction('api-5d8f7c9b6-2xkqp', false), contentType: 'application/json' });
    expect(first.status).toBe(201);
    const second = await call('POST', path('api-5d8f7c9b6-7hm4n'), { body: eviction('api-5d8f7c9b6-7hm4n', false), contentType: 'application/json' });
    expect(second.status).toBe(429);
    expect(status(second)).toMatchObject({ reason: 'TooManyRequests', message: "Cannot evict pod as it would violate the pod's disruption budget." });
  });

  it('is still serving after all of that', async () => {
    const reply = await call('GET', '/api/v1/namespaces/prod/pods/api-5d8f7c9b6-2xkqp');
    expect(reply.status).toBe(200);
  });
});
