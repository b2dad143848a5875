import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../src/audit/audit-log.js';
import { faultyFileSystem, repositoryRoot, sampleRecord, temporaryLog } from './helpers.js';

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

describe('rk8s audit and declared gaps', () => {
  async function logWithGap(): Promise<{ file: string; lostOperation: string }> {
    const { file } = temporaryLog();
    let failing = false;
    const { fileSystem } = faultyFileSystem((call) => (failing && call.operation === 'write' && call.file === file ? { code: 'ENOSPC' } : undefined));
    const log = createAuditLog({ path: file, fileSystem });
    await log.append(sampleRecord({ event: 'started' }));
    failing = true;
    const lost = sampleRecord({ event: 'finished' });
    await Promise.allSettled([log.append(lost), log.append(sampleRecord({ event: 'finished' }))]);
    failing = false;
    return { file, lostOperation: lost.operation_id };
  }

  it('tail and verify show records that could not be written, pending and then declared; verify still passes', async () => {
    const { file, lostOperation } = await logWithGap();
    const pendingTail = await rk8s(['audit', 'tail', file]);
    expect(pendingTail.exitCode).toBe(0);
    expect(pendingTail.stderr).toContain(`⚠ 2 records could not be written and no record since declares them`);
    expect(pendingTail.stderr).toContain(`finished of ${lostOperation.slice(0, 8)}`);
    const pendingVerify = await rk8s(['audit', 'verify', file]);
    expect(pendingVerify.exitCode).toBe(0);
    expect(pendingVerify.stdout).toMatch(/agent\.log\.gap: 2 records could not be written and no record since declares them \((?:at|from) .*; ENOSPC\)/);

    await createAuditLog({ path: file }).append(sampleRecord({ event: 'proposed' }));
    const verify = await rk8s(['audit', 'verify', file]);
    expect(verify.exitCode).toBe(0);
    expect(verify.stdout).toContain(`⚠ ${file}:2: 2 records could not be written before this one`);
    expect(verify.stdout).toMatch(/✔ 2 records verified; 1 declared gap\(s\), 2 record\(s\) lost; last hash [0-9a-f]{64}/);
    const json = JSON.parse((await rk8s(['audit', 'verify', '--json', file])).stdout);
    expect(json).toMatchObject({ ok: true, count: 2, pendingGap: null, gaps: [{ file, line: 2, lost: 2, records: [{ operation_id: lostOperation, event: 'finished', error: 'ENOSPC' }, {}] }] });
    const tail = await rk8s(['audit', 'tail', file]);
    expect(tail.stdout.split('\n')[1]).toMatch(/^⚠ 2 records could not be written before this one/);
    expect(tail.stderr).toBe('');
    const tailJson = (await rk8s(['audit', 'tail', '--json', file])).stdout.split('\n').map((line) => JSON.parse(line));
    expect(tailJson[1].gap).toMatchObject({ lost: 2 });
  });

  it('verify names the line whose bytes are not canonical (a prepended duplicate key)', async () => {
    const file = await logWith(3);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('{', '{"event":"denied",');
    writeFileSync(file, lines.join('\n'));
    const result = await rk8s(['audit', 'verify', file]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`${file}:2: key "event" appears twice`);
  });
});
