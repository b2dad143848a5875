/**
 * The compiled org policy: the three files checked by their schemas and against each other (a tier
 * that does not exist, a verb kubectl has no such command for...). Any problem means no policy, so
 * nothing executes: a broken policy file must never widen what is allowed.
 */
import { createHash } from 'node:crypto';
import { formatFieldPath, zodProblems, type LoadProblem } from '../config/problems.js';
import {
  GuardrailsFileSchema,
  NamespacePolicySchema,
  RbacAllowlistSchema,
  type GuardrailRule,
  type NamespacePolicy,
  type RbacAllowlist,
  type RbacGrant,
} from '../schemas/policy.js';
import { COMMANDS, FORBIDDEN_VERBS, GLOBAL_FLAGS, GRANTABLE_COMMANDS, NARROW_VERBS, NON_RESOURCE_COMMANDS } from './kubectl-commands.js';
import { KNOWN_RESOURCES, isClusterScoped } from './resource-kinds.js';

/** The policy file names inside an org directory. */
export const POLICY_FILES = {
  namespaces: 'namespaces.yaml',
  rbac: 'rbac-allowlist.yaml',
  guardrails: 'guardrails.yaml',
} as const;

/** Counts `rk8s check` reports. */
export interface PolicyCounts {
  tiers: number;
  namespaces: number;
  grants: number;
  guardrailRules: number;
}

/** A loaded, cross-checked policy. */
export interface Policy {
  /** sha256 (hex) of the three files' contents: recorded in audit records and approvals. */
  version: string;
  namespaces: NamespacePolicy;
  rbac: RbacAllowlist;
  guardrails: readonly GuardrailRule[];
  counts: PolicyCounts;
}

/** The three files' parsed YAML (unknown until checked), with the names problems should carry. */
export interface PolicySources {
  namespaces: unknown;
  rbac: unknown;
  guardrails: unknown;
  /** File names used in problems (default: the bare file names). */
  files?: Partial<Record<keyof typeof POLICY_FILES, string>>;
  /** Precomputed version (loadPolicy hashes the raw file text); default: a hash of the parsed data. */
  version?: string;
}

/** Kinds a pod's controller may have, as `owned_by` names them. */
export const OWNER_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

/** Placeholders a guardrail suggestion may use. */
export const SUGGESTION_PLACEHOLDERS: ReadonlySet<string> = new Set(['name', 'namespace', 'owner_kind', 'owner']);

const allFlagNames: ReadonlySet<string> = new Set([
  ...GLOBAL_FLAGS.map((flag) => flag.name),
  ...[...COMMANDS.values()].flatMap((spec) => spec.flags.map((flag) => flag.name)),
]);

