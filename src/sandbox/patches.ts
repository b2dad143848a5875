import { badRequest, ApiError } from './api-error.js';
import { cloneJson, isJsonObject, jsonEqual, type JsonObject, type JsonValue } from './types.js';
import { ownValue, setOwnValue } from '../own-property.js';

/** RFC 7386 JSON merge patch: objects merge, null deletes, everything else replaces. */
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const result: JsonObject = isJsonObject(target) ? cloneJson(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setOwnValue(result, key, applyMergePatch(ownValue(result, key), value));
  }
  return result;
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer "${pointer}"`);
  return pointer.slice(1).split('/').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = JsonObject | JsonValue[];

function resolveParent(document: JsonValue, segments: string[], pointer: string): { parent: Container; key: string } {
  let current: JsonValue = document;
  for (const segment of segments.slice(0, -1)) {
    const next: JsonValue | undefined = Array.isArray(current) ? current[Number(segment)] : isJsonObject(current) ? ownValue(current, segment) : undefined;
    if (next === undefined) throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: doc is missing path: "${pointer}"`);
    current = next;
  }
  if (!Array.isArray(current) && !isJsonObject(current)) throw badRequest(`cannot apply patch at "${pointer}"`);
  return { parent: current, key: segments[segments.length - 1] ?? '' };
}

function readPointer(document: JsonValue, pointer: string): JsonValue {
  let current: JsonValue | undefined = document;
  for (const segment of decodePointer(pointer)) {
    current = Array.isArray(current) ? current[Number(segment)] : isJsonObject(current) ? ownValue(current, segment) : undefined;
    if (current === undefined) throw new ApiError(422, 'Invalid', `doc is missing path: "${pointer}"`);
  }
  return current;
}

function removeAt(document: JsonValue, pointer: string): JsonValue {
  const { parent, key } = resolveParent(document, decodePointer(pointer), pointer);
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (!(index >= 0 && index < parent.length)) throw new ApiError(422, 'Invalid', `doc is missing path: "${pointer}"`);
    return parent.splice(index, 1)[0] as JsonValue;
  }
  if (!Object.hasOwn(parent, key)) throw new ApiError(422, 'Invalid', `doc is missing path: "${pointer}"`);
  const removed = ownValue(parent, key) as JsonValue;
  delete parent[key];
  return removed;
}

function addAt(document: JsonValue, pointer: string, value: JsonValue, replace: boolean): JsonValue {
  const segments = decodePointer(pointer);
  if (segments.length === 0) return cloneJson(value);
  const { parent, key } = resolveParent(document, segments, pointer);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!(index >= 0 && index <= parent.length)) throw new ApiError(422, 'Invalid', `doc is missing path: "${pointer}"`);
    if (replace) parent[index] = cloneJson(value);
    else parent.splice(index, 0, cloneJson(value));
  } else {
    if (replace && !Object.hasOwn(parent, key)) throw new ApiError(422, 'Invalid', `doc is missing path: "${pointer}"`);
    setOwnValue(parent, key, cloneJson(value));
  }
  return document;
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test). */
export function applyJsonPatch(target: JsonValue, operations: JsonValue): JsonValue {
  if (!Array.isArray(operations)) throw badRequest('json patch must be an array of operations');
  let document = cloneJson(target);
  for (const operation of operations) {
    if (!isJsonObject(operation) || typeof operation['op'] !== 'string' || typeof operation['path'] !== 'string') {
      throw badRequest('json patch operation must have "op" and "path"');
    }
    const path = operation['path'];
    const from = typeof operation['from'] === 'string' ? operation['from'] : '';
    switch (operation['op']) {
      case 'add': document = addAt(document, path, operation['value'] ?? null, false); break;
      case 'replace': document = addAt(document, path, operation['value'] ?? null, true); break;
      case 'remove': removeAt(document, path); break;
      case 'move': document = addAt(document, path, removeAt(document, from), false); break;
      case 'copy': document = addAt(document, path, readPointer(document, from), false); break;
      case 'test':
        if (!jsonEqual(readPointer(document, path), operation['value'])) {
          throw new ApiError(422, 'Invalid', `testing value ${path} failed`);
        }
        break;
      default: throw badRequest(`unexpected json patch op "${String(operation['op'])}"`);
    }
  }
  return document;
}
