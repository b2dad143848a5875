import { describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_HASH, hashRecord } from '../../../src/audit/canonical-json.js';

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: 2 }, '{"a":2,"b":1}'],
    [{ z: { y: [3, { d: 1, c: null }], x: 'é\n' } }, '{"z":{"x":"é\\n","y":[3,{"c":null,"d":1}]}}'],
    [{ a: undefined, b: false }, '{"b":false}'],
    [[undefined, 1.5, 'x'], '[null,1.5,"x"]'],
    ['plain', '"plain"'],
  ])('%j -> %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('hashes a record independently of key order and of its own hash field', () => {
    const first = hashRecord({ a: 1, b: [1, 2], hash: 'x' });
    expect(hashRecord({ b: [1, 2], a: 1, hash: 'y' })).toBe(first);
    expect(hashRecord({ a: 2, b: [1, 2] })).not.toBe(first);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });
});
