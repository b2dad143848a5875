/**
 * The undo key: after a change the result screen (and the history at the start) offers `u`, which asks
 * the core for the inverse and runs it through the normal verdict, preview and confirmation; a refusal
 * is shown with its reason and nothing runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../components/App.js';
import { bindingsFor } from '../../components/keymap.js';
import { createTheme } from '../../components/theme.js';
import { KEYS, renderInk, type InkHarness } from '../helpers/render-ink.js';
import type { FakeKubectlResponse } from '../helpers/fake-core.js';
import { createFakeSession, type FakeSession } from './fake-session.js';

const SIZE = { columns: 120, rows: 30 };
let ui: InkHarness | undefined;

afterEach(() => {
  ui?.unmount();
  ui = undefined;
});

/** staging/api with a replica count that `kubectl scale` changes (a dry-run changes nothing). */
function sessionWithReplicas(initial: number, options: { readOnly?: boolean } = {}) {
  const cluster = { replicas: initial };
  const kubectl = (args: readonly string[]): FakeKubectlResponse => {
    if (args[0] === 'get' && args.includes('-o') && args.includes('json')) {
      return { stdout: [JSON.stringify({ kind: 'Deployment', metadata: { name: 'api', namespace: 'staging' }, spec: { replicas: cluster.replicas } })] };
    }
    if (args[0] === 'scale') {
      if (!args.some((argument) => argument.startsWith('--dry-run'))) cluster.replicas = Number(args.find((argument) => argument.startsWith('--replicas='))!.split('=')[1]);
      return { stdout: ['deployment.apps/api scaled'] };
    }
    return { stdout: ['ok'] };
  };
  const session = createFakeSession({ kubectl, ...options });
  return { session, cluster };
}

function start(session: FakeSession, readOnly = false): InkHarness {
  ui = renderInk(<App services={session.services} size={SIZE} theme={createTheme(false)} readOnly={readOnly} />);
  return ui;
}

/** Scale staging/api to `replicas` through the pickers and confirm it. */
async function scaleThroughPickers(harness: InkHarness, replicas: number) {
  await harness.waitFor('What do you want to do?');
  const intents = harness.frame().split('\n').filter((line) => /^[❯ ] \d /.test(line));
  harness.press(String(intents.findIndex((line) => line.includes(' scale')) + 1));
  // The resource step is skipped when the catalog offers scale for one resource only.
  const next = await harness.waitFor((frame) => frame.includes('scale: which kind of resource?') || frame.includes('In which namespace?'));
  if (next.includes('which kind of resource?')) {
    const resources = harness.frame().split('\n').filter((line) => /^[❯ ] \d /.test(line));
    harness.press(String(resources.findIndex((line) => line.includes(' deployment')) + 1));
  }
  await harness.waitFor('tier staging');
  harness.press('staging');
  await harness.waitFor('filter: staging');
  harness.press(KEYS.enter);
  await harness.waitFor('in staging?');
  harness.press('api');
  await harness.waitFor('filter: api');
  harness.press(KEYS.enter);
  await harness.waitFor('Anything to add?');
  harness.press(`to ${replicas}`);
  await harness.waitFor(`› to ${replicas}`);
  harness.press(KEYS.enter);
  await harness.waitFor('Press y to run');
  harness.press('y');
  await harness.waitFor('audit operation');
}

const scaleCalls = (session: FakeSession) => session.core.kubectl.calls.filter((call) => call.args[0] === 'scale' && !call.args.some((argument) => argument.startsWith('--dry-run'))).map((call) => call.args.at(-1));

describe('the undo key', () => {
  it('on the result screen, u proposes the inverse and runs it only after the usual confirmation', async () => {
    const { session, cluster } = sessionWithReplicas(3);
    const harness = start(session);
    await scaleThroughPickers(harness, 5);
    expect(cluster.replicas).toBe(5);
    const result = await harness.waitFor('u undo that change');
    expect(result).toContain('u undo that change');

    harness.press('u');
    const proposal = await harness.waitFor('Press y to run');
    expect(proposal).toContain('undo: scale deployment/api in staging back to 3 replicas (from 5)');
    expect(proposal).toContain('$ kubectl scale deployment/api -n staging --replicas=3');
    // Nothing ran yet: the undo is waiting for the same confirmation as any change.
    expect(scaleCalls(session)).toEqual(['--replicas=5']);
    harness.press('y');
    await harness.waitFor((frame) => (frame.match(/audit operation/g) ?? []).length >= 1 && cluster.replicas === 3);
    expect(scaleCalls(session)).toEqual(['--replicas=5', '--replicas=3']);
    const scaleId = session.core.auditLog.records.find((record) => record.event === 'finished')!.operation_id;
    expect(session.core.auditLog.records.filter((record) => record.undo_of === scaleId).map((record) => record.event)).toEqual(['proposed', 'dry-run', 'confirmed', 'started', 'finished']);
  });

  it('from the history at the start, Ctrl+Z undoes the newest change; a change made by hand since is refused and nothing runs', async () => {
    const { session, cluster } = sessionWithReplicas(2);
    const harness = start(session);
    await scaleThroughPickers(harness, 4);
    harness.press(KEYS.enter);
    const start1 = await harness.waitFor('This session (1)');
    expect(start1).toMatch(/kubectl scale deployment\/api -n staging --replicas=4 .*· \^Z: undo/);
    cluster.replicas = 9; // someone scaled it by hand
    // u is a letter of a typed request on this screen ("uncordon node-1"), so undo is Ctrl+Z here.
    harness.press('u');
    await harness.waitFor((frame) => frame.includes('› u'));
    harness.press(KEYS.backspace);
    harness.press('\x1a');
    const refused = await harness.waitFor('undo refused');
    expect(refused).toMatch(/undo refused: deployment\/api in staging changed since operation \w{8} .*spec\.replicas is 9, rk8s set 4.*\[UNDO_STATE_CHANGED\]/s);
    expect(scaleCalls(session)).toEqual(['--replicas=4']);
    expect(refused).toContain('What do you want to do?');
  });

  it('is a dangerous binding: hidden in read-only mode, and only offered when there is a change to undo', () => {
    const keys = (options: Parameters<typeof bindingsFor>[1]) => bindingsFor('result', options).map((binding) => binding.action);
    expect(keys({ readOnly: false, canUndo: true })).toContain('undo');
    expect(keys({ readOnly: true, canUndo: true })).not.toContain('undo');
    expect(keys({ readOnly: false, canUndo: false })).not.toContain('undo');
    expect(bindingsFor('verdict', { readOnly: false, canUndo: true }).map((binding) => binding.action)).not.toContain('undo');
  });
});
