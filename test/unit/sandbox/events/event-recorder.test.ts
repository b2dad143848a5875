import { describe, expect, it } from 'vitest';
import { EventRecorder, spamLimitedCount } from '../../../../src/sandbox/events/event-recorder.js';
import { resourceTypeForKind } from '../../../../src/sandbox/resources.js';
import { ObjectStore } from '../../../../src/sandbox/store.js';
import type { KubeObject } from '../../../../src/sandbox/types.js';

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'prod', uid: 'uid-1' } };
const eventType = resourceTypeForKind('Event');
if (!eventType) throw new Error('no Event type');

function setup() {
  let now = Date.UTC(2026, 0, 1);
  const store = new ObjectStore();
  const recorder = new EventRecorder(store, () => now);
  return { store, recorder, advance: (milliseconds: number) => { now += milliseconds; } };
}

describe('the legacy (core/v1) recorder', () => {
  it('the same object, reason and message bump count and lastTimestamp; a new message is a new event', () => {
    const { store, recorder, advance } = setup();
    recorder.legacy(pod, 'Warning', 'BackOff', 'Back-off restarting failed container', 'kubelet', { host: 'node-1' });
    advance(20_000);
    recorder.legacy(pod, 'Warning', 'BackOff', 'Back-off restarting failed container', 'kubelet', { host: 'node-1' });
    recorder.legacy(pod, 'Normal', 'Pulled', 'already present', 'kubelet', { host: 'node-1' });
    const events = store.list(eventType);
    expect(events).toHaveLength(2);
    const backOff = events.find((event) => event['reason'] === 'BackOff');
    expect(backOff).toMatchObject({ count: 2, firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:20Z', source: { component: 'kubelet', host: 'node-1' }, eventTime: null });
    expect(backOff?.metadata.name).toMatch(/^web-1\.[0-9a-f]+$/);
  });

  it('ten different messages for one reason within ten minutes become "(combined from similar events)"', () => {
    const { store, recorder, advance } = setup();
    for (let index = 0; index < 14; index += 1) {
      recorder.legacy(pod, 'Warning', 'FailedCreate', `Error creating: pods "web-${index}" is forbidden`, 'replicaset-controller');
      advance(1_000);
    }
    const events = store.list(eventType);
    expect(events).toHaveLength(10);
    const combined = events.find((event) => String(event['message']).startsWith('(combined from similar events): '));
    expect(combined?.['message']).toBe('(combined from similar events): Error creating: pods "web-13" is forbidden');
    expect(combined?.['count']).toBe(5);
  });

  it('the spam filter lets 25 through, then one per five minutes', () => {
    const { store, recorder, advance } = setup();
    for (let index = 0; index < 60; index += 1) {
      recorder.legacy(pod, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', 'kubelet');
      advance(10_000);
    }
    expect(store.list(eventType)[0]?.['count']).toBe(25 + 1);
    expect(spamLimitedCount(10, 90_000)).toBe(10);
    expect(spamLimitedCount(1000, 10_000 * 999)).toBe(25 + Math.floor((10_000 * 999 - 10_000 * 25) / 300_000));
  });
});

describe('the events.k8s.io recorder (kube-scheduler)', () => {
  it('writes eventTime and no count; a repeat grows the series and keeps the first note', () => {
    const { store, recorder, advance } = setup();
    recorder.series(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.', 'default-scheduler', { action: 'Scheduling', reportingInstance: 'default-scheduler-control-plane' });
    expect(store.list(eventType)[0]).toMatchObject({ eventTime: '2026-01-01T00:00:00.000000Z', firstTimestamp: null, lastTimestamp: null, source: {}, action: 'Scheduling', reportingComponent: 'default-scheduler' });
    expect(store.list(eventType)[0]?.['series']).toBeUndefined();
    advance(300_000);
    recorder.series(pod, 'Warning', 'FailedScheduling', 'a different note', 'default-scheduler', { action: 'Scheduling', reportingInstance: 'default-scheduler-control-plane' });
    advance(300_000);
    recorder.series(pod, 'Warning', 'FailedScheduling', 'a different note', 'default-scheduler', { action: 'Scheduling', reportingInstance: 'default-scheduler-control-plane' });
    const [event] = store.list(eventType);
    expect(event).toMatchObject({ message: '0/3 nodes are available: 3 Insufficient cpu.', series: { count: 3, lastObservedTime: '2026-01-01T00:10:00.000000Z' } });
    expect(event?.['count']).toBeUndefined();
  });
});
