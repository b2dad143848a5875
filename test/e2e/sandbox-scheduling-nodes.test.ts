/**
 * End-to-end: scheduling failures, node conditions and their consequences (taints, NotReady pods,
 * evictions), and PodDisruptionBudgets against a drain, read with the real kubectl.
 */
import { expect, it } from 'vitest';
import { scenarioFile, useSandbox } from '../helpers/sandbox.js';
import type { Condition, KubeEvent, List } from '../helpers/kube-objects.js';
import { describeWith } from '../helpers/prerequisites.js';

interface Pod {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: { phase: string; reason?: string; message?: string; conditions?: Condition[]; containerStatuses?: { ready: boolean; state: { terminated?: { exitCode: number } } }[] };
}
interface Node {
  metadata: { name: string };
  spec: { unschedulable?: boolean; taints?: { key: string; value?: string; effect: string; timeAdded?: string }[] };
  status: { conditions: Condition[] };
}

describeWith(['kubectl'], 'sandbox: unschedulable pods', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('unschedulable') });
  const pending = async (app: string) => (await harness().kubectlJson<List<Pod>>(['get', 'pods', '-n', 'batch', '-l', `app=${app}`, '--field-selector', 'status.phase=Pending'])).items[0] as Pod;

  it.each([
    ['etl', '0/5 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable, 3 Insufficient cpu. preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.'],
    ['trainer', "0/5 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling."],
    ['zonal-db', "0/5 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling."],
    ['spread-api', "0/5 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable, 3 node(s) didn't match pod anti-affinity rules. preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod."],
  ])('%s: PodScheduled=False Unschedulable with the scheduler\'s message, and a FailedScheduling series', async (app, message) => {
    const pod = await pending(app);
    expect(pod.spec.nodeName).toBeUndefined();
    expect(pod.status.conditions?.find((entry) => entry.type === 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable', message });
    const events = await harness().kubectlJson<List<KubeEvent>>(['get', 'events', '-n', 'batch', '--field-selector', `involvedObject.name=${pod.metadata.name},reason=FailedScheduling`]);
    const event = events.items[0];
    expect(event).toMatchObject({ type: 'Warning', message, reportingComponent: 'default-scheduler' });
    expect(event?.eventTime).toMatch(/\.\d{6}Z$/);
    expect(event?.count).toBeUndefined();
    expect(event?.series?.count).toBeGreaterThan(1);
  });
});

