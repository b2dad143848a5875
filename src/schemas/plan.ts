/** The plan a planner proposes: a card, its parameters and the argv rendered by code from them. */
import { z } from 'zod';
import { ParamValueSchema } from './card.js';

/** Which planner answered. */
export const PlannerKindSchema = z.enum(['llm', 'template']);
/** A planner kind. */
export type PlannerKind = z.infer<typeof PlannerKindSchema>;

/** A plan. `args` is the argv after `kubectl`, always rendered from the card template, never written by a model. */
export const PlanSchema = z.strictObject({
  card: z.string(),
  params: z.record(z.string(), ParamValueSchema),
  args: z.array(z.string()),
  command: z.string().describe('Display form: "kubectl " + args, shell-quoted for reading only.'),
  rationale: z.string(),
  planner: PlannerKindSchema,
  model: z.string().optional(),
  missing: z.array(z.string()).describe('Required parameters that could not be filled; args is empty when any are missing.'),
});
/** A plan. */
export type Plan = z.infer<typeof PlanSchema>;
