import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandWords, dryRunArgs, runDryRun } from '../../../src/execute/dry-run.js';
import type { KubectlRunner } from '../../../src/contracts/ports.js';
import { collect, kubectlPath } from './fixtures.js';
import { describeWith } from '../../helpers/prerequisites.js';


describe('dryRunArgs', () => {
  it.each([
    [['scale', 'deployment/api', '--replicas=3', '-n', 'prod'], 'server', ['scale', 'deployment/api', '--replicas=3', '-n', 'prod', '--dry-run=server', '-o', 'yaml']],
    [['-n', 'prod', 'set', 'image', 'deployment/api', 'api=nginx:1.27'], 'server', ['-n', 'prod', 'set', 'image', 'deployment/api', 'api=nginx:1.27', '--dry-run=server', '-o', 'yaml']],
    [['rollout', 'undo', 'deployment/api', '-n', 'prod'], 'server', ['rollout', 'undo', 'deployment/api', '-n', 'prod', '--dry-run=server', '-o', 'yaml']],
    [['drain', 'node-1', '--ignore-daemonsets'], 'server', ['drain', 'node-1', '--ignore-daemonsets', '--dry-run=server']],
    [['cordon', 'node-1'], 'client', ['cordon', 'node-1', '--dry-run=client']],
    [['uncordon', 'node-1'], 'server', ['uncordon', 'node-1', '--dry-run=server']],
    [['delete', 'pod', 'api-1', '-n', 'dev'], 'server', ['delete', 'pod', 'api-1', '-n', 'dev', '--dry-run=server']],
    [['delete', 'pod', 'api-1', '-o', 'name', '--dry-run=none'], 'server', ['delete', 'pod', 'api-1', '--dry-run=server']],
    [['create', 'configmap', 'x', '--from-literal=a=b', '-ojson'], 'client', ['create', 'configmap', 'x', '--from-literal=a=b', '--dry-run=client', '-o', 'yaml']],
    [['label', 'pod', 'x', 'a=b', '--output=json', '--', 'ignored'], 'server', ['label', 'pod', 'x', 'a=b', '--dry-run=server', '-o', 'yaml', '--', 'ignored']],
  ] as const)('%j (%s)', (args, mode, expected) => {
    expect(dryRunArgs(args, mode)).toEqual(expected);
  });

  it.each([
    [['get', 'pods', '-n', 'prod']],
    [['rollout', 'restart', 'deployment/api', '-n', 'prod']],
    [['rollout', 'status', 'deployment/api']],
    [['logs', 'api-1']],
    [['--context', 'scale', 'get', 'pods']],
    [[]],
  ])('has no dry-run for %j', (args) => {
    expect(dryRunArgs(args, 'server')).toBeUndefined();
  });

  it('finds the verb after global flags and their values', () => {
    expect(commandWords(['-n', 'prod', '--context', 'x', 'rollout', 'undo', 'deploy/a'])).toEqual(['rollout', 'undo']);
    expect(commandWords(['--namespace=prod', 'scale', 'deploy/a'])).toEqual(['scale']);
  });
});

describeWith(['kubectl'], 'dryRunArgs against the real kubectl', () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-dry-run-'));
  const kubeconfig = path.join(directory, 'kubeconfig');
  // A server nobody listens on: flag errors show before any connection, so acceptance is checkable offline.
  writeFileSync(
    kubeconfig,
    'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
  );

  it.each([
    [['drain', 'node-1', '--ignore-daemonsets']],
    [['cordon', 'node-1']],
    [['uncordon', 'node-1']],
    [['delete', 'pod', 'api-1', '-n', 'dev']],
    [['scale', 'deployment/api', '--replicas=3', '-n', 'prod']],
    [['set', 'image', 'deployment/api', 'api=nginx:1.27', '-n', 'prod']],
    [['rollout', 'undo', 'deployment/api', '-n', 'prod']],
    [['label', 'pod', 'api-1', 'a=b', '-n', 'prod']],
  ])('kubectl accepts the flags added to %j', async (args) => {
    const preview = dryRunArgs(args, 'server')!;
    const result = await collect(preview, { kubectlPath: kubectlPath!, kubeconfig, timeoutSeconds: 30 });
    expect(result.stderr.join('\n')).not.toMatch(/unknown (shorthand )?flag|for usage/);
    expect(result.end.errorMessage).toMatch(/refused|Unable to connect/);
  });

  it('kubectl rejects --dry-run on rollout restart, which is why it has no preview', async () => {
    const result = await collect(['rollout', 'restart', 'deployment/api', '--dry-run=server'], { kubectlPath: kubectlPath!, kubeconfig });
    expect(result.end.errorMessage).toBe('Error: unknown flag: --dry-run');
  });
});

describe('runDryRun', () => {
  const runnerPrinting = (lines: string[], exitCode: number, errorMessage?: string): KubectlRunner & { calls: string[][] } => {
    const calls: string[][] = [];
    return {
      calls,
      async *run(args) {
        calls.push([...args]);
        for (const line of lines) yield { type: 'exec-output', stream: 'stdout', line };
        yield { type: 'exec-end', exitCode, durationMs: 1, truncated: false, timedOut: false, cancelled: false, ...(errorMessage ? { errorMessage } : {}) };
      },
    };
  };

  it('runs the dry-run argv and returns the YAML with Secret data redacted', async () => {
    const runner = runnerPrinting(['apiVersion: v1', 'data:', '  password: c2VjcmV0', 'kind: Secret'], 0);
    const event = await runDryRun(runner, ['create', 'secret', 'generic', 's'], 'client');
    expect(runner.calls).toEqual([['create', 'secret', 'generic', 's', '--dry-run=client', '-o', 'yaml']]);
    expect(event).toEqual({ type: 'dry-run-end', exitCode: 0, output: 'apiVersion: v1\ndata:\n  password: [REDACTED]\nkind: Secret' });
  });

  it('returns the one-line error when the preview fails, and undefined when there is no preview', async () => {
    const failing = runnerPrinting([], 1, 'Error from server (NotFound): deployments.apps "api" not found');
    expect(await runDryRun(failing, ['scale', 'deploy/api', '--replicas=2'], 'server')).toEqual({
      type: 'dry-run-end',
      exitCode: 1,
      output: 'Error from server (NotFound): deployments.apps "api" not found',
    });
    expect(await runDryRun(failing, ['rollout', 'restart', 'deploy/api'], 'server')).toBeUndefined();
  });
});