describeWith(['kubectl'], 'sandbox: nodes under pressure, NotReady, cordoned', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('node-pressure') });
  const node = async (name: string) => harness().kubectlJson<Node>(['get', 'node', name]);

  it('get nodes shows NotReady, Unknown as NotReady, and SchedulingDisabled', async () => {
    const table = await harness().kubectl(['get', 'nodes']);
    expect(table.stdout).toMatch(/node-1\s+Ready\s/);
    expect(table.stdout).toMatch(/node-3\s+NotReady\s/);
    expect(table.stdout).toMatch(/node-4\s+NotReady\s/);
    expect(table.stdout).toMatch(/node-6\s+Ready,SchedulingDisabled\s/);
  });

  it('conditions come with the kubelet\'s reasons and the node lifecycle controller\'s taints', async () => {
    const notReady = await node('node-3');
    expect(notReady.status.conditions.find((entry) => entry.type === 'Ready')).toMatchObject({ status: 'False', reason: 'KubeletNotReady' });
    expect(notReady.spec.taints?.map((taint) => `${taint.key}:${taint.effect}`)).toEqual(['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']);
    const unknown = await node('node-4');
    expect(unknown.status.conditions.map((entry) => `${entry.type}=${entry.status}:${entry.reason}`)).toEqual([
      'MemoryPressure=Unknown:NodeStatusUnknown', 'DiskPressure=Unknown:NodeStatusUnknown', 'PIDPressure=Unknown:NodeStatusUnknown', 'Ready=Unknown:NodeStatusUnknown',
    ]);
    expect(unknown.spec.taints?.map((taint) => `${taint.key}:${taint.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    const memory = await node('node-2');
    expect(memory.status.conditions.find((entry) => entry.type === 'MemoryPressure')).toMatchObject({ status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' });
    expect(memory.spec.taints?.map((taint) => `${taint.key}:${taint.effect}`)).toEqual(['node.kubernetes.io/memory-pressure:NoSchedule']);
    expect((await node('node-5')).spec.taints?.[0]?.key).toBe('node.kubernetes.io/disk-pressure');
    const cordoned = await node('node-6');
    expect(cordoned.spec.unschedulable).toBe(true);
    expect(cordoned.spec.taints?.map((taint) => taint.key)).toEqual(['node.kubernetes.io/unschedulable']);
  });

  it('pods on a NotReady node turn Ready=False; after five minutes they are marked for deletion and replaced', async () => {
    const pods = await harness().kubectlJson<List<Pod>>(['get', 'pods', '-n', 'apps', '-l', 'app=api']);
    const onNode3 = pods.items.find((pod) => pod.spec.nodeName === 'node-3');
    expect(onNode3?.status.conditions?.find((entry) => entry.type === 'Ready')?.status).toBe('False');
    expect(onNode3?.metadata.deletionTimestamp).toBeDefined();
    const onNode4 = pods.items.find((pod) => pod.spec.nodeName === 'node-4');
    expect(onNode4?.status.conditions?.find((entry) => entry.type === 'Ready')?.status).toBe('False');
    expect(onNode4?.metadata.deletionTimestamp).toBeUndefined();
    expect(pods.items.filter((pod) => !pod.metadata.deletionTimestamp && pod.status.conditions?.find((entry) => entry.type === 'Ready')?.status === 'True')).toHaveLength(2);
    const table = await harness().kubectl(['get', 'pods', '-n', 'apps', '-l', 'app=api']);
    expect(table.stdout).toContain('Terminating');
    const events = await harness().kubectlJson<List<KubeEvent>>(['get', 'events', '-n', 'apps', '--field-selector', `involvedObject.name=${onNode4?.metadata.name}`]);
    expect(events.items.find((event) => event.reason === 'NodeNotReady')).toMatchObject({ type: 'Warning', message: 'Node is not ready', source: { component: 'node-controller' } });
  });

  it('the eviction manager evicted a pod from the node under memory pressure: Failed, Evicted, the kubelet\'s message', async () => {
    const pods = await harness().kubectlJson<List<Pod>>(['get', 'pods', '-n', 'apps', '--field-selector', 'status.phase=Failed']);
    const evicted = pods.items.find((pod) => pod.spec.nodeName === 'node-2');
    expect(evicted?.status.reason).toBe('Evicted');
    expect(evicted?.status.message).toMatch(/^The node was low on resource: memory\. Threshold quantity: 100Mi, available: \d+Ki\. Container reporting was using \d+Ki, request is 128Mi, has larger consumption of memory\. $/);
    expect(evicted?.status.conditions?.[0]).toMatchObject({ type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet' });
    expect(evicted?.status.containerStatuses?.[0]?.state.terminated?.exitCode).toBe(137);
    // kubectl's STATUS shows the killed container's termination over the pod's reason, as on 1.32 clusters.
    const table = await harness().kubectl(['get', 'pods', '-n', 'apps']);
    expect(table.stdout).toMatch(new RegExp(`${evicted?.metadata.name}\\s+0/1\\s+Error\\s+0`));
    const byHint = await harness().kubectlJson<Pod>(['get', 'pod', 'batch-export', '-n', 'apps']);
    expect(byHint.status).toMatchObject({ phase: 'Failed', reason: 'Evicted' });
    expect(byHint.status.message).toMatch(/^The node was low on resource: ephemeral-storage\./);
    const nodeEvents = await harness().kubectlJson<List<KubeEvent>>(['get', 'events', '-n', 'default', '--field-selector', 'involvedObject.name=node-2']);
    expect(nodeEvents.items.map((event) => `${event.reason}: ${event.message}`)).toEqual(expect.arrayContaining(['NodeHasInsufficientMemory: Node node-2 status is now: NodeHasInsufficientMemory', 'EvictionThresholdMet: Attempting to reclaim memory']));
  });

  it('the DaemonSet counts the NotReady nodes\' pods as misscheduled (their not-ready/unreachable NoSchedule taints are not tolerated)', async () => {
    const set = await harness().kubectlJson<{ status: Record<string, number> }>(['get', 'daemonset', 'node-agent', '-n', 'monitoring']);
    expect(set.status).toMatchObject({ desiredNumberScheduled: 4, currentNumberScheduled: 4, numberMisscheduled: 2, numberReady: 4 });
    expect(set.status['numberUnavailable']).toBeUndefined();
  });

  it('the pod the scenario says was evicted by DiskPressure is the only eviction on that node', async () => {
    const pods = await harness().kubectlJson<List<{ metadata: { name: string }; spec: { nodeName: string }; status: { phase: string; reason?: string } }>>(['get', 'pods', '-A', '--field-selector', 'spec.nodeName=node-5']);
    const failed = pods.items.filter((pod) => pod.status.phase === 'Failed').map((pod) => `${pod.metadata.name} ${pod.status.reason ?? ''}`);
    expect(failed).toEqual(['batch-export Evicted']);
  });
});

describeWith(['kubectl'], 'sandbox: PodDisruptionBudgets', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('disruption-budgets') });

  it('status is kept from the pods: no disruptions allowed, one allowed, and an unhealthy set', async () => {
    const budgets = await harness().kubectlJson<List<{ metadata: { name: string }; status: Record<string, unknown> }>>(['get', 'pdb', '-n', 'core']);
    const byName = Object.fromEntries(budgets.items.map((budget) => [budget.metadata.name, budget.status]));
    expect(byName['etcd']).toMatchObject({ currentHealthy: 3, desiredHealthy: 3, disruptionsAllowed: 0, expectedPods: 3 });
    expect(byName['api']).toMatchObject({ currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3 });
    expect(byName['queue']).toMatchObject({ currentHealthy: 2, desiredHealthy: 3, disruptionsAllowed: 0, expectedPods: 3 });
    const table = await harness().kubectl(['get', 'pdb', '-n', 'core']);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE$/);
    expect(table.stdout).toMatch(/etcd\s+3\s+N\/A\s+0\s+200d/);
  });

  it('kubectl drain is refused for the pod the budget protects', async () => {
    const drain = await harness().kubectl(['drain', 'node-1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=3s'], { timeoutMs: 30_000 });
    expect(drain.exitCode).not.toBe(0);
    expect(drain.stderr).toContain('Cannot evict pod as it would violate the pod\'s disruption budget.');
    expect(drain.stderr).toMatch(/error when evicting pods\/"etcd-0" -n "core"/);
    const pdb = await harness().kubectlJson<{ status: { disruptionsAllowed: number } }>(['get', 'pdb', 'etcd', '-n', 'core']);
    expect(pdb.status.disruptionsAllowed).toBe(0);
  });
});
