/** `rk8s validate`: exit codes 0/3/4, JSON output, --owner, and a broken policy failing closed. */
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exitCodeFor, parseOwnerOption, registerValidateCommand } from '../../../src/cli/commands/validate.js';

const root = path.resolve(import.meta.dirname, '../../..');

/** Runs the command in-process on a program carrying the same global options as rk8s. */
async function run(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const program = new Command().exitOverride();
  program.option('--kubeconfig <path>').option('--context <name>').option('--cards <dir>').option('--org <dir>').option('--audit-log <path>').option('--json').option('--no-color');
  registerValidateCommand(program);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    process.exitCode = 0;
    await program.parseAsync(['node', 'rk8s', '--no-color', ...args]);
    return { exitCode: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = 0;
  }
}

afterEach(() => {
  process.exitCode = 0;
});

describe('rk8s validate', () => {
  it.each([
    [['validate', '--', 'kubectl', 'get', 'pods', '-n', 'prod'], 0, 'ALLOW'],
    [['validate', '--', 'get', 'pods', '-n', 'prod'], 0, 'ALLOW'],
    [['validate', '--', 'kubectl', 'rollout', 'restart', 'deployment/api', '-n', 'prod'], 3, 'CONFIRM'],
    [['validate', '--', 'kubectl', 'exec', '-it', 'api', '-n', 'prod', '--', 'sh'], 4, 'VERB_FORBIDDEN'],
    [['validate', '--', 'kubectl', 'delete', 'pod', 'api-5d8f7c9b6-2xkqp', '-n', 'staging'], 4, "ownerReferences[0].name"],
    [['validate', '--owner', 'ReplicaSet/api-5d8f7c9b6', '--', 'kubectl', 'delete', 'pod', 'api-5d8f7c9b6-2xkqp', '-n', 'staging'], 4, 'kubectl rollout restart deployment/api -n staging'],
    [['validate', '--owner', 'none', '--', 'kubectl', 'delete', 'pod', 'bare', '-n', 'staging'], 3, 'CONFIRM'],
  ])('%j -> exit %i', async (args, exitCode, text) => {
    const result = await run(args);
    expect(result.exitCode).toBe(exitCode);
    expect(result.stdout).toContain(text);
  });

  it('prints the verdict and policy version as JSON', async () => {
    const result = await run(['--json', 'validate', '--', 'kubectl', 'scale', 'deploy/api', '--replicas=0', '-n', 'prod']);
    const output = JSON.parse(result.stdout) as { verdict: { decision: string; risk: string; tier: string }; policyVersion: string };
    expect(output.verdict).toMatchObject({ decision: 'confirm', risk: 'high', tier: 'prod' });
    expect(output.policyVersion).toMatch(/^[0-9a-f]{64}$/);
    expect(result.exitCode).toBe(3);
  });

  it('fails closed with exit 5 and every problem when the policy is broken', async () => {
    const result = await run(['--org', path.join(root, 'test/fixtures/org-bad-tier'), 'validate', '--', 'kubectl', 'get', 'pods', '-n', 'prod']);
    expect(result.exitCode).toBe(5);
    expect(result.stderr).toContain('namespaces.yaml: namespaces.staging.tier');
    expect(result.stderr).toContain('guardrails.yaml: rules[6].match.tier');
  });

  it('rejects a malformed --owner with a usage error', async () => {
    const result = await run(['validate', '--owner', 'api', '--', 'kubectl', 'delete', 'pod', 'x', '-n', 'staging']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--owner "api" is not KIND/NAME');
  });

  it.each([
    ['Deployment/api', { kind: 'Deployment', name: 'api' }],
    ['none', null],
    [undefined, undefined],
  ])('parseOwnerOption(%s)', (value, owner) => {
    expect(parseOwnerOption(value)).toEqual(owner);
  });

  it('maps decisions to exit codes', () => {
    const base = { risk: 'none' as const, violations: [], suggestions: [], mutating: false };
    expect([exitCodeFor({ ...base, decision: 'allow' }), exitCodeFor({ ...base, decision: 'confirm' }), exitCodeFor({ ...base, decision: 'deny' })]).toEqual([0, 3, 4]);
  });
});
