/** The findings screen alone: the deterministic summary always, a model's explanation when there is one, a failed investigation's error and hint; the badge. */
import { describe, expect, it } from 'vitest';
import { DiagnosePanel } from '../../components/diagnose-panel.js';
import { StatusBar } from '../../components/status-bar.js';
import { ThemeContext, createTheme } from '../../components/theme.js';
import type { TuiServices } from '../../components/services.js';
import { emptyDiagnose, type DiagnoseView } from '../../components/state/diagnose-state.js';
import type { DiagnoseDocument } from '../../src/diagnose/document.js';
import { renderInk } from '../helpers/render-ink.js';

const plain = createTheme(false);
const services = {} as TuiServices;

const document: DiagnoseDocument = {
  operationId: 'op-1', status: 'findings', namespace: 'prod', summary: '1 finding in namespace prod (1 critical).\n[critical] detail line',
  findings: [{
    id: 'deployment/payments:CrashLoopBackOff', severity: 'critical', object: { kind: 'Deployment', name: 'payments', namespace: 'prod' }, owner: null, reason: 'CrashLoopBackOff',
    summary: 'Deployment payments: 1 of 1 pod crash-loop.', affected: [], blastRadius: 1, evidence: [],
    remediations: [{ kind: 'fix', title: 'Restart deployment payments', why: 'fresh pods', request: { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'payments' }, preview: { command: 'kubectl rollout restart deployment/payments -n prod', card: 'restart-deployment', risk: 'medium', decision: 'confirm' } }],
  }],
  checked: { kinds: {}, reads: [], notes: [], durationMs: 1, readMs: 1, analysisMs: 1 },
};

function findings(view: DiagnoseView) {
  return renderInk(
    <ThemeContext.Provider value={plain}>
      <DiagnosePanel screen="diagnose-findings" view={view} services={services} active onHelp={() => undefined} limit={19} width={80} onNamespace={() => undefined} onTarget={() => undefined} />
    </ThemeContext.Provider>,
  );
}

describe('the findings screen', () => {
  it('shows the first line of the deterministic summary, the findings and the numbered remedies; no model line without a model', async () => {
    const frame = await findings({ ...emptyDiagnose(1), namespace: 'prod', document }).waitFor('Remedies');
    expect(frame).toContain('1 finding in namespace prod (1 critical).');
    expect(frame).not.toContain('[critical] detail line');
    expect(frame).toMatch(/❯ CRITICAL\s+CrashLoopBackOff\s+deployment\/payments/);
    expect(frame).toContain('[1] Restart deployment payments  medium risk, needs confirmation');
    expect(frame).not.toContain('model ');
  });

  it('shows a model\'s explanation, labelled with the model, when the investigation has one', async () => {
    const explained = { ...document, explanation: { text: 'Payments crashes because PAYMENTS_DB_URL is unset.', cites: ['deployment/payments:CrashLoopBackOff'], model: 'stories260K' } };
    const frame = await findings({ ...emptyDiagnose(1), namespace: 'prod', document: explained }).waitFor('Remedies');
    expect(frame).toContain('model stories260K: Payments crashes because PAYMENTS_DB_URL is unset.');
  });

  it('a failed investigation shows the error and its hint', async () => {
    const failed: DiagnoseDocument = { ...document, status: 'failed', findings: [], error: { code: 'INPUT_INVALID', message: 'namespace nope does not exist in the cluster', hint: 'namespaces: dev, prod' } };
    const frame = await findings({ ...emptyDiagnose(1), namespace: 'nope', document: failed }).waitFor('failed');
    expect(frame).toContain('The investigation failed: namespace nope does not exist in the cluster');
    expect(frame).toContain('namespaces: dev, prod');
  });
});

describe('the approvals badge', () => {
  it('shows in the status bar only when requests wait, readable without colour', async () => {
    const status = { planner: 'template', sandbox: true, readOnly: false, context: 'rk8s-sandbox', server: 'https://127.0.0.1:6443' };
    const none = renderInk(<ThemeContext.Provider value={plain}><StatusBar status={status} namespace="prod" width={80} approvalsWaiting={0} /></ThemeContext.Provider>);
    expect(await none.waitFor('SANDBOX')).not.toMatch(/APPROVAL/);
    const two = renderInk(<ThemeContext.Provider value={plain}><StatusBar status={status} namespace="prod" width={80} approvalsWaiting={2} /></ThemeContext.Provider>);
    const frame = await two.waitFor(' 2 APPROVALS ');
    // The namespace still fits on the line at 80 columns.
    expect(frame.split('\n')[0]).toMatch(/ns prod$/);
  });
});
