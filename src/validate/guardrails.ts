/**
 * Guardrails are data (org/guardrails.yaml): a rule matches the parsed command and either denies it
 * with a ready-to-run suggestion or raises its risk. Owner-aware rules (`owned_by`) rely on the
 * caller resolving the pod's controller; an unknown owner matches, so the safe answer is the default.
 */
import type { GuardrailRule } from '../schemas/policy.js';
import { maxRisk, type RiskLevel } from '../schemas/vocabulary.js';
import type { Suggestion, Violation } from '../schemas/verdict.js';
import { isTrueValue } from './flag-values.js';
import { parseKubectlArgs } from './kubectl-argv.js';
import { flagValue, type ParsedCommand } from './parsed-command.js';
import { namespacePatternMatches, type Policy } from './policy.js';
import type { PolicyScope } from './rbac.js';

/** A pod's controlling owner; null means "looked up: the pod has no controller". */
export type PodOwner = { kind: string; name: string } | null;

/**
 * A pod-template-hash suffix: up to 10 lower-case alphanumerics. (Real clusters use a consonant/digit
 * alphabet, rand.SafeEncodeString; simulated ones may not, so any [a-z0-9] is accepted.)
 */
const POD_TEMPLATE_HASH = /^(.+)-[a-z0-9]{1,10}$/;

/**
 * The Deployment that owns a ReplicaSet, by name: a Deployment's ReplicaSets are named
 * `<deployment>-<pod-template-hash>`, so "api-5d8f7c9b6" belongs to deployment "api".
 */
export function deploymentFromReplicaSet(replicaSetName: string): string | undefined {
  return POD_TEMPLATE_HASH.exec(replicaSetName)?.[1];
}

/** Maps a ReplicaSet owner to its Deployment when the name carries a pod-template-hash. */
export function effectiveOwner(owner: { kind: string; name: string }): { kind: string; name: string } {
  if (owner.kind === 'ReplicaSet') {
    const deployment = deploymentFromReplicaSet(owner.name);
    if (deployment) return { kind: 'Deployment', name: deployment };
  }
  return owner;
}

/**
 * When the validator's answer depends on who owns a pod (`delete pod X -n NS`), the namespace and pod
 * the caller should look up (e.g. with OwnerResolver.resolvePodOwner) before calling validate().
 */
export function needsOwnerLookup(command: ParsedCommand | readonly string[]): { namespace: string; pod: string } | undefined {
  const parsed = Array.isArray(command) ? parseKubectlArgs(command as readonly string[]) : (command as ParsedCommand);
  if (parsed.command !== 'delete' || parsed.namespace === undefined || parsed.targets.length !== 1) return undefined;
  const [target] = parsed.targets;
  if (!target || target.resource !== 'pod' || target.name === undefined) return undefined;
  return { namespace: parsed.namespace, pod: target.name };
}

/** The argv that prints a pod's owner name (what the user runs when rk8s could not resolve it). */
export function ownerLookupCommand(namespace: string, pod: string): string[] {
  return ['get', 'pod', pod, '-n', namespace, '-o', 'jsonpath={.metadata.ownerReferences[0].name}'];
}

function asList(value: string | readonly string[] | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? [value] : value;
}

function flagMatches(parsed: ParsedCommand, name: string, expected: string | boolean): boolean {
  const actual = flagValue(parsed, name);
  if (expected === true) return actual !== undefined && (actual === '' || !['false', '0', 'f', 'F', 'FALSE', 'False'].includes(actual));
  if (expected === false) return actual === undefined || !isTrueValue(actual);
  if (actual === undefined) return false;
  if (/^-?\d+$/.test(actual) && /^-?\d+$/.test(expected)) return Number(actual) === Number(expected);
  return actual === expected;
}

/** How a rule's owner condition came out. */
type OwnerMatch = 'not-applicable' | 'matched' | 'unknown' | 'no-match';

function ownerCondition(rule: GuardrailRule, owner: PodOwner | undefined): OwnerMatch {
  const kinds = asList(rule.match.owned_by);
  if (!kinds) return 'not-applicable';
  if (owner === undefined) return 'unknown';
  if (owner === null) return 'no-match';
  const resolved = effectiveOwner(owner);
  return kinds.includes(resolved.kind) || kinds.includes(owner.kind) ? 'matched' : 'no-match';
}

