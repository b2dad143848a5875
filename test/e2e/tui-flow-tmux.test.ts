/**
 * End to end, the daily-driver flow (issue #16) in a real terminal: the built `rk8s tui --sandbox`
 * in tmux at 80x24 with the real kubectl. A typed request planned in the namespace its words name,
 * the previous container's logs of the crashing pod and their follow-ups, a scale whose confirm
 * screen shows the change summary and whose rollout is watched, and a live `logs -f` stopped by Esc.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { auditRecords } from '../helpers/audit.js';
import { describeWith } from '../helpers/prerequisites.js';
import { useTempDirectory } from '../helpers/temp-directory.js';
import { rk8sArgv, useTmux } from '../helpers/tmux.js';

describeWith(['tmux', 'kubectl'], 'the TUI as a daily driver, in tmux', () => {
  const tmux = useTmux('flow');
  const directory = useTempDirectory('tui-flow');
  const auditLog = () => path.join(directory(), 'audit.log');
  const records = () => auditRecords(auditLog());

  it('types a request, reads the crash, follows up, scales with a change summary and a rollout watch, and stops logs -f with Esc', async () => {
    const tui = tmux().open('flow', rk8sArgv('tui', '--sandbox', '--no-model', '--audit-log', auditLog()));
    await tui.waitFor('Type a request, or pick');
    // Wait for the core (the status bar names the embedder once it is ready).
    await tui.waitFor((text) => /embedder \S+ /.test(text) && !text.includes('embedder …'));

    // 1. The crash-loop cause: typed, Enter plans; the core picks the crashing pod and its previous logs.
    tui.type('why is payments crashing in prod');
    await tui.waitFor('› why is payments crashing in prod');
    let text = await tui.steps(['Enter', 'READ-ONLY']);
    expect(text).toMatch(/\$ kubectl logs payments-\S+ -n prod --previous/);
    expect(text).toMatch(/\[o\] payments-\S+ \(cluster\)/);
    text = await tui.steps(['Enter', 'Next']);
    expect(text).toContain('PAYMENTS_DB_URL');
    expect(text).toMatch(/\[1\] Diagnose a failing pod · payments-/);

    // 2. A follow-up is one key, on the same object.
    await tui.steps(
      ['1', (current) => /\$ kubectl (describe pod|logs) payments-/.test(current) && current.includes('Enter run')],
      ['Enter', 'Enter new request'],
      ['Enter', 'Type a request, or pick'],
    );

    // 3. A change: the confirm screen's primary preview is what changes; the rollout is watched after.
    tui.type('scale web to 5 in staging');
    await tui.waitFor('› scale web to 5 in staging');
    text = await tui.steps(['Enter', 'Press y to run']);
    expect(text).toContain('$ kubectl scale deployment/web -n staging --replicas=5');
    expect(text).toMatch(/deployment\/web replicas \d+ → 5/);
    text = await tui.steps(
      ['v', (current) => current.includes('Dry-run preview') && !current.includes('What changes')],
      ['y', 'kubectl rollout status deployment/web -n staging --timeout='],
    );
    expect(text).toContain('deployment.apps/web scaled');
    await tui.waitFor(() => records().some((record) => record.event === 'started' && record.args?.[0] === 'rollout' && record.args[1] === 'status'));
    // Esc stops the watch (kubectl is cancelled, and audited); the screen stays usable.
    await tui.waitFor((current) => current.includes('watching the rollout') || current.includes('Next') || current.includes('succeeded'));
    if (tui.screen().includes('watching the rollout')) tui.key('Escape');
    await tui.waitFor('Enter new request');
    await tui.steps(['Enter', 'Type a request, or pick']);

    // 4. logs -f streams until Esc, which cancels kubectl (audited as cancelled) and leaves the TUI usable.
    tui.type('follow the logs of api in staging');
    text = await tui.steps(['Enter', 'Enter run']);
    expect(text).toMatch(/\$ kubectl logs .*-f|--follow/);
    text = await tui.steps(['Enter', '▶ running'], ['Escape', '✗ cancelled']);
    expect(text).toContain('exit code 130');
    await tui.waitFor(() => records().some((record) => record.event === 'cancelled'));
    await tui.steps(['Enter', 'This session']);

    tui.key('C-c');
    expect((await tui.exited()).code).toBe(0);
  }, 180_000);
});
