/**
 * End to end in a real terminal (tmux, 80x24), the built binary and the real kubectl:
 * - `rk8s tui --sandbox`: d, prod, the whole namespace, the investigation streams, the payments
 *   finding, and its remedy's confirmation screen (issue #15's done-when);
 * - `rk8s tui` on a sandbox shared with another process: that process (k8s_exec from the built library,
 *   with the inbox door) files a restart; the TUI's badge shows it; the panel approves it; the agent's
 *   second call runs it once; the audit log says who approved, from the TUI (issue #17).
 */
import path from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { packageRoot } from '../../src/config/paths.js';
import { auditRecords } from '../helpers/audit.js';
import { RK8S_BIN } from '../helpers/cli.js';
import { orgWithApprovals } from '../helpers/org.js';
import { describeWith } from '../helpers/prerequisites.js';
import { useSandbox } from '../helpers/sandbox.js';
import { useTempDirectory } from '../helpers/temp-directory.js';
import { rk8sArgv, useTmux } from '../helpers/tmux.js';

const root = packageRoot();

describeWith(['kubectl', 'tmux'], 'diagnose and approvals in the TUI (tmux, built binary)', () => {
  const sandbox = useSandbox();
  const tmux = useTmux('e2e-diagnose');
  const directory = useTempDirectory('tui-diagnose-e2e');

  it('diagnoses prod from the start screen and reaches the payments remedy\'s confirmation in six keys', async () => {
    const auditLog = path.join(directory(), 'diagnose.log');
    const tui = tmux().open('diagnose', rk8sArgv('tui', '--sandbox', '--no-model', '--audit-log', auditLog), { env: { NO_COLOR: '1' } });
    let keys = 0;
    const press = (key: string) => {
      keys += 1;
      tui.key(key);
    };
    let text = await tui.waitFor('What do you want to do?');
    expect(text).toContain('^D diagnose');
    press('C-d');
    await tui.waitFor((current) => current.includes('In which namespace?') && current.includes('tier prod'));
    press('p');
    await tui.waitFor('filter: p');
    press('r');
    await tui.waitFor((current) => current.includes('filter: pr') && /❯ prod\s/.test(current));
    press('Enter');
    await tui.waitFor('Investigate all of prod, or one object?');
    press('Enter');
    // Each check shows as it runs; the findings follow.
    text = await tui.waitFor((current) => /Investigating namespace prod/.test(current) || current.includes('Remedies'));
    text = await tui.waitFor('Remedies', { timeoutMs: 60_000 });
    expect(text).toMatch(/❯ CRITICAL\s+CrashLoopBackOff\s+deployment\/payments/);
    expect(text).toContain('[1] Restart deployment payments');
    press('1');
    text = await tui.waitFor('Press y to run', { timeoutMs: 30_000 });
    expect(text).toContain('$ kubectl rollout restart deployment/payments -n prod');
    expect(text).toContain('MEDIUM RISK');
    expect(keys).toBe(6);
    const records = auditRecords(auditLog);
    expect(records.some((record) => record.event === 'investigated' && record.source === 'tui')).toBe(true);
    expect(records.some((record) => record.event === 'started')).toBe(false);
    tui.key('Escape');
    tui.key('C-c');
    expect((await tui.exited()).code).toBe(0);
  }, 120_000);

  it('shows the badge when another process files a request, approves it in the panel, and the agent runs it once', async () => {
    const auditLog = path.join(directory(), 'inbox.log');
    const env = {
      ...sandbox().env,
      RK8S_AUDIT_LOG: auditLog,
      RK8S_APPROVALS_DIR: path.join(directory(), 'approvals'),
      RK8S_ORG_DIR: orgWithApprovals(),
      RK8S_MODEL: '',
      NO_COLOR: '1',
    };
    const tui = tmux().open('inbox', rk8sArgv('tui', '--no-model'), { env });
    let text = await tui.waitFor((current) => current.includes('What do you want to do?') && current.includes('^A inbox'));
    expect(text).not.toMatch(/\d APPROVALS? /);

    // The agent: k8s_exec from the built library, whose inbox door files the change for a person.
    const library = path.join(root, 'dist', 'src', 'index.js');
    const agent = (request: Record<string, unknown>) =>
      execa(process.execPath, ['--input-type=module', '-e', `import { k8s_exec, closeDefaultCore } from ${JSON.stringify(library)}; const result = await k8s_exec(${JSON.stringify(request)}, { approver: 'inbox', user: 'agent-bot' }); await closeDefaultCore(); console.log(JSON.stringify(result));`], {
        env: { ...process.env, ...env },
      }).then((result) => JSON.parse(result.stdout) as { status: string; approval?: { request?: { id: string } } });
    const restart = { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'web' };
    const filed = await agent(restart);
    expect(filed.status).toBe('needs-approval');
    const id = filed.approval!.request!.id;

    text = await tui.waitFor(' 1 APPROVAL ', { timeoutMs: 20_000 });
    text = await tui.steps(['C-a', id]);
    expect(text).toMatch(new RegExp(`❯ ${id}\\s+MEDIUM\\s+tool`));
    expect(text).toContain('kubectl rollout restart deployment/web -n prod');
    text = await tui.steps(['Enter', 'Press y to approve']);
    expect(text).toContain('$ kubectl rollout restart deployment/web -n prod');
    text = await tui.steps(['y', `approved ${id}: it runs once`]);
    expect(text).not.toMatch(/\d APPROVALS? /);

    const ran = await agent({ ...restart, constraints: { approvalId: id } });
    expect(ran.status).toBe('executed');
    const again = await agent({ ...restart, constraints: { approvalId: id } });
    expect(again.status).toBe('blocked');
    const records = auditRecords(auditLog);
    expect(records.find((record) => record.event === 'approved' && record.approval_id === id)?.decided_by).toMatch(/ \(rk8s tui approvals panel\)$/);
    expect(records.filter((record) => record.event === 'started')).toHaveLength(1);
    const verified = await execa(process.execPath, [RK8S_BIN, 'audit', 'verify'], { env: { ...process.env, ...env }, reject: false });
    expect(verified.exitCode, verified.stdout + verified.stderr).toBe(0);
    tui.key('C-c');
    expect((await tui.exited()).code).toBe(0);
  }, 120_000);
});
