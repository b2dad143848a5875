/** PUT and PATCH (JSON, merge and strategic merge patches), on objects and their status subresource. */
import { ApiError, badRequest } from '../api-error.js';
import { readBody, sendJson } from '../http-io.js';
import { applyJsonPatch, applyMergePatch } from '../patches.js';
import type { ResourceType } from '../resources.js';
import { applyStrategicMergePatch } from '../strategic-merge-patch.js';
import { cloneJson, isJsonObject, type JsonValue, type KubeObject } from '../types.js';
import { validateObject } from './create.js';
import { asObject, isDryRun, methodNotAllowed, present, readObject, stored, toStored, type HandlerContext, type ResourceRequest } from './handler-context.js';

/** Status is written only through /status; deletion fields only by the server. */
export function keepStatusRules(type: ResourceType, current: KubeObject, next: KubeObject, subresource: string | undefined): KubeObject {
  const result = cloneJson(next);
  if (subresource === 'status') {
    const merged = cloneJson(current);
    merged['status'] = result['status'];
    return merged;
  }
  if ('status' in current && type.kind !== 'Event') result['status'] = current['status'];
  result.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
  result.metadata.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
  if (current.metadata.deletionTimestamp === undefined) delete result.metadata.deletionTimestamp;
  if (current.metadata.deletionGracePeriodSeconds === undefined) delete result.metadata.deletionGracePeriodSeconds;
  return result;
}

/** PUT /…/name[/status]. */
export async function handleUpdate(context: HandlerContext, resource: ResourceRequest): Promise<void> {
  const { cluster } = context;
  const { type } = resource;
  if (!resource.name) throw methodNotAllowed();
  const object = asObject(await readObject(context), type);
  if (object.metadata.name && object.metadata.name !== resource.name) throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${resource.name})`);
  object.metadata.name = resource.name;
  if (type.namespaced) object.metadata.namespace = resource.namespace;
  const storageType = stored(type);
  const current = cluster.store.mustGet(storageType, resource.namespace, resource.name);
  const next = keepStatusRules(storageType, current, toStored(type, object), resource.subresource);
  validateObject(storageType, next);
  const updated = cluster.store.update(storageType, next, { dryRun: isDryRun(resource.query), checkVersion: true });
  sendJson(context.response, 200, present(type, updated));
}

const patchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

/** 415 for patch types the sandbox does not speak, before the body is parsed. */
export function checkPatchType(contentType: string): void {
  if (contentType.includes('application/apply-patch')) {
    throw new ApiError(415, 'UnsupportedMediaType', 'server-side apply (application/apply-patch+yaml) is not supported by the rk8s sandbox; use client-side apply');
  }
  if (!patchTypes.some((type) => contentType.includes(type))) {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${patchTypes.join(', ')}`);
  }
}

/** Parses a patch body (always JSON). */
export function parseBodyForPatch(body: Buffer): unknown {
  if (body.length === 0) throw badRequest('the patch body is empty');
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw badRequest(`error decoding patch: ${(error as Error).message}`);
  }
}

/** Applies a PATCH body of any supported content type to an object. */
export function applyPatch(contentType: string, current: KubeObject, patch: unknown): KubeObject {
  checkPatchType(contentType);
  const base = current as unknown as JsonValue;
  let result: JsonValue;
  if (contentType.includes('application/json-patch+json')) result = applyJsonPatch(base, patch as JsonValue);
  else if (contentType.includes('application/merge-patch+json')) result = applyMergePatch(base, patch as JsonValue);
  else result = applyStrategicMergePatch(base, patch as JsonValue);
  if (!isJsonObject(result) || !isJsonObject(result['metadata'])) throw new ApiError(422, 'Invalid', 'the patch removed the object metadata');
  return result as unknown as KubeObject;
}

/** PATCH /…/name[/status]. */
export async function handlePatch(context: HandlerContext, resource: ResourceRequest): Promise<void> {
  const { cluster } = context;
  const { type } = resource;
  if (!resource.name) throw methodNotAllowed();
  const contentType = String(context.request.headers['content-type'] ?? '');
  checkPatchType(contentType);
  const body = parseBodyForPatch(await readBody(context.request));
  const storageType = stored(type);
  const current = cluster.store.mustGet(storageType, resource.namespace, resource.name);
  const patched = toStored(type, applyPatch(contentType, present(type, current), body));
  if (patched.metadata.name !== resource.name) throw badRequest('metadata.name cannot be changed by a patch');
  const next = keepStatusRules(storageType, current, patched, resource.subresource);
  validateObject(storageType, next);
  const updated = cluster.store.update(storageType, next, { dryRun: isDryRun(resource.query), checkVersion: Boolean(patched.metadata.resourceVersion) });
  sendJson(context.response, 200, present(type, updated));
}
