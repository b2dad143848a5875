/** The state undo reads from an object, how it compares, and how prior_state is stored in the audit log. */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../src/audit/audit-log.js';
import { verifyAuditLog } from '../../../src/audit/verify.js';
import { readArgs, stateDifferences, stateOf } from '../../../src/undo/object-state.js';
import { sampleRecord, temporaryLog } from '../audit/helpers.js';

const deployment = {
  kind: 'Deployment',
  metadata: { name: 'api', annotations: { 'deployment.kubernetes.io/revision': '4' } },
  spec: { replicas: 3, paused: true, template: { spec: { containers: [{ name: 'api', image: 'api:1.9' }, { name: 'envoy', image: 'envoy:1.31' }] } } },
};

describe('stateOf', () => {
  it.each([
    ['replicas', deployment, ['replicas'], { replicas: 3 }],
    ['replicas default to 1 when absent', { spec: {} }, ['replicas'], { replicas: 1 }],
    ['revision and images', deployment, ['revision', 'images'], { revision: 4, images: ['api:1.9', 'envoy:1.31'] }],
    ['paused', deployment, ['paused'], { paused: true }],
    ['paused defaults to false', { spec: {} }, ['paused'], { paused: false }],
    ['a cordoned node', { kind: 'Node', spec: { unschedulable: true } }, ['unschedulable'], { unschedulable: true }],
    ['a schedulable node', { kind: 'Node', spec: {} }, ['unschedulable'], { unschedulable: false }],
  ] as const)('%s', (_title, object, fields, expected) => {
    expect(stateOf(object, fields)).toEqual(expected);
  });

  it.each([
    ['no revision annotation', { metadata: {}, spec: {} }, ['revision']],
    ['a revision that is not a number', { metadata: { annotations: { 'deployment.kubernetes.io/revision': 'x' } } }, ['revision']],
    ['negative replicas', { spec: { replicas: -1 } }, ['replicas']],
    ['not an object', 'deployment.apps/api scaled', ['replicas']],
    ['an array', [], ['replicas']],
  ] as const)('is unusable with %s', (_title, object, fields) => {
    expect(stateOf(object, fields)).toBeUndefined();
  });

  it('ignores inherited names (the answer is outside input)', () => {
    expect(stateOf(JSON.parse('{"spec":{"__proto__":{"replicas":9}}}'), ['replicas'])).toEqual({ replicas: 1 });
  });
});

describe('stateDifferences', () => {
  it('compares only the fields rk8s set', () => {
    expect(stateDifferences({ replicas: 5 }, { replicas: 5, paused: true })).toEqual([]);
    expect(stateDifferences({ replicas: 5 }, { replicas: 7 })).toEqual(['spec.replicas is 7, rk8s set 5']);
    expect(stateDifferences({ revision: 5 }, { revision: 6, images: ['a'] })).toEqual(['revision is 6, rk8s set 5']);
    expect(stateDifferences({ unschedulable: true }, {})).toEqual(['spec.unschedulable is unknown, rk8s set true']);
  });
});

it('readArgs: a namespaced object and a node', () => {
  expect(readArgs({ resource: 'deployment', namespace: 'prod', name: 'api' })).toEqual(['get', 'deployment/api', '-n', 'prod', '-o', 'json']);
  expect(readArgs({ resource: 'node', namespace: null, name: 'node-3' })).toEqual(['get', 'node/node-3', '-o', 'json']);
});

describe('prior_state in the audit log', () => {
  const prior = { status: 'recorded' as const, resource: 'deployment', namespace: 'prod', name: 'api', before: { revision: 4, images: ['api:1.9'] }, set: { revision: 5 } };

  it('is hash-chained and has one byte form: its keys in schema order whatever order they were given in', async () => {
    const { file } = temporaryLog();
    const log = createAuditLog({ path: file });
    const shuffled = { set: { revision: 5 }, before: { images: ['api:1.9'], revision: 4 }, name: 'api', namespace: 'prod', resource: 'deployment', status: 'recorded' as const };
    const written = await log.append(sampleRecord({ event: 'started', prior_state: shuffled }));
    expect(written.prior_state).toEqual(prior);
    const line = readFileSync(file, 'utf8');
    expect(line).toContain('"prior_state":{"status":"recorded","resource":"deployment","namespace":"prod","name":"api","before":{"revision":4,"images":["api:1.9"]},"set":{"revision":5}}');
    expect((await verifyAuditLog(file)).ok).toBe(true);
    // The same record with the nested keys reordered is not its canonical line.
    writeFileSync(file, line.replace('"before":{"revision":4,"images":["api:1.9"]}', '"before":{"images":["api:1.9"],"revision":4}'));
    const verdict = await verifyAuditLog(file);
    expect(verdict.ok).toBe(false);
  });

  it('is redacted like every other field', async () => {
    const { file } = temporaryLog();
    await createAuditLog({ path: file }).append(sampleRecord({ event: 'started', prior_state: { ...prior, before: { images: ['registry.example.com/api:1.9?token=ghp_vwiE5BtHFVjRTXLTPphRPJIEaebum2ZJXFdJ'] } } }));
    expect(readFileSync(file, 'utf8')).not.toContain('ghp_vwiE5BtHFVjRTXLTPphRPJIEaebum2ZJXFdJ');
  });
});
