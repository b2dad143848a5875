import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/sandbox/api-error.js';
import { applyJsonPatch, applyMergePatch } from '../../../src/sandbox/patches.js';

describe('applyMergePatch (RFC 7386)', () => {
  it.each([
    [{ a: 1, b: { c: 2 } }, { b: { d: 3 } }, { a: 1, b: { c: 2, d: 3 } }],
    [{ a: 1, b: 2 }, { a: null }, { b: 2 }],
    [{ list: [1, 2] }, { list: [3] }, { list: [3] }],
    [{ spec: { replicas: 3 } }, { spec: { replicas: 5 } }, { spec: { replicas: 5 } }],
  ])('%j + %j = %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });
});

describe('applyJsonPatch (RFC 6902)', () => {
  const document = { metadata: { annotations: { a: '1' } }, spec: { template: { spec: { containers: [{ name: 'api' }] } } } };
  it.each([
    ['replace', [{ op: 'replace', path: '/metadata/annotations', value: { b: '2' } }], { ...document, metadata: { annotations: { b: '2' } } }],
    ['add to the end of a list', [{ op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'envoy' } }], { ...document, spec: { template: { spec: { containers: [{ name: 'api' }, { name: 'envoy' }] } } } }],
    ['remove', [{ op: 'remove', path: '/metadata/annotations/a' }], { ...document, metadata: { annotations: {} } }],
    ['escaped pointer', [{ op: 'add', path: '/metadata/annotations/x~1y', value: 'z' }], { ...document, metadata: { annotations: { a: '1', 'x/y': 'z' } } }],
    ['test then copy', [{ op: 'test', path: '/metadata/annotations/a', value: '1' }, { op: 'copy', from: '/metadata/annotations/a', path: '/metadata/annotations/c' }], { ...document, metadata: { annotations: { a: '1', c: '1' } } }],
  ])('%s', (_name, operations, expected) => {
    expect(applyJsonPatch(document, operations as never)).toEqual(expected);
  });

  it.each([
    ['a failing test', [{ op: 'test', path: '/metadata/annotations/a', value: '2' }]],
    ['a missing path', [{ op: 'replace', path: '/spec/nope/x', value: 1 }]],
    ['an unknown op', [{ op: 'frobnicate', path: '/a' }]],
    ['not a list', { op: 'add' }],
  ])('rejects %s with an ApiError', (_name, operations) => {
    expect(() => applyJsonPatch(document, operations as never)).toThrow(ApiError);
  });
});
