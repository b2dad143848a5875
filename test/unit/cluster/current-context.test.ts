import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCurrentContext, withPinnedContext } from '../../../src/cluster/current-context.js';
import { loadConfig } from '../../../src/config/load-config.js';

const hasKubectl = existsSync('/usr/bin/kubectl');
if (!hasKubectl) console.warn('current-context: skipped, /usr/bin/kubectl is not installed');

function kubeconfig(currentContext: string | undefined): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rk8s-ctx-')), 'config');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c1, cluster: {server: "https://127.0.0.1:1"}}, {name: c2, cluster: {server: "https://127.0.0.1:2"}}]',
      'users: [{name: u, user: {token: t}}]',
      'contexts: [{name: staging-eu, context: {cluster: c1, user: u}}, {name: prod-eu, context: {cluster: c2, user: u}}]',
      ...(currentContext ? [`current-context: ${currentContext}`] : []),
    ].join('\n'),
  );
  return file;
}

describe.skipIf(!hasKubectl)('pinning the kube context', () => {
  it('reads the kubeconfig current context and pins it into the config', async () => {
    const config = loadConfig({ kubeconfig: kubeconfig('staging-eu'), kubectlPath: '/usr/bin/kubectl' }, {});
    expect(await readCurrentContext(config)).toBe('staging-eu');
    expect((await withPinnedContext(config)).kubectl.context).toBe('staging-eu');
  });

  it('keeps an explicitly configured context', async () => {
    const config = loadConfig({ kubeconfig: kubeconfig('staging-eu'), kubectlPath: '/usr/bin/kubectl', context: 'prod-eu' }, {});
    expect((await withPinnedContext(config)).kubectl.context).toBe('prod-eu');
  });

  it('leaves the context unset when the kubeconfig has none, or kubectl is missing', async () => {
    const none = loadConfig({ kubeconfig: kubeconfig(undefined), kubectlPath: '/usr/bin/kubectl' }, {});
    expect((await withPinnedContext(none)).kubectl.context).toBeUndefined();
    const missing = loadConfig({ kubeconfig: kubeconfig('staging-eu'), kubectlPath: '/nonexistent/kubectl' }, {});
    expect(await readCurrentContext(missing)).toBeUndefined();
  });
});
