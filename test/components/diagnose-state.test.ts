/** The diagnose and approvals screens' reducers: pure transitions, stale streams ignored, remedies become ordinary requests. */
import { describe, expect, it } from 'vitest';
import type { ApprovalRecord } from '../../src/approvals/approval-store.js';
import type { DiagnoseDocument } from '../../src/diagnose/document.js';
import type { Finding, Remediation } from '../../src/diagnose/finding.js';
import { initialState, reducer, requestFromDraft, type TuiAction, type TuiState } from '../../components/state/reducer.js';
import { numberedRemediations, remediationDraft } from '../../components/state/diagnose-state.js';

const run = (state: TuiState, ...actions: TuiAction[]) => actions.reduce(reducer, state);

const restart: Remediation = { kind: 'fix', title: 'Restart deployment payments', why: 'fresh pods', request: { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'payments' } };
const rollback: Remediation = { kind: 'fix', title: 'Roll back', why: 'old image', request: { intent: 'rollback', resource: 'deployment', namespace: 'prod', name: 'web', params: { revision: 2 } } };
const logs: Remediation = { kind: 'inspect', title: 'Previous logs', why: 'why it exits', request: { intent: 'logs', resource: 'pod', namespace: 'prod', name: 'p-1', params: { container: 'app', tail: 100, previous: true } } };

function finding(id: string, remediations: Remediation[]): Finding {
  return { id, severity: 'critical', object: { kind: 'Deployment', name: id, namespace: 'prod' }, owner: null, reason: 'CrashLoopBackOff', summary: `${id} is down`, affected: [], blastRadius: 1, evidence: [], remediations };
}

function document(findings: Finding[]): DiagnoseDocument {
  return { operationId: 'op-1', status: 'findings', namespace: 'prod', summary: 'summary', findings, checked: { kinds: {}, reads: [], notes: [], durationMs: 1, readMs: 1, analysisMs: 1 } };
}

/** The state after an investigation of prod that found `findings`. */
function investigated(findings: Finding[]): TuiState {
  const opened = run(initialState(), { type: 'diagnose-opened' }, { type: 'diagnose-namespace-picked', namespace: 'prod' }, { type: 'diagnose-target-picked' });
  const runId = opened.diagnose.runId;
  return run(opened, { type: 'investigation-event', runId, event: { type: 'investigation-end', document: document(findings) } }, { type: 'investigation-finished', runId });
}

describe('diagnose state', () => {
  it('walks namespace -> target -> run -> findings, updating each check in place', () => {
    let state = run(initialState(), { type: 'diagnose-opened' });
    expect(state.screen).toBe('diagnose-namespace');
    state = run(state, { type: 'diagnose-namespace-picked', namespace: 'prod' }, { type: 'diagnose-target-picked', target: 'deploy/payments' });
    expect(state.screen).toBe('diagnose-run');
    expect(state.diagnose).toMatchObject({ namespace: 'prod', target: 'deploy/payments', busy: true, runId: 1 });
    const runId = state.diagnose.runId;
    state = run(
      state,
      { type: 'investigation-event', runId, event: { type: 'investigation-step', check: 'events', status: 'running' } },
      { type: 'investigation-event', runId, event: { type: 'investigation-step', check: 'pods', status: 'running' } },
      { type: 'investigation-event', runId, event: { type: 'investigation-step', check: 'events', status: 'done', detail: '4 events' } },
    );
    expect(state.diagnose.steps).toEqual([{ check: 'events', status: 'done', detail: '4 events' }, { check: 'pods', status: 'running' }]);
    state = run(state, { type: 'investigation-event', runId, event: { type: 'investigation-end', document: document([finding('a', [])]) } }, { type: 'investigation-finished', runId });
    expect(state.screen).toBe('diagnose-findings');
    expect(state.diagnose.busy).toBe(false);
  });

  it('ignores the events of a superseded investigation', () => {
    const state = investigated([finding('a', [])]);
    const stale = run(state, { type: 'investigation-event', runId: state.diagnose.runId - 1, event: { type: 'investigation-step', check: 'x', status: 'done' } }, { type: 'investigation-finished', runId: 0 });
    expect(stale).toEqual(state);
  });

  it('a cancelled investigation goes back to the target picker and says so', () => {
    const started = run(initialState(), { type: 'diagnose-opened' }, { type: 'diagnose-namespace-picked', namespace: 'prod' }, { type: 'diagnose-target-picked' });
    const state = run(started, { type: 'diagnose-cancel-requested' }, { type: 'investigation-finished', runId: started.diagnose.runId });
    expect(state.screen).toBe('diagnose-target');
    expect(state.diagnose.message).toMatch(/cancelled/);
    // Esc while it runs does not leave the screen: it cancels.
    expect(run(started, { type: 'diagnose-back' }).screen).toBe('diagnose-run');
  });

  it('numbers fixes before read-only steps, at most nine', () => {
    expect(numberedRemediations(finding('a', [logs, restart, rollback])).map((item) => item.title)).toEqual(['Restart deployment payments', 'Roll back', 'Previous logs']);
    expect(numberedRemediations(finding('a', Array.from({ length: 12 }, () => logs)))).toHaveLength(9);
  });

  it('a remedy becomes an ordinary request: the draft and its params as text, planned again', () => {
    expect(remediationDraft(logs)).toEqual({ draft: { intent: 'logs', resource: 'pod', namespace: 'prod', name: 'p-1' }, extraParams: { container: 'app', tail: '100', previous: 'true' } });
    const state = run(investigated([finding('a', [rollback])]), { type: 'remediation-picked', remediation: rollback });
    expect(state.screen).toBe('proposing');
    expect(state.proposal).toMatchObject({ busy: true, fromRemediation: 'Roll back' });
    expect(requestFromDraft(state.draft, state.extraParams)).toEqual({ intent: 'rollback', resource: 'deployment', namespace: 'prod', name: 'web', params: { revision: '2' } });
    // Back from the remedy's verdict returns to the findings.
    const verdict = { ...state, screen: 'verdict' as const };
    expect(run(verdict, { type: 'back' }).screen).toBe('diagnose-findings');
    // So does Esc after the remedy ran (r there runs the investigation again); Enter still starts a new request.
    const result = { ...state, screen: 'result' as const };
    expect(run(result, { type: 'back' }).screen).toBe('diagnose-findings');
    expect(run(result, { type: 'reset' }).screen).toBe('intent');
  });

  it('moves between findings (wrapping) and opens the evidence of the one selected', () => {
    let state = investigated([finding('a', []), finding('b', [])]);
    state = run(state, { type: 'finding-moved', delta: 1 });
    expect(state.diagnose.selected).toBe(1);
    state = run(state, { type: 'finding-moved', delta: 1 });
    expect(state.diagnose.selected).toBe(0);
    state = run(state, { type: 'evidence-opened' }, { type: 'evidence-scrolled', delta: 5, total: 3 });
    expect(state.screen).toBe('diagnose-evidence');
    expect(state.diagnose.evidenceOffset).toBe(2);
    expect(run(state, { type: 'diagnose-back' }, { type: 'diagnose-back' }, { type: 'diagnose-back' }, { type: 'diagnose-back' }).screen).toBe('intent');
  });
});

