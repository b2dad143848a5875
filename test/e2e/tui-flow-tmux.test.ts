/**
 * End to end, the daily-driver flow (issue #16) in a real terminal: the built `rk8s tui --sandbox`
 * in tmux at 80x24 with the real kubectl. A typed request planned in the namespace its words name,
 * the previous container's logs of the crashing pod and their follow-ups, a scale whose confirm
 * screen shows the change summary and whose rollout is watched, and a live `logs -f` stopped by Esc.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/config/paths.js';

const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
const skipReason = !hasTmux ? 'tmux is not installed' : !hasKubectl ? 'kubectl is not installed' : undefined;
if (skipReason) console.log(`test/e2e/tui-flow-tmux.test.ts skipped: ${skipReason}`);

const root = packageRoot();
const bin = path.join(root, 'dist', 'src', 'cli', 'bin.js');
const socket = `rk8s-flow-${process.pid}`;
const session = 'flow';
let directory: string;
let auditLog: string;

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

const screen = () => tmux('capture-pane', '-p', '-t', session);
const send = (...keys: string[]) => tmux('send-keys', '-t', session, ...keys);
const type = (text: string) => tmux('send-keys', '-t', session, '-l', text);

async function waitForScreen(predicate: string | ((text: string) => boolean), timeoutMs = 30_000): Promise<string> {
  const test = typeof predicate === 'string' ? (text: string) => text.includes(predicate) : predicate;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen();
    if (test(text)) return text;
    if (Date.now() > deadline) throw new Error(`screen never showed ${String(predicate)}; last screen:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Record_ {
  operation_id: string;
  event: string;
  args: string[] | null;
}
const records = () => readFileSync(auditLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record_);

describe.skipIf(skipReason !== undefined)('the TUI as a daily driver, in tmux', () => {
  beforeAll(() => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build first (npm test does)`);
    directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-tui-flow-'));
    auditLog = path.join(directory, 'audit.log');
    const command = `cd ${JSON.stringify(root)} && node ${JSON.stringify(bin)} tui --sandbox --no-model --audit-log ${JSON.stringify(auditLog)}; echo "TUI-EXIT=$?"; sleep 120`;
    tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', command);
  });

  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('types a request, reads the crash, follows up, scales with a change summary and a rollout watch, and stops logs -f with Esc', async () => {
    await waitForScreen('Type a request, or pick');
    // Wait for the core (the status bar names the embedder once it is ready).
    await waitForScreen((text) => /embedder \S+ /.test(text) && !text.includes('embedder …'));

    // 1. The crash-loop cause: typed, Enter plans; the core picks the crashing pod and its previous logs.
    type('why is payments crashing in prod');
    await waitForScreen('› why is payments crashing in prod');
    send('Enter');
    let text = await waitForScreen('READ-ONLY');
    expect(text).toMatch(/\$ kubectl logs payments-\S+ -n prod --previous/);
    expect(text).toMatch(/\[o\] payments-\S+ \(cluster\)/);
    send('Enter');
    text = await waitForScreen('Next');
    expect(text).toContain('PAYMENTS_DB_URL');
    expect(text).toMatch(/\[1\] Diagnose a failing pod · payments-/);

    // 2. A follow-up is one key, on the same object.
    send('1');
    text = await waitForScreen((current) => /\$ kubectl (describe pod|logs) payments-/.test(current) && current.includes('Enter run'));
    send('Enter');
    await waitForScreen('Enter new request');
    send('Enter');
    await waitForScreen('Type a request, or pick');

    // 3. A change: the confirm screen's primary preview is what changes; the rollout is watched after.
    type('scale web to 5 in staging');
    await waitForScreen('› scale web to 5 in staging');
    send('Enter');
    text = await waitForScreen('Press y to run');
    expect(text).toContain('$ kubectl scale deployment/web -n staging --replicas=5');
    expect(text).toMatch(/deployment\/web replicas \d+ → 5/);
    send('v');
    await waitForScreen((current) => current.includes('Dry-run preview') && !current.includes('What changes'));
    send('y');
    text = await waitForScreen('kubectl rollout status deployment/web -n staging --timeout=');
    expect(text).toContain('deployment.apps/web scaled');
    await waitForScreen(() => records().some((record) => record.event === 'started' && record.args?.[0] === 'rollout' && record.args[1] === 'status'));
    // Esc stops the watch (kubectl is cancelled, and audited); the screen stays usable.
    await waitForScreen((current) => current.includes('watching the rollout') || current.includes('Next') || current.includes('succeeded'));
    if (screen().includes('watching the rollout')) send('Escape');
    await waitForScreen((current) => current.includes('Enter new request'));
    send('Enter');
    await waitForScreen('Type a request, or pick');

    // 4. logs -f streams until Esc, which cancels kubectl (audited as cancelled) and leaves the TUI usable.
    type('follow the logs of api in staging');
    send('Enter');
    text = await waitForScreen('Enter run');
    expect(text).toMatch(/\$ kubectl logs .*-f|--follow/);
    send('Enter');
    await waitForScreen('▶ running');
    send('Escape');
    text = await waitForScreen('✗ cancelled');
    expect(text).toContain('exit code 130');
    await waitForScreen(() => records().some((record) => record.event === 'cancelled'));
    send('Enter');
    await waitForScreen('This session');

    send('C-c');
    await waitForScreen('TUI-EXIT=0');
  }, 180_000);
});
