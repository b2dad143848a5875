/** The validator's public surface: parse kubectl argv, load the org policy, decide allow/confirm/deny. */
export { parseKubectlArgs, MAX_ARGUMENTS, MAX_ARGUMENT_LENGTH } from './kubectl-argv.js';
export { normalizeKind, isClusterScoped, KNOWN_RESOURCES } from './resource-kinds.js';
export { flagValue, flagIsSet, flagCount } from './parsed-command.js';
export type { ParsedCommand, ParsedFlag, ParsedTarget, ParseProblem } from './parsed-command.js';
export { findUnsafeCharacter, isSafeText } from './unsafe-characters.js';
export { GRANTABLE_COMMANDS, FORBIDDEN_VERBS, FORBIDDEN_FLAGS, NON_RESOURCE_COMMANDS } from './kubectl-commands.js';
export { loadPolicy } from './load-policy.js';
export { compilePolicy, POLICY_FILES, type Policy, type PolicyCounts, type PolicySources } from './policy.js';
export { validate, validateDetailed, type ValidateContext, type ValidationResult } from './validate.js';
export { needsOwnerLookup, deploymentFromReplicaSet, effectiveOwner, ownerLookupCommand, type PodOwner } from './guardrails.js';
export { commandRisk, combineRisk, COMMAND_RISK } from './risk.js';
