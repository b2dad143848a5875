import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { ConfigError } from '../../../../src/errors.js';
import { SandboxCluster } from '../../../../src/sandbox/cluster.js';
import { loadScenario, readScenario, scenarioDirectory } from '../../../../src/sandbox/scenario-loader.js';

const directory = mkdtempSync(join(tmpdir(), 'rk8s-scenario-'));
let counter = 0;

function scenarioFile(text: string): string {
  counter += 1;
  const file = join(directory, `scenario-${counter}.yaml`);
  writeFileSync(file, text);
  return file;
}

function problem(text: string): string {
  try {
    readScenario(scenarioFile(text));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the scenario was accepted');
}

const bundled = readdirSync(scenarioDirectory()).filter((name) => name.endsWith('.yaml')).sort();

describe('every bundled scenario', () => {
  it('is there (one per failure family)', () => {
    for (const name of ['default.yaml', 'missing-config.yaml', 'image-pull.yaml', 'crash-loop.yaml', 'oom-killed.yaml', 'unschedulable.yaml', 'node-pressure.yaml',
      'probes.yaml', 'bad-rollout.yaml', 'quota-exceeded.yaml', 'workload-status.yaml', 'services.yaml', 'ingress.yaml', 'storage.yaml', 'jobs.yaml', 'hpa.yaml',
      'disruption-budgets.yaml', 'policies.yaml']) expect(bundled).toContain(name);
  });

  it.each(bundled)('%s loads, the controllers raise no error, and a second pass changes nothing', (name) => {
    const cluster = new SandboxCluster({ timings: { podStartMs: 20, podTerminationMs: 20 } });
    loadScenario(cluster, join(scenarioDirectory(), name));
    expect(cluster.lastControllerError).toBeUndefined();
    const pods = cluster.store.list(cluster.type('Pod')) as unknown as Pod[];
    // Every pod the loader placed has a phase; scheduled pods have an IP unless still pending.
    for (const pod of pods) expect(pod.status?.phase, `${pod.metadata?.namespace}/${pod.metadata?.name}`).toBeDefined();
    const version = cluster.store.resourceVersion;
    cluster.reconcileNow();
    expect(cluster.lastControllerError).toBeUndefined();
    expect(cluster.store.resourceVersion).toBe(version);
    cluster.stop();
  });
});

describe('scenario problems name the file and the field', () => {
  it('an unknown kind', () => {
    expect(problem('objects:\n  - kind: Widget\n    apiVersion: v1\n    metadata: { name: w }\n')).toMatch(/scenario .*scenario-\d+\.yaml: objects\[0\]\.kind: unknown kind Widget/);
  });

  it('a bad duration', () => {
    expect(problem('objects:\n  - kind: Deployment\n    apiVersion: apps/v1\n    metadata: { name: d }\n    sandbox: { age: soon }\n')).toMatch(/objects\[0\]\.sandbox\.age: .*soon/);
  });

  it('a sandbox key on the wrong kind', () => {
    expect(problem('objects:\n  - kind: Service\n    apiVersion: v1\n    metadata: { name: s }\n    sandbox: { revisions: [] }\n')).toMatch(/objects\[0\]\.sandbox\.revisions: is only for .*Deployment.* not Service/);
  });

  it('a fault that says nothing about which containers', () => {
    expect(problem('faults:\n  - type: CrashLoopBackOff\n    exitCode: 1\n')).toMatch(/faults\[0\]: needs pod, podPrefix or image/);
  });

  it('an unknown fault type', () => {
    expect(problem('faults:\n  - type: Explodes\n    pod: x\n')).toMatch(/faults\[0\]\.type: must be one of CrashLoopBackOff/);
  });

  it('an unknown top-level key', () => {
    expect(problem('nodez: []\n')).toMatch(/unknown key\(s\) "nodez"/);
  });

  it('an event without its object', () => {
    expect(problem('events:\n  - type: Warning\n    reason: BackOff\n')).toMatch(/events\[0\]: needs object \(Kind\/name\) and reason/);
  });
});

describe('scenario node conditions', () => {
  it('accept a list or a map, booleans for status, and default reasons', () => {
    const fromMap = readScenario(scenarioFile('nodes:\n  - name: n1\n    conditions: { Ready: false, MemoryPressure: "True" }\n'));
    const fromList = readScenario(scenarioFile('nodes:\n  - name: n1\n    conditions:\n      - { type: Ready, status: "False", since: 10m }\n'));
    expect(fromMap.nodes?.[0]?.conditions).toBeDefined();
    expect(fromList.nodes?.[0]?.conditions).toBeDefined();
    const cluster = new SandboxCluster({ timings: { podStartMs: 20, podTerminationMs: 20 } });
    loadScenario(cluster, scenarioFile('nodes:\n  - name: n1\n    conditions: { Ready: false, MemoryPressure: true }\n'));
    const node = cluster.store.get(cluster.type('Node'), undefined, 'n1');
    const conditions = (node?.['status'] as { conditions: Array<{ type: string; status: string; reason: string }> }).conditions;
    expect(conditions.find((condition) => condition.type === 'Ready')).toMatchObject({ status: 'False', reason: 'KubeletNotReady' });
    const taints = (node?.['spec'] as { taints?: Array<{ key: string; effect: string }> }).taints ?? [];
    expect(taints.map((taint) => `${taint.key}:${taint.effect}`)).toContain('node.kubernetes.io/not-ready:NoSchedule');
    cluster.stop();
  });
});
