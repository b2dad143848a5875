/**
 * The daily-driver flow (issue #16): a request typed on the first screen, what the core understood
 * and the keys that change it, the core's choices as keys, follow-ups, the rollout watch, a live
 * `logs -f` cancelled by Esc, and the navigation fixes. Keys go through stdin; frames are awaited.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCoreServices, createStatusStore } from '../../components/core-services.js';
import { packageRoot } from '../../src/config/paths.js';
import { loadPolicy } from '../../src/validate/load-policy.js';
import { App } from '../../components/App.js';
import { createTheme } from '../../components/theme.js';
import { DryRunPreview } from '../../components/dry-run-preview.js';
import { bindingsFor } from '../../components/keymap.js';
import { initialState, reducer } from '../../components/state/reducer.js';
import { CardSchema, type Card } from '../../src/schemas/card.js';
import type { Plan } from '../../src/schemas/plan.js';
import { createFakeCore, FAKE_CARDS } from '../helpers/fake-core.js';
import { KEYS, renderInk, type InkHarness } from '../helpers/render-ink.js';
import { createFakeSession, type FakeSession } from './fake-session.js';
import { createScriptedServices } from './scripted-services.js';

const SIZE = { columns: 80, rows: 24 };
let ui: InkHarness | undefined;

afterEach(() => {
  ui?.unmount();
  ui = undefined;
});

function start(services: FakeSession['services'], props: { readOnly?: boolean; defaultNamespace?: string; onExitCode?(code: number): void } = {}): InkHarness {
  ui = renderInk(<App services={services} size={SIZE} theme={createTheme(false)} quitGraceMs={1000} {...props} />);
  return ui;
}

const card = (fields: Partial<Card> & Pick<Card, 'id' | 'title' | 'intent' | 'resource' | 'command_template'>): Card =>
  CardSchema.parse({
    description: fields.title,
    params: [
      { name: 'namespace', type: 'name', required: true, description: 'Namespace.' },
      { name: 'name', type: 'name', required: true, description: 'Name.' },
    ],
    risk_level: 'none', verbs: ['get'], dry_run: 'none',
    examples: [{ request: 'x', params: { namespace: 'prod', name: 'x' }, command: 'kubectl x' }],
    keywords: [fields.intent],
    ...fields,
  });

/** The fake corpus plus a describe -> previous logs follow-up, a follow-logs card and the rollout watch card. */
const CARDS: Card[] = [
  ...FAKE_CARDS.map((entry) => (entry.id === 'restart-deployment' ? { ...entry, follow_up: ['status-deployment'] } : entry)),
  card({ id: 'describe-pod', title: 'Describe a pod', intent: 'describe', resource: 'pod', command_template: ['describe', 'pod', '{{name}}', '-n', '{{namespace}}'], follow_up: ['logs-pod-previous'] }),
  card({ id: 'logs-pod-previous', title: 'Logs of the previous container of a pod', intent: 'logs', resource: 'pod', command_template: ['logs', '{{name}}', '-n', '{{namespace}}', '--previous'] }),
  card({ id: 'logs-pod-follow', title: 'Follow the logs of a pod live', intent: 'top', resource: 'pod', command_template: ['logs', '-f', '{{name}}', '-n', '{{namespace}}'] }),
  card({ id: 'status-deployment', title: "Watch a deployment's rollout", intent: 'status', resource: 'deployment', command_template: ['rollout', 'status', 'deployment/{{name}}', '-n', '{{namespace}}', '--timeout=60s'] }),
];

function numbered(frame: string): string[] {
  const rows: string[] = [];
  for (const line of frame.split('\n')) for (const match of line.matchAll(/(?:^|\s)[❯› ] ([1-9]) ([a-z]+)/g)) rows[Number(match[1]) - 1] = match[2]!;
  return rows;
}

const plan = (fields: Partial<Plan>): Plan => ({ card: '', params: {}, args: [], command: '', rationale: '', planner: 'template', missing: [], ...fields });

