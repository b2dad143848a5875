/** `--read-only` on every command: the core refuses mutations (config.readOnly) whether the flag comes before or after the command. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAuditRecords } from '../../src/audit/audit-log.js';
import { runCli } from '../helpers/cli.js';
import { createSandboxHarness, hasKubectl, type SandboxHarness } from '../helpers/sandbox.js';

if (!hasKubectl) console.warn('skipping test/e2e/read-only-cli.test.ts: kubectl is not installed');

let workDirectory: string;
let harness: SandboxHarness | undefined;
let auditLog: string;

beforeAll(async () => {
  workDirectory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-read-only-'));
  auditLog = path.join(workDirectory, 'agent.log');
  if (hasKubectl) harness = await createSandboxHarness();
});

afterAll(async () => {
  await harness?.stop();
});

function rk8s(args: readonly string[]) {
  return runCli(['--audit-log', auditLog, ...(harness ? ['--kubeconfig', harness.sandbox.kubeconfigPath] : []), ...args], {
    env: { RK8S_CACHE_DIR: path.join(workDirectory, 'cache'), ...harness?.env, RK8S_MODEL: '' },
    stdin: 'ignore',
  });
}

describe.runIf(hasKubectl)('--read-only', () => {
  it.each([
    [['--read-only', 'plan', '-n', 'prod', '-i', 'restart', '-r', 'deployment', '--name', 'api']],
    [['plan', '--read-only', '-n', 'prod', '-i', 'restart', '-r', 'deployment', '--name', 'api']],
    [['exec', '--read-only', '--confirm', '-n', 'staging', '-i', 'scale', '-r', 'deployment', '--name', 'web', '-p', 'replicas=4']],
  ])('%j is denied with READ_ONLY (exit 4) and nothing runs', async (args) => {
    const before = (await readAuditRecords(auditLog).catch(() => [])).length;
    const result = await rk8s([...args, '--json']);
    expect(result.exitCode).toBe(4);
    expect(result.stdout).toContain('READ_ONLY');
    const records = (await readAuditRecords(auditLog)).slice(before);
    expect(records.map((record) => record.event)).not.toContain('started');
  });

  it('a read still runs with --read-only (exit 0)', async () => {
    const result = await rk8s(['exec', '--read-only', '-n', 'dev', '-i', 'get', '-r', 'pod']);
    expect(result.exitCode).toBe(0);
  });

  it('serve and mcp accept --read-only (the help lists it)', async () => {
    for (const command of ['serve', 'mcp']) {
      const result = await rk8s([command, '--help']);
      expect(result.stdout).toContain('--read-only');
    }
  });
});
