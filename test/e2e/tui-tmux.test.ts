/**
 * End to end: the built `rk8s tui --sandbox` in a real terminal (tmux, 80x24), the real kubectl and
 * the in-process sandbox cluster. Keys go in with send-keys; the screen is read with capture-pane,
 * polled until the expected text appears or a deadline passes.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { auditRecords } from '../helpers/audit.js';
import { describeWith } from '../helpers/prerequisites.js';
import { useTempDirectory } from '../helpers/temp-directory.js';
import { numberOf, rk8sArgv, useTmux } from '../helpers/tmux.js';

describeWith(['tmux', 'kubectl'], 'rk8s tui --sandbox in tmux', () => {
  const tmux = useTmux('e2e');
  const directory = useTempDirectory('tui-e2e');
  const auditLog = () => path.join(directory(), 'audit.log');
  /** `rk8s tui --sandbox` in a new 80x24 session. */
  const tui = (name: string) => tmux().open(name, rk8sArgv('tui', '--sandbox', '--no-model', '--audit-log', auditLog()));

  it('restarts deployment api in staging after confirmation, then sees a delete in prod denied with the rollout restart suggestion', async () => {
    const terminal = tui('tui');
    let text = await terminal.waitFor('What do you want to do?');
    expect(text).toContain('SANDBOX');
    terminal.key(numberOf(text, 'restart'));
    text = await terminal.waitFor('restart: which kind of resource?');
    terminal.key(numberOf(text, 'deployment'));
    await terminal.waitFor((current) => current.includes('In which namespace?') && current.includes('tier staging'));
    terminal.type('staging');
    await terminal.waitFor('filter: staging');
    await terminal.steps(['Enter', (current) => current.includes('Which deployment in staging?') && /❯ api\s/.test(current)]);
    terminal.type('api');
    await terminal.waitFor((current) => current.includes('filter: api') && /❯ api\s/.test(current));
    text = await terminal.steps(['Enter', 'Anything to add?'], ['Enter', 'NEEDS CONFIRMATION']);
    expect(text).toContain('$ kubectl rollout restart deployment/api -n staging');
    expect(text).toContain('MEDIUM RISK');
    text = await terminal.steps(['Enter', 'Press y to run'], ['y', (current) => current.includes('deployment.apps/api restarted') && /done · exit 0 · \S+ · operation [0-9a-f-]{36}/.test(current)]);
    // The restart's summary line carries its operation id; then the rollout is watched (a second operation).
    const operationId = /done · exit 0 · \S+ · operation ([0-9a-f-]{36})/.exec(text)?.[1];
    expect(operationId).toBeDefined();
    const finished = auditRecords(auditLog()).find((record) => record.operation_id === operationId && record.event === 'finished');
    expect(finished).toMatchObject({ exit_code: 0, source: 'tui', args: ['rollout', 'restart', 'deployment/api', '-n', 'staging'] });
    text = await terminal.waitFor('kubectl rollout status deployment/api -n staging');
    // Stop watching if it is still going; the result screen follows either way.
    if (!text.includes('Enter new request')) terminal.key('Escape');
    await terminal.waitFor('Enter new request');

    text = await terminal.steps(['Enter', 'This session (2)']);
    for (let attempt = 0; attempt < 20 && !/❯ \s?\d? ?delete/.test(text); attempt++) {
      terminal.key('Up');
      const before = text;
      text = await terminal.waitFor((current) => current !== before, { timeoutMs: 5000 }).catch(() => terminal.screen());
    }
    expect(text).toMatch(/❯\s+\d?\s*delete/);
    text = await terminal.steps(['Enter', 'delete: which kind of resource?']);
    terminal.key(numberOf(text, 'pod'));
    await terminal.waitFor((current) => current.includes('In which namespace?') && current.includes('tier prod'));
    terminal.type('prod');
    await terminal.waitFor('filter: prod');
    await terminal.steps(['Enter', (current) => current.includes('Which pod in prod?') && /❯ api-/.test(current)]);
    terminal.type('api-');
    await terminal.waitFor('filter: api-');
    text = await terminal.steps(['Enter', 'Anything to add?'], ['Enter', 'DENIED']);
    expect(text).toMatch(/\$ kubectl delete pod api-\S+ -n prod/);
    expect(text).toContain('[1]');
    expect(text).toContain('kubectl rollout restart deployment/api -n prod');

    terminal.key('C-c');
    expect((await terminal.exited()).code).toBe(0);
  }, 120_000);

  it('keeps a key typed before the first frame, and splits keys sent in one write', async () => {
    // The key goes in right after launch, long before Node has loaded Ink. (A guard: in tmux on Linux
    // the key survived even before stdin was put in raw mode early; raw mode also stops its echo.)
    const early = tui('early');
    early.key('1');
    let text = await early.waitFor(/^(\S+): which kind of resource\?/m);
    const intent = /^(\S+): which kind of resource\?/m.exec(text)![1]!;
    const second = text.split('\n').find((row) => /^[❯ ] 2 /.test(row))?.slice(4).trim().split(/\s+/)[0];
    expect(second, 'the first intent offers a second resource').toBeDefined();
    await early.steps(['Escape', 'What do you want to do?']);
    // Both digits in one send-keys (one write): intent 1, then resource 2 on the next screen.
    text = await early.steps([['1', '2'], 'In which namespace?']);
    expect(text).toContain(`${intent} › ${second}`);
    early.key('C-c');
    expect((await early.exited()).code).toBe(0);
  }, 60_000);
});
