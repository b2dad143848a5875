/** loadKubeconfigYaml: one parse per text, shared by context pinning and the API reads, and never a stale answer. */
import { writeFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it, vi } from 'vitest';
import { loadKubeconfigYaml } from '../../../src/cluster/kubeconfig-yaml.js';

describe('loadKubeconfigYaml', () => {
  it('parses a text once, answers a changed text afresh, and throws what js-yaml throws', () => {
    const load = vi.spyOn(yaml, 'load');
    try {
      const first = 'current-context: a\ncontexts: [{name: a}]\n';
      const document = loadKubeconfigYaml(first);
      expect(document).toEqual({ 'current-context': 'a', contexts: [{ name: 'a' }] });
      expect(loadKubeconfigYaml(`${first}`)).toBe(document);
      expect(load).toHaveBeenCalledTimes(1);
      // The file changed (a rotated token, `kubectl config use-context`): parsed again, not the old answer.
      expect(loadKubeconfigYaml('current-context: b\n')).toEqual({ 'current-context': 'b' });
      expect(load).toHaveBeenCalledTimes(2);
      expect(() => loadKubeconfigYaml('a: [unclosed')).toThrow(yaml.YAMLException);
      // A failed parse is not remembered as an answer.
      expect(loadKubeconfigYaml('current-context: b\n')).toEqual({ 'current-context': 'b' });
    } finally {
      load.mockRestore();
    }
  });

  it('context pinning and the API connection read one kubeconfig with one parse', async () => {
    const { mkdtempSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { loadConfig } = await import('../../../src/config/load-config.js');
    const { readCurrentContext } = await import('../../../src/cluster/current-context.js');
    const { resolveApiConnection } = await import('../../../src/cluster/api-connection.js');
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rk8s-kubeconfig-once-')), 'config');
    writeFileSync(file, [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: "bm90IGEgY2VydA=="}}]',
      'users: [{name: u, user: {token: t}}]',
      'contexts: [{name: one-parse, context: {cluster: c, user: u}}]',
      'current-context: one-parse',
    ].join('\n'));
    const config = loadConfig({ kubeconfig: file, kubectlPath: '/usr/bin/kubectl' }, {});
    const load = vi.spyOn(yaml, 'load');
    try {
      expect(await readCurrentContext(config, {})).toEqual({ context: 'one-parse' });
      const answer = resolveApiConnection({ ...config, kubectl: { ...config.kubectl, context: 'one-parse' } }, {});
      expect(answer.files).toContain(file);
      expect(load).toHaveBeenCalledTimes(1);
    } finally {
      load.mockRestore();
    }
  });
});
