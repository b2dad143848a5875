import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { admitCreate } from '../../../../src/sandbox/admission/admit.js';
import { ApiError } from '../../../../src/sandbox/api-error.js';
import { SandboxCluster } from '../../../../src/sandbox/cluster.js';
import { loadScenario } from '../../../../src/sandbox/scenario-loader.js';
import type { KubeObject } from '../../../../src/sandbox/types.js';

const directory = mkdtempSync(join(tmpdir(), 'rk8s-admission-'));
let cluster: SandboxCluster | undefined;
afterEach(() => cluster?.stop());

function load(name: string, text: string): SandboxCluster {
  const file = join(directory, `${name}.yaml`);
  writeFileSync(file, text);
  cluster = new SandboxCluster({ timings: { podStartMs: 20, podTerminationMs: 20 } });
  loadScenario(cluster, file);
  return cluster;
}

function pod(name: string, resources: Record<string, Record<string, string>>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'team-a' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources }] } };
}

function refusal(loaded: SandboxCluster, object: KubeObject): ApiError {
  try {
    admitCreate(loaded, loaded.type('Pod'), object);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('admitted');
}

const nodes = 'nodes:\n  - { name: n1, cpu: "8", memory: 32Gi }\n';

describe('ResourceQuota admission', () => {
  const quota = `${nodes}objects:
  - apiVersion: v1
    kind: ResourceQuota
    metadata: { name: compute, namespace: team-a }
    spec: { hard: { requests.cpu: "1", limits.memory: 1Gi, pods: "5" } }
  - apiVersion: v1
    kind: Pod
    metadata: { name: running, namespace: team-a }
    spec:
      containers: [{ name: app, image: nginx:1.27, resources: { requests: { cpu: 750m }, limits: { memory: 512Mi } } }]
`;

  it('refuses a pod that would exceed the quota, in the API server words', () => {
    const loaded = load('quota', quota);
    const error = refusal(loaded, pod('next', { requests: { cpu: '500m' }, limits: { memory: '256Mi' } }));
    expect(error.code).toBe(403);
    expect(error.message).toBe('pods "next" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=750m, limited: requests.cpu=1');
  });

  it('refuses a pod that names no value for a quota-tracked resource', () => {
    const loaded = load('quota-missing', quota);
    const error = refusal(loaded, pod('bare', { requests: { cpu: '100m' } }));
    expect(error.message).toBe('pods "bare" is forbidden: failed quota: compute: must specify limits.memory for: app');
  });

  it('admits a pod within the quota', () => {
    const loaded = load('quota-ok', quota);
    expect(() => admitCreate(loaded, loaded.type('Pod'), pod('small', { requests: { cpu: '100m' }, limits: { memory: '128Mi' } }))).not.toThrow();
  });
});

describe('LimitRange admission', () => {
  const limits = `${nodes}objects:
  - apiVersion: v1
    kind: LimitRange
    metadata: { name: limits, namespace: team-a }
    spec:
      limits:
        - type: Container
          max: { cpu: "2" }
          default: { cpu: 500m, memory: 256Mi }
          defaultRequest: { cpu: 100m, memory: 128Mi }
`;

  it('refuses a container over the maximum', () => {
    const loaded = load('limits', limits);
    expect(refusal(loaded, pod('greedy', { limits: { cpu: '4' } })).message).toBe('pods "greedy" is forbidden: maximum cpu usage per Container is 2, but limit is 4');
  });

  it('fills in defaults for a container that names none', () => {
    const loaded = load('limits-defaults', limits);
    const admitted = admitCreate(loaded, loaded.type('Pod'), pod('plain', {})) as unknown as Pod;
    expect(admitted.spec?.containers[0]?.resources).toEqual({ limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
    expect(admitted.metadata?.annotations?.['kubernetes.io/limit-ranger']).toBe('LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app');
  });
});

describe('the scheduler', () => {
  it('explains every node in one FailedScheduling message, with the preemption verdict', () => {
    const loaded = load('scheduler', `nodes:
  - { name: n1, cpu: "4", memory: 16Gi, unschedulable: true }
  - { name: n2, cpu: "4", memory: 16Gi, taints: [{ key: dedicated, value: gpu, effect: NoSchedule }] }
  - { name: n3, cpu: "4", memory: 4Gi }
objects:
  - apiVersion: v1
    kind: Pod
    metadata: { name: big, namespace: default }
    spec:
      containers: [{ name: app, image: nginx:1.27, resources: { requests: { memory: 8Gi } } }]
  - apiVersion: v1
    kind: Pod
    metadata: { name: picky, namespace: default }
    spec:
      nodeSelector: { disktype: ssd }
      containers: [{ name: app, image: nginx:1.27 }]
`);
    const scheduled = (name: string) => (loaded.store.get(loaded.type('Pod'), 'default', name) as unknown as Pod).status?.conditions?.find((condition) => condition.type === 'PodScheduled');
    expect(scheduled('big')).toMatchObject({
      status: 'False', reason: 'Unschedulable',
      message: '0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable. '
        + 'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    });
    expect(scheduled('picky')?.message).toBe('0/3 nodes are available: 1 node(s) didn\'t match Pod\'s node affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}, '
      + '1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
    const events = loaded.store.list(loaded.type('Event')).filter((event) => event['reason'] === 'FailedScheduling');
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ reportingComponent: 'default-scheduler', type: 'Warning' });
  });
});
