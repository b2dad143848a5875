/**
 * The whole TUI flow over the pipeline's fake core (real propose / previewDryRun / runApproved):
 * keys typed through stdin, frames asserted after waiting for a condition.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../components/App.js';
import { createTheme } from '../../components/theme.js';
import { FAKE_CARDS } from '../helpers/fake-core.js';
import { KEYS, renderInk, type InkHarness } from '../helpers/render-ink.js';
import { createFakeSession, type FakeSession } from './fake-session.js';
import { createScriptedServices } from './scripted-services.js';

const SIZE = { columns: 80, rows: 24 };
let ui: InkHarness | undefined;

afterEach(() => {
  ui?.unmount();
  ui = undefined;
});

function start(session: FakeSession, props: { readOnly?: boolean; defaultNamespace?: string } = {}): InkHarness {
  ui = renderInk(<App services={session.services} size={SIZE} theme={createTheme(false)} {...props} />);
  return ui;
}

/** Picks intent, resource, namespace (by filter) and name (by filter), skips the free text. */
async function pickThrough(harness: InkHarness, steps: { intent: string; resource: string; namespace: string; name?: string; query?: string }) {
  await harness.waitFor('What do you want to do?');
  const intents = numberedRows(harness.frame());
  const intentIndex = intents.indexOf(steps.intent);
  expect(intentIndex, `intent ${steps.intent} offered`).toBeGreaterThanOrEqual(0);
  harness.press(String(intentIndex + 1));
  // A resource step with one choice is skipped.
  const next = await harness.waitFor((frame) => frame.includes(`${steps.intent}: which kind of resource?`) || frame.includes('In which namespace?'));
  if (!next.includes('In which namespace?')) {
    harness.press(String(numberedRows(next).indexOf(steps.resource) + 1));
    await harness.waitFor('In which namespace?');
  }
  await harness.waitFor(`tier ${steps.namespace}`);
  harness.press(steps.namespace);
  await harness.waitFor(`filter: ${steps.namespace}`);
  harness.press(KEYS.enter);
  await harness.waitFor(`in ${steps.namespace}?`);
  if (steps.name) {
    await harness.waitFor(steps.name);
    harness.press(steps.name);
    await harness.waitFor(`filter: ${steps.name}`);
  }
  harness.press(KEYS.enter);
  await harness.waitFor('Anything to add?');
  if (steps.query) {
    harness.press(steps.query);
    await harness.waitFor(`› ${steps.query}`);
  }
  harness.press(KEYS.enter);
}