/** True when every condition of the rule's match holds (the owner condition aside). */
export function ruleMatches(rule: GuardrailRule, parsed: ParsedCommand, scope: PolicyScope): boolean {
  const match = rule.match;
  const verbs = asList(match.verb);
  if (verbs && (parsed.command === undefined || !verbs.includes(parsed.command))) return false;
  const resources = asList(match.resource);
  if (resources && !parsed.resources.some((resource) => resources.includes(resource))) return false;
  const tiers = asList(match.tier);
  if (tiers && (scope.tier === undefined || !tiers.includes(scope.tier))) return false;
  const namespaces = asList(match.namespace);
  if (namespaces && (scope.namespace === undefined || !namespaces.some((pattern) => namespacePatternMatches(pattern, scope.namespace!)))) return false;
  for (const [name, expected] of Object.entries(match.flags ?? {})) {
    if (!flagMatches(parsed, name, expected)) return false;
  }
  return true;
}

function render(template: readonly string[], values: ReadonlyMap<string, string | undefined>): string[] | undefined {
  const result: string[] = [];
  for (const element of template) {
    let missing = false;
    const text = element.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_whole, name: string) => {
      const value = values.get(name);
      if (value === undefined || value === '') missing = true;
      return value ?? '';
    });
    if (missing) return undefined;
    result.push(text);
  }
  return result;
}

/** What the guardrails decided. */
export interface GuardrailOutcome {
  violations: Violation[];
  suggestions: Suggestion[];
  /** The highest risk a raise-risk rule asked for ("none" when none matched). */
  risk: RiskLevel;
}

/** Applies every matching guardrail rule to the parsed command. */
export function applyGuardrails(
  parsed: ParsedCommand,
  policy: Policy,
  scope: PolicyScope,
  owner: PodOwner | undefined,
): GuardrailOutcome {
  const outcome: GuardrailOutcome = { violations: [], suggestions: [], risk: 'none' };
  const name = parsed.targets.find((target) => target.name !== undefined)?.name;
  // The caller's owner describes one pod; for any other shape of command it proves nothing.
  const knownOwner = needsOwnerLookup(parsed) ? owner : undefined;
  for (const rule of policy.guardrails) {
    if (!ruleMatches(rule, parsed, scope)) continue;
    const ownerMatch = ownerCondition(rule, knownOwner);
    if (ownerMatch === 'no-match') continue;
    if (rule.action === 'raise-risk') {
      outcome.risk = maxRisk(outcome.risk, rule.risk ?? 'high');
      continue;
    }
    if (ownerMatch === 'unknown') {
      outcome.violations.push({
        code: 'GUARDRAIL',
        message: `${rule.message} (guardrail ${rule.id}; the owner could not be checked, so the command is denied)`,
      });
      if (name !== undefined && scope.namespace !== undefined) {
        outcome.suggestions.push({
          message:
            `Find the pod's owner with: kubectl get pod ${name} -n ${scope.namespace} -o jsonpath='{.metadata.ownerReferences[0].name}' ` +
            `(a ReplicaSet such as "api-5d8f7c9b6" belongs to deployment "api": drop the last "-<hash>" part), ` +
            `then restart the owner: kubectl rollout restart <kind>/<owner> -n ${scope.namespace}`,
          command: ownerLookupCommand(scope.namespace, name),
        });
      }
      continue;
    }
    outcome.violations.push({ code: 'GUARDRAIL', message: `${rule.message} (guardrail ${rule.id})` });
    if (rule.suggestion) {
      const resolved = knownOwner ? effectiveOwner(knownOwner) : undefined;
      const values = new Map([
        ['name', name],
        ['namespace', scope.namespace],
        ['owner', resolved?.name],
        ['owner_kind', resolved?.kind.toLowerCase()],
      ]);
      const command = render(rule.suggestion.command_template, values);
      if (command) {
        const message = render([rule.suggestion.message], values)?.[0] ?? rule.suggestion.message;
        outcome.suggestions.push({ message, command });
      }
    }
  }
  return outcome;
}
