/** Every panel rendered alone: what it shows and how it reacts to keys. */
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ConfirmationPanel } from '../../components/confirmation-panel.js';
import { DryRunPreview } from '../../components/dry-run-preview.js';
import { FreeTextInput } from '../../components/free-text-input.js';
import { HelpBar } from '../../components/help-bar.js';
import { HelpOverlay } from '../../components/help-overlay.js';
import { HistoryPanel } from '../../components/history-panel.js';
import { IntentPicker } from '../../components/intent-picker.js';
import { bindingsFor } from '../../components/keymap.js';
import { NamePicker } from '../../components/name-picker.js';
import { NamespacePicker } from '../../components/namespace-picker.js';
import { ParamsInput } from '../../components/params-input.js';
import { ResourcePicker } from '../../components/resource-picker.js';
import { RunPanel } from '../../components/run-panel.js';
import type { StatusInfo } from '../../components/services.js';
import type { ProposalView, RunView } from '../../components/state/reducer.js';
import { StatusBar } from '../../components/status-bar.js';
import { StreamingPanel } from '../../components/streaming-panel.js';
import { ThemeContext, createTheme } from '../../components/theme.js';
import { VerdictPanel } from '../../components/verdict-panel.js';
import { FAKE_CARDS } from '../helpers/fake-core.js';
import { KEYS, renderInk } from '../helpers/render-ink.js';
import { catalogFromCards } from '../../components/core-services.js';
import { createFakeSession } from './fake-session.js';

const catalog = catalogFromCards(FAKE_CARDS);
const plain = createTheme(false);
const withPlainTheme = (node: React.ReactElement) => <ThemeContext.Provider value={plain}>{node}</ThemeContext.Provider>;

const proposalView = (patch: Partial<ProposalView>): ProposalView => ({ cards: [], notes: [], planText: '', requestId: 1, busy: false, cancelled: false, pendingApproval: false, ...patch });
const plan = (args: string[]) => ({ card: 'restart-deployment', params: { name: 'api', namespace: 'prod' }, args, command: `kubectl ${args.join(' ')}`, rationale: 'r', planner: 'template' as const, missing: [] });

