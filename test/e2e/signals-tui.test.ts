/**
 * The built `rk8s tui` in a real terminal (tmux), sent SIGTERM while it runs the real kubectl
 * against the sandbox (a `rollout status` of a rollout whose new pod never becomes ready): the
 * running command finishes or is cancelled, its outcome is recorded, `rk8s audit verify` passes,
 * and the process exits 0 after a clean drain, 130 when the command had to be cancelled.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { useSandbox, waitFor } from '../helpers/sandbox.js';
import { describeWith } from '../helpers/prerequisites.js';
import { auditOutcomes, verifyAudit, waitForKubectl } from '../helpers/signals.js';
import { numberOf, rk8sArgv, useTmux } from '../helpers/tmux.js';

const directories: string[] = [];

describeWith(['kubectl', 'tmux'], 'rk8s tui under SIGTERM (tmux, sandbox, real kubectl)', () => {
  const sandbox = useSandbox({ timings: { podStartMs: 3_600_000 } });
  // One tmux server per test: a server being killed cannot take a new session.
  const tmux = useTmux('signals', { perTest: true });
  let restarted = false;

  afterAll(() => {
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });

  /** Starts the TUI, runs `status deployment web -n staging` (with `extra` as the free text), and returns once kubectl runs. */
  async function runStatus(grace: number, extra: string) {
    if (!restarted) {
      expect((await sandbox().kubectl(['rollout', 'restart', 'deployment/web', '-n', 'staging'])).exitCode).toBe(0);
      restarted = true;
    }
    const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-signals-tui-'));
    directories.push(directory);
    const auditLog = path.join(directory, 'agent.log');
    const pidFile = path.join(directory, 'pid');
    const tui = tmux().open('tui', rk8sArgv('tui', '--no-model', '--kubeconfig', sandbox().sandbox.kubeconfigPath, '--audit-log', auditLog), {
      width: 100,
      height: 30,
      env: { ...sandbox().env, RK8S_SHUTDOWN_GRACE_SECONDS: String(grace) },
      pidFile,
    });

    let text = await tui.waitFor('What do you want to do?');
    text = await tui.steps([numberOf(text, 'status'), 'status: which kind of resource?']);
    await tui.steps([numberOf(text, 'deployment'), (current) => current.includes('In which namespace?') && current.includes('staging')]);
    tui.type('staging');
    await tui.waitFor('filter: staging');
    await tui.steps(['Enter', (current) => current.includes('Which deployment in staging?') && /\bweb\s/.test(current)]);
    tui.type('web');
    await tui.waitFor((current) => current.includes('filter: web') && /❯ web\s/.test(current));
    await tui.steps(['Enter', 'Anything to add?']);
    if (extra) tui.type(extra);
    await tui.steps(
      ['Enter', (current) => current.includes('$ kubectl rollout status deployment/web -n staging') && current.includes('ALLOWED')],
      ['Enter', 'running kubectl rollout status'],
    );
    await waitFor(() => auditOutcomes(auditLog).started.length === 1, { what: 'the started record', timeoutMs: 10_000, intervalMs: 50 });
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    await waitForKubectl(pid, ['rollout', 'status']);
    return { pid, auditLog, tui };
  }

  it('SIGTERM while kubectl runs: the command finishes within the grace period, its outcome is recorded, exit 0', async () => {
    const { pid, auditLog, tui } = await runStatus(30, 'timeout 3s');
    process.kill(pid, 'SIGTERM');
    const exit = await tui.exited();
    expect(exit.code).toBe(0);
    const log = auditOutcomes(auditLog);
    expect(log.lost).toEqual([]);
    expect([...log.outcomes.values()]).toEqual(['failed']);
    expect(log.records.every((record) => record.source === 'tui')).toBe(true);
    expect((await verifyAudit(auditLog)).exitCode).toBe(0);
  }, 90_000);

  it('SIGTERM past the grace period: the command is cancelled and recorded, exit 130', async () => {
    const { pid, auditLog, tui } = await runStatus(1, '');
    process.kill(pid, 'SIGTERM');
    const exit = await tui.exited();
    expect(exit.code).toBe(130);
    expect(exit.screen).toMatch(/grace period of 1 s over/);
    const log = auditOutcomes(auditLog);
    expect(log.lost).toEqual([]);
    expect([...log.outcomes.values()]).toEqual(['cancelled']);
    expect((await verifyAudit(auditLog)).exitCode).toBe(0);
  }, 90_000);
});
