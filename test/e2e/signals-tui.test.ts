/**
 * The built `rk8s tui` in a real terminal (tmux), sent SIGTERM while it runs the real kubectl
 * against the sandbox (a `rollout status` of a rollout whose new pod never becomes ready): the
 * running command finishes or is cancelled, its outcome is recorded, `rk8s audit verify` passes,
 * and the process exits 0 after a clean drain, 130 when the command had to be cancelled.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { packageRoot } from '../../src/config/paths.js';
import { useSandbox, waitFor } from '../helpers/sandbox.js';
import { describeWith } from '../helpers/prerequisites.js';
import { auditOutcomes, verifyAudit } from '../helpers/signals.js';

const root = packageRoot();
const bin = path.join(root, 'dist', 'src', 'cli', 'bin.js');
const directories: string[] = [];
/** One tmux server per test: a server being killed cannot take a new session. */
let socket = '';

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** A single-quoted shell word. */
const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

describeWith(['kubectl', 'tmux'], 'rk8s tui under SIGTERM (tmux, sandbox, real kubectl)', () => {
  const sandbox = useSandbox({ timings: { podStartMs: 3_600_000 } });
  let restarted = false;
  let session = 0;

  afterEach(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  });
  afterAll(() => {
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });

  /** Starts the TUI, runs `status deployment web -n staging` (with `extra` as the free text), and returns once kubectl runs. */
  async function runStatus(grace: number, extra: string) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build first (npm test does)`);
    if (!restarted) {
      expect((await sandbox().kubectl(['rollout', 'restart', 'deployment/web', '-n', 'staging'])).exitCode).toBe(0);
      restarted = true;
    }
    const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-signals-tui-'));
    directories.push(directory);
    const auditLog = path.join(directory, 'agent.log');
    const pidFile = path.join(directory, 'pid');
    const name = `tui-${++session}`;
    socket = `rk8s-signals-${process.pid}-${session}`;
    const environment = Object.entries({ ...sandbox().env, RK8S_SHUTDOWN_GRACE_SECONDS: String(grace) }).map(([key, value]) => `${key}=${quote(value)}`).join(' ');
    // The inner shell writes its pid, then becomes node: that pid is the TUI's.
    const inner = `echo $$ > ${quote(pidFile)}; exec env ${environment} node ${quote(bin)} tui --no-model --kubeconfig ${quote(sandbox().sandbox.kubeconfigPath)} --audit-log ${quote(auditLog)}`;
    tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '30', `cd ${quote(root)} && sh -c ${quote(inner)}; echo "TUI-EXIT=$?"; sleep 120`);
    const screen = () => tmux('capture-pane', '-p', '-t', name);
    const until = async (test: (text: string) => boolean, what: string) => {
      try {
        return await waitFor(() => (test(screen()) ? screen() : undefined), { what, timeoutMs: 30_000, intervalMs: 50 });
      } catch (error) {
        throw new Error(`${(error as Error).message}; last screen:\n${screen()}`);
      }
    };
    const send = (...keys: string[]) => tmux('send-keys', '-t', name, ...keys);
    const type = (text: string) => tmux('send-keys', '-t', name, '-l', text);
    const numberOf = (text: string, label: string) => /(\d)/.exec(text.split('\n').find((row) => new RegExp(`^[❯ ] (\\d) ${label}\\b`).test(row)) ?? '')?.[1] ?? '';

    let text = await until((current) => current.includes('What do you want to do?'), 'the intent picker');
    send(numberOf(text, 'status'));
    text = await until((current) => current.includes('status: which kind of resource?'), 'the resource picker');
    send(numberOf(text, 'deployment'));
    await until((current) => current.includes('In which namespace?') && current.includes('staging'), 'the namespace picker');
    type('staging');
    await until((current) => current.includes('filter: staging'), 'the namespace filter');
    send('Enter');
    await until((current) => current.includes('Which deployment in staging?') && /\bweb\s/.test(current), 'the deployment picker');
    type('web');
    await until((current) => current.includes('filter: web') && /❯ web\s/.test(current), 'the deployment filter');
    send('Enter');
    await until((current) => current.includes('Anything to add?'), 'the free-text step');
    if (extra) type(extra);
    send('Enter');
    await until((current) => current.includes('$ kubectl rollout status deployment/web -n staging') && current.includes('ALLOWED'), 'the plan');
    send('Enter');
    await until((current) => current.includes('running kubectl rollout status'), 'kubectl to run');
    await waitFor(() => auditOutcomes(auditLog).started.length === 1, { what: 'the started record', timeoutMs: 10_000, intervalMs: 50 });
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return { pid, auditLog, until, screen };
  }

  it('SIGTERM while kubectl runs: the command finishes within the grace period, its outcome is recorded, exit 0', async () => {
    const { pid, auditLog, until } = await runStatus(30, 'timeout 3s');
    process.kill(pid, 'SIGTERM');
    const exit = await until((current) => /TUI-EXIT=\d+/.test(current), 'the TUI to exit');
    expect(exit).toContain('TUI-EXIT=0');
    const log = auditOutcomes(auditLog);
    expect(log.lost).toEqual([]);
    expect([...log.outcomes.values()]).toEqual(['failed']);
    expect(log.records.every((record) => record.source === 'tui')).toBe(true);
    expect((await verifyAudit(auditLog)).exitCode).toBe(0);
  }, 90_000);

  it('SIGTERM past the grace period: the command is cancelled and recorded, exit 130', async () => {
    const { pid, auditLog, until } = await runStatus(1, '');
    process.kill(pid, 'SIGTERM');
    const exit = await until((current) => /TUI-EXIT=\d+/.test(current), 'the TUI to exit');
    expect(exit).toContain('TUI-EXIT=130');
    expect(exit).toMatch(/grace period of 1 s over/);
    const log = auditOutcomes(auditLog);
    expect(log.lost).toEqual([]);
    expect([...log.outcomes.values()]).toEqual(['cancelled']);
    expect((await verifyAudit(auditLog)).exitCode).toBe(0);
  }, 90_000);
});
