import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLargeScenario, writeLargeScenario } from '../../../src/sandbox/generate-large-scenario.js';
import { readScenario } from '../../../src/sandbox/scenario-loader.js';

describe('generateLargeScenario', () => {
  it('writes a scenario the loader accepts, with about the pods and exactly the workloads asked for', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rk8s-large-')), 'scenario.yaml');
    const summary = writeLargeScenario(file, { pods: 2000, workloads: 300 });
    const scenario = readScenario(file);
    expect(summary.workloads).toBe(300);
    expect(summary.pods).toBeGreaterThanOrEqual(2000);
    expect(summary.pods).toBeLessThan(2000 * 1.05);
    const kinds = (scenario.objects ?? []).map((object) => object.kind);
    expect(kinds.filter((kind) => kind === 'Deployment' || kind === 'StatefulSet' || kind === 'CronJob')).toHaveLength(300);
    expect(scenario.nodes?.length).toBe(summary.nodes);
    // Every kind of failure the generator knows is in the mix.
    expect(Object.keys(summary.failures).sort()).toEqual(['bad-rollout', 'claim', 'crashloop', 'image', 'job', 'no-endpoints', 'oom', 'unschedulable']);
    expect(scenario.faults?.length).toBeGreaterThan(0);
  });

  it('is deterministic for a seed and different for another', () => {
    const one = JSON.stringify(generateLargeScenario({ pods: 200, workloads: 30, seed: 7 }).scenario);
    expect(JSON.stringify(generateLargeScenario({ pods: 200, workloads: 30, seed: 7 }).scenario)).toBe(one);
    expect(JSON.stringify(generateLargeScenario({ pods: 200, workloads: 30, seed: 8 }).scenario)).not.toBe(one);
  });
});
