import { describe, expect, it } from 'vitest';
import { createClusterReader } from '../../../src/cluster/cluster-reader.js';
import { KubectlError, PolicyDeniedError } from '../../../src/errors.js';
import type { InvestigationStepStatus } from '../../../src/diagnose/events.js';
import { logCandidates, parseTopPods, readDetails, readNamespace, rejectedType } from '../../../src/diagnose/snapshot.js';
import { SnapshotIndex } from '../../../src/diagnose/snapshot-index.js';
import { composite } from './composite-snapshot.js';
import { fakeCluster, type FakeClusterOptions } from './fake-cluster.js';
import { NOW, crashLooping, pod, snapshotOf } from './fixtures.js';
import { createRealCore } from './real-core.js';

async function read(options: FakeClusterOptions = {}, snapshot = composite()) {
  const { core, kubectl } = await createRealCore(fakeCluster(snapshot, options));
  const reader = createClusterReader(core, { maxReads: 16 });
  const steps: Array<[string, InvestigationStepStatus, string | undefined]> = [];
  const report = (check: string, status: InvestigationStepStatus, detail?: string) => void steps.push([check, status, detail]);
  const result = await readNamespace(reader, core.validator, 'prod', report, () => new Date(NOW));
  return { core, kubectl, reader, result, steps, report };
}

describe('reading a snapshot', () => {
  it('reads a namespace in four batched, validated reads and splits the items by kind', async () => {
    const { reader, result, steps } = await read();
    expect(reader.reads.map((entry) => entry.command).sort()).toEqual([
      'kubectl get configmaps -n prod -o name',
      'kubectl get events -n prod -o json',
      'kubectl get nodes,storageclasses,ingressclasses,persistentvolumes,namespaces -o json',
      'kubectl get pods,deployments,replicasets,statefulsets,daemonsets,jobs,cronjobs,services,endpointslices,ingresses,persistentvolumeclaims,horizontalpodautoscalers,poddisruptionbudgets,resourcequotas,controllerrevisions -n prod -o json',
    ]);
    const expected = composite();
    expect(result.snapshot.pods).toHaveLength(expected.pods!.length);
    expect(result.snapshot.deployments?.map((deployment) => deployment.metadata?.name)).toEqual(expected.deployments!.map((deployment) => deployment.metadata?.name));
    expect(result.snapshot.nodes).toHaveLength(4);
    expect(result.namespaces).toContain('prod');
    // Secret names are not readable under the shipped policy: a note, never a Secret read.
    expect(result.snapshot.secretNames).toBeUndefined();
    expect(result.notes.some((note) => note.startsWith('Secret names not read: the policy does not allow "get secrets" in prod'))).toBe(true);
    expect(steps.filter(([, status]) => status === 'done').map(([check]) => check).sort()).toEqual(['cluster', 'config names', 'events', 'namespace objects']);
  });

  it('drops a type the server does not serve, notes it and retries the batch', async () => {
    const { reader, result } = await read({ unknownTypes: ['resourcequotas'] });
    expect(result.snapshot.resourceQuotas).toBeUndefined();
    expect(result.snapshot.pods?.length).toBeGreaterThan(0);
    expect(result.notes).toContain('resourcequotas not read: the server doesn\'t have a resource type "resourcequotas"');
    expect(reader.reads.filter((entry) => entry.command.includes('pods,deployments'))).toHaveLength(2);
  });

  it('fails when the namespace objects cannot be read (cluster unreachable), and says which check failed', async () => {
    const { core } = await createRealCore(fakeCluster(composite(), { unreachable: true }));
    const reader = createClusterReader(core, { maxReads: 16 });
    const steps: string[] = [];
    const error = await readNamespace(reader, core.validator, 'prod', (check, status) => void steps.push(`${check}:${status}`), () => new Date(NOW)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KubectlError);
    expect(steps).toContain('namespace objects:failed');
  });

  it('refuses a namespace the policy does not know, before running anything', async () => {
    const { core, kubectl } = await createRealCore(fakeCluster(composite()));
    const reader = createClusterReader(core, { maxReads: 16 });
    const error = await readNamespace(reader, core.validator, 'payroll', () => undefined, () => new Date(NOW)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PolicyDeniedError);
    expect(kubectl.calls.filter((call) => call.args.includes('payroll'))).toHaveLength(0);
  });

  it('reads usage only when something was OOM-killed, and at most a few previous logs, one per workload first', async () => {
    const logs = { 'payments-p1-a/payments': 'starting\nERROR config: required key "PAYMENTS_DB_URL" is not set\n', 'worker-w1-a/worker': 'heap usage high\n' };
    const { reader, result, report } = await read({ logs, noMetrics: true });
    const index = new SnapshotIndex(result.snapshot);
    const notes: string[] = [];
    await readDetails(reader, index, index.pods, report, notes, 3);
    const logReads = reader.reads.filter((entry) => entry.args[0] === 'logs');
    expect(logReads).toHaveLength(3);
    expect(logReads.every((entry) => entry.args.includes('--tail=40'))).toBe(true);
    expect(result.snapshot.logs?.find((log) => log.pod === 'payments-p1-a')?.lines).toEqual([{ text: 'starting', error: false }, { text: 'ERROR config: required key "PAYMENTS_DB_URL" is not set', error: true }]);
    expect(result.snapshot.logs?.some((log) => log.error?.includes('not found'))).toBe(true);
    expect(notes.some((note) => note.startsWith('usage not read (metrics may not be installed): Metrics API not available'))).toBe(true);
    expect(reader.reads.some((entry) => entry.command === 'kubectl top pods -n prod --containers')).toBe(true);
  });

  it('chooses log candidates: crash loops (previous) before failures (current), one per workload first, bounded', () => {
    const index = new SnapshotIndex(snapshotOf({
      pods: [
        pod('a-1', { owner: 'ReplicaSet/a-x', statuses: [crashLooping('app', 1, 'Error', 5)], ready: false }),
        pod('a-2', { owner: 'ReplicaSet/a-x', statuses: [crashLooping('app', 1, 'Error', 50)], ready: false }),
        pod('b-1', { owner: 'ReplicaSet/b-x', statuses: [crashLooping('app', 1, 'Error', 1)], ready: false }),
        pod('c-1', { phase: 'Failed', restartPolicy: 'Never', statuses: [{ name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 2 } } }] }),
      ],
    }));
    expect(logCandidates(index, index.pods, 3).map((candidate) => `${candidate.pod}:${candidate.previous}`)).toEqual(['a-2:true', 'b-1:true', 'c-1:false']);
    expect(logCandidates(index, index.pods, 1)).toHaveLength(1);
  });

  it('parses kubectl top and the rejected type of a failed batch', () => {
    expect(parseTopPods('POD   NAME   CPU(cores)   MEMORY(bytes)\napi-1   api   191m   223Mi\n')).toEqual([{ pod: 'api-1', container: 'api', cpuMillicores: 191, memoryBytes: 223 * 2 ** 20 }]);
    expect(parseTopPods('NAME CPU(cores)\napi-1 1m')).toEqual([]);
    expect(rejectedType('error: the server doesn\'t have a resource type "resourcequotas"')).toBe('resourcequotas');
    expect(rejectedType('Error from server (Forbidden): resourcequotas is forbidden: User "x" cannot list resource "resourcequotas" in API group "" in the namespace "prod"')).toBe('resourcequotas');
  });
});
