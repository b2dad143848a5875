/** GET of one object, and LIST with the API server's `limit`/`continue` paging (kubectl asks for 500 at a time). */
import { badRequest } from '../api-error.js';
import type { HandlerContext, ResourceRequest } from './handler-context.js';
import { listOptions, sendObjects, stored } from './handler-context.js';

function decodeContinue(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { start?: unknown };
    if (typeof parsed.start === 'string') return parsed.start;
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: illegal base64 data at input byte 0');
}

/** GET /…/name or the list. */
export function handleGet(context: HandlerContext, resource: ResourceRequest): void {
  const { cluster } = context;
  const type = stored(resource.type);
  if (resource.name) {
    sendObjects(context, resource.type, [cluster.store.mustGet(type, resource.namespace, resource.name)], true, resource.query);
    return;
  }
  const limitText = resource.query.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  if (!Number.isFinite(limit) || limit < 0) throw badRequest(`limit: Invalid value: "${limitText}": must be a non-negative integer`);
  const continueText = resource.query.get('continue');
  const page = cluster.store.page(type, listOptions(resource), { limit, ...(continueText ? { continueAfter: decodeContinue(continueText) } : {}) });
  const continueToken = page.continueAfter !== undefined ? Buffer.from(JSON.stringify({ rv: cluster.store.resourceVersion, start: page.continueAfter })).toString('base64url') : undefined;
  sendObjects(context, resource.type, page.items, false, resource.query, {
    ...(continueToken ? { continueToken } : {}),
    ...(page.remainingItemCount !== undefined ? { remainingItemCount: page.remainingItemCount } : {}),
  });
}
