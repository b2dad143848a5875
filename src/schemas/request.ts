/** The k8s_exec payload: the one request shape shared by the library, CLI, HTTP and MCP. */
import { z } from 'zod';
import { findUnsafeCharacter, unsafeCharacterMessage } from '../validate/unsafe-characters.js';
import { ParamValueSchema } from './card.js';
import {
  CLUSTER_SCOPED_RESOURCES,
  IntentSchema,
  NamespaceNameSchema,
  ObjectNameSchema,
  ResourceSchema,
} from './vocabulary.js';

/** Longest free-text query accepted (characters). */
export const MAX_QUERY_LENGTH = 500;
/** Longest per-request timeout a payload may ask for (seconds); config may lower it. */
export const MAX_TIMEOUT_SECONDS = 600;

/** Most items `constraints.expectArgs` may hold (no card renders more). */
export const MAX_EXPECT_ARGS = 64;
/** Longest item of `constraints.expectArgs` (characters). */
export const MAX_EXPECT_ARG_LENGTH = 1024;

/** A text with no control, format, non-ASCII space or invisible character (the argv rule, unsafe-characters.ts). */
const safeText = <Schema extends z.ZodString>(schema: Schema) =>
  schema.superRefine((text, context) => {
    const character = findUnsafeCharacter(text);
    if (character !== undefined) context.addIssue({ code: 'custom', message: unsafeCharacterMessage(character) });
  });

/** A parameter value; a string one obeys the same character rule as the argv it ends up in. */
const SafeParamValueSchema = ParamValueSchema.superRefine((value, context) => {
  const character = typeof value === 'string' ? findUnsafeCharacter(value) : undefined;
  if (character !== undefined) context.addIssue({ code: 'custom', message: unsafeCharacterMessage(character) });
});

/**
 * zod records skip a "__proto__" key without a word (assigning it would replace the prototype);
 * a parameter must never vanish silently, so the key is an error.
 */
function refuseProtoKey(value: unknown, context: { addIssue: (issue: { code: 'custom'; message: string; input: unknown }) => void }): unknown {
  if (typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__')) {
    context.addIssue({ code: 'custom', message: '"__proto__" is not a parameter name', input: value });
  }
  return value;
}

/** Execution constraints of a request. */
export const ConstraintsSchema = z.strictObject({
  confirm: z.boolean().optional().describe('Confirms a medium/high-risk command: goes with approvalToken (a human must have seen it).'),
  approvalToken: z
    .string()
    .max(200, 'must be at most 200 characters')
    .regex(/^[A-Za-z0-9_-]+$/, 'is the approval.token of a needs-confirmation answer, as given')
    .optional()
    .describe('approval.token from the needs-confirmation answer: runs exactly the command that answer showed, once, before approval.expiresAt.'),
  approvalId: z
    .string()
    .regex(/^[a-z2-9]{8}$/, 'is the approval.request.id of a needs-approval answer, e.g. "k3f9x2ab"')
    .optional()
    .describe('approval.request.id from a needs-approval answer: asks again whether a person decided; runs the command once it is approved.'),
  waitSeconds: z.number().int().min(0).max(600).optional().describe('With approvalId: how long to wait for the decision (default: org/approvals.yaml inbox.wait_seconds).'),
  confirmText: z
    .string()
    .max(253, 'must be at most 253 characters')
    .optional()
    .describe('For a high-risk command: the object\'s name as the human typed it (confirmation.word of the needs-confirmation answer).'),
  dryRun: z.boolean().optional().describe('Plan and preview only; run nothing.'),
  timeoutSeconds: z.number().int().min(1).max(MAX_TIMEOUT_SECONDS).optional(),
  expectArgs: z
    .array(safeText(z.string().max(MAX_EXPECT_ARG_LENGTH, `each item must be at most ${MAX_EXPECT_ARG_LENGTH} characters`)))
    .max(MAX_EXPECT_ARGS, `must have at most ${MAX_EXPECT_ARGS} items`)
    .optional()
    .describe(
      'The argv (after kubectl) the human confirmed: plan.args from the needs-confirmation answer. Nothing runs unless the fresh plan has exactly these args. Always send it with confirm (required over HTTP).',
    ),
});
/** Constraints. */
export type Constraints = z.infer<typeof ConstraintsSchema>;

/** The k8s_exec payload (seed-compatible). Unknown keys are rejected, names are DNS-1123. */
export const K8sExecPayloadSchema = z
  .strictObject({
    intent: IntentSchema.optional(),
    resource: ResourceSchema.optional(),
    namespace: safeText(NamespaceNameSchema).optional(),
    name: safeText(ObjectNameSchema).optional(),
    query: safeText(z.string().max(MAX_QUERY_LENGTH, `must be at most ${MAX_QUERY_LENGTH} characters`)).optional(),
    params: z
      .preprocess(refuseProtoKey, z.record(
        z.string().regex(/^[a-z][a-z0-9_]*$/, 'parameter names are snake_case, e.g. "replicas" or "tail"'),
        SafeParamValueSchema,
      ))
      .refine((params) => Object.keys(params).length <= 20, 'at most 20 parameters')
      .refine((params) => !('namespace' in params) && !('name' in params), 'use the "namespace" and "name" fields, not params')
      .optional()
      .describe('Explicit card parameters (e.g. {"replicas": 5}); each is still checked against the card.'),
    constraints: ConstraintsSchema.optional(),
  })
  .superRefine((payload, context) => {
    const clusterScoped = payload.resource !== undefined && CLUSTER_SCOPED_RESOURCES.has(payload.resource);
    // Free text without a resource ("drain node-1") may be about a cluster-scoped object: the planner
    // then asks for the namespace (PARAMS_MISSING) only when the card it chose needs one.
    const wordsOnly = payload.resource === undefined && payload.query !== undefined && payload.query.trim() !== '';
    if (payload.namespace === undefined && !clusterScoped && !wordsOnly) {
      context.addIssue({
        code: 'custom',
        path: ['namespace'],
        message: 'is required (except for cluster-scoped resources such as node), e.g. "prod"',
      });
    }
    if (payload.intent === undefined && payload.resource === undefined && !payload.query?.trim()) {
      context.addIssue({
        code: 'custom',
        path: ['query'],
        message: 'is required when neither intent nor resource is given: say what you want, e.g. "restart api"',
      });
    }
  });
/** A validated request. */
export type K8sExecPayload = z.infer<typeof K8sExecPayloadSchema>;

/** Where a request came from (recorded in the audit log). */
export const SOURCES = ['tui', 'cli', 'http', 'mcp', 'tool'] as const;
/** A request source. */
export type RequestSource = (typeof SOURCES)[number];
