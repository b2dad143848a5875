/**
 * The connection API reads use (src/cluster/api-connection.ts): the one kubectl would use, taken only
 * when it is plain (https, a certificate authority, a token or a client certificate); anything else
 * is left to kubectl, with the reason.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveApiConnection } from '../../../src/cluster/api-connection.js';
import type { Config } from '../../../src/schemas/config.js';
import { fakeConfig } from '../../helpers/fake-core.js';

const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-api-connection-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

interface Shape {
  cluster?: Record<string, unknown>;
  user?: Record<string, unknown>;
  context?: Record<string, unknown>;
  current?: string;
}

/** A kubeconfig with one cluster, user and context ("work"), written to a file; returns the config reading it. */
function kubeconfig(shape: Shape = {}, options: { context?: string; apiReads?: boolean } = {}): Config {
  const file = path.join(directory, 'config');
  writeFileSync(file, yaml.dump({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority-data': CA.toString('base64'), ...shape.cluster } }],
    users: [{ name: 'u', user: { token: 'secret-token', ...shape.user } }],
    contexts: [{ name: 'work', context: { cluster: 'c', user: 'u', ...shape.context } }],
    'current-context': shape.current ?? 'work',
  }, { skipInvalid: true }));
  const base = fakeConfig();
  return { ...base, kubectl: { ...base.kubectl, kubeconfig: file, apiReads: options.apiReads ?? true, ...(options.context ? { context: options.context } : {}) } };
}

const fallback = (config: Config, environment: NodeJS.ProcessEnv = {}) => {
  const answer = resolveApiConnection(config, environment);
  return 'fallback' in answer ? answer.fallback : undefined;
};

describe('resolveApiConnection', () => {
  it('takes the server, certificate authority and token of the current context', () => {
    const answer = resolveApiConnection(kubeconfig(), {});
    if (!('connection' in answer)) throw new Error(answer.fallback);
    expect(answer.connection.server.href).toBe('https://10.0.0.1:6443/');
    expect(answer.connection.ca.equals(CA)).toBe(true);
    expect(answer.connection.token).toBe('secret-token');
    expect(answer.connection.source.context).toBe('work');
  });

  it('uses the pinned context over current-context, and files relative to the kubeconfig', () => {
    writeFileSync(path.join(directory, 'ca.pem'), CA);
    writeFileSync(path.join(directory, 'token'), 'from-a-file\n');
    writeFileSync(path.join(directory, 'client.pem'), 'CERT');
    writeFileSync(path.join(directory, 'client.key'), 'KEY');
    const config = kubeconfig({
      current: 'elsewhere',
      cluster: { 'certificate-authority-data': undefined, 'certificate-authority': 'ca.pem', 'tls-server-name': 'api.internal' },
      user: { token: undefined, tokenFile: 'token', 'client-certificate': 'client.pem', 'client-key': 'client.key' },
    }, { context: 'work' });
    const answer = resolveApiConnection(config, {});
    if (!('connection' in answer)) throw new Error(answer.fallback);
    expect(answer.connection.ca.equals(CA)).toBe(true);
    expect(answer.connection.token).toBe('from-a-file');
    expect(answer.connection.cert?.toString()).toBe('CERT');
    expect(answer.connection.key?.toString()).toBe('KEY');
    expect(answer.connection.servername).toBe('api.internal');
  });

  it.each<[string, Shape, RegExp]>([
    ['an exec plugin (EKS, GKE)', { user: { exec: { command: 'aws' } } }, /sets exec, which only kubectl handles/],
    ['an auth-provider', { user: { 'auth-provider': { name: 'oidc' } } }, /auth-provider/],
    ['basic auth', { user: { username: 'a', password: 'b' } }, /sets (username|password)/],
    ['impersonation', { user: { as: 'someone' } }, /sets as,/],
    ['a proxy-url', { cluster: { 'proxy-url': 'http://proxy:3128' } }, /proxy-url/],
    ['insecure-skip-tls-verify', { cluster: { 'insecure-skip-tls-verify': true } }, /insecure-skip-tls-verify/],
    ['an http server', { cluster: { server: 'http://10.0.0.1:8080' } }, /not https/],
    ['no certificate authority', { cluster: { 'certificate-authority-data': undefined } }, /system trust store/],
    ['an unreadable certificate authority file', { cluster: { 'certificate-authority-data': undefined, 'certificate-authority': 'missing.pem' } }, /certificate-authority missing.pem cannot be read \(ENOENT\)/],
    ['a certificate without its key', { user: { 'client-certificate-data': 'Q0VSVA==' } }, /without its key/],
    ['both token and tokenFile', { user: { tokenFile: 'token' } }, /both token and tokenFile/],
    ['a context that does not exist', { current: 'nowhere' }, /no context nowhere/],
    ['a context naming a missing cluster', { context: { cluster: 'gone' } }, /names a cluster or user/],
  ])('leaves %s to kubectl', (_what, shape, reason) => {
    expect(fallback(kubeconfig(shape))).toMatch(reason);
  });

  it('leaves a proxied server to kubectl, but not a loopback one (Go never proxies loopback)', () => {
    expect(fallback(kubeconfig(), { HTTPS_PROXY: 'http://proxy:3128' })).toBe('HTTPS_PROXY is set');
    expect(fallback(kubeconfig({ cluster: { server: 'https://127.0.0.1:6443' } }), { https_proxy: 'http://proxy:3128' })).toBeUndefined();
  });

  it('leaves a list of kubeconfig files, a missing one and API reads turned off to kubectl', () => {
    const config = kubeconfig();
    expect(fallback({ ...config, kubectl: { ...config.kubectl, kubeconfig: `${config.kubectl.kubeconfig}${path.delimiter}/other` } })).toMatch(/list of files/);
    expect(fallback({ ...config, kubectl: { ...config.kubectl, kubeconfig: path.join(directory, 'absent') } })).toMatch(/cannot be read \(ENOENT\)/);
    expect(fallback(kubeconfig({}, { apiReads: false }))).toBe('API reads are off (RK8S_API_READS)');
  });

  it('reads $KUBECONFIG when the config names no kubeconfig (as kubectl does)', () => {
    const config = kubeconfig();
    const file = config.kubectl.kubeconfig!;
    const { kubeconfig: _named, ...kubectl } = config.kubectl;
    expect(fallback({ ...config, kubectl }, { KUBECONFIG: file })).toBeUndefined();
    expect(fallback({ ...config, kubectl }, { KUBECONFIG: path.join(directory, 'absent') })).toMatch(/absent cannot be read \(ENOENT\)/);
  });
});
