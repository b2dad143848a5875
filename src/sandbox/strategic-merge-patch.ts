import { badRequest } from './api-error.js';
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from './types.js';
import { ownValue, setOwnValue } from '../own-property.js';

/**
 * Merge keys of the list fields kubectl patches (from the Kubernetes Go structs' patchMergeKey tags).
 * Keyed by field name: the same name has the same merge key everywhere in the core API, except
 * `ports`, whose key depends on whether it is a container's or a service's list.
 */
const mergeKeys: Record<string, string> = {
  containers: 'name', initContainers: 'name', ephemeralContainers: 'name', env: 'name', volumes: 'name',
  volumeMounts: 'mountPath', volumeDevices: 'devicePath', conditions: 'type', imagePullSecrets: 'name',
  hostAliases: 'ip', taints: 'key', ownerReferences: 'uid', addresses: 'type', resourceClaims: 'name',
  schedulingGates: 'name', topologySpreadConstraints: 'topologyKey', ephemeralContainerStatuses: 'name',
};

/** Primitive lists whose strategy is "merge" (a set union), not replace. */
const mergedPrimitiveLists = new Set(['finalizers']);

function mergeKeyFor(field: string, items: JsonValue[]): string | undefined {
  if (field === 'ports') {
    const first = items.find(isJsonObject);
    if (first && 'containerPort' in first) return 'containerPort';
    if (first && 'port' in first) return 'port';
    return 'containerPort';
  }
  return ownValue(mergeKeys, field);
}

function isDirective(key: string): boolean {
  return key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/') || key.startsWith('$deleteFromPrimitiveList/');
}

/** Removes every directive from a patch fragment that becomes a value as is. */
function stripDirectives(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.filter((item) => !(isJsonObject(item) && item['$patch'] !== undefined && Object.keys(item).length === 1)).map(stripDirectives);
  if (!isJsonObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (!isDirective(key) && item !== null) setOwnValue(result, key, stripDirectives(item));
  }
  return result;
}

function mergeList(field: string, original: JsonValue | undefined, patch: JsonValue[]): JsonValue[] {
  if (patch.some((item) => isJsonObject(item) && item['$patch'] === 'replace')) {
    return patch.filter((item) => !(isJsonObject(item) && item['$patch'] === 'replace')).map(stripDirectives);
  }
  const base = Array.isArray(original) ? cloneJson(original) : [];
  const mergeKey = mergeKeyFor(field, patch);
  if (!mergeKey || !patch.every(isJsonObject)) {
    if (mergedPrimitiveLists.has(field)) return [...base, ...patch.filter((item) => !base.some((existing) => existing === item))];
    return patch.map(stripDirectives);
  }
  for (const item of patch) {
    if (!isJsonObject(item)) continue;
    const keyValue = ownValue(item, mergeKey);
    if (keyValue === undefined) throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    const index = base.findIndex((existing) => isJsonObject(existing) && ownValue(existing, mergeKey) === keyValue);
    if (item['$patch'] === 'delete') {
      if (index >= 0) base.splice(index, 1);
    } else if (index >= 0) {
      base[index] = mergeObject(base[index], item);
    } else {
      base.push(mergeObject({}, item));
    }
  }
  return base;
}

function orderList(items: JsonValue[], order: JsonValue[], mergeKey: string | undefined): JsonValue[] {
  const position = (item: JsonValue): number => {
    const key = mergeKey && isJsonObject(item) ? ownValue(item, mergeKey) : item;
    const index = order.findIndex((entry) => (mergeKey && isJsonObject(entry) ? ownValue(entry, mergeKey) : entry) === key);
    return index < 0 ? Number.MAX_SAFE_INTEGER : index;
  };
  return items.map((item, index) => ({ item, index })).sort((left, right) => position(left.item) - position(right.item) || left.index - right.index).map((entry) => entry.item);
}

function mergeObject(original: JsonValue | undefined, patch: JsonObject): JsonObject {
  if (patch['$patch'] === 'replace') return stripDirectives(patch) as JsonObject;
  const result: JsonObject = isJsonObject(original) ? cloneJson(original) : {};
  const retainKeys = patch['$retainKeys'];
  if (Array.isArray(retainKeys)) {
    for (const key of Object.keys(result)) if (!retainKeys.includes(key)) delete result[key];
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = ownValue(result, field);
      if (Array.isArray(current) && Array.isArray(value)) setOwnValue(result, field, current.filter((item) => !value.includes(item)));
      continue;
    }
    if (value === null) delete result[key];
    else if (isJsonObject(value)) {
      if (value['$patch'] === 'delete') delete result[key];
      else setOwnValue(result, key, mergeObject(ownValue(result, key), value));
    } else if (Array.isArray(value)) setOwnValue(result, key, mergeList(key, ownValue(result, key), value));
    else setOwnValue(result, key, value);
  }
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith('$setElementOrder/') || !Array.isArray(order)) continue;
    const field = key.slice('$setElementOrder/'.length);
    const current = ownValue(result, field);
    if (Array.isArray(current)) setOwnValue(result, field, orderList(current, order, mergeKeyFor(field, order)));
  }
  return result;
}

/**
 * Applies a Kubernetes strategic merge patch: lists with a merge key merge item by item, and the
 * directives `$patch` (replace/delete), `$retainKeys`, `$setElementOrder/<f>` and
 * `$deleteFromPrimitiveList/<f>` are honoured.
 */
export function applyStrategicMergePatch(original: JsonValue, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) throw badRequest('strategic merge patch must be a JSON object');
  return mergeObject(original, patch);
}