describe('typing a request on the first screen', () => {
  it('a letter opens the request line; digits after it are text, Enter plans it in the namespace its words name', async () => {
    const scripted = createScriptedServices();
    const harness = start(scripted.services);
    await harness.waitFor('Type a request, or pick');
    harness.press('scale web to 5 in staging');
    await harness.waitFor('› scale web to 5 in staging');
    // The 5 did not pick intent 5: still the first screen, nothing planned.
    expect(harness.frame()).toContain('What do you want to do?');
    expect(scripted.requests).toHaveLength(0);
    harness.press(KEYS.enter);
    const channel = await scripted.next();
    expect(scripted.requests[0]).toEqual({ query: 'scale web to 5 in staging', namespace: 'staging' });
    const understood = { intent: 'scale' as const, intentFrom: 'words' as const, resource: 'deployment' as const, resourceFrom: 'cluster' as const, name: 'web', nameFrom: 'cluster' as const, namespace: 'staging', modifiers: [{ slot: 'replicas', value: 5, from: 'to 5' }] };
    channel.push({ type: 'plan-end', plan: plan({ card: 'scale-deployment', params: { namespace: 'staging', name: 'web', replicas: 5 }, args: ['scale', 'deployment/web', '-n', 'staging', '--replicas=5'], command: 'kubectl scale deployment/web -n staging --replicas=5', understood }), planner: 'template' });
    channel.push({ type: 'validate-end', verdict: { decision: 'confirm', risk: 'medium', violations: [], suggestions: [], mutating: true, namespace: 'staging', tier: 'staging' } });
    channel.end();
    const verdict = await harness.waitFor('[o] web');
    expect(verdict.replaceAll('\n', ' ')).toContain('[i] scale · [r] deployment · [s] ns staging · [o] web (cluster) · [w] replicas=5');
    // o: change the object; the rest (intent, kind, namespace, words) is kept.
    harness.press('o');
    await harness.waitFor('Which deployment in staging?');
    await harness.waitFor('2/2 ready');
    harness.press(KEYS.enter);
    await scripted.next();
    expect(scripted.requests[1]).toEqual({ intent: 'scale', resource: 'deployment', namespace: 'staging', name: 'api', query: 'scale web to 5 in staging' });
  });

  it('with no namespace in the words and none chosen yet, asks for it and then plans at once', async () => {
    const scripted = createScriptedServices();
    const harness = start(scripted.services);
    await harness.waitFor('Type a request, or pick');
    harness.press('why is payments crashing\r');
    await harness.waitFor('In which namespace?');
    await harness.waitFor('tier staging');
    harness.press(KEYS.enter);
    await scripted.next();
    expect(scripted.requests[0]).toEqual({ query: 'why is payments crashing', namespace: 'staging' });
  });

  it('renders a clarification as the question and its choices as keys; a choice is sent back as the core wrote it', async () => {
    const scripted = createScriptedServices();
    const harness = start(scripted.services, { defaultNamespace: 'staging' });
    await harness.waitFor('Type a request, or pick');
    harness.press('scale web to 3 in prod\r');
    const channel = await scripted.next();
    const choices = [
      { label: 'in staging', request: { namespace: 'staging', query: 'scale web to 3 in prod' } },
      { label: 'in prod', request: { namespace: 'prod', query: 'scale web to 3 in prod' } },
    ];
    channel.push({ type: 'plan-end', plan: plan({ clarification: { question: 'the words say "prod" but the namespace is "staging": which one?', choices } }), planner: 'template' });
    channel.push({ type: 'validate-end', verdict: { decision: 'deny', risk: 'none', violations: [{ code: 'NEEDS_CLARIFICATION', message: 'the words say "prod" but the namespace is "staging": which one?' }], suggestions: [], mutating: false, namespace: 'staging' } });
    channel.end();
    const frame = await harness.waitFor('[2] in prod');
    expect(frame).toContain(' QUESTION ');
    expect(frame).not.toContain('RISK');
    expect(frame).toContain('which one?');
    expect(frame).toContain('[1] in staging');
    harness.press('2');
    await scripted.next();
    expect(scripted.requests[1]).toEqual({ namespace: 'prod', query: 'scale web to 3 in prod' });
  });

  it('an incomplete plan says what is missing, not "MEDIUM RISK denied"', async () => {
    const scripted = createScriptedServices();
    const harness = start(scripted.services, { defaultNamespace: 'staging' });
    await harness.waitFor('Type a request, or pick');
    harness.press('scale the api\r');
    const channel = await scripted.next();
    channel.push({ type: 'plan-end', plan: plan({ card: 'scale-deployment', params: { namespace: 'staging', name: 'api' }, missing: ['replicas'] }), planner: 'template' });
    channel.push({ type: 'validate-end', verdict: { decision: 'deny', risk: 'medium', violations: [{ code: 'PARAMS_MISSING', message: 'missing required parameter(s): replicas' }], suggestions: [], mutating: false, namespace: 'staging' } });
    channel.end();
    const frame = await harness.waitFor('The plan needs replicas');
    expect(frame).not.toContain('MEDIUM RISK');
    expect(frame).not.toContain('DENIED');
  });

  it('digits on an empty line pick an intent; a lone word that begins one intent opens its pickers', async () => {
    const session = createFakeSession({ cards: CARDS });
    const harness = start(session.services);
    const first = await harness.waitFor('Type a request, or pick');
    const intents = numbered(first);
    harness.press(String(intents.indexOf('get') + 1));
    await harness.waitFor('In which namespace?');
    harness.press(KEYS.escape);
    await harness.waitFor('Type a request, or pick');
    harness.press('desc');
    await harness.waitFor('› desc');
    harness.press(KEYS.enter);
    await harness.waitFor('In which namespace?');
    expect(harness.frame()).toContain('describe › pod');
  });
});