describe('StatusBar', () => {
  const status: StatusInfo = { context: 'rk8s-sandbox', server: 'https://127.0.0.1:6443', planner: 'template', embedder: 'lexical-v1-1024', auditLogPath: '/var/log/rk8s/agent.log', sandbox: true, readOnly: false };

  it('shows context, server, namespace, planner, embedder, audit log and the SANDBOX badge on two lines at 80 columns', async () => {
    const ui = renderInk(withPlainTheme(<StatusBar status={status} namespace="prod" width={80} />));
    const frame = await ui.waitFor('SANDBOX');
    const lines = frame.split('\n');
    expect(lines[0]).toMatch(/SANDBOX.*ctx rk8s-sandbox server https:\/\/127\.0\.0\.1:6443 ns prod/);
    expect(lines[1]).toMatch(/planner template embedder lexical-v1-1024 audit \/var\/log\/rk8s\/agent\.log/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('uses one line on a wide terminal and shows model loading progress', async () => {
    const ui = renderInk(withPlainTheme(<StatusBar status={{ ...status, planner: 'qwen2.5-0.5b', modelProgress: 0.42, sandbox: false }} namespace="dev" width={160} />));
    const frame = await ui.waitFor('loading 42%');
    expect(frame.split('\n').filter(Boolean)).toHaveLength(1);
    expect(frame).not.toContain('SANDBOX');
  });

  it('colours only when the theme allows it (NO_COLOR)', async () => {
    const colored = renderInk(<ThemeContext.Provider value={createTheme(true)}><StatusBar status={status} width={80} /></ThemeContext.Provider>);
    await colored.waitFor('SANDBOX');
    const plainUi = renderInk(withPlainTheme(<StatusBar status={status} width={80} />));
    await plainUi.waitFor('SANDBOX');
    expect(plainUi.rawFrame()).not.toMatch(/\u001b\[3\dm/);
    expect(createTheme(true).color('danger')).toBe('red');
    expect(createTheme(false).color('danger')).toBeUndefined();
  });
});

describe('HelpBar and HelpOverlay', () => {
  it('draws the keys of the screen from the keymap', async () => {
    const ui = renderInk(withPlainTheme(<HelpBar bindings={bindingsFor('confirm', { readOnly: false, confirmAction: 'confirm-key' })} />));
    const frame = await ui.waitFor('y confirm and run');
    expect(frame).toContain('Esc back');
    expect(frame).not.toContain('Enter run');
  });

  it('lists every binding, without dangerous ones in read-only mode', async () => {
    const ui = renderInk(withPlainTheme(<HelpOverlay readOnly width={80} />));
    const frame = await ui.waitFor('rk8s keys');
    expect(frame).toContain('Ctrl+C');
    expect(frame).not.toContain('confirm and run');
  });
});

describe('pickers', () => {
  it('IntentPicker offers intents that have cards and picks with Enter', async () => {
    const onSelect = vi.fn();
    const ui = renderInk(withPlainTheme(<IntentPicker catalog={catalog} readOnly={false} active limit={10} onSelect={onSelect} />));
    const frame = await ui.waitFor('What do you want to do?');
    expect(frame).toMatch(/restart\s+changes the cluster/);
    expect(frame).not.toContain('rollback');
    ui.press(KEYS.down);
    await ui.waitFor('❯ 2 scale');
    ui.press(KEYS.enter);
    await ui.waitUntil(() => onSelect.mock.calls.length === 1);
    expect(onSelect).toHaveBeenCalledWith('scale');
  });

  it('ResourcePicker offers only resources with a card for the intent', async () => {
    const onSelect = vi.fn();
    const ui = renderInk(withPlainTheme(<ResourcePicker catalog={catalog} intent="delete" active limit={10} onSelect={onSelect} />));
    const frame = await ui.waitFor('delete: which kind of resource?');
    expect(frame).toContain('pod');
    expect(frame).not.toContain('deployment');
    ui.press('1');
    await ui.waitUntil(() => onSelect.mock.calls.length === 1);
    expect(onSelect).toHaveBeenCalledWith('pod');
  });

  it('NamespacePicker lists namespaces with their tier and filters as you type', async () => {
    const session = createFakeSession();
    const onSelect = vi.fn();
    const ui = renderInk(withPlainTheme(<NamespacePicker services={session.services} active limit={12} width={80} onSelect={onSelect} />));
    const frame = await ui.waitFor('tier prod');
    expect(frame).toMatch(/staging\s+tier staging/);
    expect(frame).toMatch(/kube-system\s+no tier \(denied by policy\)/);
    ui.press('pro');
    const filtered = await ui.waitFor('filter: pro');
    expect(filtered).not.toContain('staging');
    ui.press(KEYS.enter);
    await ui.waitUntil(() => onSelect.mock.calls.length === 1);
    expect(onSelect).toHaveBeenCalledWith('prod');
  });

  it('NamePicker shows live objects with status, filters, and allows free entry (validated)', async () => {
    const session = createFakeSession();
    const onSelect = vi.fn();
    const ui = renderInk(withPlainTheme(<NamePicker services={session.services} resource="pod" namespace="prod" nameRequired active limit={12} width={80} onSelect={onSelect} />));
    const frame = await ui.waitFor('CrashLoopBackOff');
    expect(frame).toMatch(/api-7d9f-abcde\s+Running 1\/1/);
    expect(session.listCalls).toEqual(['pod/prod']);
    ui.press('cache');
    const filtered = await ui.waitFor('filter: cache');
    expect(filtered).not.toContain('api-7d9f');
    ui.press(KEYS.backspace.repeat(5));
    await ui.waitFor('(type to filter)');
    ui.press('Bad_Name');
    await ui.waitFor('use "Bad_Name"');
    ui.press(KEYS.enter);
    await ui.waitFor('name must be a DNS-1123 name');
    expect(onSelect).not.toHaveBeenCalled();
    ui.press(KEYS.backspace.repeat(8));
    await ui.waitFor('(type to filter)');
    ui.press('ghost-1');
    await ui.waitFor('use "ghost-1"');
    ui.press(KEYS.enter);
    await ui.waitUntil(() => onSelect.mock.calls.length === 1);
    expect(onSelect).toHaveBeenCalledWith('ghost-1');
  });

  it('NamePicker offers "no name" when the card does not need one', async () => {
    const session = createFakeSession();
    const onSelect = vi.fn();
    const ui = renderInk(withPlainTheme(<NamePicker services={session.services} resource="pod" namespace="dev" nameRequired={false} active limit={12} width={80} onSelect={onSelect} />));
    await ui.waitFor('scratch');
    expect(ui.frame()).toContain('❯ (no name: all pods)');
    ui.press(KEYS.enter);
    await ui.waitUntil(() => onSelect.mock.calls.length === 1);
    expect(onSelect).toHaveBeenCalledWith(undefined);
  });
});

describe('text panels', () => {
  it('FreeTextInput submits what was typed; Enter alone submits empty', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(withPlainTheme(<FreeTextInput active onSubmit={onSubmit} />));
    await ui.waitFor('Anything to add?');
    ui.press('to 5 replicas');
    await ui.waitFor('› to 5 replicas');
    ui.press(KEYS.backspace);
    await ui.waitFor(/› to 5 replica\s*$/m);
    ui.press(KEYS.enter);
    await ui.waitUntil(() => onSubmit.mock.calls.length === 1);
    expect(onSubmit).toHaveBeenCalledWith('to 5 replica');
  });

  it('FreeTextInput splits a burst: "why\\r" types why, then submits it', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(withPlainTheme(<FreeTextInput active onSubmit={onSubmit} />));
    await ui.waitFor('Anything to add?');
    ui.press('why\r');
    await ui.waitUntil(() => onSubmit.mock.calls.length === 1);
    expect(onSubmit).toHaveBeenCalledWith('why');
  });

  it('ParamsInput names the parameter and refuses an empty value', async () => {
    const onSubmit = vi.fn();
    const card = FAKE_CARDS.find((candidate) => candidate.id === 'scale-deployment');
    const ui = renderInk(withPlainTheme(<ParamsInput param="replicas" card={card} active onSubmit={onSubmit} />));
    await ui.waitFor('The plan needs replicas (card scale-deployment)');
    ui.press(KEYS.enter);
    await ui.waitFor('replicas needs one value');
    ui.press('3');
    await ui.waitFor('replicas = 3');
    ui.press(KEYS.enter);
    await ui.waitUntil(() => onSubmit.mock.calls.length === 1);
    expect(onSubmit).toHaveBeenCalledWith('replicas', '3');
  });
});

describe('StreamingPanel', () => {
  it('shows scored cards and the streamed plan with the model label', async () => {
    const card = FAKE_CARDS[0]!;
    const view = proposalView({ busy: true, cards: [{ id: card.id, card, score: 0.91, why: [], snippet: '', tokens: 1 }], planText: '{"card":"restart-' });
    const ui = renderInk(withPlainTheme(<StreamingPanel proposal={view} notices={[{ level: 'warn', stage: 'model', message: 'model still loading' }]} height={15} width={80} compact={false} modelName="qwen" />));
    const frame = await ui.waitFor('0.91 restart-deployment');
    expect(frame).toContain('[model qwen (streaming…)]');
    expect(frame).toContain('{"card":"restart-');
    expect(frame).toContain('! model: model still loading');
  });

  it('labels a template plan', async () => {
    const view = proposalView({ plan: plan(['rollout', 'restart', 'deployment/api', '-n', 'prod']), planner: 'template' });
    const ui = renderInk(withPlainTheme(<StreamingPanel proposal={view} notices={[]} height={15} width={80} compact={false} />));
    const frame = await ui.waitFor('[template]');
    expect(frame).toContain('"card":"restart-deployment"');
  });
});

describe('VerdictPanel', () => {
  it('shows the badge, violations and numbered suggestions of a denial', async () => {
    const view = proposalView({
      plan: plan(['delete', 'pod', 'api-1', '-n', 'prod']),
      verdict: { decision: 'deny', risk: 'high', violations: [{ code: 'GUARDRAIL', message: 'pod api-1 belongs to Deployment api' }], suggestions: [{ message: 'restart the owner', command: ['rollout', 'restart', 'deployment/api', '-n', 'prod'] }], mutating: true, namespace: 'prod', tier: 'prod' },
    });
    const ui = renderInk(withPlainTheme(<VerdictPanel proposal={view} readOnly={false} width={80} />));
    const frame = await ui.waitFor('DENIED');
    expect(frame).toContain('HIGH RISK');
    expect(frame).toContain('✗ pod api-1 belongs to Deployment api (GUARDRAIL)');
    expect(frame).toContain('[1] restart the owner');
    expect(frame).toContain('kubectl rollout restart deployment/api -n prod');
  });

  it('warns in read-only mode that a mutation will not run', async () => {
    const view = proposalView({ plan: plan(['rollout', 'restart', 'deployment/api', '-n', 'prod']), verdict: { decision: 'confirm', risk: 'medium', violations: [], suggestions: [], mutating: true } });
    const ui = renderInk(withPlainTheme(<VerdictPanel proposal={view} readOnly width={80} />));
    await ui.waitFor('read-only mode: this command changes the cluster and will not run.');
  });
});

describe('DryRunPreview', () => {
  it('shows the output and exit code, truncating long output', async () => {
    const output = Array.from({ length: 20 }, (_, index) => `line ${index}`).join('\n');
    const ui = renderInk(withPlainTheme(<DryRunPreview preview={{ status: 'done', output, exitCode: 0, message: 'dry-run (server)' }} height={6} />));
    const frame = await ui.waitFor('Dry-run preview (exit 0)');
    expect(frame).toContain('line 0');
    expect(frame).toContain('… 16 more lines');
    expect(frame).toContain('dry-run (server)');
  });

  it.each([
    [undefined, 'the server-side dry-run failed (exit 1): this command will probably fail too'],
    ['card rollback-deployment has no dry-run; showing the current state instead', 'the current-state query failed (exit 1)'],
  ])('warns that the command will probably fail when its preview failed (notice %j)', async (message, warning) => {
    const preview = { status: 'done' as const, output: 'Error from server (NotFound)', exitCode: 1, ...(message ? { message } : {}) };
    const ui = renderInk(withPlainTheme(<DryRunPreview preview={preview} height={6} />));
    const frame = await ui.waitFor('Dry-run preview (exit 1)');
    expect(frame.replace(/\s+/g, ' ')).toContain(warning);
  });

  it('says when it is still running', async () => {
    const ui = renderInk(withPlainTheme(<DryRunPreview preview={{ status: 'loading', output: '' }} height={6} />));
    await ui.waitFor('running the server-side dry-run…');
  });
});

describe('ConfirmationPanel', () => {
  it.each([
    [{ kind: 'key', expectRequired: false }, 'Medium risk. Press y'],
    [{ kind: 'typed-name', word: 'api', expectRequired: false }, 'High risk. Type api and press Enter'],
  ] as const)('the core asks for %o: %s', async (confirmation, text) => {
    function Harness() {
      const [input, setInput] = useState('');
      return <ConfirmationPanel confirmation={confirmation} input={input} ready active onInput={setInput} />;
    }
    const ui = renderInk(withPlainTheme(<Harness />));
    await ui.waitFor(text);
  });

  it('waits for the preview and shows the core\'s refusal', async () => {
    const waiting = renderInk(withPlainTheme(<ConfirmationPanel confirmation={{ kind: 'key', expectRequired: false }} input="" ready={false} active onInput={() => undefined} />));
    await waiting.waitFor('waiting for the dry-run preview');
    const refused = renderInk(withPlainTheme(<ConfirmationPanel confirmation={{ kind: 'typed-name', word: 'api', expectRequired: false }} input="" refusal='"apx" is not "api"' ready active onInput={() => undefined} />));
    await refused.waitFor('"apx" is not "api"');
  });
});

describe('RunPanel', () => {
  const base: RunView = { command: 'kubectl rollout restart deployment/api -n prod', busy: true, cancelling: false, stdoutLines: 3, stderrLines: 1 };

  it('shows progress while running', async () => {
    const ui = renderInk(withPlainTheme(<RunPanel run={base} />));
    const frame = await ui.waitFor('▶ running');
    expect(frame).toContain('3 lines, 1 on stderr so far');
  });

  it('shows exit code, duration, truncation and the audit operation id when done', async () => {
    const ui = renderInk(withPlainTheme(<RunPanel run={{ ...base, busy: false, operationId: 'op-123', end: { type: 'exec-end', exitCode: 1, durationMs: 2500, truncated: true, timedOut: false, cancelled: false } }} />));
    const frame = await ui.waitFor('✗ failed');
    expect(frame).toContain('exit code 1 · 2.50s');
    expect(frame).toContain('output truncated');
    expect(frame).toContain('audit operation op-123');
  });
});

describe('HistoryPanel', () => {
  it('lists the session operations, newest last, within its rows', async () => {
    const history = [
      { command: 'kubectl get pods -n dev', outcome: 'ok' as const, exitCode: 0, durationMs: 300, operationId: 'aaaaaaaa-1' },
      { command: 'kubectl delete pod x -n prod', outcome: 'denied' as const },
      { command: 'kubectl rollout restart deployment/api -n prod', outcome: 'cancelled' as const, exitCode: 130 },
    ];
    const ui = renderInk(withPlainTheme(<HistoryPanel history={history} limit={3} />));
    const frame = await ui.waitFor('This session (3)');
    expect(frame).not.toContain('get pods');
    expect(frame).toContain('⊘ kubectl delete pod x -n prod');
    expect(frame).toContain('■ kubectl rollout restart deployment/api -n prod  cancelled · exit 130');
  });
});
