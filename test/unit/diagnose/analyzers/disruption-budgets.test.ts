import { describe, expect, it } from 'vitest';
import { disruptionBudgetAnalyzer } from '../../../../src/diagnose/analyzers/disruption-budgets.js';
import { SnapshotIndex } from '../../../../src/diagnose/snapshot-index.js';
import type { Snapshot } from '../../../../src/diagnose/snapshot-types.js';
import { budget, pod, snapshotOf } from '../fixtures.js';

const run = (parts: Partial<Snapshot>) => disruptionBudgetAnalyzer.analyze(new SnapshotIndex(snapshotOf(parts)));
const apiPods = [pod('api-1', { labels: { app: 'api' }, node: 'node-1' }), pod('api-2', { labels: { app: 'api' }, node: 'node-2' })];

describe('disruption budget analyzer', () => {
  it('finds nothing when a disruption is allowed', () => {
    expect(run({ pods: apiPods, podDisruptionBudgets: [budget('api', { app: 'api' }, { minAvailable: 1, allowed: 1, healthy: 2, desired: 1, expected: 2 })] })).toEqual([]);
  });

  it('reports a budget that can never allow an eviction, and the drains it would block', () => {
    const [finding] = run({ pods: apiPods, podDisruptionBudgets: [budget('api', { app: 'api' }, { minAvailable: 2, allowed: 0, healthy: 2, desired: 2, expected: 2 })] });
    expect(finding).toMatchObject({ reason: 'PDBBlocksDisruption', severity: 'warning', blastRadius: 2 });
    expect(finding!.summary).toBe('PodDisruptionBudget api allows no disruption: with minAvailable 2 and 2 pod(s), no pod may ever be evicted; draining node(s) node-1, node-2 would block.');
  });

  it('says when unhealthy pods are why nothing may be evicted', () => {
    const [finding] = run({ pods: apiPods, podDisruptionBudgets: [budget('api', { app: 'api' }, { minAvailable: 2, allowed: 0, healthy: 1, desired: 2, expected: 2 })] });
    expect(finding!.summary).toContain('only 1 of its 2 pods are healthy and it needs 2');
  });

  it('reports a budget that selects no pods as information', () => {
    const [finding] = run({ pods: apiPods, podDisruptionBudgets: [budget('web', { app: 'web' }, { allowed: 0, healthy: 0, desired: 0, expected: 0 })] });
    expect(finding).toMatchObject({ reason: 'PDBNoMatchingPods', severity: 'info' });
  });
});
