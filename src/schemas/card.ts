/** The command card: a curated kubectl argv template with parameters, risk and examples. */
import { z } from 'zod';
import { IntentSchema, ResourceSchema, RiskLevelSchema } from './vocabulary.js';

/** Parameter types a card may declare. */
export const PARAM_TYPES = ['string', 'name', 'integer', 'duration', 'enum', 'boolean'] as const;

/** One `{{placeholder}}` of a card's argv template. */
export const CardParamSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case, e.g. "tail_lines"'),
    type: z.enum(PARAM_TYPES),
    description: z.string().min(1),
    required: z.boolean().default(false),
    pattern: z.string().optional().describe('A regular expression the value must match (anchored).'),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    enum: z.array(z.string()).min(1).optional().describe('Allowed values, for type enum.'),
    flag: z
      .string()
      .regex(/^--?[a-z][a-z0-9-]*$/)
      .optional()
      .describe('For type boolean: the flag rendered when the value is true (the element is dropped when false).'),
    minimum: z.number().int().optional(),
    maximum: z.number().int().optional(),
  })
  .superRefine((param, context) => {
    if (param.type === 'enum' && !param.enum) {
      context.addIssue({ code: 'custom', path: ['enum'], message: 'type enum needs an "enum" list of allowed values' });
    }
    if (param.type === 'boolean' && !param.flag) {
      context.addIssue({ code: 'custom', path: ['flag'], message: 'type boolean needs a "flag", e.g. "--previous"' });
    }
  });
/** A card parameter. */
export type CardParam = z.infer<typeof CardParamSchema>;

/** A value a parameter can take once filled. */
export const ParamValueSchema = z.union([z.string(), z.number(), z.boolean()]);
/** A filled parameter value. */
export type ParamValue = z.infer<typeof ParamValueSchema>;

/** A worked example: a free-text request, its parameters and the exact command it renders to. */
export const CardExampleSchema = z.strictObject({
  request: z.string().min(1),
  params: z.record(z.string(), ParamValueSchema).default({}),
  command: z.string().regex(/^kubectl /, 'must be the full rendered command starting with "kubectl "'),
});
/** A card example. */
export type CardExample = z.infer<typeof CardExampleSchema>;

/** The card file schema (cards/<resource>/<intent>-<what>.yaml). */
export const CardSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case, e.g. "restart-deployment"'),
  title: z.string().min(1),
  intent: IntentSchema,
  resource: ResourceSchema,
  description: z.string().min(1),
  command_template: z
    .array(z.string().min(1))
    .min(1)
    .describe('The argv after "kubectl", one element per argument, with {{placeholders}}; never a shell string.'),
  params: z.array(CardParamSchema).default([]),
  risk_level: RiskLevelSchema,
  verbs: z.array(z.enum(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'])).min(1),
  dry_run: z.enum(['server', 'client', 'none']),
  examples: z.array(CardExampleSchema).min(1),
  notes: z.array(z.string()).default([]),
  keywords: z.array(z.string()).default([]),
  follow_up: z.array(z.string()).default([]),
});
/** A parsed command card. */
export type Card = z.infer<typeof CardSchema>;
