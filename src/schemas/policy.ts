/** The org policy files: namespace tiers, the RBAC allow-list and guardrail rules. */
import { z } from 'zod';
import { RiskLevelSchema } from './vocabulary.js';

/** A tier name such as "prod", "staging" or "dev". */
export const TierNameSchema = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lower-case tier name');

/** org/namespaces.yaml: which namespaces exist for rk8s and which tier each belongs to. */
export const NamespacePolicySchema = z.strictObject({
  tiers: z.record(
    TierNameSchema,
    z.strictObject({
      description: z.string().default(''),
      /** Mutations need at least this risk's confirmation even when lower. */
      min_confirm_risk: RiskLevelSchema.optional(),
    }),
  ),
  namespaces: z.record(
    z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$|^\*$/, 'must be a namespace name or "*"'),
    z.strictObject({ tier: TierNameSchema, description: z.string().default('') }),
  ),
});
/** Parsed namespace tiers. */
export type NamespacePolicy = z.infer<typeof NamespacePolicySchema>;

/** One allow-list grant: these verbs on these resources. */
export const RbacGrantSchema = z.strictObject({
  verbs: z.array(z.string().min(1)).min(1).describe('kubectl verbs, e.g. get, describe, logs, "rollout restart", scale'),
  resources: z.array(z.string().min(1)).min(1).describe('canonical resource names, or "*"'),
});
/** A grant. */
export type RbacGrant = z.infer<typeof RbacGrantSchema>;

/** org/rbac-allowlist.yaml: allowed verbs x resources per tier or namespace, plus cluster-scoped rules. */
export const RbacAllowlistSchema = z.strictObject({
  tiers: z.record(TierNameSchema, z.array(RbacGrantSchema)).default({}),
  namespaces: z.record(z.string(), z.array(RbacGrantSchema)).default({}),
  cluster: z.array(RbacGrantSchema).default([]).describe('grants for cluster-scoped resources such as nodes'),
});
/** Parsed allow-list. */
export type RbacAllowlist = z.infer<typeof RbacAllowlistSchema>;

/** What a guardrail matches in the parsed command. */
export const GuardrailMatchSchema = z.strictObject({
  verb: z.union([z.string(), z.array(z.string())]).optional(),
  subcommand: z.union([z.string(), z.array(z.string())]).optional(),
  resource: z.union([z.string(), z.array(z.string())]).optional(),
  tier: z.union([z.string(), z.array(z.string())]).optional(),
  namespace: z.union([z.string(), z.array(z.string())]).optional(),
  flags: z
    .record(z.string(), z.union([z.string(), z.boolean()]))
    .optional()
    .describe('flag name (without dashes) -> required value, or true for "present"'),
  owned_by: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe('the object is owned by one of these kinds (resolved by the caller)'),
});

/** One guardrail rule: deny with a suggestion, or raise the risk. */
export const GuardrailRuleSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    description: z.string().min(1),
    match: GuardrailMatchSchema,
    action: z.enum(['deny', 'raise-risk']),
    risk: RiskLevelSchema.optional(),
    message: z.string().min(1),
    suggestion: z
      .strictObject({
        message: z.string().min(1),
        command_template: z.array(z.string().min(1)).min(1).describe('argv after kubectl, with {{name}}, {{namespace}}, {{owner_kind}}, {{owner}}'),
      })
      .optional(),
  })
  .superRefine((rule, context) => {
    if (rule.action === 'raise-risk' && !rule.risk) {
      context.addIssue({ code: 'custom', path: ['risk'], message: 'action raise-risk needs a "risk"' });
    }
  });
/** A guardrail rule. */
export type GuardrailRule = z.infer<typeof GuardrailRuleSchema>;

/** org/guardrails.yaml. */
export const GuardrailsFileSchema = z.strictObject({ rules: z.array(GuardrailRuleSchema) });
/** Parsed guardrails file. */
export type GuardrailsFile = z.infer<typeof GuardrailsFileSchema>;
