import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { createKubectlRunner, effectiveTimeoutSeconds, executeOptionsFromConfig } from '../../../src/execute/kubectl-runner.js';
import { fixture } from './fixtures.js';

const config = (environment: Record<string, string> = {}) =>
  loadConfig({ kubectlPath: fixture('fake-kubectl.mjs'), context: 'staging', kubeconfig: '/tmp/rk8s-kubeconfig' }, environment);

describe('createKubectlRunner', () => {
  it('runs the configured kubectl with the configured context and KUBECONFIG', async () => {
    const lines: string[] = [];
    let exitCode = -1;
    for await (const event of createKubectlRunner(config()).run(['get', 'pods', '-n', 'dev'])) {
      if (event.type === 'exec-output') lines.push(event.line);
      else exitCode = event.exitCode;
    }
    expect(exitCode).toBe(0);
    expect(JSON.parse(lines[0]!)).toEqual({ args: ['--context', 'staging', 'get', 'pods', '-n', 'dev'], kubeconfig: '/tmp/rk8s-kubeconfig' });
  });

  it.each([
    [undefined, 15],
    [5, 5],
    [60, 60],
    [500, 500],
    [900, 600],
    [0, 15],
    [-3, 15],
  ])('a requested timeout of %s s becomes %s s (default 15, maximum 600)', (requested, expected) => {
    expect(effectiveTimeoutSeconds(config(), requested)).toBe(expected);
  });

  it('takes limits from the config', () => {
    const options = executeOptionsFromConfig(config({ RK8S_MAX_OUTPUT_LINES: '10', RK8S_MAX_OUTPUT_BYTES: '2048', RK8S_EXEC_MAX_TIMEOUT: '30' }), 90);
    expect(options).toMatchObject({ maxOutputLines: 10, maxOutputBytes: 2048, timeoutSeconds: 30, killGraceMs: 2000 });
  });
});
