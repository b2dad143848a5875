/** `rk8s plan` and `rk8s exec` through the built binary, against the sandbox cluster with the real kubectl. */
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readAuditRecords } from '../../src/audit/audit-log.js';
import { K8sExecResultSchema } from '../../src/tool/k8s-exec.js';
import { RK8S_BIN, useCliSandbox } from '../helpers/cli.js';
import { waitFor } from '../helpers/sandbox.js';
import { describeWith, prerequisitePath } from '../helpers/prerequisites.js';
import { shellQuote } from '../helpers/tmux.js';

/** rk8s with the sandbox kubeconfig (when kubectl is installed), a private audit log and cache, and the template planner. */
const cli = useCliSandbox({ prefix: 'cli-exec' });
const { rk8s, kubectl } = cli;

describe('rk8s plan', () => {
  it.each([
    [['-n', 'dev', '--intent', 'get', '--resource', 'pod'], 0, 'allowed'],
    [['-n', 'prod', '--intent', 'restart', '--resource', 'deploy', '--name', 'api'], 3, 'needs confirmation'],
    [['-n', 'prod', '--intent', 'restart', '--resource', 'deploy'], 4, 'INCOMPLETE  not planned: missing name'],
    [['-n', 'prod', 'make', 'me', 'a', 'sandwich'], 4, 'QUESTION  not planned: the core asks'],
    [['-n', 'prod', '--intent', 'get', '--resource', 'pod'], 0, 'READ-ONLY  allowed'],
    // Free text about a cluster-scoped object needs no namespace.
    [['cordon', 'node-2'], 3, 'MEDIUM RISK  needs confirmation'],
  ])('rk8s plan %j exits %i (%s)', async (args, exitCode, decision) => {
    const result = await rk8s(['plan', ...args]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(exitCode);
    expect(result.stdout).toMatch(/^cards {2}\S+/m);
    expect(result.stdout).toMatch(/^plan {3}/m);
    expect(result.stdout).toContain(decision);
    // Never "NONE RISK" and never an empty card label.
    expect(result.stdout).not.toMatch(/NONE RISK|card \]/);
  });

  it('free text about a namespaced object without -n asks for the namespace (exit 4), naming the flag', async () => {
    const result = await rk8s(['plan', 'list', 'pods']);
    expect(result.exitCode).toBe(4);
    expect(result.stdout).toMatch(/missing required parameter\(s\): namespace; give --namespace \[PARAMS_MISSING\]/);
  });

  it('--json prints {plan, verdict, cards}', async () => {
    const result = await rk8s(['plan', '--json', '-n', 'prod', '--intent', 'restart', '--resource', 'deployment', '--name', 'api']);
    expect(result.exitCode).toBe(3);
    const document = JSON.parse(result.stdout) as { plan: { args: string[]; planner: string }; verdict: { decision: string; risk: string }; cards: { id: string }[] };
    expect(document.plan.args).toEqual(['rollout', 'restart', 'deployment/api', '-n', 'prod']);
    expect(document.plan.planner).toBe('template');
    expect(document.verdict).toMatchObject({ decision: 'confirm', risk: 'medium' });
    expect(document.cards[0]!.id).toBe('restart-deployment');
  });

  it('names the flag when input is invalid (exit 2)', async () => {
    const result = await rk8s(['plan', '--intent', 'restart', '--resource', 'deploy', '--name', 'api']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error: --namespace: is required/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describeWith(['kubectl'], 'rk8s exec against the sandbox', () => {
  it('runs a read-only command and streams kubectl output to stdout (exit 0)', async () => {
    const result = await rk8s(['exec', '-n', 'prod', '--intent', 'get', '--resource', 'pod']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^NAME\s+READY\s+STATUS/);
    expect(result.stdout).toMatch(/\napi-\S+\s+2\/2\s+Running/);
    expect(result.stderr).toContain('plan   kubectl get pods -n prod');
  });

  it('--dry-run shows the preview and changes nothing', async () => {
    const before = await kubectl('get', 'deployment', 'web', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}');
    const result = await rk8s(['exec', '-n', 'staging', '--intent', 'scale', '--resource', 'deploy', '--name', 'web', '--query', 'to 5', '--dry-run']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/preview/);
    // The change summary, not kubectl's YAML, is what a person reads before confirming.
    expect(result.stderr).toContain(`deployment/web  replicas ${before} → 5`);
    expect(result.stderr).not.toMatch(/kind: Deployment/);
    expect(result.stderr).toMatch(/--full-preview prints it/);
    expect(result.stderr).toMatch(/dry run: nothing was changed/);
    expect(await kubectl('get', 'deployment', 'web', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}')).toBe(before);
  });

  it('--full-preview prints kubectl\'s dry-run YAML under the change summary', async () => {
    const result = await rk8s(['exec', '-n', 'staging', '--intent', 'scale', '--resource', 'deploy', '--name', 'web', '--query', 'to 5', '--dry-run', '--full-preview']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/deployment\/web {2}replicas \d+ → 5/);
    expect(result.stderr).toMatch(/kind: Deployment/);
  });

  it('without a terminal and without --confirm, a medium-risk command is not run (exit 3)', async () => {
    const result = await rk8s(['exec', '-n', 'staging', '--intent', 'scale', '--resource', 'deploy', '--name', 'web', '--query', 'to 5']);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/pass --confirm/);
    expect(await kubectl('get', 'deployment', 'web', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}')).not.toBe('5');
  });

  it('--confirm runs it, exits with kubectl\'s code, and the audit log has the whole story', async () => {
    const result = await rk8s(['exec', '-n', 'staging', '--intent', 'scale', '--resource', 'deploy', '--name', 'web', '--query', 'to 5', '--confirm']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('deployment.apps/web scaled');
    expect(await kubectl('get', 'deployment', 'web', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}')).toBe('5');
    const records = await readAuditRecords(cli.auditLog);
    const last = records.filter((record) => record.operation_id === records.at(-1)!.operation_id);
    expect(last.map((record) => record.event)).toEqual(['proposed', 'confirmed', 'started', 'finished']);
    expect(last.every((record) => record.source === 'cli')).toBe(true);
  });

  it('--confirm --expect runs only the exact command the human approved', async () => {
    const mismatch = await rk8s(['exec', '-n', 'staging', 'scale', 'web', 'to', '4', '--confirm', '--expect', 'kubectl scale deployment/web -n staging --replicas=3']);
    expect(mismatch.exitCode).toBe(4);
    expect(mismatch.stderr).toMatch(/the plan changed since it was confirmed.*nothing was run/);
    expect(await kubectl('get', 'deployment', 'web', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}')).not.toBe('4');
    const match = await rk8s(['exec', '-n', 'staging', 'scale', 'web', 'to', '4', '--confirm', '--expect', 'kubectl scale deployment/web -n staging --replicas=4']);
    expect(match.exitCode).toBe(0);
    expect(await kubectl('get', 'deployment', 'web', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}')).toBe('4');
    const alone = await rk8s(['exec', '-n', 'staging', 'scale', 'web', 'to', '4', '--expect', 'kubectl scale deployment/web -n staging --replicas=4']);
    expect(alone.exitCode).toBe(2);
    expect(alone.stderr).toMatch(/--expect goes with --confirm/);
  });

  it('a change read from free text alone needs --expect with --confirm off a terminal (exit 4, nothing runs)', async () => {
    const before = await kubectl('get', 'deployment', 'web', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}');
    const result = await rk8s(['exec', '-n', 'staging', 'scale', 'web', 'to', '7', '--confirm']);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(/read from free text only: pin the exact command with --expect "kubectl scale deployment\/web -n staging --replicas=7"/);
    expect(result.stderr).toMatch(/EXPECT_REQUIRED/);
    expect(await kubectl('get', 'deployment', 'web', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}')).toBe(before);
  });

  it('a high-risk --confirm off a terminal needs --confirm-name, the object name typed exactly', async () => {
    const args = ['exec', '-n', 'staging', '--intent', 'scale', '--resource', 'deploy', '--name', 'worker', '--param', 'replicas=0', '--confirm'];
    const missing = await rk8s(args);
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toMatch(/"" is not "worker" \(nothing was typed\)/);
    const wrong = await rk8s([...args, '--confirm-name', 'Worker']);
    expect(wrong.exitCode).toBe(3);
    expect(wrong.stderr).toMatch(/letter case differs/);
    expect(await kubectl('get', 'deployment', 'worker', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}')).not.toBe('0');
    const named = await rk8s([...args, '--confirm-name', 'worker']);
    expect(named.exitCode).toBe(0);
    expect(await kubectl('get', 'deployment', 'worker', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}')).toBe('0');
    const alone = await rk8s(['exec', '-n', 'staging', '--intent', 'scale', '--resource', 'deploy', '--name', 'worker', '--confirm-name', 'worker']);
    expect(alone.exitCode).toBe(2);
    expect(alone.stderr).toMatch(/--confirm-name goes with --confirm/);
  });

  it('--dry-run of a command kubectl rejects warns and exits 1', async () => {
    // (A name that exists nowhere is now said by the planner, not sent to kubectl: a revision it does not have is.)
    const result = await rk8s(['exec', '-n', 'staging', '--intent', 'rollback', '--resource', 'deploy', '--name', 'worker', '--param', 'revision=9', '--dry-run']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/warning: the server-side dry-run failed/);
    expect(result.stderr).toMatch(/dry run failed: kubectl rejected the preview/);
  });

  it('a kubectl that cannot be started exits 6 with one clear line', async () => {
    const result = await rk8s(['exec', '-n', 'dev', '--intent', 'get', '--resource', 'pod'], { env: { RK8S_KUBECTL: '/nonexistent/kubectl' } });
    expect(result.exitCode).toBe(6);
    expect(result.stderr).toMatch(/kubectl not found at \/nonexistent\/kubectl/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--json prints the k8s_exec result document', async () => {
    const result = await rk8s(['exec', '--json', '-n', 'prod', '--intent', 'restart', '--resource', 'deploy', '--name', 'api']);
    expect(result.exitCode).toBe(3);
    const document = K8sExecResultSchema.parse(JSON.parse(result.stdout));
    expect(document.status).toBe('needs-confirmation');
    expect(document.plan?.command).toBe('kubectl rollout restart deployment/api -n prod');
  });

  it('a denied command exits 4 and shows the suggestion', async () => {
    const pod = await kubectl('get', 'pods', '-n', 'staging', '-l', 'app=api', '-o', 'jsonpath={.items[0].metadata.name}');
    const result = await rk8s(['exec', '-n', 'staging', '--intent', 'delete', '--resource', 'pod', '--name', pod, '--confirm']);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(/denied/);
    expect(result.stderr).toContain('kubectl rollout restart deployment/api -n staging');
  });

  it('a failing kubectl passes its exit code through', async () => {
    const result = await rk8s(['exec', '-n', 'prod', '--intent', 'logs', '--resource', 'pod', '--name', 'payments-6b7c8d9f4-lk2jd', '--param', 'container=nosuch']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/container nosuch is not valid/);
  });

  it('--timeout is checked', async () => {
    const result = await rk8s(['exec', '-n', 'prod', '--intent', 'get', '--resource', 'pod', '--timeout', '0']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--timeout 0/);
  });
});

/** `script` (util-linux) gives the command a real terminal, so the interactive confirmation path runs for real. */
describeWith(['kubectl', 'script'], 'rk8s exec on a terminal', () => {
  function onTerminal(args: readonly string[], answer: string) {
    const command = ['node', RK8S_BIN, ...cli.globalArgs(), '--no-color', ...args].map(shellQuote).join(' ');
    return execa(prerequisitePath('script')!, ['-qec', command, '/dev/null'], {
      input: `${answer}\n`,
      reject: false,
      timeout: 60_000,
      env: { NO_COLOR: '1', ...cli.env() },
    });
  }

  it('asks y/N for a medium-risk command; "n" runs nothing (exit 3), "y" runs it', async () => {
    const args = ['exec', '-n', 'dev', '--intent', 'scale', '--resource', 'deploy', '--name', 'api', '--query', 'to 2'];
    const declined = await onTerminal(args, 'n');
    expect(declined.stdout).toMatch(/Run kubectl scale deployment\/api -n dev --replicas=2\? \[y\/N\]/);
    expect(declined.stdout).toMatch(/not run: not confirmed/);
    expect(declined.exitCode).toBe(3);
    const accepted = await onTerminal(args, 'y');
    expect(accepted.stdout).toMatch(/deployment\.apps\/api scaled/);
    expect(accepted.exitCode).toBe(0);
  });

  it('asks a high-risk command to be confirmed by typing the object name', async () => {
    // A rollback needs a previous revision: restart first and wait for the new one.
    expect((await cli.harness().kubectl(['rollout', 'restart', 'deployment/api', '-n', 'prod'])).exitCode).toBe(0);
    await waitFor(async () => /^2\s/m.test((await cli.harness().kubectl(['rollout', 'history', 'deployment/api', '-n', 'prod'])).stdout), { what: 'revision 2 of deployment/api' });
    const args = ['exec', '-n', 'prod', '--intent', 'rollback', '--resource', 'deploy', '--name', 'api'];
    const wrong = await onTerminal(args, 'y');
    expect(wrong.stdout).toMatch(/HIGH RISK\. Type api to run kubectl rollout undo deployment\/api -n prod/);
    expect(wrong.exitCode).toBe(3);
    const right = await onTerminal(args, 'api');
    expect(right.stdout).toMatch(/deployment\.apps\/api rolled back/);
    expect(right.exitCode).toBe(0);
  });
});
