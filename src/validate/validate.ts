/**
 * validate(): the one decision every front-end relies on. Pure and total: it parses the argv itself,
 * applies the always-denied rules, the allow-list and the guardrails, computes the risk from the
 * parse (the card's declared risk can only raise it) and never throws.
 */
import { maxRisk, type RiskLevel } from '../schemas/vocabulary.js';
import type { ViolationCode, Suggestion, Verdict, Violation } from '../schemas/verdict.js';
import { alwaysDeniedViolations } from './always-denied.js';
import { applyGuardrails, type PodOwner } from './guardrails.js';
import { parseKubectlArgs } from './kubectl-argv.js';
import type { ParsedCommand } from './parsed-command.js';
import type { Policy } from './policy.js';
import { checkRbac } from './rbac.js';
import { escapeUnsafe } from './unsafe-characters.js';
import { combineRisk, commandRisk } from './risk.js';

/** What validate() knows besides the argv. */
export interface ValidateContext {
  policy: Policy;
  /** The card's declared risk: the verdict's risk is at least this. */
  cardRisk?: RiskLevel;
  /** The caller's configured kube context; `--context` equal to it is allowed, any other is denied. */
  configuredContext?: string;
  /** The caller's configured cluster; same rule for `--cluster`. */
  configuredCluster?: string;
  /**
   * The controlling owner of the pod a `delete pod` targets (see needsOwnerLookup). undefined: not
   * looked up or lookup failed (owner-aware guardrails deny); null: looked up, the pod has no controller.
   */
  owner?: PodOwner;
}

/** The verdict with the parse it was computed from. */
export interface ValidationResult {
  verdict: Verdict;
  parsed: ParsedCommand;
}

function denyAll(code: ViolationCode, message: string): Verdict {
  return { decision: 'deny', risk: 'high', violations: [{ code, message }], suggestions: [], mutating: true };
}

/** Validates and also returns the parse (for callers that display or log it). */
export function validateDetailed(args: readonly string[], context: ValidateContext): ValidationResult {
  const parsed = parseKubectlArgs(args);
  try {
    const verdict = decide(parsed, context, true);
    // Messages quote arguments; an unsafe character in them must not reach a terminal or a log raw.
    for (const violation of verdict.violations) violation.message = escapeUnsafe(violation.message);
    return { verdict, parsed };
  } catch (error) {
    return { verdict: denyAll('INTERNAL', `the validator failed, so the command is denied: ${(error as Error)?.message ?? String(error)}`), parsed };
  }
}

/** Decides allow, confirm or deny for the argv after `kubectl`. Pure; never throws. */
export function validate(args: readonly string[], context: ValidateContext): Verdict {
  return validateDetailed(args, context).verdict;
}

function decide(parsed: ParsedCommand, context: ValidateContext, checkSuggestions: boolean): Verdict {
  const policy = context?.policy;
  const violations: Violation[] = parsed.problems.map((problem) => ({ code: problem.code, message: problem.message }));
  violations.push(...alwaysDeniedViolations(parsed, context ?? {}));
  if (!parsed.known && violations.length === 0) {
    // No command spec found is a deny on its own, even if nothing else noticed (deny by default).
    violations.push({ code: 'VERB_UNKNOWN', message: `no known kubectl command in ${JSON.stringify(parsed.args.slice(0, 3))}: it is denied` });
  }

  let risk = combineRisk(commandRisk(parsed), context?.cardRisk);
  let suggestions: Suggestion[] = [];
  const verdict: Verdict = { decision: 'deny', risk, violations, suggestions, mutating: parsed.mutating };

  if (!policy || typeof policy !== 'object' || !policy.rbac || !policy.namespaces || !Array.isArray(policy.guardrails)) {
    violations.push({ code: 'POLICY_MISSING', message: 'no valid policy is loaded, so nothing may run: fix the org files (rk8s check)' });
    return verdict;
  }

  const { scope, violations: rbacViolations } = checkRbac(parsed, policy);
  violations.push(...rbacViolations);
  if (scope.namespace !== undefined) verdict.namespace = scope.namespace;
  if (scope.tier !== undefined) verdict.tier = scope.tier;

  const guardrails = applyGuardrails(parsed, policy, scope, context.owner);
  violations.push(...guardrails.violations);
  risk = maxRisk(risk, guardrails.risk);
  if (parsed.mutating && scope.tier !== undefined) {
    const tiers = policy.namespaces.tiers;
    const floor = Object.hasOwn(tiers, scope.tier) ? tiers[scope.tier]?.min_mutation_risk : undefined;
    if (floor) risk = maxRisk(risk, floor);
  }
  suggestions = guardrails.suggestions;
  if (checkSuggestions) {
    // A suggestion the policy would itself deny is no help: offer only what could run.
    suggestions = suggestions.filter((suggestion) => decide(parseKubectlArgs(suggestion.command), { ...context, owner: null }, false).decision !== 'deny');
  }

  verdict.risk = risk;
  verdict.suggestions = suggestions;
  verdict.decision = violations.length > 0 ? 'deny' : risk === 'medium' || risk === 'high' ? 'confirm' : 'allow';
  return verdict;
}
