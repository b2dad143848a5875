/** `--read-only` on every command: the core refuses mutations (config.readOnly) whether the flag comes before or after the command. */
import { expect, it } from 'vitest';
import { readAuditRecords } from '../../src/audit/audit-log.js';
import { useCliSandbox } from '../helpers/cli.js';
import { describeWith } from '../helpers/prerequisites.js';

describeWith(['kubectl'], '--read-only', () => {
  const cli = useCliSandbox({ prefix: 'read-only' });
  const { rk8s } = cli;

  it.each([
    [['--read-only', 'plan', '-n', 'prod', '-i', 'restart', '-r', 'deployment', '--name', 'api']],
    [['plan', '--read-only', '-n', 'prod', '-i', 'restart', '-r', 'deployment', '--name', 'api']],
    [['exec', '--read-only', '--confirm', '-n', 'staging', '-i', 'scale', '-r', 'deployment', '--name', 'web', '-p', 'replicas=4']],
  ])('%j is denied with READ_ONLY (exit 4) and nothing runs', async (args) => {
    const before = (await readAuditRecords(cli.auditLog).catch(() => [])).length;
    const result = await rk8s([...args, '--json']);
    expect(result.exitCode).toBe(4);
    expect(result.stdout).toContain('READ_ONLY');
    const records = (await readAuditRecords(cli.auditLog)).slice(before);
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
