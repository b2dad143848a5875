/**
 * The API server's resource routes: one handler module per verb (handlers/), chosen here from the
 * method, the subresource and the group.
 */
import { ApiError } from './api-error.js';
import { handleCreate } from './handlers/create.js';
import { handleDelete } from './handlers/delete.js';
import { handleEviction } from './handlers/eviction.js';
import { handleGet } from './handlers/get-list.js';
import { methodNotAllowed, type HandlerContext, type ResourceRequest } from './handlers/handler-context.js';
import { handleLogs } from './handlers/logs.js';
import { handleMetrics } from './handlers/metrics.js';
import { handleReview } from './handlers/review.js';
import { handleScale } from './handlers/scale.js';
import { handlePatch, handleUpdate } from './handlers/update-patch.js';
import { handleWatch } from './handlers/watch.js';

export type { HandlerContext, ResourceRequest } from './handlers/handler-context.js';
export { applyPatch } from './handlers/update-patch.js';

/** Dispatches one resource request to its verb handler. */
export async function handleResource(context: HandlerContext, resource: ResourceRequest): Promise<void> {
  const method = context.request.method ?? 'GET';
  const { type } = resource;
  if (type.group === 'metrics.k8s.io') return handleMetrics(context, resource);
  if (type.virtual) {
    if (method !== 'POST') throw methodNotAllowed();
    return handleReview(context, resource);
  }
  if (resource.subresource === 'log') return handleLogs(context, resource);
  if (resource.subresource === 'eviction') return handleEviction(context, resource);
  if (resource.subresource === 'scale') return handleScale(context, resource);
  if (resource.subresource && resource.subresource !== 'status') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (resource.watch || (method === 'GET' && !resource.name && ['1', 'true'].includes(resource.query.get('watch') ?? ''))) return handleWatch(context, resource);
  switch (method) {
    case 'GET': return handleGet(context, resource);
    case 'POST': return handleCreate(context, resource);
    case 'PUT': return handleUpdate(context, resource);
    case 'PATCH': return handlePatch(context, resource);
    case 'DELETE': return handleDelete(context, resource);
    default: throw methodNotAllowed();
  }
}
