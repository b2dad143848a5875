/**
 * Reading and writing a plain object by a key that came from outside (a request, a card, a policy
 * file, an argv, a JSON body) without touching Object.prototype: `record[key]` finds "constructor",
 * "toString" or "__proto__" on every object, and `record["__proto__"] = x` replaces the prototype
 * instead of adding a key. test/security/static-lookups.test.ts fails on any other string-keyed lookup.
 */

/** The value of an own property, never an inherited one; undefined when absent (or when there is no record, as with `?.[key]`). */
export function ownValue<Value>(record: Readonly<Record<string, Value>> | null | undefined, key: string): Value | undefined {
  return record !== undefined && record !== null && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Sets an own data property, "__proto__" included (as a plain key), like JSON.parse would. */
export function setOwnValue<Value>(record: Record<string, Value>, key: string, value: Value): void {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}
