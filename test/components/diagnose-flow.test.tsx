/**
 * Diagnose in the TUI (#15) over the real core and the sandbox cluster (real kubectl, real
 * investigate(), real runRequest): from the start screen to the payments remedy's confirmation in
 * six counted keys, the evidence of a finding, and Esc cancelling an investigation in flight.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { App } from '../../components/App.js';
import { catalogFromCards, createCoreServices, createStatusStore } from '../../components/core-services.js';
import { createSideServices } from '../../components/diagnose-services.js';
import type { InvestigationEvent } from '../../src/diagnose/events.js';
import { createTheme } from '../../components/theme.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Core } from '../../src/contracts/core.js';
import type { AuditLog, KubectlRunner } from '../../src/contracts/ports.js';
import { createCore } from '../../src/pipeline/create-core.js';
import { describeWith } from '../helpers/prerequisites.js';
import { KEYS, renderInk, type InkHarness } from '../helpers/render-ink.js';
import { createSandboxHarness, kubectlPath, type SandboxHarness } from '../helpers/sandbox.js';

const SIZE = { columns: 80, rows: 24 };

describeWith(['kubectl'], 'diagnose in the TUI, real core over the sandbox', () => {
  let harness: SandboxHarness;
  let core: Core;
  let directory: string;
  let auditLog: string;
  let ui: InkHarness | undefined;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-tui-diagnose-'));
    auditLog = path.join(directory, 'agent.log');
    harness = await createSandboxHarness();
    process.env.KUBECACHEDIR = harness.env.KUBECACHEDIR;
    core = await createCore(
      loadConfig({ kubectlPath: kubectlPath ?? 'kubectl', kubeconfig: harness.sandbox.kubeconfigPath, auditLog, cacheDir: path.join(directory, 'cache'), approvalsDir: path.join(directory, 'approvals'), model: null }, {}),
    );
  }, 60_000);

  afterAll(async () => {
    await core?.close();
    await harness?.stop();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  afterEach(() => {
    ui?.unmount();
    ui = undefined;
  });

  const records = () =>
    (existsSync(auditLog) ? readFileSync(auditLog, 'utf8') : '')
      .trim()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { operation_id: string; event: string; source: string; args: string[] | null; message?: string });

  function start(withCore: Core = core): InkHarness {
    const status = createStatusStore({ planner: 'template', sandbox: true, readOnly: false });
    const services = createCoreServices({ catalog: catalogFromCards(withCore.cards.values()), core: Promise.resolve(withCore), status });
    ui = renderInk(<App services={services} size={SIZE} theme={createTheme(false)} />);
    return ui;
  }

  it('reaches the payments remedy\'s confirmation in six keys: d p r Enter Enter 1', async () => {
    const tui = start();
    const keys: string[] = [];
    const press = (key: string) => {
      keys.push(key);
      tui.press(key);
    };
    await tui.waitFor('What do you want to do?');
    expect(tui.frame()).toContain('^D diagnose');
    press('\x04');
    await tui.waitFor((frame) => frame.includes('In which namespace?') && frame.includes('tier prod'));
    press('p');
    await tui.waitFor('filter: p');
    press('r');
    await tui.waitFor((frame) => frame.includes('filter: pr') && /❯ prod\b/.test(frame));
    press(KEYS.enter);
    await tui.waitFor('Investigate all of prod, or one object?');
    press(KEYS.enter);
    // The checks stream while they run, then the findings replace them.
    await tui.waitFor(/Investigating namespace prod/, { timeoutMs: 10_000 });
    const findings = await tui.waitFor('Remedies', { timeoutMs: 60_000 });
    expect(findings).toMatch(/❯ CRITICAL\s+CrashLoopBackOff\s+deployment\/payments/);
    expect(findings).toContain('[1] Restart deployment payments');
    expect(findings).toContain('kubectl rollout restart deployment/payments -n prod');
    // Nothing ran yet: the investigation only read.
    const investigated = records().find((record) => record.event === 'investigated');
    expect(investigated).toMatchObject({ source: 'tui' });
    expect(records().some((record) => record.event === 'started')).toBe(false);

    press('1');
    // The remedy is an ordinary request: planned, validated, previewed, and confirmed by the person.
    const confirm = await tui.waitFor('Press y to run', { timeoutMs: 30_000 });
    expect(confirm).toContain('$ kubectl rollout restart deployment/payments -n prod');
    expect(confirm).toContain('MEDIUM RISK');
    expect(confirm).toContain('NEEDS CONFIRMATION');
    expect(keys).toHaveLength(6);
    const proposed = records().find((record) => record.event === 'proposed' && record.source === 'tui');
    expect(proposed?.args).toEqual(['rollout', 'restart', 'deployment/payments', '-n', 'prod']);

    // n declines; nothing runs, and Esc from the verdict goes back to the findings, not to a free-text screen.
    tui.press('n');
    await tui.waitFor('not run: not confirmed');
    expect(records().some((record) => record.event === 'started')).toBe(false);
    tui.press(KEYS.escape);
    await tui.waitFor('Remedies');
    // r runs the same investigation again: a second audited investigation.
    expect(tui.frame()).toContain('r redo');
    tui.press('r');
    await tui.waitFor((frame) => !frame.includes('Remedies'));
    await tui.waitFor('Remedies', { timeoutMs: 60_000 });
    expect(records().filter((record) => record.event === 'investigated')).toHaveLength(2);
    tui.press(KEYS.escape);
    await tui.waitFor('Investigate all of prod, or one object?');
  }, 120_000);

  it('opens a finding\'s evidence with Enter, scrolls it, and picks a remedy from there', async () => {
    const tui = start();
    await tui.waitFor('What do you want to do?');
    tui.press('\x04');
    await tui.waitFor('tier prod');
    tui.press('prod');
    await tui.waitFor((frame) => frame.includes('filter: prod') && /❯ prod\b/.test(frame));
    tui.press(KEYS.enter);
    await tui.waitFor('Investigate all of prod, or one object?');
    await tui.waitFor('deployment/payments', { timeoutMs: 20_000 });
    tui.press('payments');
    await tui.waitFor((frame) => frame.includes('filter: payments') && /❯ deployment\/payments/.test(frame));
    tui.press(KEYS.enter);
    await tui.waitFor(/Investigating deploy\/payments in prod/, { timeoutMs: 10_000 });
    await tui.waitFor('Remedies', { timeoutMs: 60_000 });
    tui.press(KEYS.enter);
    const evidence = await tui.waitFor('Evidence (');
    expect(evidence).toContain('CRITICAL CrashLoopBackOff  deployment/payments');
    expect(evidence).toMatch(/restartCount 142/);
    expect(evidence).toContain('check:');
    // More evidence than fits at 80x24: a window that ↓ scrolls.
    expect(evidence).toMatch(/Evidence \(\d+\)\s+1-\d+, ↑↓ to scroll/);
    tui.press(KEYS.down);
    await tui.waitFor(/Evidence \(\d+\)\s+2-/);
    tui.press(KEYS.escape);
    await tui.waitFor('Remedies');
    tui.press(KEYS.enter);
    await tui.waitFor('Evidence (');
    tui.press('2');
    const logs = await tui.waitFor('ALLOWED', { timeoutMs: 30_000 });
    expect(logs.replace(/\n/g, ' ')).toMatch(/\$ kubectl logs payments-\S+ -n prod --container=payments --tail=100\s+--previous/);
    // An allowed read runs on Enter, like any request; Esc from its result goes back to the investigation.
    tui.press(KEYS.enter);
    const result = await tui.waitFor('audit operation', { timeoutMs: 30_000 });
    expect(result).toMatch(/exit code 0/);
    expect(tui.frames().join('\n')).toContain('PAYMENTS_DB_URL');
    tui.press(KEYS.escape);
    await tui.waitFor('Remedies');
  }, 120_000);

  it('Esc cancels an investigation in flight through its AbortSignal; the audit log records the cancellation', async () => {
    // kubectl reads wait until aborted: the investigation is in flight for as long as the test needs.
    const held: string[][] = [];
    const gated: KubectlRunner = {
      run: (args, options) => core.kubectl.run(args, options),
      read: (args, options) =>
        new Promise((_resolve, reject) => {
          held.push([...args]);
          const signal = options?.signal;
          const abort = () => reject(signal?.reason instanceof Error ? signal.reason : Object.assign(new Error('aborted'), { name: 'AbortError' }));
          if (signal?.aborted) abort();
          else signal?.addEventListener('abort', abort, { once: true });
        }),
    };
    const slow: Core = { ...core, kubectl: gated };
    const tui = start(slow);
    await tui.waitFor('What do you want to do?');
    tui.press('\x04');
    await tui.waitFor('tier staging');
    tui.press('staging');
    await tui.waitFor((frame) => frame.includes('filter: staging') && /❯ staging\b/.test(frame));
    tui.press(KEYS.enter);
    await tui.waitFor('Investigate all of staging');
    tui.press(KEYS.enter);
    await tui.waitFor('Investigating namespace staging');
    await tui.waitUntil(() => held.length > 0, { message: 'the investigation never read' });
    const before = records().length;
    tui.press(KEYS.escape);
    const cancelled = await tui.waitFor('investigation cancelled', { timeoutMs: 10_000 });
    expect(cancelled).toContain('Investigate all of staging');
    await tui.waitUntil(() => records().slice(before).some((record) => record.event === 'cancelled' && record.source === 'tui'), { message: 'no cancelled record' });

    // Closing the session (quit, SIGTERM) waits for an aborted investigation's record before the core closes:
    // the record's append is held until close() has been called.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let appended = false;
    const heldLog: AuditLog = Object.create(core.auditLog) as AuditLog;
    Object.defineProperty(heldLog, 'append', {
      value: async (record: Parameters<AuditLog['append']>[0]) => {
        if (record.event !== 'cancelled') return core.auditLog.append(record);
        await gate;
        const written = await core.auditLog.append(record);
        appended = true;
        return written;
      },
    });
    const side = createSideServices(Promise.resolve({ ...slow, auditLog: heldLog }));
    const controller = new AbortController();
    const stream = side.investigate({ namespace: 'dev' }, controller.signal)[Symbol.asyncIterator]();
    const reads = held.length;
    const first = await stream.next();
    expect(first.value).toMatchObject({ type: 'investigation-start' });
    const rest = (async () => {
      while (!(await stream.next()).done);
    })();
    await tui.waitUntil(() => held.length > reads, { message: 'the second investigation never read' });
    const count = records().length;
    controller.abort();
    const closing = side.close().then(() => appended);
    release();
    expect(await closing, 'close() resolved before the cancelled record was written').toBe(true);
    expect(records().slice(count).some((record) => record.event === 'cancelled')).toBe(true);
    await rest;
  }, 60_000);

  it('with a model configured, the TUI\'s investigation asks it for an explanation (stories260K); without one it does not', async () => {
    const stories = path.resolve(import.meta.dirname, '../fixtures/models/stories260K/stories260K.gguf');
    const collect = async (withCore: Core) => {
      const side = createSideServices(Promise.resolve(withCore));
      const events: InvestigationEvent[] = [];
      try {
        for await (const event of side.investigate({ namespace: 'prod', target: 'deploy/payments' }, new AbortController().signal)) events.push(event);
      } finally {
        await side.close();
      }
      return events;
    };
    const withModel: Core = { ...core, config: { ...core.config, planner: { ...core.config.planner, model: stories } } };
    const explained = await collect(withModel);
    const steps = explained.filter((event) => event.type === 'investigation-step' && event.check === 'explanation');
    expect(steps[0]).toMatchObject({ status: 'running', detail: 'model stories260K.gguf' });
    // The toy model may write an unusable answer: then the step fails and the deterministic summary stands.
    expect(['done', 'failed']).toContain((steps.at(-1) as { status: string }).status);
    const end = explained.at(-1);
    expect(end?.type === 'investigation-end' && end.document.status).toBe('findings');
    const plain = await collect(core);
    expect(plain.some((event) => event.type === 'investigation-step' && event.check === 'explanation')).toBe(false);
    expect(plain.some((event) => event.type === 'notice')).toBe(false);
  }, 120_000);
});
