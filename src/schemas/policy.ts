/** The org policy files: namespace tiers, the RBAC allow-list and guardrail rules (the validator's data). */
import { z } from 'zod';
import { RiskLevelSchema } from './vocabulary.js';

/** A tier name such as "prod", "staging" or "dev". */
export const TierNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'must be a lower-case tier name such as "prod" (letters, digits, "-")');

/**
 * A namespace key in org/namespaces.yaml: an exact namespace name, or a prefix pattern ending in "*"
 * ("team-*"). A bare "*" is refused on purpose: it would turn deny-by-default into allow-by-default.
 */
export const NamespacePatternSchema = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$|^[a-z0-9][-a-z0-9]*\*$/,
    'must be a namespace name ("prod") or a prefix pattern ending in "*" ("team-*"); a bare "*" is not allowed',
  );

/** One tier: a description and the minimum risk any mutation in it carries. */
export const TierSchema = z.strictObject({
  description: z.string().default(''),
  min_mutation_risk: RiskLevelSchema.optional().describe(
    'Every mutation in this tier is at least this risky (medium or high means it always needs confirmation).',
  ),
});
/** A tier. */
export type Tier = z.infer<typeof TierSchema>;

/** org/namespaces.yaml: the tiers, and which namespaces exist for rk8s and which tier each belongs to. */
export const NamespacePolicySchema = z.strictObject({
  tiers: z.record(TierNameSchema, TierSchema).describe('Tier name -> tier. Grants are given per tier in rbac-allowlist.yaml.'),
  namespaces: z
    .record(
      NamespacePatternSchema,
      z.strictObject({ tier: TierNameSchema, description: z.string().default('') }),
    )
    .describe('Namespace (or "prefix-*" pattern) -> its tier. A namespace not listed here is denied.'),
});
/** Parsed namespace tiers. */
export type NamespacePolicy = z.infer<typeof NamespacePolicySchema>;

/** One allow-list grant: these commands on these resources. */
export const RbacGrantSchema = z.strictObject({
  verbs: z
    .array(z.string().min(1))
    .min(1)
    .describe('kubectl commands: get, describe, logs, top, events, "rollout restart", scale, delete, cordon, "create job" (from a CronJob only), patch (CronJob suspend/resume only)... or "*" for all of them'),
  resources: z
    .array(z.string().min(1))
    .min(1)
    .describe('canonical resource names (deployment, pod, node...), or "*" (every resource except secret, which must be named)'),
  description: z.string().optional(),
});
/** A grant. */
export type RbacGrant = z.infer<typeof RbacGrantSchema>;

/** org/rbac-allowlist.yaml: allowed commands x resources per tier or namespace, plus cluster-scoped rules. */
export const RbacAllowlistSchema = z.strictObject({
  tiers: z.record(TierNameSchema, z.array(RbacGrantSchema)).default({}).describe('grants every namespace of the tier gets'),
  namespaces: z
    .record(NamespacePatternSchema, z.array(RbacGrantSchema))
    .default({})
    .describe('extra grants for one namespace (added to its tier\'s grants)'),
  cluster: z.array(RbacGrantSchema).default([]).describe('grants for cluster-scoped resources such as node and namespace'),
  non_resource: z
    .array(z.string().min(1))
    .default([])
    .describe('commands that touch no resource: version, api-resources, api-versions, "auth can-i", "auth whoami"'),
});
/** Parsed allow-list. */
export type RbacAllowlist = z.infer<typeof RbacAllowlistSchema>;

const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** What a guardrail matches in the parsed command; every field given must match (a list means any of). */
export const GuardrailMatchSchema = z.strictObject({
  verb: oneOrMany.optional().describe('kubectl command: delete, scale, drain, "rollout undo"...'),
  resource: oneOrMany.optional().describe('canonical resource names'),
  tier: oneOrMany.optional(),
  namespace: oneOrMany.optional(),
  flags: z
    .record(z.string().min(1), z.union([z.string(), z.boolean()]))
    .optional()
    .describe('long flag name (without dashes) -> required value, or true for "present and not false"'),
  owned_by: oneOrMany
    .optional()
    .describe('the pod is controlled by one of these kinds (Deployment, StatefulSet, DaemonSet, ReplicaSet); resolved by the caller; an unknown owner matches'),
});
/** A guardrail's match. */
export type GuardrailMatch = z.infer<typeof GuardrailMatchSchema>;

/** One guardrail rule: deny with a suggestion, or raise the risk. */
export const GuardrailRuleSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case, e.g. "no-delete-owned-pod"'),
    description: z.string().min(1),
    match: GuardrailMatchSchema,
    action: z.enum(['deny', 'raise-risk']),
    risk: RiskLevelSchema.optional().describe('for raise-risk: the risk the command is raised to (never lowered)'),
    message: z.string().min(1),
    suggestion: z
      .strictObject({
        message: z.string().min(1),
        command_template: z
          .array(z.string().min(1))
          .min(1)
          .describe('argv after kubectl, with {{name}}, {{namespace}}, {{owner_kind}}, {{owner}}'),
      })
      .optional(),
  })
  .superRefine((rule, context) => {
    if (rule.action === 'raise-risk' && !rule.risk) {
      context.addIssue({ code: 'custom', path: ['risk'], message: 'action raise-risk needs a "risk" (low, medium or high)' });
    }
  });
/** A guardrail rule. */
export type GuardrailRule = z.infer<typeof GuardrailRuleSchema>;

/** org/guardrails.yaml. */
export const GuardrailsFileSchema = z.strictObject({ rules: z.array(GuardrailRuleSchema) });
/** Parsed guardrails file. */
export type GuardrailsFile = z.infer<typeof GuardrailsFileSchema>;

