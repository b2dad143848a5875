/** The plan a planner proposes: a card, its parameters and the argv rendered by code from them. */
import { z } from 'zod';
import { ParamValueSchema } from './card.js';
import { IntentSchema, NamespaceNameSchema, ObjectNameSchema, ResourceSchema } from './vocabulary.js';

/** Which planner answered. */
export const PlannerKindSchema = z.enum(['llm', 'template']);
/** A planner kind. */
export type PlannerKind = z.infer<typeof PlannerKindSchema>;

/** Where an understood value came from: a field of the request, the free-text words, the live cluster, or a default. */
export const UnderstoodSourceSchema = z.enum(['explicit', 'words', 'cluster', 'default']);
/** A source of an understood value. */
export type UnderstoodSource = z.infer<typeof UnderstoodSourceSchema>;

/** One modifier read from the words ("last 50 lines" -> tail=50), with the words that said so. */
export const UnderstoodModifierSchema = z.strictObject({
  slot: z.string(),
  value: ParamValueSchema,
  from: z.string().describe('The words of the request that produced it.'),
});
/** An understood modifier. */
export type UnderstoodModifier = z.infer<typeof UnderstoodModifierSchema>;

/** What the planner understood, so every front-end can show it and the user can correct it. */
export const UnderstoodSchema = z.strictObject({
  intent: IntentSchema.optional(),
  intentFrom: z.enum(['explicit', 'words', 'default']),
  resource: ResourceSchema.optional(),
  resourceFrom: UnderstoodSourceSchema,
  name: z.string().optional(),
  nameFrom: z.enum(['explicit', 'words', 'cluster']).optional(),
  namespace: z.string().optional(),
  modifiers: z.array(UnderstoodModifierSchema),
  /** How the words read: a command, a question, a negated or a hypothetical change (only a command may mutate). */
  mood: z.enum(['command', 'question', 'negated', 'hypothetical', 'none']).optional(),
});
/** What was understood. */
export type Understood = z.infer<typeof UnderstoodSchema>;

/** A request a front-end can send back as is (a k8s_exec payload without constraints). */
export const RequestChoiceSchema = z.strictObject({
  intent: IntentSchema.optional(),
  resource: ResourceSchema.optional(),
  namespace: NamespaceNameSchema.optional(),
  name: ObjectNameSchema.optional(),
  query: z.string().max(500).optional(),
  params: z.record(z.string(), ParamValueSchema).optional(),
});
/** A request partial. */
export type RequestChoice = z.infer<typeof RequestChoiceSchema>;

/** One answer to a clarification, or one alternative to a refusal. `args` when it is a concrete command. */
export const PlanChoiceSchema = z.strictObject({
  label: z.string(),
  request: RequestChoiceSchema,
  args: z.array(z.string()).optional().describe('The argv after kubectl this choice plans to, when known.'),
});
/** A choice. */
export type PlanChoice = z.infer<typeof PlanChoiceSchema>;

/** The planner asks instead of guessing: the words are ambiguous, contradictory, empty or name nothing that exists. */
export const ClarificationSchema = z.strictObject({
  question: z.string(),
  choices: z.array(PlanChoiceSchema),
});
/** A clarification. */
export type Clarification = z.infer<typeof ClarificationSchema>;

/** Stable refusal codes (the verdict carries OUT_OF_SCOPE; this says which class). */
export const REFUSAL_CODES = ['EXEC_DENIED', 'SECRET_DATA', 'NAMESPACE_DELETE', 'NODE_DELETE', 'WRITE_DENIED', 'NO_CARD', 'UNKNOWN_RESOURCE'] as const;

/** The planner refuses: the request is out of scope, with the reason and the nearest allowed alternatives. */
export const RefusalSchema = z.strictObject({
  code: z.enum(REFUSAL_CODES),
  reason: z.string(),
  alternatives: z.array(PlanChoiceSchema),
});
/** A refusal. */
export type Refusal = z.infer<typeof RefusalSchema>;

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
  understood: UnderstoodSchema.optional(),
  clarification: ClarificationSchema.optional().describe('Set when the planner asks instead of planning (args is empty).'),
  refusal: RefusalSchema.optional().describe('Set when the request is out of scope (args is empty).'),
});
/** A plan. */
export type Plan = z.infer<typeof PlanSchema>;
