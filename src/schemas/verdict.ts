/** The validator's verdict on a parsed kubectl argv. */
import { z } from 'zod';
import { RiskLevelSchema } from './vocabulary.js';

/**
 * Every reason a command can be denied or held, as a stable code scripts and agents can switch on
 * (docs/security.md explains each). A new check adds its code here, so the union stays the whole list.
 */
export const ViolationCodeSchema = z.enum([
  // The argv itself (src/validate/kubectl-argv.ts and friends)
  'PARSE_FAILED', 'ARG_INVALID', 'ARG_CONTROL_CHARACTER', 'ARG_SEPARATOR', 'ARGUMENT_UNEXPECTED', 'VERB_MISSING', 'VERB_UNKNOWN',
  'SUBCOMMAND_MISSING', 'SUBCOMMAND_UNKNOWN', 'FLAG_BEFORE_VERB', 'FLAG_UNKNOWN', 'FLAG_MISSING_VALUE', 'FLAG_VALUE_INVALID',
  'NAME_INVALID', 'RESOURCE_UNKNOWN', 'RESOURCE_MISSING', 'NAMESPACE_CONFLICT',
  // Never allowed, whatever the policy says (src/validate/always-denied.ts, narrow-forms.ts)
  'VERB_FORBIDDEN', 'FLAG_FORBIDDEN', 'TARGET_SWITCH', 'SECRET_DATA', 'ALL_NAMESPACES', 'BULK_MUTATION', 'FORCE_DELETE', 'NAMESPACE_DELETE',
  // The org policy (src/validate/rbac.ts, guardrails.ts)
  'POLICY_MISSING', 'POLICY_DENIED', 'NAMESPACE_REQUIRED', 'NAMESPACE_NOT_LISTED', 'VERB_NOT_ALLOWED', 'GUARDRAIL', 'READ_ONLY',
  // The plan and the request (src/pipeline, src/plan)
  'NO_CARD', 'PLAN_EMPTY', 'PLAN_FAILED', 'PARAMS_MISSING', 'PARAMS_INVALID', 'NEEDS_CLARIFICATION', 'OUT_OF_SCOPE', 'INTERNAL',
  // Confirmation and approvals (src/pipeline/approvers.ts, decide-approval.ts, src/approvals)
  'NOT_CONFIRMED', 'CONFIRM_TEXT_MISMATCH', 'EXPECT_REQUIRED', 'APPROVAL_REFUSED', 'APPROVAL_DENIED', 'APPROVAL_EXPIRED', 'APPROVAL_MISMATCH',
  'APPROVAL_UNKNOWN', 'APPROVAL_USED', 'APPROVAL_ALREADY_DECIDED', 'APPROVAL_NOT_ALLOWED', 'APPROVAL_STORE_FAILED', 'AGENT_NOT_ALLOWED',
  // Undo (src/undo/inverse.ts, docs/undo.md)
  'UNDO_UNKNOWN_OPERATION', 'UNDO_NOT_OURS', 'UNDO_NOT_A_CHANGE', 'UNDO_FAILED_OPERATION', 'UNDO_NOT_SUPPORTED', 'UNDO_PRIOR_STATE_UNKNOWN',
  'UNDO_ALREADY_UNDONE', 'UNDO_NOTHING_TO_UNDO', 'UNDO_STATE_UNREADABLE', 'UNDO_STATE_CHANGED',
]);
/** A violation code. */
export type ViolationCode = z.infer<typeof ViolationCodeSchema>;

/** One reason a command is denied. */
export const ViolationSchema = z.strictObject({
  code: ViolationCodeSchema.describe('Stable code, e.g. FLAG_FORBIDDEN, VERB_NOT_ALLOWED, NAMESPACE_NOT_LISTED, GUARDRAIL'),
  message: z.string(),
});
/** A violation. */
export type Violation = z.infer<typeof ViolationSchema>;

/** A safer command the user can accept with one key. */
export const SuggestionSchema = z.strictObject({
  message: z.string(),
  command: z.array(z.string()).describe('argv after kubectl'),
});
/** A suggestion. */
export type Suggestion = z.infer<typeof SuggestionSchema>;

/** The decision: allow runs, confirm needs a human, deny never runs. */
export const DecisionSchema = z.enum(['allow', 'confirm', 'deny']);
/** A decision. */
export type Decision = z.infer<typeof DecisionSchema>;

/** The verdict. */
export const VerdictSchema = z.strictObject({
  decision: DecisionSchema,
  risk: RiskLevelSchema,
  violations: z.array(ViolationSchema),
  suggestions: z.array(SuggestionSchema),
  /** Whether the parsed command changes cluster state. */
  mutating: z.boolean(),
  namespace: z.string().optional(),
  tier: z.string().optional(),
});
/** A verdict. */
export type Verdict = z.infer<typeof VerdictSchema>;
