import { apiGroups, apiVersionOf, resourceTypes, verbsOf, type ResourceType } from './resources.js';
import { setOwnValue } from '../own-property.js';

/** The Content-Type kubectl requires before it trusts an aggregated discovery answer. */
export const aggregatedDiscoveryContentType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

function discoveryResource(type: ResourceType): Record<string, unknown> {
  const resource: Record<string, unknown> = {
    resource: type.plural,
    responseKind: { group: type.group, version: type.version, kind: type.kind },
    scope: type.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: type.singular,
    verbs: verbsOf(type),
  };
  if (type.shortNames) resource['shortNames'] = type.shortNames;
  if (type.categories) resource['categories'] = type.categories;
  if (type.subresources) {
    resource['subresources'] = type.subresources.map((subresource) => ({
      subresource: subresource.name,
      responseKind: { group: subresource.group ?? type.group, version: subresource.version ?? type.version, kind: subresource.kind },
      verbs: subresource.verbs,
    }));
  }
  return resource;
}

/** The apidiscovery.k8s.io/v2 list for `/api` (core only) or `/apis` (every named group). */
export function aggregatedDiscovery(core: boolean): Record<string, unknown> {
  const items = apiGroups().filter((entry) => (entry.group === '') === core).map((entry) => ({
    metadata: { name: entry.group, creationTimestamp: null },
    versions: entry.versions.map((version) => ({
      version,
      resources: resourceTypes.filter((type) => type.group === entry.group && type.version === version).map(discoveryResource),
      freshness: 'Current',
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

/** Legacy `/api` answer. */
export function legacyApiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(group: string, versions: string[]): Record<string, unknown> {
  const list = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

/** Legacy `/apis` answer (APIGroupList). */
export function legacyApiGroupList(): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups().filter((entry) => entry.group !== '').map((entry) => groupEntry(entry.group, entry.versions)) };
}

/** Legacy `/apis/<group>` answer, or undefined for an unknown group. */
export function legacyApiGroup(group: string): Record<string, unknown> | undefined {
  const entry = apiGroups().find((candidate) => candidate.group === group && group !== '');
  return entry ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(entry.group, entry.versions) } : undefined;
}

/** Legacy APIResourceList for one group/version; `/api/v1` must list `pods/eviction` (drain looks for it). */
export function legacyResourceList(group: string, version: string): Record<string, unknown> | undefined {
  const types = resourceTypes.filter((type) => type.group === group && type.version === version);
  if (types.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const type of types) {
    const resource: Record<string, unknown> = { name: type.plural, singularName: type.singular, namespaced: type.namespaced, kind: type.kind, verbs: verbsOf(type) };
    if (type.shortNames) resource['shortNames'] = type.shortNames;
    if (type.categories) resource['categories'] = type.categories;
    resources.push(resource);
    for (const subresource of type.subresources ?? []) {
      const entry: Record<string, unknown> = { name: `${type.plural}/${subresource.name}`, singularName: '', namespaced: type.namespaced, kind: subresource.kind, verbs: subresource.verbs };
      if (subresource.group !== undefined) entry['group'] = subresource.group;
      if (subresource.version !== undefined) entry['version'] = subresource.version;
      resources.push(entry);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

/** `/openapi/v3`: the index of per-group-version documents. */
export function openApiIndex(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const entry of apiGroups()) {
    for (const version of entry.versions) {
      const key = entry.group ? `apis/${entry.group}/${version}` : `api/${version}`;
      setOwnValue(paths, key, { serverRelativeURL: `/openapi/v3/${key}?hash=rk8s-sandbox-1` });
    }
  }
  return { paths };
}

/**
 * A minimal OpenAPI v3 document for one group/version: just enough for kubectl to find a PATCH
 * operation with `x-kubernetes-group-version-kind` and a `fieldValidation` parameter, after which
 * it leaves validation to the server.
 */
export function openApiDocument(group: string, version: string): Record<string, unknown> | undefined {
  const types = resourceTypes.filter((type) => type.group === group && type.version === version && !type.virtual);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  for (const type of types) {
    const path = type.namespaced ? `${prefix}/namespaces/{namespace}/${type.plural}/{name}` : `${prefix}/${type.plural}/{name}`;
    const gvk = { group, version, kind: type.kind };
    const schemaName = `io.k8s.sandbox.${group || 'core'}.${version}.${type.kind}`;
    setOwnValue(schemas, schemaName, { type: 'object', 'x-kubernetes-group-version-kind': [gvk], 'x-kubernetes-preserve-unknown-fields': true });
    // own-key: built from the sandbox's own resource table (group and version matched one above).
    paths[path] = {
      patch: {
        operationId: `patch${type.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
        parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }],
        responses: { '200': { content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName}` } } } } },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'rk8s sandbox', version: 'v1.32.0' }, paths, components: { schemas } };
}
