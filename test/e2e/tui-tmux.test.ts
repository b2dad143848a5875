/**
 * End to end: the built `rk8s tui --sandbox` in a real terminal (tmux, 80x24), the real kubectl and
 * the in-process sandbox cluster. Keys go in with send-keys; the screen is read with capture-pane,
 * polled until the expected text appears or a deadline passes.
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
if (skipReason) console.log(`test/e2e/tui-tmux.test.ts skipped: ${skipReason}`);

const root = packageRoot();
const bin = path.join(root, 'dist', 'src', 'cli', 'bin.js');
const socket = `rk8s-e2e-${process.pid}`;
const session = 'tui';
let directory: string;
let auditLog: string;

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

const screen = () => tmux('capture-pane', '-p', '-t', session);
const send = (...keys: string[]) => tmux('send-keys', '-t', session, ...keys);
/** Literal text (no key-name lookup). */
const type = (text: string) => tmux('send-keys', '-t', session, '-l', text);

async function waitForScreen(predicate: string | ((text: string) => boolean), timeoutMs = 20_000): Promise<string> {
  const test = typeof predicate === 'string' ? (text: string) => text.includes(predicate) : predicate;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen();
    if (test(text)) return text;
    if (Date.now() > deadline) throw new Error(`screen never showed ${String(predicate)}; last screen:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The 1-9 key of a list row whose label is `label`. */
function numberOf(text: string, label: string): string {
  // One or two columns: the number is right before the label.
  const match = new RegExp(`(?:^|\\s)[❯› ] (\\d) ${label}\\b`, 'm').exec(text);
  if (!match) throw new Error(`no numbered row "${label}" on screen:\n${text}`);
  return match[1]!;
}

describe.skipIf(skipReason !== undefined)('rk8s tui --sandbox in tmux', () => {
  beforeAll(() => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build first (npm test does)`);
    directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-tui-e2e-'));
    auditLog = path.join(directory, 'audit.log');
    const command = `cd ${JSON.stringify(root)} && node ${JSON.stringify(bin)} tui --sandbox --no-model --audit-log ${JSON.stringify(auditLog)}; echo "TUI-EXIT=$?"; sleep 120`;
    tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', command);
  });

  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('restarts deployment api in staging after confirmation, then sees a delete in prod denied with the rollout restart suggestion', async () => {
    let text = await waitForScreen('What do you want to do?');
    expect(text).toContain('SANDBOX');
    send(numberOf(text, 'restart'));
    text = await waitForScreen('restart: which kind of resource?');
    send(numberOf(text, 'deployment'));
    await waitForScreen((current) => current.includes('In which namespace?') && current.includes('tier staging'));
    type('staging');
    await waitForScreen('filter: staging');
    send('Enter');
    await waitForScreen((current) => current.includes('Which deployment in staging?') && /❯ api\s/.test(current));
    type('api');
    await waitForScreen((current) => current.includes('filter: api') && /❯ api\s/.test(current));
    send('Enter');
    await waitForScreen('Anything to add?');
    send('Enter');
    text = await waitForScreen('NEEDS CONFIRMATION');
    expect(text).toContain('$ kubectl rollout restart deployment/api -n staging');
    expect(text).toContain('MEDIUM RISK');
    send('Enter');
    await waitForScreen('Press y to run');
    send('y');
    text = await waitForScreen((current) => current.includes('deployment.apps/api restarted') && /done · exit 0 · \S+ · operation [0-9a-f-]{36}/.test(current));
    // The restart's summary line carries its operation id; then the rollout is watched (a second operation).
    const operationId = /done · exit 0 · \S+ · operation ([0-9a-f-]{36})/.exec(text)?.[1];
    expect(operationId).toBeDefined();
    const records = readFileSync(auditLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { operation_id: string; event: string; exit_code?: number; args: string[] | null; source: string });
    const finished = records.find((record) => record.operation_id === operationId && record.event === 'finished');
    expect(finished).toMatchObject({ exit_code: 0, source: 'tui', args: ['rollout', 'restart', 'deployment/api', '-n', 'staging'] });
    text = await waitForScreen('kubectl rollout status deployment/api -n staging');
    // Stop watching if it is still going; the result screen follows either way.
    if (!text.includes('Enter new request')) send('Escape');
    await waitForScreen('Enter new request');

    send('Enter');
    text = await waitForScreen('This session (2)');
    for (let attempt = 0; attempt < 20 && !/❯ \s?\d? ?delete/.test(text); attempt++) {
      send('Up');
      text = await waitForScreen((current) => current !== text, 5000).catch(() => screen());
    }
    expect(text).toMatch(/❯\s+\d?\s*delete/);
    send('Enter');
    text = await waitForScreen('delete: which kind of resource?');
    send(numberOf(text, 'pod'));
    await waitForScreen((current) => current.includes('In which namespace?') && current.includes('tier prod'));
    type('prod');
    await waitForScreen('filter: prod');
    send('Enter');
    await waitForScreen((current) => current.includes('Which pod in prod?') && /❯ api-/.test(current));
    type('api-');
    await waitForScreen('filter: api-');
    send('Enter');
    await waitForScreen('Anything to add?');
    send('Enter');
    text = await waitForScreen('DENIED');
    expect(text).toMatch(/\$ kubectl delete pod api-\S+ -n prod/);
    expect(text).toContain('[1]');
    expect(text).toContain('kubectl rollout restart deployment/api -n prod');

    send('C-c');
    await waitForScreen('TUI-EXIT=0');
  }, 120_000);

  it('keeps a key typed before the first frame, and splits keys sent in one write', async () => {
    const early = 'early';
    // The key goes in right after launch, long before Node has loaded Ink. (A guard: in tmux on Linux
    // the key survived even before stdin was put in raw mode early; raw mode also stops its echo.)
    tmux('new-session', '-d', '-s', early, '-x', '80', '-y', '24', `cd ${JSON.stringify(root)} && node ${JSON.stringify(bin)} tui --sandbox --no-model --audit-log ${JSON.stringify(auditLog)}; echo "TUI-EXIT=$?"; sleep 120`);
    tmux('send-keys', '-t', early, '1');
    const shown = () => tmux('capture-pane', '-p', '-t', early);
    const waitFor = async (test: (text: string) => boolean) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const text = shown();
        if (test(text)) return text;
        if (Date.now() > deadline) throw new Error(`screen never matched; last screen:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    let text = await waitFor((current) => /^(\S+): which kind of resource\?/m.test(current));
    const intent = /^(\S+): which kind of resource\?/m.exec(text)![1]!;
    const second = text.split('\n').find((row) => /^[❯ ] 2 /.test(row))?.slice(4).trim().split(/\s+/)[0];
    expect(second, 'the first intent offers a second resource').toBeDefined();
    tmux('send-keys', '-t', early, 'Escape');
    text = await waitFor((current) => current.includes('What do you want to do?'));
    // Both digits in one send-keys (one write): intent 1, then resource 2 on the next screen.
    tmux('send-keys', '-t', early, '1', '2');
    text = await waitFor((current) => current.includes('In which namespace?'));
    expect(text).toContain(`${intent} › ${second}`);
    tmux('send-keys', '-t', early, 'C-c');
    await waitFor((current) => current.includes('TUI-EXIT=0'));
  }, 60_000);
});
