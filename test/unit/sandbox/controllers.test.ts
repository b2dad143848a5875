import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { ConfigError } from '../../../src/errors.js';
import { SandboxCluster } from '../../../src/sandbox/cluster.js';
import { isActivePod, isPodReady } from '../../../src/sandbox/controllers/pod-factory.js';
import { templateHash, templatesEqual } from '../../../src/sandbox/controllers/template-hash.js';
import { defaultScenarioPath, loadScenario, readScenario } from '../../../src/sandbox/scenario-loader.js';
import { waitFor } from '../../helpers/sandbox.js';

function loaded(): SandboxCluster {
  const cluster = new SandboxCluster({ timings: { podStartMs: 20, podTerminationMs: 20 } });
  loadScenario(cluster, defaultScenarioPath());
  return cluster;
}

describe('template identity', () => {
  it('ignores the hash label and a null creationTimestamp (what rollout undo sends)', () => {
    const template = { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'api:1' }] } };
    const fromReplicaSet = { metadata: { labels: { app: 'api', 'pod-template-hash': 'abc' }, creationTimestamp: null as unknown as string }, spec: template.spec };
    expect(templatesEqual(template, fromReplicaSet)).toBe(true);
    expect(templateHash(template)).toBe(templateHash(fromReplicaSet));
    expect(templateHash(template)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(templatesEqual(template, { ...template, spec: { containers: [{ name: 'api', image: 'api:2' }] } })).toBe(false);
  });
});

describe('the default scenario', () => {
  it('has the contract names, and the controllers leave it as it is', () => {
    const cluster = loaded();
    const pods = cluster.store.list(cluster.type('Pod')).map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`);
    for (const name of [
      'prod/api-5d8f7c9b6-2xkqp', 'prod/api-5d8f7c9b6-7hm4n', 'prod/api-5d8f7c9b6-q9wzt', 'prod/web-6c9f8d7b5-h4kzl', 'prod/web-6c9f8d7b5-t7wqm',
      'prod/worker-84c6f5d7b9-m5tqz', 'prod/worker-84c6f5d7b9-zr8vx', 'prod/payments-6b7c8d9f4-lk2jd', 'prod/db-0', 'prod/db-1',
      'staging/web-7f6d5c4b3-p8kdw', 'staging/ml-trainer-5c4b3a291-tq7pz', 'kube-system/node-exporter-8x2kd', 'kube-system/node-exporter-f5n7q', 'kube-system/node-exporter-w9c3m',
    ]) expect(pods).toContain(name);
    const version = cluster.store.resourceVersion;
    cluster.reconcileNow();
    cluster.reconcileNow();
    expect(cluster.store.resourceVersion).toBe(version);
    const staging = cluster.store.get(cluster.type('Deployment'), 'staging', 'web') as unknown as Deployment;
    expect(staging.status?.conditions?.find((condition) => condition.type === 'Progressing')?.reason).toBe('ProgressDeadlineExceeded');
    const worker = cluster.store.get(cluster.type('Deployment'), 'prod', 'worker') as unknown as Deployment;
    expect(worker.status?.conditions?.find((condition) => condition.type === 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    cluster.stop();
  });

  it('rolls a deployment within maxSurge and maxUnavailable', async () => {
    const cluster = loaded();
    const podType = cluster.type('Pod');
    let maxPods = 0;
    let minReady = Number.POSITIVE_INFINITY;
    cluster.store.subscribe(() => {
      const pods = cluster.store.peek(podType, { namespace: 'prod' }).filter((pod) => pod.metadata.labels?.['app'] === 'api') as unknown as Pod[];
      maxPods = Math.max(maxPods, pods.filter(isActivePod).length);
      minReady = Math.min(minReady, pods.filter((pod) => isActivePod(pod) && isPodReady(pod)).length);
    });
    const deploymentType = cluster.type('Deployment');
    const deployment = cluster.store.mustGet(deploymentType, 'prod', 'api');
    const template = (deployment['spec'] as { template: { metadata: { annotations?: Record<string, string> } } }).template;
    template.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': 'now' };
    cluster.store.update(deploymentType, deployment);
    await waitFor(() => {
      const current = cluster.store.get(deploymentType, 'prod', 'api') as unknown as Deployment;
      return current.status?.observedGeneration === current.metadata?.generation && current.status?.updatedReplicas === 3
        && current.status.availableReplicas === 3 && current.status.replicas === 3 && current.status.conditions?.some((condition) => condition.reason === 'NewReplicaSetAvailable');
    }, { what: 'the rollout to finish' });
    expect(maxPods).toBe(4);
    expect(minReady).toBe(3);
    cluster.stop();
  });
});

describe('readScenario', () => {
  const directory = mkdtempSync(join(tmpdir(), 'rk8s-scenario-test-'));
  it.each([
    ['not: [valid', /not valid YAML/],
    ['nodes: {}', /nodes: must be a list/],
    ['objects:\n  - kind: Widget\n    metadata: { name: w }', /objects\[0\]\.kind: unknown kind Widget/],
    ['objects:\n  - metadata: { name: w }', /objects\[0\]: needs kind and metadata.name/],
    ['faults:\n  - type: Meltdown', /faults\[0\]\.type/],
    ['events:\n  - reason: X', /events\[0\]: needs object \(Kind\/name\) and reason/],
  ])('reports %j clearly', (text, message) => {
    const path = join(directory, 'bad.yaml');
    writeFileSync(path, text);
    expect(() => readScenario(path)).toThrow(ConfigError);
    expect(() => readScenario(path)).toThrow(message);
  });

  it('names a missing file', () => {
    expect(() => readScenario(join(directory, 'missing.yaml'))).toThrow(/cannot read scenario file/);
  });
});