function asList(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/** A sha256 over labelled parts, so moving text from one file to another changes the version. */
export function hashPolicyText(parts: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256');
  for (const [name, text] of Object.entries(parts)) hash.update(`${name}\u0000${text}\u0000`);
  return hash.digest('hex');
}

/** True when a namespace key ("prod" or "team-*") covers a namespace. */
export function namespacePatternMatches(pattern: string, namespace: string): boolean {
  return pattern.endsWith('*') ? namespace.startsWith(pattern.slice(0, -1)) : pattern === namespace;
}

function checkGrants(
  grants: readonly RbacGrant[],
  file: string,
  path: readonly PropertyKey[],
  scope: 'namespaced' | 'cluster',
  problems: LoadProblem[],
): void {
  grants.forEach((grant, grantIndex) => {
    grant.verbs.forEach((verb, verbIndex) => {
      const field = formatFieldPath([...path, grantIndex, 'verbs', verbIndex]);
      if (verb === '*') return;
      if (FORBIDDEN_VERBS.has(verb) || FORBIDDEN_VERBS.has(verb.split(' ')[0]!) || (NARROW_VERBS.has(verb.split(' ')[0]!) && !GRANTABLE_COMMANDS.includes(verb))) {
        problems.push({ file, field, message: `"${verb}" is always denied and cannot be granted: remove it` });
      } else if (NON_RESOURCE_COMMANDS.has(verb)) {
        problems.push({ file, field, message: `"${verb}" touches no resource: list it under non_resource instead` });
      } else if (!GRANTABLE_COMMANDS.includes(verb)) {
        problems.push({ file, field, message: `unknown verb "${verb}": use one of ${GRANTABLE_COMMANDS.filter((name) => !NON_RESOURCE_COMMANDS.has(name)).join(', ')}, or "*"` });
      }
    });
    grant.resources.forEach((resource, resourceIndex) => {
      const field = formatFieldPath([...path, grantIndex, 'resources', resourceIndex]);
      if (resource === '*') return;
      if (!KNOWN_RESOURCES.has(resource)) {
        problems.push({ file, field, message: `unknown resource "${resource}": use a canonical name (${[...KNOWN_RESOURCES].join(', ')}) or "*"` });
      } else if (scope === 'cluster' && !isClusterScoped(resource)) {
        problems.push({ file, field, message: `"${resource}" is namespaced: grant it under tiers or namespaces, not cluster` });
      } else if (scope === 'namespaced' && isClusterScoped(resource)) {
        problems.push({ file, field, message: `"${resource}" is cluster-scoped: grant it under cluster` });
      }
    });
  });
}

function checkGuardrails(rules: readonly GuardrailRule[], file: string, tiers: ReadonlySet<string>, problems: LoadProblem[]): void {
  const seen = new Map<string, number>();
  rules.forEach((rule, index) => {
    const field = (...rest: PropertyKey[]) => formatFieldPath(['rules', index, ...rest]);
    const previous = seen.get(rule.id);
    if (previous !== undefined) problems.push({ file, field: field('id'), message: `duplicate id "${rule.id}" (also rules[${previous}])` });
    seen.set(rule.id, index);
    asList(rule.match.verb).forEach((verb, verbIndex) => {
      if (!GRANTABLE_COMMANDS.includes(verb)) {
        problems.push({ file, field: field('match', 'verb', ...(typeof rule.match.verb === 'string' ? [] : [verbIndex])), message: `unknown verb "${verb}": use one of ${GRANTABLE_COMMANDS.join(', ')}` });
      }
    });
    asList(rule.match.resource).forEach((resource, resourceIndex) => {
      if (!KNOWN_RESOURCES.has(resource)) {
        problems.push({ file, field: field('match', 'resource', ...(typeof rule.match.resource === 'string' ? [] : [resourceIndex])), message: `unknown resource "${resource}"` });
      }
    });
    asList(rule.match.tier).forEach((tier, tierIndex) => {
      if (!tiers.has(tier)) {
        problems.push({ file, field: field('match', 'tier', ...(typeof rule.match.tier === 'string' ? [] : [tierIndex])), message: `tier "${tier}" is not defined in namespaces.yaml (tiers: ${[...tiers].join(', ')})` });
      }
    });
    for (const flag of Object.keys(rule.match.flags ?? {})) {
      if (!allFlagNames.has(flag)) problems.push({ file, field: field('match', 'flags', flag), message: `unknown kubectl flag "${flag}" (write the long name without dashes, e.g. replicas)` });
    }
    asList(rule.match.owned_by).forEach((kind, kindIndex) => {
      if (!OWNER_KINDS.has(kind)) {
        problems.push({ file, field: field('match', 'owned_by', ...(typeof rule.match.owned_by === 'string' ? [] : [kindIndex])), message: `unknown owner kind "${kind}": use ${[...OWNER_KINDS].join(', ')}` });
      }
    });
    rule.suggestion?.command_template.forEach((element, elementIndex) => {
      for (const match of element.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
        const name = match[1]!;
        if (!SUGGESTION_PLACEHOLDERS.has(name)) {
          problems.push({ file, field: field('suggestion', 'command_template', elementIndex), message: `unknown placeholder {{${name}}}: use ${[...SUGGESTION_PLACEHOLDERS].map((item) => `{{${item}}}`).join(', ')}` });
        } else if ((name === 'owner' || name === 'owner_kind') && rule.match.owned_by === undefined) {
          problems.push({ file, field: field('suggestion', 'command_template', elementIndex), message: `{{${name}}} needs match.owned_by (the owner is only known for owned pods)` });
        }
      }
    });
  });
}

/**
 * Every "__proto__" key in parsed YAML, as problems. zod's records copy keys by assignment, where
 * "__proto__" sets the prototype instead of a key: the entry would vanish without a word (a
 * guardrail's flag condition, say). Any other name, "constructor" included, is an ordinary key.
 */
function prototypeKeyProblems(value: unknown, file: string, path: PropertyKey[] = [], problems: LoadProblem[] = []): LoadProblem[] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => prototypeKeyProblems(item, file, [...path, index], problems));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__') problems.push({ file, field: formatFieldPath([...path, key]), message: 'the key "__proto__" is not allowed: rename or remove it' });
      else prototypeKeyProblems(item, file, [...path, key], problems);
    }
  }
  return problems;
}

