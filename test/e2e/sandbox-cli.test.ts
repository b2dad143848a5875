/** End-to-end: `rk8s sandbox` in the foreground prints the KUBECONFIG line, serves kubectl, and stops on Ctrl+C. */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import { kubectlPath } from '../helpers/sandbox.js';

describeWith(['kubectl'], 'rk8s sandbox', () => {
  it('prints export KUBECONFIG=…, answers kubectl, and stops cleanly on SIGINT', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'rk8s-sandbox-cli-'));
    const kubeconfig = join(directory, 'kubeconfig');
    const child = execa('node', ['--import', 'tsx', 'src/cli/bin.ts', 'sandbox', '--port', '0', '--kubeconfig', kubeconfig], { reject: false, env: { NO_COLOR: '1' } });
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('export KUBECONFIG=')) resolve(text);
        });
        child.on('exit', () => reject(new Error(`rk8s sandbox exited early: ${text}`)));
      });
      expect(output).toContain(`export KUBECONFIG=${kubeconfig}`);
      expect(output).toMatch(/sandbox cluster running at https:\/\/127\.0\.0\.1:\d+ \(context rk8s-sandbox\)/);
      const namespaces = await execa(kubectlPath ?? 'kubectl', ['get', 'namespaces', '-o', 'name'], { env: { KUBECONFIG: kubeconfig, KUBECACHEDIR: join(directory, 'cache') } });
      expect(namespaces.stdout.split('\n')).toEqual(expect.arrayContaining(['namespace/prod', 'namespace/staging', 'namespace/dev', 'namespace/kube-system']));
      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode).toBe(0);
      expect(String(result.stdout)).toContain('sandbox stopped');
      expect(existsSync(kubeconfig)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('rejects a bad --port with a one-line error and exit code 2', async () => {
    const result = await execa('node', ['--import', 'tsx', 'src/cli/bin.ts', 'sandbox', '--port', 'abc'], { reject: false, env: { NO_COLOR: '1' } });
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr).trim()).toMatch(/^error: --port must be an integer from 0 to 65535, got "abc"\nhint: /);
  });
});