describe('the TUI flow', () => {
  it('restarts a deployment after a medium-risk confirmation, streams the output and returns to the start with history', async () => {
    const session = createFakeSession();
    const harness = start(session);
    await pickThrough(harness, { intent: 'restart', resource: 'deployment', namespace: 'staging', name: 'api' });
    // The core previews the change and asks: verdict, preview and the question on one screen.
    const verdict = await harness.waitFor('Press y to run');
    expect(verdict).toContain('$ kubectl rollout restart deployment/api -n staging');
    expect(verdict).toContain('MEDIUM RISK');
    expect(verdict).toContain('NEEDS CONFIRMATION');
    expect(verdict).toContain('showing the current state instead');
    expect(session.core.kubectl.calls.filter((call) => call.args[0] === 'rollout')).toHaveLength(0);
    // Enter is not a yes.
    harness.press(KEYS.enter);
    expect(session.core.kubectl.calls.filter((call) => call.args[0] === 'rollout')).toHaveLength(0);
    harness.press('y');
    const result = await harness.waitFor('audit operation');
    expect(result).toContain('deployment.apps/api restarted');
    expect(result).toMatch(/exit code 0/);
    const finished = session.core.auditLog.records.find((record) => record.event === 'finished');
    expect(finished?.args).toEqual(['rollout', 'restart', 'deployment/api', '-n', 'staging']);
    expect(result).toContain(finished!.operation_id);
    expect(session.core.auditLog.records.map((record) => record.event)).toEqual(['proposed', 'dry-run', 'confirmed', 'started', 'finished']);

    harness.press(KEYS.enter);
    const back = await harness.waitFor('This session (1)');
    expect(back).toContain('What do you want to do?');
    expect(back).toMatch(/✔ kubectl rollout restart deployment\/api -n staging\s+ok · exit 0/);
  });

  it('shows a denied delete with its guardrail suggestion, and accepting it re-plans and re-validates', async () => {
    const session = createFakeSession();
    const harness = start(session);
    await pickThrough(harness, { intent: 'delete', resource: 'pod', namespace: 'prod', name: 'api-7d9f' });
    const denied = await harness.waitFor('DENIED');
    expect(denied).toContain('$ kubectl delete pod api-7d9f-abcde -n prod');
    expect(denied).toContain('This pod is managed by a controller');
    expect(denied).toContain('[1] Restart the deployment api with a rolling restart instead');
    expect(denied).toContain('kubectl rollout restart deployment/api -n prod');
    expect(denied).not.toContain('Enter continue');
    harness.press(KEYS.enter);
    expect(session.core.auditLog.records.map((record) => record.event)).toEqual(['denied']);

    harness.press('1');
    const replanned = await harness.waitFor('Press y');
    expect(replanned).toContain('NEEDS CONFIRMATION');
    expect(replanned).toContain('$ kubectl rollout restart deployment/api -n prod');
    expect(replanned).toContain('restart › deployment › ns prod › api');
    expect(session.core.auditLog.records.map((record) => record.event)).toEqual(['denied', 'proposed', 'dry-run']);
    harness.press('y');
    await harness.waitFor('audit operation');
    expect(session.core.kubectl.calls.map((call) => call.args.join(' '))).toContain('rollout restart deployment/api -n prod');
    expect(session.core.kubectl.calls.map((call) => call.args[0])).not.toContain('delete');
  });

  it('needs the typed name for a high-risk command and refuses a wrong one', async () => {
    const session = createFakeSession();
    const harness = start(session);
    await pickThrough(harness, { intent: 'delete', resource: 'pod', namespace: 'dev', name: 'scratch' });
    await harness.waitFor('HIGH RISK');
    await harness.waitFor('Type scratch and press Enter');
    harness.press('y');
    await harness.waitFor('name › y');
    harness.press(KEYS.backspace);
    await harness.waitFor((frame) => !frame.includes('name › y'));
    harness.press('scratc');
    await harness.waitFor('name › scratc');
    harness.press(KEYS.enter);
    const refused = await harness.waitFor('"scratc" is not "scratch" (it is incomplete (1 more character))');
    expect(refused).toContain('Type scratch');
    // Exact means exact: spaces around the name are refused too, and the refusal says why.
    harness.press(' scratch');
    await harness.waitFor('name ›  scratch');
    harness.press(KEYS.enter);
    await harness.waitFor('" scratch" is not "scratch" (it has spaces around');
    expect(session.core.kubectl.calls.filter((call) => call.args[0] === 'delete' && !call.args.includes('--dry-run=server'))).toHaveLength(0);

    harness.press('scratch');
    await harness.waitFor('name › scratch');
    harness.press(KEYS.enter);
    await harness.waitFor('audit operation');
    expect(session.core.kubectl.calls.some((call) => call.args.join(' ') === 'delete pod scratch -n dev')).toBe(true);
  });

  it('cancels a running command with Esc: kubectl is aborted and the audit log records it', async () => {
    const session = createFakeSession({
      kubectl: (args) => (args[0] === 'rollout' ? { stdout: ['waiting for rollout…'], stderr: ['slow node'], hang: true } : { stdout: ['ok'] }),
    });
    const harness = start(session, { defaultNamespace: 'staging' });
    await harness.waitFor('What do you want to do?');
    harness.press('1');
    // (one resource: the resource step is skipped)
    await harness.waitFor('Which deployment in staging?');
    await harness.waitFor('2/2 ready');
    harness.press(KEYS.enter);
    await harness.waitFor('Anything to add?');
    harness.press(KEYS.enter);
    await harness.waitFor('NEEDS CONFIRMATION');
    harness.press(KEYS.enter);
    await harness.waitFor('Press y');
    harness.press('y');
    const running = await harness.waitFor('! slow node');
    expect(running).toContain('  waiting for rollout…');
    expect(running).toContain('▶ running');
    expect(running).toContain('Esc cancel');
    harness.press(KEYS.escape);
    const cancelled = await harness.waitFor('✗ cancelled');
    expect(cancelled).toContain('exit code 130');
    await harness.waitUntil(() => session.core.auditLog.records.some((record) => record.event === 'cancelled'));
    expect(session.core.kubectl.calls.find((call) => call.args[0] === 'rollout')?.options.signal?.aborted).toBe(true);
    expect(cancelled).toContain(session.core.auditLog.records.at(-1)!.operation_id);
  });

  it('asks for a missing parameter inline and re-plans with it', async () => {
    const session = createFakeSession();
    const harness = start(session);
    await pickThrough(harness, { intent: 'scale', resource: 'deployment', namespace: 'staging', name: 'web' });
    await harness.waitFor('The plan needs replicas');
    harness.press('4');
    await harness.waitFor('replicas = 4');
    harness.press(KEYS.enter);
    const planned = await harness.waitFor('NEEDS CONFIRMATION');
    expect(planned).toContain('$ kubectl scale deployment/web -n staging --replicas=4');
  });

  it('runs an allowed read-only command only after Enter on the shown command', async () => {
    const session = createFakeSession();
    const harness = start(session);
    await pickThrough(harness, { intent: 'get', resource: 'pod', namespace: 'dev' });
    const shown = await harness.waitFor('ALLOWED');
    expect(shown).toContain('$ kubectl get pods -n dev');
    expect(session.core.kubectl.calls.filter((call) => call.args[0] === 'get')).toHaveLength(0);
    harness.press(KEYS.enter);
    await harness.waitFor('audit operation');
    expect(session.core.kubectl.calls.map((call) => call.args.join(' '))).toContain('get pods -n dev');
  });

  it('read-only mode hides mutating intents and the confirm key', async () => {
    const session = createFakeSession({ readOnly: true });
    const harness = start(session, { readOnly: true });
    const frame = await harness.waitFor('What do you want to do?');
    expect(frame).toContain('READ-ONLY');
    expect(frame).toContain(' get');
    for (const intent of ['restart', 'scale', 'delete']) expect(frame).not.toContain(` ${intent}`);
    harness.press('?');
    const help = await harness.waitFor('rk8s keys');
    expect(help).not.toContain('confirm and run');
    expect(help).not.toContain('confirm typed name');
    harness.press(KEYS.escape);
    await harness.waitFor((current) => !current.includes('rk8s keys'));
  });

  it('Esc walks back through the pickers, and ? toggles help from a picker', async () => {
    const session = createFakeSession();
    const harness = start(session);
    await harness.waitFor('What do you want to do?');
    harness.press('1');
    // (one resource: the resource step is skipped)
    await harness.waitFor('In which namespace?');
    harness.press('?');
    await harness.waitFor('rk8s keys');
    harness.press('?');
    await harness.waitFor((frame) => !frame.includes('rk8s keys') && frame.includes('In which namespace?'));
    harness.press('staging');
    await harness.waitFor('filter: staging');
    harness.press(KEYS.enter);
    await harness.waitFor('in staging?');
    expect(harness.frame()).toContain('› ns staging');
    // Esc from the name goes back to the namespace, and the breadcrumb no longer claims the namespace.
    harness.press(KEYS.escape);
    const back = await harness.waitFor('In which namespace?');
    expect(back).not.toContain('› ns staging');
    // The resource step was skipped, so Esc goes back to the intents.
    harness.press(KEYS.escape);
    await harness.waitFor('What do you want to do?');
  });

  it('Ctrl+C during a run aborts kubectl, lets the audit record land, then exits', async () => {
    const session = createFakeSession({ kubectl: (args) => (args[0] === 'rollout' ? { stdout: ['started'], hang: true } : { stdout: ['ok'] }) });
    const harness = start(session, { defaultNamespace: 'staging' });
    await harness.waitFor('What do you want to do?');
    harness.press('1');
    // (one resource: the resource step is skipped)
    await harness.waitFor('2/2 ready');
    harness.press(KEYS.enter);
    await harness.waitFor('Anything to add?');
    harness.press(KEYS.enter);
    await harness.waitFor('NEEDS CONFIRMATION');
    harness.press(KEYS.enter);
    await harness.waitFor('Press y');
    harness.press('y');
    await harness.waitFor('  started');
    harness.press(KEYS.ctrlC);
    await harness.waitUntil(() => session.core.auditLog.records.some((record) => record.event === 'cancelled'));
  });
});

