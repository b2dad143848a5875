import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { RK8S_BIN, runCli } from '../helpers/cli.js';

describe('rk8s CLI shell', () => {
  it('--help describes the tool, its global options and exit codes', async () => {
    const result = await runCli(['--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Usage: rk8s');
    for (const option of ['--kubeconfig', '--context', '--cards', '--org', '--audit-log', '--json', '--no-color']) {
      expect(result.stdout).toContain(option);
    }
    expect(result.stdout).toContain('check');
    expect(result.stdout).toMatch(/Exit codes/);
  });

  it('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('an unknown command is a usage error (exit 2) with a suggestion', async () => {
    const result = await runCli(['chek']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'chek'/);
    expect(result.stderr).toMatch(/Did you mean check\?/);
  });

  it('check passes on the bundled corpus and reports the number of cards', async () => {
    const result = await runCli(['check']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/✔ \d+ cards \(\d+ intents, \d+ resources\); policy: \d+ tiers, \d+ namespaces, \d+ grants, \d+ guardrail rules/);
  });

  it('check fails closed on a broken policy directory, naming each file', async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-org-'));
    writeFileSync(path.join(directory, 'namespaces.yaml'), 'tiers: [oops\n');
    const result = await runCli(['check', '--org', directory]);
    expect(result.exitCode).toBe(5);
    expect(result.stdout).toMatch(/namespaces\.yaml: invalid YAML/);
    expect(result.stdout).toMatch(/rbac-allowlist\.yaml: file not found/);
    expect(result.stdout).toMatch(/policy: not loaded/);
  });

  it('check --json lists every problem with file and field, and exits 5', async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-cards-'));
    mkdirSync(path.join(directory, 'pod'));
    writeFileSync(path.join(directory, 'pod', 'get-pod.yaml'), 'id: get-pod\ntitle: x\nintent: get\nresource: pod\nbogus: 1\n');
    writeFileSync(path.join(directory, 'pod', 'logs-pod.yaml'), 'id: [unclosed\n');
    const result = await runCli(['check', '--json', '--cards', directory]);
    expect(result.exitCode).toBe(5);
    const summary = JSON.parse(result.stdout) as { ok: boolean; problems: { file: string; field: string; message: string }[] };
    expect(summary.ok).toBe(false);
    expect(summary.problems.some((problem) => problem.file.endsWith('get-pod.yaml') && problem.message.includes('"bogus"'))).toBe(true);
    expect(summary.problems.some((problem) => problem.file.endsWith('logs-pod.yaml') && problem.message.startsWith('invalid YAML'))).toBe(true);
  });

  it('plan --param sets a card parameter exactly, and a malformed one is a usage error naming it', async () => {
    const planned = await runCli(['plan', '--json', '--no-model', '-n', 'staging', '--intent', 'scale', '--resource', 'deploy', '--name', 'web', '--param', 'replicas=4']);
    expect(planned.exitCode).toBe(3);
    const document = JSON.parse(planned.stdout) as { plan: { args: string[] }; verdict: { decision: string } };
    expect(document.plan.args).toEqual(['scale', 'deployment/web', '-n', 'staging', '--replicas=4']);
    expect(document.verdict.decision).toBe('confirm');
    const malformed = await runCli(['plan', '-n', 'staging', '--intent', 'scale', '--resource', 'deploy', '--name', 'web', '--param', 'replicas']);
    expect(malformed.exitCode).toBe(2);
    expect(malformed.stderr).toMatch(/--param "replicas": expected key=value/);
  });

  it('a --kubeconfig that does not exist is a usage error naming the flag', async () => {
    const result = await runCli(['--kubeconfig', '/nonexistent/kubeconfig', 'plan', '-n', 'dev', '--intent', 'get', '--resource', 'pod']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--kubeconfig \/nonexistent\/kubeconfig: file not found/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('subcommand help shows the global options too', async () => {
    const result = await runCli(['exec', '--help']);
    expect(result.exitCode).toBe(0);
    for (const option of ['--json', '--audit-log', '--kubeconfig', '--context', '--confirm', '--dry-run']) expect(result.stdout).toContain(option);
  });

  it('a reader closing the pipe early is not an error (no EPIPE stack trace)', async () => {
    const result = await execa('bash', ['-c', `node ${JSON.stringify(RK8S_BIN)} retrieve restart api -k 4 | head -1`], { reject: false, env: { NO_COLOR: '1' } });
    expect(result.stdout.length).toBeGreaterThan(0);
    expect(String(result.stderr)).not.toMatch(/EPIPE|\n\s+at /);
  });

  it('validate explains a command passed as one quoted argument', async () => {
    const result = await runCli(['validate', '--', 'kubectl get pods -n prod']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/one quoted argument/);
    expect(result.stderr).toMatch(/pass the words unquoted: rk8s validate -- kubectl get pods -n prod/);
  });

  it('audit tail on a missing log says so instead of "no records"', async () => {
    const result = await runCli(['audit', 'tail', '/nonexistent/agent.log']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/audit log \/nonexistent\/agent\.log: file not found/);
  });
});

