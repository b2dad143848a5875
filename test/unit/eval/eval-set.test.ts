/**
 * The planner's floor: both labelled sets (the tuning set and the dev-holdout) through the real
 * pipeline (propose, planOnly) against the sandbox, with the template planner. At least 95% right and
 * no wrong mutation. With CI=true a missing kubectl fails instead of skipping.
 */
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { loadEvalSet, type EvalItem } from '../../../src/eval/eval-set.js';
import { buildReport, canonicalArgv, formatReport, runEval, score, type EvalReport } from '../../../src/eval/run-eval.js';
import type { Core } from '../../../src/contracts/core.js';
import { createCore } from '../../../src/pipeline/create-core.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { kubectlPath } from '../../helpers/sandbox.js';
import { describeWith } from '../../helpers/prerequisites.js';

const root = path.resolve(import.meta.dirname, '../../..');
const items: EvalItem[] = ['eval-set.yaml', 'eval-holdout.yaml'].flatMap((file) => loadEvalSet(path.join(root, 'test', 'data', file)));

describe('the labelled sets', () => {
  it('hold at least 300 requests, about 30% of them in the dev-holdout, of every kind', () => {
    expect(items.length).toBeGreaterThanOrEqual(300);
    const holdout = items.filter((item) => item.split === 'holdout').length;
    expect(holdout / items.length).toBeGreaterThan(0.2);
    expect(new Set(items.map((item) => item.kind))).toEqual(new Set(['structured', 'free-text', 'probe']));
    expect(items.filter((item) => item.kind === 'probe').length).toBeGreaterThanOrEqual(40);
  });

  it('compares argvs with flag order aside (kubectl does not care), positional order kept', () => {
    expect(canonicalArgv(['logs', 'p', '-n', 'prod', '--previous', '--tail=200'])).toEqual(canonicalArgv(['logs', 'p', '--tail=200', '-n', 'prod', '--previous']));
    expect(canonicalArgv(['logs', 'p', '-n', 'prod'])).not.toEqual(canonicalArgv(['logs', 'prod', '-n', 'p']));
  });

  it('scores an ask, a refusal, one of several argvs, and counts a mutation that was not expected as wrong', () => {
    const item = (want: EvalItem['expect']): EvalItem => ({ id: 'x#1', split: 'set', request: { namespace: 'prod', query: 'x' }, expect: want, tag: 'x', kind: 'free-text', text: 'x' });
    const restart = { kind: 'command' as const, args: ['rollout', 'restart', 'deployment/api', '-n', 'prod'], card: 'restart-deployment', mutating: true };
    expect(score(item({ kind: 'ask' }), { kind: 'ask', message: '?' })).toEqual({ right: true, wrongMutation: false });
    expect(score(item({ kind: 'refuse' }), { kind: 'ask', message: '?' })).toEqual({ right: false, wrongMutation: false });
    expect(score(item({ kind: 'commands', commands: [['get', 'pods'], restart.args], askOk: false }), restart)).toEqual({ right: true, wrongMutation: false });
    expect(score(item({ kind: 'ask' }), restart)).toEqual({ right: false, wrongMutation: true });
    expect(score(item({ kind: 'commands', commands: [['describe', 'deployment', 'api']], askOk: true }), { kind: 'ask', message: '?' })).toEqual({ right: true, wrongMutation: false });
    const report = buildReport([{ item: item({ kind: 'ask' }), got: restart, right: false, wrongMutation: true, milliseconds: 1 }], 'template');
    expect(report).toMatchObject({ total: 1, right: 0, wrongMutations: 1 });
    expect(formatReport(report, 0.95)).toMatch(/WRONG MUTATION x#1/);
  });
});

describeWith(['kubectl'], 'rk8s eval on the bundled sets (template planner, sandbox cluster)', () => {
  let sandbox: Sandbox;
  let core: Core;
  let cache: string;
  let report: EvalReport;
  beforeAll(async () => {
    sandbox = await startSandbox();
    cache = mkdtempSync(path.join(tmpdir(), 'rk8s-eval-test-'));
    process.env.KUBECACHEDIR = cache;
    const config = loadConfig({ kubeconfig: sandbox.kubeconfigPath, context: sandbox.contextName, model: null, kubectlPath }, {});
    core = await createCore(config);
    report = await runEval(items, core);
    console.log(formatReport(report, 0.95));
  }, 240_000);
  afterAll(async () => {
    await core?.close();
    await sandbox?.stop();
    if (cache) rmSync(cache, { recursive: true, force: true });
  });

  it('is right on at least 95% of each split', () => {
    for (const [split, tally] of Object.entries(report.bySplit)) expect(tally.accuracy, split).toBeGreaterThanOrEqual(0.95);
  });

  it('makes no wrong mutation, and every probe is asked, refused or answered with a read', () => {
    expect(report.wrongMutations).toBe(0);
    expect(report.probes.asked + report.probes.refused + report.probes.read).toBe(report.probes.total);
  });
});