describe('streaming', () => {
  it('shows the cards with scores, then the plan JSON token by token', async () => {
    const scripted = createScriptedServices();
    ui = renderInk(<App services={scripted.services} size={SIZE} theme={createTheme(false)} defaultNamespace="staging" />);
    await ui.waitFor('What do you want to do?');
    ui.press('1');
    // (one resource: the resource step is skipped)
    await ui.waitFor('2/2 ready');
    ui.press(KEYS.enter);
    await ui.waitFor('Anything to add?');
    ui.press('bounce it');
    await ui.waitFor('› bounce it');
    ui.press(KEYS.enter);
    const channel = await scripted.next();
    expect(scripted.requests[0]).toEqual({ intent: 'restart', resource: 'deployment', namespace: 'staging', name: 'api', query: 'bounce it' });
    await ui.waitFor('retrieving');
    const card = FAKE_CARDS[0]!;
    channel.push({ type: 'retrieve-end', cards: [{ id: card.id, card, score: 0.87, why: ['intent matches'], snippet: '', tokens: 8 }], embedder: 'fake-v1', notes: [] });
    await ui.waitFor('0.87 restart-deployment');
    const tokens = ['{"card":', '"restart-deployment"', ',"params":{"name":"api"'];
    let expected = '';
    for (const token of tokens) {
      channel.push({ type: 'plan-delta', text: token });
      expected += token;
      const frame = await ui.waitFor(expected);
      expect(frame).toContain('model qwen-0.5b (streaming…)');
    }
    channel.push({ type: 'plan-delta', text: ',"namespace":"staging"}}' });
    channel.end();
    // The stream ended without a verdict: the panel says so instead of offering to continue.
    const end = await ui.waitFor('Esc back');
    expect(end).not.toContain('Enter continue');
  });

  it('labels a template plan and shows it at once', async () => {
    const session = createFakeSession();
    const harness = start(session, { defaultNamespace: 'dev' });
    await harness.waitFor('What do you want to do?');
    harness.press('3');
    // (one resource: the resource step is skipped)
    await harness.waitFor('(no name: all pods)');
    harness.press(KEYS.enter);
    await harness.waitFor('Anything to add?');
    harness.press(KEYS.enter);
    const frame = await harness.waitFor('ALLOWED');
    expect(frame).toContain('planner: template');
  });

  it('Esc during planning cancels and returns to the free text', async () => {
    const scripted = createScriptedServices();
    ui = renderInk(<App services={scripted.services} size={SIZE} theme={createTheme(false)} defaultNamespace="staging" />);
    await ui.waitFor('What do you want to do?');
    ui.press('1');
    // (one resource: the resource step is skipped)
    await ui.waitFor('2/2 ready');
    ui.press(KEYS.enter);
    await ui.waitFor('Anything to add?');
    ui.press(KEYS.enter);
    const channel = await scripted.next();
    await ui.waitFor('Esc cancel');
    ui.press(KEYS.escape);
    await ui.waitFor('Anything to add?');
    expect(channel.aborted()).toBe(true);
  });
});

