/** k8s_exec against the sandbox cluster with the real kubectl: one test per status. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/verify.js';
import { readAuditRecords } from '../../src/audit/audit-log.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Core } from '../../src/contracts/core.js';
import { createCore } from '../../src/pipeline/create-core.js';
import type { Proposal } from '../../src/contracts/events.js';
import { propose } from '../../src/pipeline/propose.js';
import { runApproved } from '../../src/pipeline/run-approved.js';
import { k8s_exec, K8sExecResultSchema } from '../../src/tool/k8s-exec.js';
import { createSandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';
import { describeWith } from '../helpers/prerequisites.js';

describeWith(['kubectl'], 'k8s_exec against the sandbox cluster', () => {
  let harness: SandboxHarness;
  let core: Core;
  let workDirectory: string;

  const kubectl = async (...args: string[]) => {
    const result = await harness.kubectl(args);
    if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout.trimEnd();
  };

  beforeAll(async () => {
    workDirectory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-k8s-exec-'));
    harness = await createSandboxHarness();
    // The executor inherits the environment: keep kubectl's discovery cache private to this sandbox.
    process.env.KUBECACHEDIR = harness.env.KUBECACHEDIR;
    const config = loadConfig({
      kubeconfig: harness.sandbox.kubeconfigPath,
      auditLog: path.join(workDirectory, 'agent.log'),
      cacheDir: path.join(workDirectory, 'cache'),
      model: null,
    });
    core = await createCore(config);
  });

  afterAll(async () => {
    await core?.close();
    await harness?.stop();
  });

  const run = async (payload: unknown) => {
    const result = await k8s_exec(payload, { core });
    expect(K8sExecResultSchema.parse(result)).toEqual(result);
    return result;
  };
  const eventsOf = async (operationId: string) => (await readAuditRecords(core.auditLog.path)).filter((record) => record.operation_id === operationId).map((record) => record.event);

  it('executed: a read-only command runs and returns kubectl output', async () => {
    const result = await run({ intent: 'get', resource: 'pod', namespace: 'prod' });
    expect(result.status).toBe('executed');
    expect(result.plan?.args).toEqual(['get', 'pods', '-n', 'prod']);
    expect(result.result?.exit_code).toBe(0);
    expect(result.result?.stdout).toMatch(/^NAME\s+READY\s+STATUS/);
    expect(result.result?.stdout).toMatch(/\napi-\S+\s+2\/2\s+Running/);
    expect(await eventsOf(result.operation_id)).toEqual(['proposed', 'started', 'finished']);
  });

  it('dry-run: returns the plan and the server-side preview, and changes nothing', async () => {
    const before = await kubectl('get', 'deployment', 'web', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}');
    const wanted = Number(before) + 2;
    const result = await run({ intent: 'scale', resource: 'deployment', namespace: 'staging', name: 'web', query: `to ${wanted}`, constraints: { dryRun: true } });
    expect(result.status).toBe('dry-run');
    expect(result.plan?.command).toBe(`kubectl scale deployment/web -n staging --replicas=${wanted}`);
    expect(result.preview?.exit_code).toBe(0);
    // kubectl scale --dry-run=server prints the object as fetched (the scale went through admission only).
    expect(result.preview?.output).toMatch(/^apiVersion: apps\/v1\nkind: Deployment\n/);
    expect(result.preview?.output).toMatch(/\n {2}name: web\n/);
    expect(result.result).toBeUndefined();
    expect(await kubectl('get', 'deployment', 'web', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}')).toBe(before);
    expect(await eventsOf(result.operation_id)).toEqual(['proposed', 'dry-run']);
  });

  it('needs-confirmation: a medium-risk restart without confirm does not run', async () => {
    const annotation = () => kubectl('get', 'deployment', 'worker', '-n', 'prod', '-o', 'jsonpath={.spec.template.metadata.annotations}');
    const before = await annotation();
    const result = await run({ intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'worker' });
    expect(result.status).toBe('needs-confirmation');
    expect(result.plan?.risk).toBe('medium');
    expect(result.verdict?.decision).toBe('confirm');
    expect(result.result).toBeUndefined();
    expect(result.approval?.ticket?.token).toMatch(/^rk8s_apt_/);
    expect(result.preview?.note).toMatch(/showing the current state instead/);
    expect(await annotation()).toBe(before);
    expect(await eventsOf(result.operation_id)).toEqual(['proposed', 'dry-run']);
  });

  it('executed with the approval token: the restart happens once and is audited before and after', async () => {
    const restart = { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' };
    const shown = await run(restart);
    const result = await run({ ...restart, constraints: { approvalToken: shown.approval!.ticket!.token } });
    expect(result.status).toBe('executed');
    expect(result.operation_id).toBe(shown.operation_id);
    expect(result.result?.stdout).toBe('deployment.apps/api restarted');
    expect(await kubectl('get', 'deployment', 'api', '-n', 'prod', '-o', 'jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}')).not.toBe('');
    expect(await eventsOf(result.operation_id)).toEqual(['proposed', 'dry-run', 'confirmed', 'started', 'finished']);
    const replay = await run({ ...restart, constraints: { approvalToken: shown.approval!.ticket!.token } });
    expect(replay).toMatchObject({ status: 'blocked', error: { code: 'APPROVAL_USED' } });
  });

  it('blocked: deleting a deployment-owned pod is denied with a rollout restart suggestion, and the pod stays', async () => {
    const pod = await kubectl('get', 'pods', '-n', 'staging', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}');
    expect(pod).toMatch(/^web-/);
    const result = await run({ intent: 'delete', resource: 'pod', namespace: 'staging', name: pod });
    expect(result.status).toBe('blocked');
    expect(result.verdict?.decision).toBe('deny');
    expect(result.verdict?.violations.map((violation) => violation.code)).toContain('GUARDRAIL');
    expect(result.verdict?.suggestions.map((suggestion) => suggestion.command.join(' '))).toContain('rollout restart deployment/web -n staging');
    expect(await kubectl('get', 'pod', pod, '-n', 'staging', '-o', 'name')).toBe(`pod/${pod}`);
    expect(await eventsOf(result.operation_id)).toEqual(['denied']);
  });

  it('blocked: a namespace outside the policy', async () => {
    const result = await run({ intent: 'get', resource: 'pod', namespace: 'payments' });
    expect(result.status).toBe('blocked');
    expect(result.verdict?.violations.length).toBeGreaterThan(0);
  });

  it('failed: kubectl errors are reported with its exit code and message', async () => {
    // (A pod that exists nowhere is now said by the planner; a container the pod does not have reaches kubectl.)
    const result = await run({ intent: 'logs', resource: 'pod', namespace: 'prod', name: 'payments-6b7c8d9f4-lk2jd', params: { container: 'nosuch' } });
    expect(result.status).toBe('failed');
    expect(result.result?.exit_code).toBe(1);
    expect(result.error?.code).toBe('KUBECTL_FAILED');
    expect(result.error?.message).toMatch(/container nosuch is not valid/i);
    expect(await eventsOf(result.operation_id)).toEqual(['proposed', 'started', 'failed']);
  });

  it('refuses an approval whose command was changed after it was shown', async () => {
    let proposal: Proposal | undefined;
    for await (const event of propose({ intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'web' }, core, { source: 'tool' })) {
      if (event.type === 'approval-request') proposal = event.proposal;
    }
    expect(proposal).toBeDefined();
    const tampered: Proposal = { ...proposal!, plan: { ...proposal!.plan, args: ['rollout', 'restart', 'deployment/payments', '-n', 'prod'] } };
    const events = [];
    for await (const event of runApproved(tampered, core, { confirmed: true })) events.push(event);
    expect(events).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'APPROVAL_MISMATCH' }) }]);
  });

  it('"double it" confirmed after the deployment changed runs the command that was shown, not a re-plan', async () => {
    const replicas = async () => Number(await kubectl('get', 'deployment', 'worker', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}'));
    const doubleIt = { intent: 'scale', resource: 'deployment', namespace: 'staging', name: 'worker', query: 'double it' };
    const start = await replicas();
    const shown = await run(doubleIt);
    expect(shown.status).toBe('needs-confirmation');
    expect(shown.plan?.args.at(-1)).toBe(`--replicas=${start * 2}`);
    // The cluster moves on between the answer and the confirmation: a re-plan of "double it" would mean more.
    await kubectl('scale', 'deployment/worker', '-n', 'staging', `--replicas=${start + 1}`);
    const confirmed = await run({ ...doubleIt, constraints: { approvalToken: shown.approval!.ticket!.token } });
    expect(confirmed.status).toBe('executed');
    expect(confirmed.plan?.args).toEqual(shown.plan?.args);
    expect(await replicas()).toBe(start * 2);
  });

  it('blocked with APPROVAL_MISMATCH: a fresh plan that is not the pinned argv never runs', async () => {
    const replicas = async () => Number(await kubectl('get', 'deployment', 'worker', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}'));
    const start = await replicas();
    const pinned = { intent: 'scale', resource: 'deployment', namespace: 'staging', name: 'worker', query: 'double it', constraints: { expectArgs: ['scale', 'deployment/worker', '-n', 'staging', `--replicas=${start * 3}`] } };
    const blocked = await run(pinned);
    expect(blocked.status).toBe('blocked');
    expect(blocked.verdict?.violations.map((violation) => violation.code)).toEqual(['APPROVAL_MISMATCH']);
    expect(await replicas()).toBe(start);
    expect(await eventsOf(blocked.operation_id)).toEqual(['proposed', 'denied']);
  });

  it('leaves a hash chain that verifies', async () => {
    const verification = await verifyAuditLog(core.auditLog.path);
    expect(verification.problems).toEqual([]);
    expect(verification.ok).toBe(true);
    expect(verification.count).toBeGreaterThanOrEqual(12);
  });
});
