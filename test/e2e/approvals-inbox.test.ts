/**
 * Agents propose, a person approves, end to end: the built `rk8s mcp` (an agent's door) files a prod
 * restart in the approvals inbox; `rk8s approve` runs in another process on a real terminal (tmux);
 * the agent asks again and the restart runs exactly once. Denial, replay, a changed kube context and
 * a program trying to approve without a terminal are tried too. Real kubectl, sandbox cluster.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { execa } from 'execa';
import yaml from 'js-yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { K8sExecResult } from '../../src/tool/k8s-exec.js';
import { RK8S_BIN } from '../helpers/cli.js';
import { orgWithApprovals } from '../helpers/org.js';
import { describeWith } from '../helpers/prerequisites.js';
import { useSandbox } from '../helpers/sandbox.js';
import { rk8sArgv, useTmux } from '../helpers/tmux.js';

describeWith(['kubectl', 'tmux'], 'the approvals inbox: an MCP agent proposes, a person approves in another process', () => {
  const sandbox = useSandbox();
  const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-inbox-e2e-'));
  const auditLog = path.join(directory, 'agent.log');
  const approvalsDir = path.join(directory, 'approvals');
  // The shipped policy, with a door that answers after 1 s instead of waiting 20 s for the decision.
  const orgDir = orgWithApprovals((policy) => {
    policy.inbox.wait_seconds = 1;
  });
  const tmux = useTmux('inbox');
  let client: Client;

  const environment = () => ({
    ...(process.env as Record<string, string>),
    ...sandbox().env,
    RK8S_AUDIT_LOG: auditLog,
    RK8S_APPROVALS_DIR: approvalsDir,
    RK8S_ORG_DIR: orgDir,
    NO_COLOR: '1',
  });

  beforeAll(async () => {
    client = new Client({ name: 'e2e-agent', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [RK8S_BIN, 'mcp', '--no-model'], env: environment(), stderr: 'pipe' }));
  });

  afterAll(async () => {
    await client?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const call = async (input: Record<string, unknown>) => (await client.callTool({ name: 'k8s_exec', arguments: input })).structuredContent as unknown as K8sExecResult;
  const restartedAt = async (name: string) =>
    (await sandbox().kubectl(['get', 'deployment', name, '-n', 'prod', '-o', 'jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}'])).stdout.trim();
  const records = () =>
    readFileSync(auditLog, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { operation_id: string; event: string; source: string; approval_id?: string; decided_by?: string });

  /** Runs an rk8s command in a real terminal (tmux), types `answer` at its prompt, and returns what it printed and its exit code. */
  async function onTerminal(name: string, args: string[], answer: string, extraEnvironment: Record<string, string> = {}): Promise<{ screen: string; exitCode: number }> {
    const env = Object.fromEntries(
      Object.entries({ ...environment(), ...extraEnvironment }).filter(([key]) => key.startsWith('RK8S_') || key === 'KUBECONFIG' || key === 'KUBECACHEDIR' || key === 'NO_COLOR'),
    );
    const terminal = tmux().open(name, rk8sArgv(...args), { width: 160, height: 50, env, joinLines: true });
    await terminal.waitFor((screen) => /\? \[y\/N\]|Type \S+ to approve/.test(screen) || terminal.exitCode() !== undefined);
    if (terminal.exitCode() === undefined) {
      terminal.type(answer);
      terminal.key('Enter');
    }
    const { code, screen } = await terminal.exited();
    terminal.close();
    return { screen, exitCode: code };
  }

  it('files a prod restart, a person approves it with rk8s approve, and it runs exactly once', async () => {
    const restart = { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' };
    const before = await restartedAt('api');
    const filed = await call(restart);
    expect(filed.status).toBe('needs-approval');
    const id = filed.approval!.request!.id;
    expect(await restartedAt('api')).toBe(before);

    const listed = await execa(process.execPath, [RK8S_BIN, 'approvals', '--json'], { env: environment(), reject: false });
    expect(listed.exitCode).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id, state: 'pending', command: 'kubectl rollout restart deployment/api -n prod', risk: 'medium' })]);

    // A program cannot approve: no terminal, no decision.
    const scripted = await execa(process.execPath, [RK8S_BIN, 'approve', id], { env: environment(), reject: false, stdin: 'pipe', input: 'y\n' });
    expect(scripted.exitCode).toBe(2);
    expect(scripted.stderr).toMatch(/needs an interactive terminal/);

    const approved = await onTerminal('approve', ['approve', id], 'y');
    expect(approved.screen).toContain('kubectl rollout restart deployment/api -n prod');
    expect(approved.screen).toMatch(/approved \w+: it runs once/);
    expect(approved.exitCode).toBe(0);

    const again = { ...restart, constraints: { approvalId: id } };
    const [first, second] = await Promise.all([call(again), call(again)]);
    expect([first.status, second.status].sort()).toEqual(['blocked', 'executed']);
    expect(await restartedAt('api')).not.toBe(before);
    const replay = await call(again);
    expect(replay).toMatchObject({ status: 'blocked', error: { code: 'APPROVAL_USED' } });

    const operation = records().filter((record) => record.operation_id === filed.operation_id);
    expect(operation.filter((record) => record.event === 'started')).toHaveLength(1);
    expect(operation.map((record) => record.event)).toEqual(['proposed', 'dry-run', 'approval-requested', 'approved', 'confirmed', 'started', 'finished']);
    expect(operation.find((record) => record.event === 'approved')?.decided_by).toMatch(/\(rk8s approve on a terminal\)$/);
    const verified = await execa(process.execPath, [RK8S_BIN, 'audit', 'verify'], { env: environment(), reject: false });
    expect(verified.exitCode, verified.stdout + verified.stderr).toBe(0);
  });

  it('a person denies a request with a reason; the agent is told and nothing runs', async () => {
    const restart = { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'web' };
    const before = await restartedAt('web');
    const filed = await call(restart);
    const id = filed.approval!.request!.id;
    const denied = await onTerminal('deny', ['deny', id, '--reason', 'not during the freeze'], 'y');
    expect(denied.exitCode).toBe(0);
    const answer = await call({ ...restart, constraints: { approvalId: id } });
    expect(answer).toMatchObject({ status: 'denied', approval: { outcome: 'denied', message: 'not during the freeze' } });
    expect(await restartedAt('web')).toBe(before);
  });

  it('a person whose kubeconfig points at another context cannot approve it', async () => {
    const filed = await call({ intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'worker' });
    const id = filed.approval!.request!.id;
    const kubeconfig = yaml.load(readFileSync(sandbox().sandbox.kubeconfigPath, 'utf8')) as { contexts: Array<{ name: string }>; 'current-context': string };
    kubeconfig.contexts = [...kubeconfig.contexts, { ...kubeconfig.contexts[0]!, name: 'other-cluster' }];
    kubeconfig['current-context'] = 'other-cluster';
    const other = path.join(directory, 'other.kubeconfig');
    writeFileSync(other, yaml.dump(kubeconfig));
    const refused = await onTerminal('elsewhere', ['approve', id], 'y', { KUBECONFIG: other });
    expect(refused.screen).toMatch(/not approved: this approval was for kube context rk8s-sandbox, not other-cluster/);
    expect(refused.exitCode).toBe(4);
    const listed = JSON.parse((await execa(process.execPath, [RK8S_BIN, 'approvals', '--json'], { env: environment() })).stdout) as Array<{ id: string; state: string }>;
    expect(listed.find((request) => request.id === id)?.state).toBe('pending');
  });
});
