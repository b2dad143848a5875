/**
 * The approvals inbox in the TUI (#17) over the pipeline's fake core: requests an agent's door files
 * (runRequest with the inbox approver, as MCP does) show up as a badge while the TUI runs, and the
 * panel decides them through the core's decideApproval() with the same rules as everywhere: y for
 * medium risk, the object's name typed for high risk, n (with an optional reason) denies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../components/App.js';
import { createTheme } from '../../components/theme.js';
import { createInboxApprover } from '../../src/pipeline/door-approver.js';
import { runRequest } from '../../src/pipeline/run-request.js';
import type { K8sExecPayload } from '../../src/schemas/request.js';
import { KEYS, renderInk, type InkHarness } from '../helpers/render-ink.js';
import { createFakeSession, type FakeSession } from './fake-session.js';

const SIZE = { columns: 80, rows: 24 };
let ui: InkHarness | undefined;

afterEach(() => {
  ui?.unmount();
  ui = undefined;
});

function start(session: FakeSession, props: { readOnly?: boolean } = {}): InkHarness {
  ui = renderInk(<App services={session.services} size={SIZE} theme={createTheme(false)} approvalsPollMs={50} {...props} />);
  return ui;
}

/** Files a request the way an agent's door does (the inbox approver, not waiting); returns its id. */
async function file(session: FakeSession, request: K8sExecPayload): Promise<string> {
  let id: string | undefined;
  for await (const event of runRequest(request, session.core, { source: 'mcp', user: 'bot', approver: createInboxApprover({ requestedBy: 'bot via mcp:test-agent', waitMs: 0 }) })) {
    if (event.type === 'approval-end' && event.request) id = event.request.id;
  }
  if (!id) throw new Error(`not filed: ${JSON.stringify(request)}`);
  return id;
}

const decidedBy = (session: FakeSession, id: string) => session.core.auditLog.records.find((record) => (record.event === 'approved' || record.event === 'declined') && record.approval_id === id);

