import { describe, expect, it } from 'vitest';
import { serviceAnalyzer } from '../../../../src/diagnose/analyzers/services.js';
import { SnapshotIndex } from '../../../../src/diagnose/snapshot-index.js';
import type { Snapshot } from '../../../../src/diagnose/snapshot-types.js';
import { container, endpointSlice, pod, running, service, snapshotOf } from '../fixtures.js';

const run = (parts: Partial<Snapshot>) => serviceAnalyzer.analyze(new SnapshotIndex(snapshotOf(parts)));
const web = (name: string, ready = true) =>
  pod(name, { labels: { app: 'web' }, containers: [container('web', { ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] })], statuses: [running('web', { ready })], ready });

describe('service analyzer', () => {
  it('finds nothing when the selected pods are ready endpoints', () => {
    expect(run({ services: [service('web', { app: 'web' })], pods: [web('web-1')], endpointSlices: [endpointSlice('web', [{ pod: 'web-1', ready: true }])] })).toEqual([]);
  });

  it('reports a selector that matches no pods, with the labels the pods do have', () => {
    const [finding] = run({ services: [service('web', { app: 'wbe' })], pods: [web('web-1')] });
    expect(finding).toMatchObject({ reason: 'NoMatchingPods', severity: 'warning', object: { kind: 'Service', name: 'web' } });
    expect(finding!.summary).toBe('Service web: its selector app=wbe matches no pods, so it has no endpoints.');
    expect(finding!.check).toContain('pods here have app=web');
  });

  it('reports selected pods without a ready endpoint, from the EndpointSlices', () => {
    const [finding] = run({ services: [service('web', { app: 'web' })], pods: [web('web-1', false), web('web-2', false)], endpointSlices: [endpointSlice('web', [{ pod: 'web-1', ready: false }, { pod: 'web-2', ready: false }])] });
    expect(finding).toMatchObject({ reason: 'NoReadyEndpoints', severity: 'critical', blastRadius: 2 });
    expect(finding!.affected.map((reference) => reference.name)).toEqual(['web-1', 'web-2']);
    expect(finding!.evidence.map((evidence) => evidence.text)).toContain('EndpointSlices list 2 endpoint(s), none ready');
  });

  it('falls back to pod readiness when EndpointSlices were not read', () => {
    const [finding] = run({ services: [service('web', { app: 'web' })], pods: [web('web-1', false)], endpointSlices: undefined });
    expect(finding!.evidence.map((evidence) => evidence.text)).toContain('none of the 1 selected pods is ready (EndpointSlices not read)');
  });

  it.each([
    [[{ name: 'http', port: 80, targetPort: 'metrics' }], 'targets the named port "metrics", which no selected container declares (declared: http)'],
    [[{ name: 'http', port: 80, targetPort: 9090 }], 'targets 9090, which no selected container declares (declared: 8080)'],
  ])('reports a targetPort no container exposes: %j', (ports, text) => {
    const findings = run({ services: [service('web', { app: 'web' }, ports)], pods: [web('web-1')], endpointSlices: [endpointSlice('web', [{ pod: 'web-1', ready: true }])] });
    expect(findings.map((finding) => finding.reason)).toEqual(['TargetPortNotExposed']);
    expect(findings[0]!.summary).toContain(text);
  });

  it('ignores Services without a selector (hand-managed endpoints)', () => {
    expect(run({ services: [service('external', undefined)] })).toEqual([]);
  });
});