/** Checks the three parsed files and builds the policy; any problem means no policy. */
export function compilePolicy(sources: PolicySources): { policy?: Policy; problems: LoadProblem[] } {
  const files = {
    namespaces: sources.files?.namespaces ?? POLICY_FILES.namespaces,
    rbac: sources.files?.rbac ?? POLICY_FILES.rbac,
    guardrails: sources.files?.guardrails ?? POLICY_FILES.guardrails,
  };
  const problems: LoadProblem[] = [
    ...prototypeKeyProblems(sources.namespaces, files.namespaces),
    ...prototypeKeyProblems(sources.rbac, files.rbac),
    ...prototypeKeyProblems(sources.guardrails, files.guardrails),
  ];
  const namespacesResult = NamespacePolicySchema.safeParse(sources.namespaces ?? undefined);
  const rbacResult = RbacAllowlistSchema.safeParse(sources.rbac ?? undefined);
  const guardrailsResult = GuardrailsFileSchema.safeParse(sources.guardrails ?? undefined);
  if (!namespacesResult.success) problems.push(...zodProblems(files.namespaces, namespacesResult.error));
  if (!rbacResult.success) problems.push(...zodProblems(files.rbac, rbacResult.error));
  if (!guardrailsResult.success) problems.push(...zodProblems(files.guardrails, guardrailsResult.error));

  const namespaces = namespacesResult.data;
  const rbac = rbacResult.data;
  const guardrails = guardrailsResult.data;
  const tiers = new Set(Object.keys(namespaces?.tiers ?? {}));

  if (namespaces) {
    for (const [namespace, entry] of Object.entries(namespaces.namespaces)) {
      if (!tiers.has(entry.tier)) {
        problems.push({ file: files.namespaces, field: `namespaces.${namespace}.tier`, message: `tier "${entry.tier}" is not defined under tiers (${[...tiers].join(', ') || 'none defined'})` });
      }
    }
  }
  if (rbac) {
    for (const [tier, grants] of Object.entries(rbac.tiers)) {
      if (namespaces && !tiers.has(tier)) {
        problems.push({ file: files.rbac, field: `tiers.${tier}`, message: `tier "${tier}" is not defined in ${files.namespaces} (${[...tiers].join(', ') || 'none defined'})` });
      }
      checkGrants(grants, files.rbac, ['tiers', tier], 'namespaced', problems);
    }
    for (const [namespace, grants] of Object.entries(rbac.namespaces)) {
      if (namespaces && !Object.hasOwn(namespaces.namespaces, namespace)) {
        problems.push({ file: files.rbac, field: `namespaces.${namespace}`, message: `namespace "${namespace}" is not listed in ${files.namespaces}: add it there with a tier` });
      }
      checkGrants(grants, files.rbac, ['namespaces', namespace], 'namespaced', problems);
    }
    checkGrants(rbac.cluster, files.rbac, ['cluster'], 'cluster', problems);
    rbac.non_resource.forEach((command, index) => {
      if (command !== '*' && !NON_RESOURCE_COMMANDS.has(command)) {
        problems.push({ file: files.rbac, field: `non_resource[${index}]`, message: `"${command}" is not a non-resource command: use ${[...NON_RESOURCE_COMMANDS].join(', ')}` });
      }
    });
  }
  if (guardrails) checkGuardrails(guardrails.rules, files.guardrails, tiers, problems);

  if (problems.length > 0 || !namespaces || !rbac || !guardrails) return { problems };
  const grantCount =
    Object.values(rbac.tiers).reduce((sum, grants) => sum + grants.length, 0) +
    Object.values(rbac.namespaces).reduce((sum, grants) => sum + grants.length, 0) +
    rbac.cluster.length +
    (rbac.non_resource.length > 0 ? 1 : 0);
  return {
    problems,
    policy: {
      version: sources.version ?? hashPolicyText({ namespaces: JSON.stringify(namespaces), rbac: JSON.stringify(rbac), guardrails: JSON.stringify(guardrails) }),
      namespaces,
      rbac,
      guardrails: guardrails.rules,
      counts: {
        tiers: tiers.size,
        namespaces: Object.keys(namespaces.namespaces).length,
        grants: grantCount,
        guardrailRules: guardrails.rules.length,
      },
    },
  };
}
