import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import { SandboxCluster } from '../../../../src/sandbox/cluster.js';
import { loadScenario } from '../../../../src/sandbox/scenario-loader.js';

const scenario = `nodes:
  - { name: node-1 }
  - { name: node-2, conditions: { Ready: 'False' } }
  - { name: node-3, unschedulable: true }
objects:
  - apiVersion: apps/v1
    kind: DaemonSet
    metadata: { name: agent, namespace: monitoring }
    spec:
      selector: { matchLabels: { app: agent } }
      template:
        metadata: { labels: { app: agent } }
        spec: { containers: [{ name: agent, image: registry.example.com/agent:1.0.0 }] }
    sandbox:
      pods:
        - { suffix: aaaaa, node: node-1, evicted: memory }
        - { suffix: bbbbb, node: node-2 }
        - { suffix: ccccc, node: node-3 }
`;

describe('the DaemonSet controller', () => {
  it('replaces a failed daemon pod, runs on a cordoned node, and keeps (as misscheduled) the pod on a NotReady node', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rk8s-ds-')), 'ds.yaml');
    writeFileSync(file, scenario);
    const cluster = new SandboxCluster({ timings: { podStartMs: 20, podTerminationMs: 20 } });
    loadScenario(cluster, file);
    const pods = cluster.store.list(cluster.type('Pod'), { namespace: 'monitoring' }) as unknown as Pod[];
    const byNode = (node: string) => pods.filter((pod) => pod.spec?.nodeName === node || JSON.stringify(pod.spec?.affinity ?? {}).includes(`"${node}"`)).map((pod) => pod.metadata?.name);
    expect(byNode('node-1')).toHaveLength(1);
    expect(byNode('node-1')).not.toContain('agent-aaaaa');
    expect(byNode('node-2')).toEqual(['agent-bbbbb']);
    expect(byNode('node-3')).toEqual(['agent-ccccc']);
    const set = cluster.store.get(cluster.type('DaemonSet'), 'monitoring', 'agent') as unknown as DaemonSet;
    expect(set.status).toMatchObject({ desiredNumberScheduled: 2, numberMisscheduled: 1 });
    const failedDaemonPod = cluster.store.list(cluster.type('Event'), { namespace: 'monitoring' }).find((event) => event['reason'] === 'FailedDaemonPod');
    expect(failedDaemonPod).toMatchObject({ type: 'Warning', message: 'Found failed daemon pod monitoring/agent-aaaaa on node node-1, will try to kill it', source: { component: 'daemonset-controller' } });
    cluster.stop();
  });
});
