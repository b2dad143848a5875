import { describe, expect, it } from 'vitest';
import { timelineAt, type TimelineInput } from '../../../../src/sandbox/kubelet/container-timeline.js';

const crash = (overrides: Partial<TimelineInput> = {}): TimelineInput => ({
  firstStart: 0, runMs: 2_000, termination: { exitCode: 1, reason: 'Error' }, restartPolicy: 'Always',
  backOffMs: 10_000, maxBackOffMs: 300_000, immediateRestartMs: 1_000, ...overrides,
});

describe('timelineAt (the kubelet restart back-off)', () => {
  it('runs, dies, restarts at once, then backs off 10 s, 20 s, 40 s ... up to 5 min', () => {
    expect(timelineAt(crash(), 1_000)).toMatchObject({ restartCount: 0, runningSince: 0, nextChangeAt: 2_000 });
    // First death: immediate restart (the back-off entry does not exist yet).
    expect(timelineAt(crash(), 2_500)).toMatchObject({ restartCount: 0, backOff: { durationMs: 1_000, restartAt: 3_000 } });
    expect(timelineAt(crash(), 3_500)).toMatchObject({ restartCount: 1, runningSince: 3_000 });
    // Second death at 5 s: back-off 10 s.
    const second = timelineAt(crash(), 6_000);
    expect(second).toMatchObject({ restartCount: 1, backOff: { durationMs: 10_000, restartAt: 15_000 } });
    expect(second.latestFinished).toEqual({ exitCode: 1, reason: 'Error', startedAt: 3_000, finishedAt: 5_000 });
    expect(timelineAt(crash(), 16_000)).toMatchObject({ restartCount: 2, runningSince: 15_000 });
    expect(timelineAt(crash(), 18_000).backOff?.durationMs).toBe(20_000);
    expect(timelineAt(crash(), 18_000).previousFinished?.finishedAt).toBe(5_000);
  });

  it('reaches the 5 minute cap and stays there (12 hours of crashes: about 144 restarts)', () => {
    const state = timelineAt(crash(), 12 * 3_600_000);
    expect(state.backOff?.durationMs ?? 300_000).toBe(300_000);
    expect(state.restartCount).toBeGreaterThan(135);
    expect(state.restartCount).toBeLessThan(150);
  });

  it('a container that lived longer than twice the cap restarts at once (the back-off expired)', () => {
    const slow = crash({ runMs: 30 * 60_000, termination: { exitCode: 137, reason: 'OOMKilled' } });
    const state = timelineAt(slow, 3 * 30 * 60_000 + 60_000);
    expect(state.runningSince).toBeDefined();
    expect(state.restartCount).toBe(3);
    expect(state.previousFinished?.reason).toBe('OOMKilled');
  });

  it('reads an anchor as kubectl prints it: "142 (2m ago)" is the 142nd instance waiting out its back-off', () => {
    const now = 10_000_000;
    const state = timelineAt(crash({ anchor: { restarts: 142, lastFinishedAt: now - 120_000 } }), now);
    expect(state).toMatchObject({ restartCount: 142, backOff: { durationMs: 300_000, restartAt: now + 180_000 } });
    expect(state.latestFinished?.finishedAt).toBe(now - 120_000);
  });

  it('and "14 (12m ago)" of a 30-minute leak as instance 14 running since the last kill', () => {
    const now = 10_000_000;
    const state = timelineAt(crash({ runMs: 30 * 60_000, anchor: { restarts: 14, lastFinishedAt: now - 12 * 60_000 } }), now);
    expect(state.restartCount).toBe(14);
    expect(state.runningSince).toBe(now - 12 * 60_000 + 1_000);
    expect(state.previousFinished?.finishedAt).toBe(now - 12 * 60_000);
  });

  it('restartPolicy Never ends for good; OnFailure ends for good after exit 0', () => {
    expect(timelineAt(crash({ restartPolicy: 'Never' }), 60_000)).toMatchObject({ restartCount: 0, terminal: true, latestFinished: { exitCode: 1 } });
    expect(timelineAt(crash({ restartPolicy: 'OnFailure', termination: { exitCode: 0, reason: 'Completed' } }), 60_000)).toMatchObject({ terminal: true, latestFinished: { reason: 'Completed' } });
    expect(timelineAt(crash({ restartPolicy: 'OnFailure' }), 60_000).terminal).toBe(false);
  });

  it('a healthy container just runs', () => {
    expect(timelineAt(crash({ runMs: Number.POSITIVE_INFINITY }), 1e12)).toEqual({ restartCount: 0, runningSince: 0, terminal: false });
  });
});