function record(id: string, kind: 'key' | 'typed-name' = 'key'): ApprovalRecord {
  return {
    id, kind: 'inbox', createdAt: '2026-12-02T00:00:00.000Z', expiresAt: '2026-12-02T01:00:00.000Z', requestedBy: 'bot via mcp',
    proposal: { confirmation: { kind, word: 'api', expectRequired: false } } as unknown as ApprovalRecord['proposal'],
  };
}

describe('approvals state', () => {
  const listed = (records: ApprovalRecord[]) => run(initialState(), { type: 'approvals-opened' }, { type: 'approvals-listed', records, now: '2026-12-02T00:00:10.000Z' });

  it('keeps the cursor on a row that exists when the list shrinks', () => {
    let state = run(listed([record('aaaaaaaa'), record('bbbbbbbb')]), { type: 'approval-moved', delta: 1 });
    expect(state.approvals.selected).toBe(1);
    state = run(state, { type: 'approvals-listed', records: [record('aaaaaaaa')], now: '2026-12-02T00:00:12.000Z' });
    expect(state.approvals.selected).toBe(0);
  });

  it('a decision the core accepted leaves the request; a mistyped name is typed again; other refusals stay on the request', () => {
    const open = run(listed([record('aaaaaaaa', 'typed-name')]), { type: 'approval-opened' }, { type: 'approval-mode-set', mode: 'typing-name' }, { type: 'approval-input', input: 'ap' }, { type: 'approval-deciding' });
    const retype = run(open, { type: 'approval-decided', id: 'aaaaaaaa', outcome: 'approved', result: { ok: false, code: 'CONFIRM_TEXT_MISMATCH', message: '"ap" is not "api"' } });
    expect(retype.approvals).toMatchObject({ mode: 'typing-name', input: '', refusal: '"ap" is not "api" [CONFIRM_TEXT_MISMATCH]' });
    const expired = run(open, { type: 'approval-decided', id: 'aaaaaaaa', outcome: 'approved', result: { ok: false, code: 'APPROVAL_EXPIRED', message: 'expired' } });
    expect(expired.approvals.mode).toBe('view');
    expect(expired.screen).toBe('approval-detail');
    const done = run(open, { type: 'approval-decided', id: 'aaaaaaaa', outcome: 'approved', result: { ok: true, record: record('aaaaaaaa') } });
    expect(done.screen).toBe('approvals');
    expect(done.approvals.records).toEqual([]);
    expect(done.approvals.result?.text).toMatch(/^approved aaaaaaaa: it runs once/);
    // A decision about another request (a late answer) changes nothing.
    expect(run(open, { type: 'approval-decided', id: 'bbbbbbbb', outcome: 'denied', result: { ok: true, record: record('bbbbbbbb') } })).toEqual(open);
  });

  it('Esc leaves a text field first, then the request, then the panel', () => {
    let state = run(listed([record('aaaaaaaa')]), { type: 'approval-opened' }, { type: 'approval-mode-set', mode: 'typing-reason' });
    state = run(state, { type: 'approvals-back' });
    expect([state.screen, state.approvals.mode]).toEqual(['approval-detail', 'view']);
    state = run(state, { type: 'approvals-back' });
    expect(state.screen).toBe('approvals');
    state = run(state, { type: 'approvals-back' });
    expect(state.screen).toBe('intent');
  });
});

describe('the help overlay lists the diagnose and approvals keys where they apply', () => {
  it('on their screens, and only ^D / ^A among them on the start screen', async () => {
    const { KEYMAP } = await import('../../components/keymap.js');
    const { listedOn } = await import('../../components/help-overlay.js');
    const on = (screen: Parameters<typeof listedOn>[1]) => KEYMAP.filter((binding) => listedOn(binding, screen)).map((binding) => `${binding.keys} ${binding.label}`);
    expect(on('intent')).toEqual(expect.arrayContaining(['^D diagnose', '^A inbox', 'y confirm and run']));
    expect(on('intent')).not.toContain('1-9 remedy');
    expect(on('diagnose-findings')).toEqual(expect.arrayContaining(['1-9 remedy', 'y approve', '? help']));
    expect(on('diagnose-findings')).not.toContain('y confirm and run');
    expect(on(undefined)).toHaveLength(KEYMAP.length);
  });
});
