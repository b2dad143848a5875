import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCurrentContext, withPinnedContext } from '../../../src/cluster/current-context.js';
import { loadConfig } from '../../../src/config/load-config.js';


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

describe('pinning the kube context', () => {
  it('reads the kubeconfig current context and pins it into the config', async () => {
    const config = loadConfig({ kubeconfig: kubeconfig('staging-eu'), kubectlPath: '/usr/bin/kubectl' }, {});
    expect(await readCurrentContext(config)).toEqual({ context: 'staging-eu' });
    expect((await withPinnedContext(config)).config.kubectl.context).toBe('staging-eu');
  });

  it('keeps an explicitly configured context', async () => {
    const config = loadConfig({ kubeconfig: kubeconfig('staging-eu'), kubectlPath: '/usr/bin/kubectl', context: 'prod-eu' }, {});
    expect((await withPinnedContext(config)).config.kubectl.context).toBe('prod-eu');
  });

  it('follows kubectl\'s merge rule: the first file in the list that sets current-context wins', async () => {
    const list = [path.join(os.tmpdir(), 'rk8s-no-such-kubeconfig'), kubeconfig(undefined), kubeconfig('prod-eu'), kubeconfig('staging-eu')].join(path.delimiter);
    const config = loadConfig({ kubectlPath: '/usr/bin/kubectl' }, { KUBECONFIG: list });
    expect(await readCurrentContext(config)).toEqual({ context: 'prod-eu' });
  });

  it('says why nothing was pinned, and createCore repeats it on every proposal', async () => {
    const none = loadConfig({ kubeconfig: kubeconfig(undefined), kubectlPath: '/usr/bin/kubectl' }, {});
    expect((await withPinnedContext(none)).problem).toMatch(/^no current-context is set in /);
    const broken = path.join(mkdtempSync(path.join(os.tmpdir(), 'rk8s-ctx-')), 'config');
    writeFileSync(broken, 'current-context: [oops');
    expect((await readCurrentContext(loadConfig({ kubeconfig: broken }, {}))).problem).toMatch(/not valid YAML/);
  });

  it('leaves the context unset when the kubeconfig has none, and needs no kubectl to read it', async () => {
    const none = loadConfig({ kubeconfig: kubeconfig(undefined), kubectlPath: '/usr/bin/kubectl' }, {});
    expect((await withPinnedContext(none)).config.kubectl.context).toBeUndefined();
    const noKubectl = loadConfig({ kubeconfig: kubeconfig('staging-eu'), kubectlPath: '/nonexistent/kubectl' }, {});
    expect(await readCurrentContext(noKubectl)).toEqual({ context: 'staging-eu' });
  });
});