/** describe pod cache-0 in prod, run it (an allowed read: Enter). */
async function describeCachePod(harness: InkHarness) {
  await harness.waitFor('Type a request, or pick');
  harness.press(String(numbered(harness.frame()).indexOf('describe') + 1));
  await harness.waitFor('tier prod');
  harness.press('prod\r');
  await harness.waitFor('cache-0');
  harness.press('crash');
  await harness.waitFor('filter: crash');
  harness.press(KEYS.enter);
  await harness.waitFor('Anything to add?');
  harness.press(KEYS.enter);
  await harness.waitFor('ALLOWED');
  harness.press(KEYS.enter);
  await harness.waitFor('audit operation');
}

describe('follow through', () => {
  it('offers the card\'s follow-ups on the same object after a run, one key each', async () => {
    const session = createFakeSession({ cards: CARDS });
    const harness = start(session.services);
    await describeCachePod(harness);
    const result = await harness.waitFor('[1] Logs of the previous container of a pod · cache-0');
    expect(result).toContain('1-9 next step');
    harness.press('1');
    const next = await harness.waitFor('$ kubectl logs cache-0 -n prod --previous');
    expect(next).toContain('READ-ONLY');
    expect(next).not.toContain('NONE RISK');
  });

  it('watches the rollout after a restart, through the pipeline, without a key', async () => {
    const session = createFakeSession({
      cards: CARDS,
      kubectl: (args) => {
        if (args[0] === 'rollout' && args[1] === 'restart') return { stdout: ['deployment.apps/api restarted'] };
        if (args[0] === 'rollout' && args[1] === 'status') return { stdout: ['Waiting for deployment "api" rollout to finish: 1 of 2 updated replicas are available...', 'deployment "api" successfully rolled out'] };
        return { stdout: ['ok'] };
      },
    });
    const harness = start(session.services, { defaultNamespace: 'staging' });
    await harness.waitFor('Type a request, or pick');
    harness.press(String(numbered(harness.frame()).indexOf('restart') + 1));
    await harness.waitFor('2/2 ready');
    harness.press('api\r');
    await harness.waitFor('Anything to add?');
    harness.press(KEYS.enter);
    await harness.waitFor('Press y');
    harness.press('y');
    const watched = await harness.waitFor('successfully rolled out');
    expect(watched).toContain('$ kubectl rollout status deployment/api -n staging --timeout=60s');
    await harness.waitUntil(() => session.core.auditLog.records.filter((record) => record.event === 'finished').length === 2);
    const finished = session.core.auditLog.records.filter((record) => record.event === 'finished').map((record) => record.args?.slice(0, 2).join(' '));
    expect(finished).toEqual(['rollout restart', 'rollout status']);
  });

  it('streams `logs -f` live until Esc, which cancels kubectl (audited) and leaves the screen usable', async () => {
    const session = createFakeSession({ cards: CARDS, kubectl: (args) => (args.includes('-f') ? { stdout: ['line 1', 'line 2'], hang: true } : { stdout: ['ok'] }) });
    const harness = start(session.services, { defaultNamespace: 'prod' });
    await harness.waitFor('Type a request, or pick');
    harness.press(String(numbered(harness.frame()).indexOf('top') + 1));
    await harness.waitFor('cache-0');
    harness.press('cache\r');
    await harness.waitFor('Anything to add?');
    harness.press(KEYS.enter);
    await harness.waitFor('ALLOWED');
    harness.press(KEYS.enter);
    const live = await harness.waitFor('  line 2');
    expect(live).toContain('▶ running');
    harness.press(KEYS.escape);
    const cancelled = await harness.waitFor('✗ cancelled');
    expect(cancelled).toContain('exit code 130');
    await harness.waitUntil(() => session.core.auditLog.records.some((record) => record.event === 'cancelled'));
    harness.press(KEYS.enter);
    await harness.waitFor('This session (1)');
  });
});