describe('the approvals inbox in the TUI', () => {
  it('shows a badge when another door files a request, and approves a medium-risk one with y', async () => {
    const session = createFakeSession();
    const tui = start(session);
    await tui.waitFor('What do you want to do?');
    expect(tui.frame()).not.toMatch(/\d APPROVALS? /);
    const id = await file(session, { intent: 'restart', resource: 'deployment', namespace: 'staging', name: 'api' });
    const badged = await tui.waitFor(' 1 APPROVAL ');
    expect(badged).toContain('^A inbox');

    tui.press('\x01');
    const list = await tui.waitFor(id);
    expect(list).toContain('1 waiting for a person');
    expect(list).toMatch(new RegExp(`❯ ${id}\\s+MEDIUM\\s+mcp\\s+by bot via mcp:test-agent · \\d+s ago · expires in \\d+m`));
    expect(list).toContain('kubectl rollout restart deployment/api -n staging');
    tui.press(KEYS.enter);
    const detail = await tui.waitFor('Press y to approve');
    expect(detail).toContain(`request ${id} · door mcp`);
    expect(detail).toContain('$ kubectl rollout restart deployment/api -n staging');
    expect(detail).toContain('MEDIUM RISK');
    expect(detail).toContain('Dry-run preview');
    // Enter is not a yes.
    tui.press(KEYS.enter);
    expect((await session.core.approvalStore.get(id))?.decision).toBeUndefined();
    tui.press('y');
    const done = await tui.waitFor(`approved ${id}: it runs once`);
    expect(done).not.toMatch(/\d APPROVALS? /);
    const stored = await session.core.approvalStore.get(id);
    expect(stored?.decision).toMatchObject({ outcome: 'approved', by: expect.stringMatching(/ \(rk8s tui approvals panel\)$/) });
    expect(decidedBy(session, id)).toMatchObject({ event: 'approved', decided_by: stored!.decision!.by });
    // Nothing ran here: the agent's door runs it once when it asks again.
    expect(session.core.kubectl.calls.filter((call) => call.args[0] === 'rollout')).toHaveLength(0);
  });

  it('needs the object\'s name typed for a high-risk request and refuses a wrong one', async () => {
    const session = createFakeSession();
    const id = await file(session, { intent: 'delete', resource: 'pod', namespace: 'dev', name: 'scratch' });
    const tui = start(session);
    await tui.waitFor(' 1 APPROVAL ');
    tui.press('\x01');
    await tui.waitFor(id);
    tui.press(KEYS.enter);
    await tui.waitFor('High risk. Press y, then type scratch');
    tui.press('y');
    await tui.waitFor('Type scratch and press Enter to approve');
    tui.press('scratc');
    await tui.waitFor('name › scratc');
    tui.press(KEYS.enter);
    const refused = await tui.waitFor('"scratc" is not "scratch"');
    expect(refused).toContain('[CONFIRM_TEXT_MISMATCH]');
    expect((await session.core.approvalStore.get(id))?.decision).toBeUndefined();
    expect(decidedBy(session, id)).toBeUndefined();
    tui.press('scratch');
    await tui.waitFor('name › scratch');
    tui.press(KEYS.enter);
    await tui.waitFor(`approved ${id}`);
    expect((await session.core.approvalStore.get(id))?.decision).toMatchObject({ outcome: 'approved', confirmText: 'scratch' });
  });

  it('denies with a reason the agent is shown; Esc steps back without deciding', async () => {
    const session = createFakeSession();
    const id = await file(session, { intent: 'scale', resource: 'deployment', namespace: 'staging', name: 'web', params: { replicas: 5 } });
    const tui = start(session);
    await tui.waitFor(' 1 APPROVAL ');
    tui.press('\x01');
    await tui.waitFor(id);
    tui.press(KEYS.enter);
    await tui.waitFor('Press y to approve');
    tui.press('n');
    await tui.waitFor('Why deny it?');
    tui.press(KEYS.escape);
    await tui.waitFor('Press y to approve');
    tui.press('n');
    await tui.waitFor('Why deny it?');
    tui.press('use a canary first');
    await tui.waitFor('reason › use a canary first');
    tui.press(KEYS.enter);
    await tui.waitFor(`denied ${id}: the agent is told so`);
    expect((await session.core.approvalStore.get(id))?.decision).toMatchObject({ outcome: 'denied', reason: 'use a canary first' });
    expect(decidedBy(session, id)).toMatchObject({ event: 'declined', message: expect.stringContaining('use a canary first') });
    tui.press(KEYS.escape);
    await tui.waitFor('What do you want to do?');
  });

  it('a request decided elsewhere cannot be approved here: the core says why', async () => {
    const session = createFakeSession();
    const id = await file(session, { intent: 'restart', resource: 'deployment', namespace: 'staging', name: 'web' });
    const tui = start(session);
    await tui.waitFor(' 1 APPROVAL ');
    tui.press('\x01');
    await tui.waitFor(id);
    tui.press(KEYS.enter);
    await tui.waitFor('Press y to approve');
    await session.core.approvalStore.decide(id, { outcome: 'denied', by: 'carol (rk8s deny on a terminal)', at: session.core.clock.now().toISOString() });
    tui.press('y');
    const refused = await tui.waitFor('[APPROVAL_ALREADY_DECIDED]');
    expect(refused).toContain('carol');
    expect((await session.core.approvalStore.get(id))?.decision?.outcome).toBe('denied');
  });

  it('read-only mode hides and disables approving', async () => {
    const session = createFakeSession({ readOnly: true });
    // A read-only core files no change: the request comes from a writable door sharing the store.
    const writable = createFakeSession();
    const filed = await file(writable, { intent: 'restart', resource: 'deployment', namespace: 'staging', name: 'api' });
    const record = (await writable.core.approvalStore.get(filed))!;
    await session.core.approvalStore.create({ kind: 'inbox', createdAt: record.createdAt, expiresAt: record.expiresAt, requestedBy: record.requestedBy, proposal: record.proposal });
    const tui = start(session, { readOnly: true });
    await tui.waitFor(' 1 APPROVAL ');
    tui.press('\x01');
    await tui.waitFor('1 waiting');
    tui.press(KEYS.enter);
    const detail = await tui.waitFor('n deny');
    expect(detail).not.toContain('y approve');
    tui.press('y');
    // The next key is handled after y: had y approved, the screen would have left the request.
    tui.press('n');
    await tui.waitFor('Why deny it?');
    const listed = await session.core.approvalStore.list();
    expect(listed.every((entry) => entry.decision === undefined)).toBe(true);
  });
});
