import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { ownValue } from '../own-property.js';

/** ObjectMeta without the readonly markers of kubernetes-types: the server is the one that sets those fields. */
export type Writable<T> = { -readonly [Key in keyof T]: T[Key] };

/** Any Kubernetes object as stored by the sandbox: typed metadata, everything else loose JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: Writable<ObjectMeta> & { name: string };
  [field: string]: unknown;
}

/** A plain JSON value, used by the patch engines and the scenario loader. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object (map), the shape most patch code walks over. */
export type JsonObject = { [key: string]: JsonValue };

/** True when a value is a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep clone of JSON data (objects in the store are always plain JSON; a JSON round trip is faster than structuredClone here). */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** Structural equality of two JSON values, key order ignored. */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left)) {
    return Array.isArray(right) && left.length === right.length && left.every((item, index) => jsonEqual(item, right[index]));
  }
  if (isJsonObject(left) && isJsonObject(right)) {
    const leftKeys = Object.keys(left).filter((key) => ownValue(left, key) !== undefined);
    const rightKeys = Object.keys(right).filter((key) => ownValue(right, key) !== undefined);
    return leftKeys.length === rightKeys.length && leftKeys.every((key) => jsonEqual(ownValue(left, key), ownValue(right, key)));
  }
  return false;
}
