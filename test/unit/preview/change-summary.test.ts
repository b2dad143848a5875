import { describe, expect, it } from 'vitest';
import { formatChange, summarizeChanges, type KubeObject } from '../../../src/preview/change-summary.js';
import { parseKubectlArgs } from '../../../src/validate/kubectl-argv.js';

const deployment = (patch: { replicas?: number; ready?: number; revision?: string; images?: Record<string, string>; paused?: boolean } = {}): KubeObject => ({
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'prod', annotations: patch.revision ? { 'deployment.kubernetes.io/revision': patch.revision } : {} },
  spec: {
    replicas: patch.replicas ?? 3,
    paused: patch.paused ?? false,
    selector: { matchLabels: { app: 'api' } },
    template: { spec: { containers: Object.entries(patch.images ?? { api: 'registry.example.com/api:1.9.0' }).map(([name, image]) => ({ name, image })) } },
  },
  status: { readyReplicas: patch.ready ?? 3 },
});
const replicaSet = (revision: string, images: Record<string, string>): KubeObject => ({
  kind: 'ReplicaSet',
  metadata: { name: `api-${revision}`, annotations: { 'deployment.kubernetes.io/revision': revision } },
  spec: { template: { spec: { containers: Object.entries(images).map(([name, image]) => ({ name, image })) } } },
});
const summary = (args: string[], inputs: Omit<Parameters<typeof summarizeChanges>[0], 'parsed'> = {}) => summarizeChanges({ parsed: parseKubectlArgs(args), ...inputs });

describe('summarizeChanges', () => {
  it('scale: replicas from the live object to the argv, saying when pods stop', () => {
    expect(summary(['scale', 'deployment/api', '-n', 'prod', '--replicas=5'], { live: deployment({ replicas: 2 }) })).toEqual([{ object: 'deployment/api', field: 'replicas', from: '2', to: '5' }]);
    expect(summary(['scale', 'deployment/api', '-n', 'prod', '--replicas=0'], { live: deployment({ replicas: 3 }) })[0]).toMatchObject({ from: '3', to: '0', note: 'every pod stops' });
    expect(summary(['scale', 'deployment/api', '-n', 'prod', '--replicas=1'], { live: deployment({ replicas: 3 }) })[0]?.note).toBe('2 pod(s) stop');
    // Nothing read: the target is still said, without a made-up "from".
    expect(summary(['scale', 'deployment/api', '-n', 'prod', '--replicas=5'])).toEqual([{ object: 'deployment/api', field: 'replicas', to: '5' }]);
  });

  it('rollback: revision 3 → 2 with both images, from the history', () => {
    const changes = summary(['rollout', 'undo', 'deployment/api', '-n', 'prod'], {
      live: deployment({ revision: '3', images: { api: 'api:1.9.0', envoy: 'envoy:1.31' } }),
      related: [replicaSet('1', { api: 'api:1.7.0', envoy: 'envoy:1.31' }), replicaSet('2', { api: 'api:1.8.2', envoy: 'envoy:1.31' }), replicaSet('3', { api: 'api:1.9.0', envoy: 'envoy:1.31' })],
    });
    expect(changes).toEqual([
      { object: 'deployment/api', field: 'revision', from: '3', to: '2' },
      { object: 'deployment/api', field: 'image (api)', from: 'api:1.9.0', to: 'api:1.8.2' },
    ]);
    const toOne = summary(['rollout', 'undo', 'deployment/api', '-n', 'prod', '--to-revision=1'], { live: deployment({ revision: '3', images: { api: 'api:1.9.0' } }), related: [replicaSet('1', { api: 'api:1.7.0' }), replicaSet('3', { api: 'api:1.9.0' })] });
    expect(toOne.map(formatChange)).toEqual(['deployment/api  revision 3 → 1', 'deployment/api  image (api) api:1.9.0 → api:1.7.0']);
    expect(summary(['rollout', 'undo', 'deployment/api', '-n', 'prod'], { live: deployment({ revision: '1' }), related: [replicaSet('1', { api: 'a' })] })[0]?.note).toMatch(/no earlier revision/);
  });

  it('drain: cordon plus every eviction, and the PodDisruptionBudget that blocks one', () => {
    const node: KubeObject = { kind: 'Node', metadata: { name: 'node-1' }, spec: {} };
    const stdout = ['node/node-1 cordoned (server dry run)', 'evicting pod prod/api-5d8f7c9b6-2xkqp (server dry run)', 'evicting pod prod/web-6c9f8d7b5-h4kzl (server dry run)'].join('\n');
    const stderr = 'error when evicting pods/"api-5d8f7c9b6-2xkqp" -n "prod" (will retry after 5s): Cannot evict pod as it would violate the pod\'s disruption budget.';
    const pdb: KubeObject = { kind: 'PodDisruptionBudget', metadata: { name: 'api', namespace: 'prod' }, status: { disruptionsAllowed: 0 } };
    const changes = summary(['drain', 'node-1', '--ignore-daemonsets'], { live: node, related: [pdb], dryRunOutput: stdout, dryRunErrors: stderr });
    expect(changes).toEqual([
      { object: 'node/node-1', field: 'schedulable', from: 'yes', to: 'no (cordoned)' },
      { object: 'pod/api-5d8f7c9b6-2xkqp', field: 'evicted', to: 'no', note: "blocked by PodDisruptionBudget api (0 disruptions allowed): Cannot evict pod as it would violate the pod's disruption budget; the drain waits for it until its --timeout" },
      { object: 'pod/web-6c9f8d7b5-h4kzl', field: 'evicted', to: 'yes', note: 'in prod; its controller starts it on another node' },
    ]);
  });

  it.each([
    [['cordon', 'node-2'], { kind: 'Node', spec: {} }, { field: 'schedulable', from: 'yes', to: 'no (cordoned)' }],
    [['uncordon', 'node-2'], { kind: 'Node', spec: { unschedulable: true } }, { field: 'schedulable', from: 'no (cordoned)', to: 'yes' }],
    [['cordon', 'node-2'], { kind: 'Node', spec: { unschedulable: true } }, { note: 'already so: nothing changes' }],
    [['rollout', 'pause', 'deployment/api', '-n', 'prod'], deployment({ paused: false }), { field: 'rollout paused', from: 'no', to: 'yes' }],
    [['rollout', 'restart', 'deployment/api', '-n', 'prod'], deployment({ replicas: 3, ready: 2 }), { field: 'pods', from: '2/3 ready' }],
    [['delete', 'pod', 'web-1', '-n', 'dev'], { kind: 'Pod', metadata: { ownerReferences: [{ kind: 'ReplicaSet', name: 'web-6c9' }] } }, { field: 'exists', from: 'yes', to: 'deleted', note: 'ReplicaSet web-6c9 will create a replacement' }],
  ] as const)('%j', (args, live, expected) => {
    expect(summary([...args], { live: live as KubeObject })[0]).toMatchObject(expected);
  });

  it('says nothing it cannot know (a read-only command, an unknown one)', () => {
    expect(summary(['get', 'pods', '-n', 'prod'])).toEqual([]);
    expect(summary(['frobnicate'])).toEqual([]);
  });
});