describe('navigation and honesty', () => {
  it('typing in a filter list is never navigation: j is a letter of the filter', async () => {
    const session = createFakeSession({ cards: CARDS });
    const harness = start(session.services, { defaultNamespace: 'staging' });
    await harness.waitFor('Type a request, or pick');
    harness.press(String(numbered(harness.frame()).indexOf('restart') + 1));
    await harness.waitFor('2/2 ready');
    harness.press('j');
    const frame = await harness.waitFor('filter: j');
    expect(frame).toContain('use "j"');
  });

  it('the name filter matches status words', async () => {
    const session = createFakeSession({ cards: CARDS });
    const harness = start(session.services, { defaultNamespace: 'prod' });
    await harness.waitFor('Type a request, or pick');
    harness.press(String(numbered(harness.frame()).indexOf('describe') + 1));
    await harness.waitFor('cache-0');
    harness.press('crashloop');
    const frame = await harness.waitFor('filter: crashloop');
    expect(frame).toContain('cache-0');
    expect(frame).not.toContain('api-7d9f-abcde');
  });

  it('every intent is on the 80x24 first screen, even with a long history', async () => {
    const session = createFakeSession({ cards: CARDS });
    const harness = start(session.services);
    for (let round = 0; round < 5; round++) {
      await harness.waitFor('Type a request, or pick');
      harness.press(String(numbered(harness.frame()).indexOf('get') + 1));
      await harness.waitFor('tier dev');
      harness.press('dev\r');
      await harness.waitFor('(no name: all pods)');
      harness.press(KEYS.enter);
      await harness.waitFor('Anything to add?');
      harness.press(KEYS.enter);
      await harness.waitFor('ALLOWED');
      harness.press(KEYS.enter);
      await harness.waitFor('audit operation');
      harness.press(KEYS.enter);
    }
    const frame = await harness.waitFor('This session (5)');
    const offered = new Set(CARDS.map((entry) => entry.intent));
    for (const intent of offered) expect(frame).toMatch(new RegExp(`\\b${intent}\\b`));
    // The live area (everything after the transcript) fits the screen.
    const live = frame.slice(frame.lastIndexOf(' SANDBOX '));
    expect(live.trimEnd().split('\n').length).toBeLessThanOrEqual(24);
  });

  it('Ctrl+C during a run exits 130; when idle, 0', async () => {
    const codes: number[] = [];
    const session = createFakeSession({ cards: CARDS, kubectl: (args) => (args.includes('-f') ? { stdout: ['line 1'], hang: true } : { stdout: ['ok'] }) });
    const harness = start(session.services, { defaultNamespace: 'prod', onExitCode: (code) => codes.push(code) });
    await harness.waitFor('Type a request, or pick');
    harness.press(String(numbered(harness.frame()).indexOf('top') + 1));
    await harness.waitFor('cache-0');
    harness.press('cache\r');
    await harness.waitFor('Anything to add?');
    harness.press(KEYS.enter);
    await harness.waitFor('ALLOWED');
    harness.press(KEYS.enter);
    await harness.waitFor('  line 1');
    harness.press(KEYS.ctrlC);
    await harness.waitUntil(() => codes.length > 0);
    expect(codes).toEqual([130]);

    ui!.unmount();
    const idle: number[] = [];
    const again = start(createFakeSession({ cards: CARDS }).services, { onExitCode: (code) => idle.push(code) });
    await again.waitFor('Type a request, or pick');
    again.press(KEYS.ctrlC);
    await again.waitUntil(() => idle.length > 0);
    expect(idle).toEqual([0]);
  });
});

