import { describe, expect, it } from 'vitest';
import { ingressAnalyzer } from '../../../../src/diagnose/analyzers/ingresses.js';
import { SnapshotIndex } from '../../../../src/diagnose/snapshot-index.js';
import type { Snapshot } from '../../../../src/diagnose/snapshot-types.js';
import { endpointSlice, ingress, ingressClass, pod, service, snapshotOf } from '../fixtures.js';

const run = (parts: Partial<Snapshot>) => ingressAnalyzer.analyze(new SnapshotIndex(snapshotOf(parts)));
const rule = (serviceName: string, port: number | string = 80) => ({
  host: 'shop.example.com',
  http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: serviceName, port: typeof port === 'number' ? { number: port } : { name: port } } } }] },
});
const healthyWeb = { services: [service('web', { app: 'web' })], pods: [pod('web-1', { labels: { app: 'web' } })], endpointSlices: [endpointSlice('web', [{ pod: 'web-1', ready: true }])] };

describe('ingress analyzer', () => {
  it('finds nothing for a served ingress', () => {
    expect(run({ ...healthyWeb, ingresses: [ingress('web', { ingressClassName: 'nginx', rules: [rule('web')] })] })).toEqual([]);
  });

  it.each([
    [{ rules: [rule('web')] }, [ingressClass('nginx')], 'names no ingress class and the cluster has no default one'],
    [{ ingressClassName: 'traefik', rules: [rule('web')] }, [ingressClass('nginx')], 'names ingress class traefik, which does not exist'],
  ])('reports a missing or unknown class: %j', (spec, classes, text) => {
    const [finding] = run({ ...healthyWeb, ingresses: [ingress('web', spec)], ingressClasses: classes });
    expect(finding).toMatchObject({ reason: 'IngressClassMissing' });
    expect(finding!.summary).toContain(text);
  });

  it('accepts no class when a default IngressClass exists', () => {
    expect(run({ ...healthyWeb, ingresses: [ingress('web', { rules: [rule('web')] })], ingressClasses: [ingressClass('nginx', true)] })).toEqual([]);
  });

  it.each([
    [rule('shop'), 'service shop does not exist'],
    [rule('web', 8443), 'service web has no port 8443 (ports: http)'],
  ])('reports a backend that does not exist', (spec, text) => {
    const [finding] = run({ ...healthyWeb, ingresses: [ingress('web', { ingressClassName: 'nginx', rules: [spec] })] });
    expect(finding).toMatchObject({ reason: 'IngressBackendMissing', severity: 'critical' });
    expect(finding!.summary).toContain(text);
  });

  it('reports a backend Service without ready endpoints, naming the Service', () => {
    const [finding] = run({ services: [service('web', { app: 'web' })], pods: [pod('web-1', { labels: { app: 'web' }, ready: false })], endpointSlices: [endpointSlice('web', [{ pod: 'web-1', ready: false }])], ingresses: [ingress('web', { ingressClassName: 'nginx', rules: [rule('web')] })] });
    expect(finding).toMatchObject({ reason: 'IngressBackendUnavailable', affected: [{ kind: 'Service', name: 'web', namespace: 'prod' }] });
  });

  it('reports a missing TLS Secret when Secret names were read, and says nothing when they were not', () => {
    const tls = ingress('web', { ingressClassName: 'nginx', tls: [{ hosts: ['shop.example.com'], secretName: 'web-tls' }], rules: [rule('web')] });
    const [finding] = run({ ...healthyWeb, ingresses: [tls], secretNames: ['other'] });
    expect(finding).toMatchObject({ reason: 'TLSSecretMissing' });
    expect(finding!.summary).toContain('names TLS Secret web-tls, which does not exist');
    expect(run({ ...healthyWeb, ingresses: [tls], secretNames: ['web-tls'] })).toEqual([]);
    expect(run({ ...healthyWeb, ingresses: [tls] })).toEqual([]);
  });
});
