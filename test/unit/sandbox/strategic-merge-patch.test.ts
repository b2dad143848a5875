import { describe, expect, it } from 'vitest';
import { applyStrategicMergePatch } from '../../../src/sandbox/strategic-merge-patch.js';
import type { JsonValue } from '../../../src/sandbox/types.js';

const deployment = {
  metadata: { name: 'api', annotations: { a: '1' }, finalizers: ['x'] },
  spec: {
    replicas: 3,
    template: {
      metadata: { labels: { app: 'api' } },
      spec: {
        containers: [
          { name: 'api', image: 'api:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 8080, name: 'http' }] },
          { name: 'envoy', image: 'envoy:1' },
        ],
        volumes: [{ name: 'config', configMap: { name: 'api-config' } }],
      },
    },
  },
  status: { conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True' }] },
};

const containers = (value: JsonValue) => ((value as typeof deployment).spec.template.spec.containers);

describe('applyStrategicMergePatch', () => {
  it.each([
    ['rollout restart adds an annotation to the template', { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': 't' } } } } },
      (result: JsonValue) => expect((result as typeof deployment & { spec: { template: { metadata: { annotations: Record<string, string> } } } }).spec.template.metadata).toEqual({ labels: { app: 'api' }, annotations: { 'kubectl.kubernetes.io/restartedAt': 't' } })],
    ['set image merges containers by name and keeps the other fields', { spec: { template: { spec: { containers: [{ name: 'api', image: 'api:2' }] } } } },
      (result: JsonValue) => {
        expect(containers(result).map((container) => container.image)).toEqual(['api:2', 'envoy:1']);
        expect(containers(result)[0]?.env).toHaveLength(2);
      }],
    ['env merges by name, new entries are appended', { spec: { template: { spec: { containers: [{ name: 'api', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] }] } } } },
      (result: JsonValue) => expect(containers(result)[0]?.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }])],
    ['$patch: delete removes a list item by merge key', { spec: { template: { spec: { containers: [{ name: 'envoy', $patch: 'delete' }] } } } },
      (result: JsonValue) => expect(containers(result).map((container) => container.name)).toEqual(['api'])],
    ['null deletes a field', { spec: { replicas: null } },
      (result: JsonValue) => expect((result as typeof deployment).spec).not.toHaveProperty('replicas')],
    ['$patch: replace on a map replaces it whole', { spec: { template: { metadata: { labels: { tier: 'x' }, $patch: 'replace' } } } },
      (result: JsonValue) => expect((result as typeof deployment).spec.template.metadata).toEqual({ labels: { tier: 'x' } })],
    ['$retainKeys drops keys not listed', { spec: { $retainKeys: ['template'], template: {} } },
      (result: JsonValue) => expect(Object.keys((result as typeof deployment).spec)).toEqual(['template'])],
    ['$setElementOrder reorders a merged list', { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'envoy' }, { name: 'api' }], containers: [{ name: 'api', image: 'api:3' }] } } } },
      (result: JsonValue) => expect(containers(result).map((container) => `${container.name}=${container.image}`)).toEqual(['envoy=envoy:1', 'api=api:3'])],
    ['$deleteFromPrimitiveList removes values', { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } },
      (result: JsonValue) => expect((result as typeof deployment).metadata.finalizers).toEqual([])],
    ['finalizers (merge strategy) are a set union', { metadata: { finalizers: ['y', 'x'] } },
      (result: JsonValue) => expect((result as typeof deployment).metadata.finalizers).toEqual(['x', 'y'])],
    ['conditions merge by type', { status: { conditions: [{ type: 'Progressing', status: 'False' }] } },
      (result: JsonValue) => expect((result as typeof deployment).status.conditions).toEqual([{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'False' }])],
    ['lists without a merge key are replaced', { spec: { template: { spec: { containers: [{ name: 'api', args: ['--a'] }] } } } },
      (result: JsonValue) => expect((containers(result)[0] as { args?: string[] }).args).toEqual(['--a'])],
    ['ports merge by containerPort', { spec: { template: { spec: { containers: [{ name: 'api', ports: [{ containerPort: 9090, name: 'metrics' }] }] } } } },
      (result: JsonValue) => expect(containers(result)[0]?.ports?.map((port) => port.containerPort)).toEqual([8080, 9090])],
    ['$patch: replace inside a list replaces the list', { spec: { template: { spec: { volumes: [{ $patch: 'replace' }, { name: 'data', emptyDir: {} }] } } } },
      (result: JsonValue) => expect((result as typeof deployment).spec.template.spec.volumes).toEqual([{ name: 'data', emptyDir: {} }])],
  ])('%s', (_name, patch, check) => {
    const before = JSON.stringify(deployment);
    check(applyStrategicMergePatch(deployment as unknown as JsonValue, patch as unknown as JsonValue));
    expect(JSON.stringify(deployment)).toBe(before);
  });

  it('rejects a list item without its merge key', () => {
    expect(() => applyStrategicMergePatch(deployment as unknown as JsonValue, { spec: { template: { spec: { containers: [{ image: 'x' }] } } } })).toThrow(/merge key: name/);
  });

  it('service ports merge by port', () => {
    const service = { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }] } };
    const result = applyStrategicMergePatch(service, { spec: { ports: [{ port: 443, targetPort: 9443 }] } }) as typeof service;
    expect(result.spec.ports).toEqual([{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 9443 }]);
  });
});
