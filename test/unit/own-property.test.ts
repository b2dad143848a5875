import { describe, expect, it } from 'vitest';
import { ownValue, setOwnValue } from '../../src/own-property.js';

describe('own-property lookups', () => {
  it.each([...Object.getOwnPropertyNames(Object.prototype), '__proto__'])('ownValue never finds the inherited %s', (name) => {
    expect(ownValue({ a: 1 }, name)).toBeUndefined();
    expect(ownValue(JSON.parse(`{${JSON.stringify(name)}: 7}`) as Record<string, number>, name)).toBe(7);
  });

  it('setOwnValue stores "__proto__" as a key and leaves the prototype alone', () => {
    const record: Record<string, unknown> = {};
    setOwnValue(record, '__proto__', { polluted: true });
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.keys(record)).toEqual(['__proto__']);
    expect((record as { polluted?: boolean }).polluted).toBeUndefined();
    expect(ownValue(record, '__proto__')).toEqual({ polluted: true });
    setOwnValue(record, 'a', 1);
    expect({ ...record, b: 2 }).toEqual(JSON.parse('{"__proto__":{"polluted":true},"a":1,"b":2}'));
  });

  it('reads an undefined record as empty', () => {
    expect(ownValue(undefined, 'a')).toBeUndefined();
  });
});
