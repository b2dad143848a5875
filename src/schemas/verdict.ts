/** The validator's verdict on a parsed kubectl argv. */
import { z } from 'zod';
import { RiskLevelSchema } from './vocabulary.js';

/** One reason a command is denied. */
export const ViolationSchema = z.strictObject({
  code: z.string().describe('Stable code, e.g. FLAG_FORBIDDEN, VERB_NOT_ALLOWED, NAMESPACE_UNKNOWN, GUARDRAIL'),
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
