/** The access reviews kubectl auth can-i / whoami create (answered from the scenario's RBAC table). */
import { authorize, rulesFor } from '../access-review.js';
import { ApiError, badRequest } from '../api-error.js';
import { sendJson } from '../http-io.js';
import { isJsonObject } from '../types.js';
import { readObject, type HandlerContext, type ResourceRequest } from './handler-context.js';

/** A SelfSubjectAccessReview, SelfSubjectRulesReview or SelfSubjectReview. */
export async function handleReview(context: HandlerContext, resource: ResourceRequest): Promise<void> {
  const { cluster } = context;
  const body = await readObject(context);
  if (!isJsonObject(body)) throw badRequest('the body of the request must be an object');
  const { type } = resource;
  if (type.kind === 'SelfSubjectReview') {
    sendJson(context.response, 201, { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo: { username: cluster.userName, groups: ['oncall', 'system:authenticated'] } } });
    return;
  }
  const spec = isJsonObject(body['spec']) ? body['spec'] : {};
  if (type.kind === 'SelfSubjectRulesReview') {
    sendJson(context.response, 201, { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status: rulesFor(cluster, String(spec['namespace'] ?? '')) });
    return;
  }
  const attributes = isJsonObject(spec['resourceAttributes']) ? spec['resourceAttributes'] : undefined;
  const nonResource = isJsonObject(spec['nonResourceAttributes']) ? spec['nonResourceAttributes'] : undefined;
  if (!attributes && !nonResource) throw new ApiError(422, 'Invalid', 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
  const decision = attributes
    ? authorize(cluster, { verb: String(attributes['verb'] ?? ''), group: String(attributes['group'] ?? ''), resource: String(attributes['resource'] ?? ''), subresource: String(attributes['subresource'] ?? ''), namespace: String(attributes['namespace'] ?? '') })
    : authorize(cluster, { verb: String(nonResource?.['verb'] ?? ''), path: String(nonResource?.['path'] ?? '') });
  const status: Record<string, unknown> = { allowed: decision.allowed };
  if (decision.denied) status['denied'] = true;
  if (decision.reason) status['reason'] = decision.reason;
  sendJson(context.response, 201, { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status });
}
