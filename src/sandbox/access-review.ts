import type { SandboxCluster } from './cluster.js';
import type { RbacRule } from './scenario-types.js';

/** What a SelfSubjectAccessReview asks. */
export interface AccessRequest {
  verb: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  path?: string;
}

function ruleMatches(rule: RbacRule, request: AccessRequest): boolean {
  if (!rule.verbs.includes('*') && !rule.verbs.includes(request.verb)) return false;
  if (request.path !== undefined) {
    return (rule.nonResourceURLs ?? []).some((url) => url === '*' || url === request.path || (url.endsWith('*') && request.path?.startsWith(url.slice(0, -1))));
  }
  if (rule.nonResourceURLs && rule.resources.length === 0) return false;
  if (rule.apiGroups && !rule.apiGroups.includes('*') && !rule.apiGroups.includes(request.group ?? '')) return false;
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource ?? '';
  if (!rule.resources.includes('*') && !rule.resources.includes(resource) && !(request.subresource && rule.resources.includes(`${request.resource}/*`))) return false;
  if (rule.namespaces) {
    if (!request.namespace) return false;
    if (!rule.namespaces.includes('*') && !rule.namespaces.includes(request.namespace)) return false;
  }
  return true;
}

/** Decides a request from the scenario's RBAC table: a matching deny rule wins, else any allow rule. */
export function authorize(cluster: SandboxCluster, request: AccessRequest): { allowed: boolean; denied?: boolean; reason: string } {
  const deny = cluster.rbac.find((rule) => rule.deny && ruleMatches(rule, request));
  if (deny) return { allowed: false, denied: true, reason: '' };
  const allow = cluster.rbac.find((rule) => !rule.deny && ruleMatches(rule, request));
  if (allow) return { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "oncall" of ClusterRole "oncall" to User "${cluster.userName}"` };
  return { allowed: false, reason: '' };
}

/** The rules of the table that apply in a namespace (what `kubectl auth can-i --list` prints). */
export function rulesFor(cluster: SandboxCluster, namespace: string): Record<string, unknown> {
  const applicable = cluster.rbac.filter((rule) => !rule.deny && (!rule.namespaces || rule.namespaces.includes('*') || rule.namespaces.includes(namespace)));
  return {
    resourceRules: applicable.filter((rule) => rule.resources.length > 0).map((rule) => ({ verbs: rule.verbs, apiGroups: rule.apiGroups ?? ['*'], resources: rule.resources })),
    nonResourceRules: applicable.filter((rule) => rule.nonResourceURLs).map((rule) => ({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs })),
    incomplete: false,
  };
}
