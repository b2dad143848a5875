/**
 * End-to-end: Events through both APIs (core/v1 and events.k8s.io/v1), kept consistent, aggregated
 * the way the recorders do, and read with kubectl get events, kubectl events and describe.
 */
import { expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import { useSandbox, waitFor } from '../helpers/sandbox.js';

interface CoreEvent {
  metadata: { name: string; namespace: string };
  type: string;
  reason: string;
  message: string;
  count?: number;
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  eventTime: string | null;
  series?: { count: number; lastObservedTime: string };
  source: { component?: string; host?: string };
  reportingComponent: string;
  reportingInstance: string;
  involvedObject: { kind: string; name: string; uid: string; fieldPath?: string };
}
interface SeriesEvent {
  metadata: { name: string };
  type: string;
  reason: string;
  note: string;
  eventTime: string | null;
  series?: { count: number; lastObservedTime: string };
  reportingController: string;
  reportingInstance: string;
  regarding: { kind: string; name: string; uid: string };
  deprecatedCount?: number;
  deprecatedFirstTimestamp: string | null;
  deprecatedLastTimestamp: string | null;
  deprecatedSource: { component?: string; host?: string };
}
interface List<T> {
  items: T[];
}

describeWith(['kubectl'], 'sandbox: events, as the scenario left them', () => {
  const harness = useSandbox();

  it('kubelet events: count, first/lastTimestamp, source; the scheduler\'s: eventTime and a series', async () => {
    const events = await harness().kubectlJson<List<CoreEvent>>(['get', 'events', '-n', 'prod', '--field-selector', 'involvedObject.name=payments-6b7c8d9f4-lk2jd,reason=BackOff']);
    const backOff = events.items[0];
    expect(backOff).toMatchObject({ type: 'Warning', count: 142, source: { component: 'kubelet', host: 'node-2' }, reportingComponent: 'kubelet', reportingInstance: 'node-2', eventTime: null });
    expect(Date.parse(backOff?.lastTimestamp ?? '') - Date.parse(backOff?.firstTimestamp ?? '')).toBeGreaterThan(11 * 3_600_000);
    expect(backOff?.metadata.name).toMatch(/^payments-6b7c8d9f4-lk2jd\.[0-9a-f]+$/);
    const scheduling = (await harness().kubectlJson<List<CoreEvent>>(['get', 'events', '-n', 'staging', '--field-selector', 'reason=FailedScheduling'])).items[0];
    expect(scheduling).toMatchObject({ type: 'Warning', source: {}, reportingComponent: 'default-scheduler', firstTimestamp: null, lastTimestamp: null, series: { count: 37 } });
    expect(scheduling?.count).toBeUndefined();
    expect(scheduling?.message).toBe('0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
  });

  it('events.k8s.io/v1 serves the same events: regarding, note, reportingController, deprecated* fields', async () => {
    const core = await harness().kubectlJson<List<CoreEvent>>(['get', 'events', '-n', 'prod']);
    const v1 = await harness().kubectlJson<List<SeriesEvent>>(['get', 'events.v1.events.k8s.io', '-n', 'prod']);
    expect(v1.items.map((event) => event.metadata.name)).toEqual(core.items.map((event) => event.metadata.name));
    const coreBackOff = core.items.find((event) => event.reason === 'BackOff' && event.involvedObject.name.startsWith('payments-')) as CoreEvent;
    const v1BackOff = v1.items.find((event) => event.metadata.name === coreBackOff.metadata.name) as SeriesEvent;
    expect(v1BackOff).toMatchObject({
      reason: 'BackOff', note: coreBackOff.message, type: 'Warning', reportingController: 'kubelet', reportingInstance: 'node-2',
      regarding: { kind: 'Pod', name: coreBackOff.involvedObject.name, uid: coreBackOff.involvedObject.uid },
      deprecatedCount: 142, deprecatedFirstTimestamp: coreBackOff.firstTimestamp, deprecatedLastTimestamp: coreBackOff.lastTimestamp, deprecatedSource: { component: 'kubelet', host: 'node-2' },
    });
    const scheduling = (await harness().kubectlJson<List<SeriesEvent>>(['get', 'events.v1.events.k8s.io', '-n', 'staging', '--field-selector', 'reason=FailedScheduling,regarding.kind=Pod'])).items[0];
    expect(scheduling).toMatchObject({ reportingController: 'default-scheduler', reportingInstance: 'default-scheduler-control-plane', series: { count: 37 }, deprecatedFirstTimestamp: null });
    expect(scheduling?.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('kubectl events --for and --types=Warning; describe prints the aggregation', async () => {
    const forPod = await harness().kubectl(['events', '-n', 'staging', '--for', 'pod/ml-trainer-5c4b3a291-tq7pz']);
    expect(forPod.exitCode).toBe(0);
    expect(forPod.stdout).toMatch(/LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    expect(forPod.stdout).toMatch(/\(x37 over 3h\)\s+Warning\s+FailedScheduling\s+Pod\/ml-trainer-5c4b3a291-tq7pz\s+0\/3 nodes are available: 3 Insufficient cpu\./);
    const warnings = await harness().kubectl(['events', '-n', 'prod', '--types=Warning']);
    expect(warnings.exitCode).toBe(0);
    expect(warnings.stdout).toContain('Back-off restarting failed container payments');
    expect(warnings.stdout).not.toMatch(/\sNormal\s/);
    const describe = await harness().kubectl(['describe', 'pod', 'ml-trainer-5c4b3a291-tq7pz', '-n', 'staging']);
    expect(describe.stdout).toMatch(/Warning\s+FailedScheduling\s+\S+ \(x37 over 3h\)\s+default-scheduler\s+0\/3 nodes are available/);
    const table = await harness().kubectl(['get', 'events', '-n', 'prod', '--field-selector', 'involvedObject.name=payments-6b7c8d9f4-lk2jd,reason=BackOff', '-o', 'wide']);
    expect(table.stdout.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+SUBOBJECT\s+SOURCE\s+MESSAGE\s+FIRST SEEN\s+COUNT\s+NAME$/);
    expect(table.stdout).toMatch(/Warning\s+BackOff\s+pod\/payments-6b7c8d9f4-lk2jd\s+spec\.containers\{payments\}\s+kubelet, node-2\s+Back-off restarting.*\s+12h\s+142\s+payments-6b7c8d9f4-lk2jd\./);
  });

});

describeWith(['kubectl'], 'sandbox: events as things happen', () => {
  const harness = useSandbox({ timings: { restartBackOffMs: 300 } });

  it('a new healthy pod: the scheduler\'s and kubelet\'s lifecycle events, once each; the Deployment\'s scaling event', async () => {
    expect((await harness().kubectl(['create', 'deployment', 'flaky', '-n', 'dev', '--image=registry.example.com/flaky:0.1.0'])).exitCode).toBe(0);
    const pod = await waitFor(async () => {
      const pods = await harness().kubectlJson<List<{ metadata: { name: string }; status: { phase: string } }>>(['get', 'pods', '-n', 'dev', '-l', 'app=flaky']);
      return pods.items.find((entry) => entry.status.phase === 'Running');
    }, { what: 'flaky to run' });
    const events = await harness().kubectlJson<List<CoreEvent>>(['get', 'events', '-n', 'dev', '--field-selector', `involvedObject.name=${pod.metadata.name}`]);
    const reasons = events.items.map((event) => event.reason).sort();
    expect(reasons).toEqual(['Created', 'Pulled', 'Scheduled', 'Started']);
    expect(events.items.every((event) => (event.count ?? event.series?.count ?? 1) === 1)).toBe(true);
    const rsEvents = await harness().kubectlJson<List<CoreEvent>>(['get', 'events', '-n', 'dev', '--field-selector', 'involvedObject.kind=Deployment,involvedObject.name=flaky']);
    expect(rsEvents.items.map((event) => `${event.reason}: ${event.message}`)).toEqual([expect.stringMatching(/^ScalingReplicaSet: Scaled up replica set flaky-[a-z0-9]+ from 0 to 1$/)]);
  });

  it('a crash loop that starts now: one BackOff event whose count grows', async () => {
    // payments' fault matches any pod named payments-…: a new ReplicaSet for it crashes too.
    expect((await harness().kubectl(['rollout', 'restart', 'deployment/payments', '-n', 'prod'])).exitCode).toBe(0);
    const grown = await waitFor(async () => {
      const pods = await harness().kubectlJson<List<{ metadata: { name: string; creationTimestamp: string } }>>(['get', 'pods', '-n', 'prod', '-l', 'app=payments']);
      const fresh = pods.items.find((entry) => entry.metadata.name !== 'payments-6b7c8d9f4-lk2jd');
      if (!fresh) return undefined;
      const events = await harness().kubectlJson<List<CoreEvent>>(['get', 'events', '-n', 'prod', '--field-selector', `involvedObject.name=${fresh.metadata.name},reason=BackOff`]);
      return events.items.length === 1 && (events.items[0]?.count ?? 0) >= 2 ? events.items : undefined;
    }, { what: 'the new pod\'s BackOff event to be repeated', timeoutMs: 20_000 });
    expect(grown).toHaveLength(1);
    expect(Date.parse(grown[0]?.lastTimestamp ?? '')).toBeGreaterThanOrEqual(Date.parse(grown[0]?.firstTimestamp ?? ''));
  });
});