describe('the change summary', () => {
  const changes = [
    { object: 'deployment/web', field: 'replicas', from: '2', to: '5' },
    { object: 'pod/api-1', field: 'evicted', to: 'no', note: 'blocked by PodDisruptionBudget api: 0 disruptions allowed; the drain waits for it until its --timeout' },
  ];

  it('the reducer keeps the dry-run\'s changes', () => {
    const state = reducer(initialState(), { type: 'pipeline-event', event: { type: 'dry-run-end', output: 'deployment.apps/web scaled (server dry run)', exitCode: 0, changes } });
    expect(state.preview.changes).toEqual(changes);
    expect(reducer(state, { type: 'preview-toggled' }).fullPreview).toBe(true);
  });

  it('is the primary preview; the full dry-run output is one key away', async () => {
    const preview = { status: 'done' as const, output: 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 5', exitCode: 0, changes };
    ui = renderInk(<DryRunPreview preview={preview} height={8} />);
    const summary = await ui.waitFor('What changes');
    expect(summary).toContain('deployment/web replicas 2 → 5');
    expect(summary).toContain('pod/api-1 evicted (none) → no (blocked by PodDisruptionBudget api');
    expect(summary).not.toContain('apiVersion');
    ui.rerender(<DryRunPreview preview={preview} height={8} full />);
    const full = await ui.waitFor('apiVersion: apps/v1');
    expect(full).toContain('replicas: 5');
    expect(full).not.toContain('What changes');
  });

  it('the confirm screen offers v for the full output only when there is a summary', () => {
    const keys = (hasChanges: boolean) => bindingsFor('confirm', { readOnly: false, confirmAction: 'confirm-key', hasChanges }).map((binding) => binding.action);
    expect(keys(true)).toContain('toggle-preview');
    expect(keys(false)).not.toContain('toggle-preview');
    expect(bindingsFor('confirm', { readOnly: false, confirmAction: 'confirm-typed', hasChanges: true }).map((binding) => binding.action)).not.toContain('toggle-preview');
  });
});

describe('honest status', () => {
  it('a model that fell back is visible: the status bar and the verdict say template and why', async () => {
    const scripted = createScriptedServices();
    const harness = start(scripted.services, { defaultNamespace: 'staging' });
    await harness.waitFor('Type a request, or pick');
    harness.press('logs of api\r');
    const channel = await scripted.next();
    channel.push({ type: 'notice', level: 'warn', stage: 'plan', message: 'model qwen-0.5b: answer was not JSON; the template planner answered' });
    channel.push({ type: 'plan-end', plan: plan({ card: 'get-pods', params: { namespace: 'staging' }, args: ['get', 'pods', '-n', 'staging'], command: 'kubectl get pods -n staging' }), planner: 'template' });
    channel.push({ type: 'validate-end', verdict: { decision: 'allow', risk: 'none', violations: [], suggestions: [], mutating: false, namespace: 'staging' } });
    channel.end();
    const frame = await harness.waitFor('READ-ONLY');
    expect(frame).toMatch(/planner template \(fell back from qwen-0\.5b/);
    expect(frame).toMatch(/· planner: template \(fell back from qwen-0\.5b/);
  });

  it('when the cluster cannot be reached: one clear message, and the namespaces the policy knows', async () => {
    const status = createStatusStore({ planner: 'template', sandbox: false, readOnly: false });
    const core = { ...createFakeCore(), policy: loadPolicy(path.join(packageRoot(), 'org')).policy! };
    const services = createCoreServices({
      catalog: [],
      core: Promise.resolve(core),
      status,
      listNamespaces: async () => {
        throw new Error('error: Get "https://127.0.0.1:1/api": dial tcp 127.0.0.1:1: connect: connection refused\nsecond line');
      },
    });
    const items = await services.listNamespaces(new AbortController().signal);
    expect(items.map((item) => item.name)).toEqual(expect.arrayContaining(['dev', 'prod', 'staging']));
    expect(items.every((item) => item.source === 'policy')).toBe(true);
    expect(items.find((item) => item.name === 'prod')?.tier).toBe('prod');
    expect(status.get().error).toBe('cannot reach the cluster: Get "https://127.0.0.1:1/api": dial tcp 127.0.0.1:1: connect: connection refused · listing the namespaces org/namespaces.yaml knows');
  });
});