/** The labels of the numbered rows of a picker frame (one or two columns), by number. */
function numberedRows(frame: string): string[] {
  const rows: string[] = [];
  for (const line of frame.split('\n')) {
    for (const match of line.matchAll(/(?:^|\s)[❯› ] ([1-9]) ([a-z]+)/g)) rows[Number(match[1]) - 1] = match[2]!;
  }
  return rows;
}

describe('keys that arrive in one read', () => {
  it('"N2" picks an intent, then resource 2 on the resource screen', async () => {
    // The fake cards have one resource per intent; give `get` a second one.
    const getPods = FAKE_CARDS.find((card) => card.id === 'get-pods')!;
    const cards = [...FAKE_CARDS, { ...getPods, id: 'get-deployments', resource: 'deployment' as const }];
    const session = createFakeSession({ cards });
    const intents = numberedRows(await start(session).waitFor('What do you want to do?')).slice(0, 9);
    const resourcesOf = (intent: string) => new Set(session.services.catalog.filter((entry) => entry.intent === intent).map((entry) => entry.resource));
    const index = intents.findIndex((intent) => resourcesOf(intent).size >= 2);
    expect(index, 'an intent among 1-9 offers two resources').toBeGreaterThanOrEqual(0);
    // Learn what the second resource is, one key at a time.
    ui!.press(String(index + 1));
    const resources = numberedRows(await ui!.waitFor(`${intents[index]}: which kind of resource?`));
    ui!.unmount();

    const fast = start(createFakeSession({ cards }));
    await fast.waitFor('What do you want to do?');
    fast.press(`${index + 1}2`);
    const frame = await fast.waitFor('In which namespace?');
    expect(frame).toContain(`${intents[index]} › ${resources[1]}`);
  });

  it('"why\\r" on the free text types "why" and submits it', async () => {
    const session = createFakeSession();
    const queries: Array<string | undefined> = [];
    const runRequest = session.services.run.bind(session.services);
    session.services.run = (request, ask, signal) => {
      queries.push(request.query);
      return runRequest(request, ask, signal);
    };
    const harness = start(session, { defaultNamespace: 'staging' });
    await harness.waitFor('What do you want to do?');
    const intents = numberedRows(harness.frame());
    harness.press(String(intents.indexOf('restart') + 1));
    // (one resource: the resource step is skipped)
    await harness.waitFor('2/2 ready');
    harness.press(KEYS.enter);
    await harness.waitFor('Anything to add?');
    harness.press('why\r');
    await harness.waitUntil(() => queries.length === 1);
    expect(queries).toEqual(['why']);
  });

  it('"scratch\\r" pasted into the high-risk prompt confirms and runs', async () => {
    const session = createFakeSession();
    const harness = start(session);
    await pickThrough(harness, { intent: 'delete', resource: 'pod', namespace: 'dev', name: 'scratch' });
    await harness.waitFor('HIGH RISK');
    harness.press(KEYS.enter);
    await harness.waitFor('Type scratch and press Enter');
    harness.press('scratch\r');
    await harness.waitFor('audit operation');
    expect(session.core.kubectl.calls.some((call) => call.args.join(' ') === 'delete pod scratch -n dev')).toBe(true);
  });
});

