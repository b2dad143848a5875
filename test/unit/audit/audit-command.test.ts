import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../src/audit/audit-log.js';
import { repositoryRoot, sampleRecord, temporaryLog } from './helpers.js';

const rk8s = (args: readonly string[]) =>
  execa(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, 'src/cli/bin.ts'), ...args], {
    cwd: repositoryRoot,
    reject: false,
    env: { NO_COLOR: '1' },
  });

async function logWith(count: number): Promise<string> {
  const { file } = temporaryLog();
  const log = createAuditLog({ path: file });
  for (let index = 0; index < count; index++) await log.append(sampleRecord({ event: index % 2 ? 'finished' : 'started', message: `m${index}` }));
  return file;
}

describe('rk8s audit', () => {
  it('verify exits 0 on an intact log and 1 naming the line of a tampered one', async () => {
    const file = await logWith(4);
    const ok = await rk8s(['audit', 'verify', file]);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/4 records verified/);

    const lines = readFileSync(file, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"m2"', '"m2 edited"');
    writeFileSync(file, lines.join('\n'));
    const bad = await rk8s(['audit', 'verify', file]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain(`${file}:3: hash mismatch`);

    const json = await rk8s(['--audit-log', file, 'audit', 'verify', '--json']);
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, count: 4, problems: [{ file, line: 3 }] });
  });

  it('tail prints the newest records, as JSONL with --json', async () => {
    const file = await logWith(5);
    const json = await rk8s(['audit', 'tail', '-n', '2', '--json', file]);
    expect(json.exitCode).toBe(0);
    expect(json.stdout.split('\n').map((line) => JSON.parse(line).message)).toEqual(['m3', 'm4']);
    const text = await rk8s(['audit', 'tail', '-n', '1', file]);
    expect(text.stdout).toMatch(/started\s+cli\/alice\s+prod-eu\s+confirm\/medium\s+kubectl scale deployment\/api --replicas=3 -n prod/);
    const usage = await rk8s(['audit', 'tail', '-n', '0', file]);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toMatch(/positive integer/);
  });
});
