/**
 * The allow-list: which namespace tier a command runs in, and whether its verb x resource is granted
 * there (or, for nodes and namespaces, by the cluster grants). Deny by default: no grant, no run.
 */
import type { RbacGrant } from '../schemas/policy.js';
import type { ViolationCode, Violation } from '../schemas/verdict.js';
import { NON_RESOURCE_COMMANDS } from './kubectl-commands.js';
import { flagIsSet, type ParsedCommand } from './parsed-command.js';
import { isClusterScoped } from './resource-kinds.js';
import { namespacePatternMatches, type Policy } from './policy.js';

/** Where a command runs, as far as the policy is concerned. */
export interface PolicyScope {
  namespace?: string;
  tier?: string;
  /** The namespace key that matched ("prod" or "team-*"). */
  namespaceKey?: string;
}

/** The namespace entry covering a namespace: an exact key wins, then the longest prefix pattern. */
export function resolveNamespaceEntry(policy: Policy, namespace: string): { key: string; tier: string } | undefined {
  const entries = policy.namespaces.namespaces;
  const exact = Object.hasOwn(entries, namespace) ? entries[namespace] : undefined;
  if (exact) return { key: namespace, tier: exact.tier };
  let best: { key: string; tier: string } | undefined;
  for (const [key, entry] of Object.entries(entries)) {
    if (key.endsWith('*') && namespacePatternMatches(key, namespace) && (!best || key.length > best.key.length)) {
      best = { key, tier: entry.tier };
    }
  }
  return best;
}

/** The tier a namespace is in under the policy (the one rule the validator and every picker use), if any. */
export function namespaceTier(policy: Policy, namespace: string): string | undefined {
  return resolveNamespaceEntry(policy, namespace)?.tier;
}

/** True when a grant covers a verb on a resource. "*" resources never cover secret: it must be named. */
export function grantAllows(grant: RbacGrant, verb: string, resource: string): boolean {
  const verbOk = grant.verbs.includes(verb) || grant.verbs.includes('*');
  if (!verbOk) return false;
  if (grant.resources.includes(resource)) return true;
  return grant.resources.includes('*') && resource !== 'secret';
}

function namespacedGrants(policy: Policy, namespace: string, tier: string): RbacGrant[] {
  const tiers = policy.rbac.tiers;
  const grants = [...((Object.hasOwn(tiers, tier) ? tiers[tier] : undefined) ?? [])];
  for (const [key, extra] of Object.entries(policy.rbac.namespaces)) {
    if (namespacePatternMatches(key, namespace)) grants.push(...extra);
  }
  return grants;
}

/** Checks the parsed command against the allow-list; returns the scope and any violations. */
export function checkRbac(parsed: ParsedCommand, policy: Policy): { scope: PolicyScope; violations: Violation[] } {
  const violations: Violation[] = [];
  const scope: PolicyScope = {};
  const deny = (code: ViolationCode, message: string) => violations.push({ code, message });
  const verb = parsed.command;

  if (parsed.namespace !== undefined) {
    scope.namespace = parsed.namespace;
    const entry = resolveNamespaceEntry(policy, parsed.namespace);
    if (entry) {
      scope.tier = entry.tier;
      scope.namespaceKey = entry.key;
    }
  }
  if (!parsed.known || verb === undefined) return { scope, violations };

  if (NON_RESOURCE_COMMANDS.has(verb)) {
    if (!policy.rbac.non_resource.includes(verb) && !policy.rbac.non_resource.includes('*')) {
      deny('VERB_NOT_ALLOWED', `"${verb}" is not in the allow-list's non_resource commands`);
    }
    return { scope, violations };
  }

  const namespacedResources = parsed.resources.filter((resource) => !isClusterScoped(resource));
  const clusterResources = parsed.resources.filter((resource) => isClusterScoped(resource));

  for (const resource of clusterResources) {
    if (!policy.rbac.cluster.some((grant) => grantAllows(grant, verb, resource))) {
      deny('VERB_NOT_ALLOWED', `"${verb}" on ${resource} is not allowed by the cluster grants`);
    }
  }
  if (namespacedResources.length === 0) return { scope, violations };

  if (flagIsSet(parsed, 'all-namespaces')) {
    deny('ALL_NAMESPACES', '-A/--all-namespaces would reach namespaces the policy does not list: give one namespace with -n');
    return { scope, violations };
  }
  if (parsed.namespace === undefined) {
    deny('NAMESPACE_REQUIRED', `${namespacedResources.join(', ')} is namespaced: give the namespace with -n, e.g. -n prod`);
    return { scope, violations };
  }
  if (scope.tier === undefined) {
    const listed = Object.keys(policy.namespaces.namespaces).join(', ');
    deny('NAMESPACE_NOT_LISTED', `namespace "${parsed.namespace}" is not listed in namespaces.yaml (listed: ${listed || 'none'}): commands there are denied`);
    return { scope, violations };
  }
  const grants = namespacedGrants(policy, parsed.namespace, scope.tier);
  for (const resource of namespacedResources) {
    if (!grants.some((grant) => grantAllows(grant, verb, resource))) {
      deny('VERB_NOT_ALLOWED', `"${verb}" on ${resource} is not allowed in namespace "${parsed.namespace}" (tier ${scope.tier})`);
    }
  }
  return { scope, violations };
}