describe('confirmation details', () => {
  it('n at the medium-risk prompt cancels back to the verdict; nothing runs', async () => {
    const session = createFakeSession();
    const harness = start(session);
    await pickThrough(harness, { intent: 'restart', resource: 'deployment', namespace: 'staging', name: 'api' });
    await harness.waitFor('Press y to run exactly this command, n or Esc to cancel');
    harness.press('n');
    const verdict = await harness.waitFor((frame) => !frame.includes('Press y') && frame.includes('Enter plan again'));
    expect(verdict).toContain('$ kubectl rollout restart deployment/api -n staging');
    expect(verdict).toContain('not run: not confirmed');
    expect(session.core.auditLog.records.map((record) => record.event)).toEqual(['proposed', 'dry-run', 'declined']);
    expect(session.core.kubectl.calls.filter((call) => call.args[0] === 'rollout' && !call.args.some((arg) => arg.startsWith('--dry-run')))).toHaveLength(0);
  });

  it('warns in the preview and at the prompt when the server-side dry-run fails', async () => {
    const session = createFakeSession({
      kubectl: (args) => (args.includes('--dry-run=server') ? { stderr: ['Error from server (NotFound): pods "scratch" not found'], exitCode: 1 } : { stdout: ['ok'] }),
    });
    const harness = start(session);
    await pickThrough(harness, { intent: 'delete', resource: 'pod', namespace: 'dev', name: 'scratch' });
    await harness.waitFor('HIGH RISK');
    const frame = await harness.waitFor('Type scratch and press Enter');
    expect(frame).toContain('(exit 1)');
    expect(frame).toContain('the server-side dry-run failed (exit 1): this command will probably fail too');
    expect(frame).toMatch(/⚠ the server-side dry-run failed/);
  });

  it('keeps the namespace of the previous request as the preselected one', async () => {
    const session = createFakeSession();
    const harness = start(session);
    await pickThrough(harness, { intent: 'get', resource: 'pod', namespace: 'dev' });
    await harness.waitFor('ALLOWED');
    harness.press(KEYS.enter);
    await harness.waitFor('audit operation');
    harness.press(KEYS.enter);
    const start2 = await harness.waitFor('This session (1)');
    expect(start2).toContain('ns dev');
    const intents = numberedRows(start2);
    harness.press(String(intents.indexOf('get') + 1));
    // (one resource: the resource step is skipped)
    await harness.waitFor('tier dev');
    expect(harness.frame()).toMatch(/❯ dev\b/);
    harness.press(KEYS.enter);
    await harness.waitFor('in dev?');
  });
});
