/** The k8s_exec result document: one shape for the library, `rk8s exec --json`, HTTP and MCP. */
import { z } from 'zod';
import { PlannerKindSchema } from '../schemas/plan.js';
import { DecisionSchema, SuggestionSchema, ViolationSchema } from '../schemas/verdict.js';
import { RiskLevelSchema } from '../schemas/vocabulary.js';

/** What happened: see docs/prompts.md for how an agent should react to each. */
export const K8S_EXEC_STATUSES = ['executed', 'dry-run', 'needs-confirmation', 'blocked', 'failed'] as const;
/** A k8s_exec status. */
export type K8sExecStatus = (typeof K8S_EXEC_STATUSES)[number];

/** The result document's schema (also the MCP tool's output schema). */
export const K8sExecResultSchema = z.object({
  operation_id: z.string().describe('The audit log operation id (empty when the request never reached the pipeline).'),
  status: z.enum(K8S_EXEC_STATUSES),
  plan: z
    .object({
      command: z.string().describe('Display form, for reading only; args is what runs.'),
      args: z.array(z.string()).describe('argv after kubectl'),
      card: z.string(),
      risk: RiskLevelSchema,
      rationale: z.string(),
      planner: PlannerKindSchema,
    })
    .nullable(),
  verdict: z
    .object({
      decision: DecisionSchema,
      violations: z.array(ViolationSchema),
      suggestions: z.array(SuggestionSchema),
    })
    .nullable(),
  result: z
    .object({
      exit_code: z.number().int(),
      stdout: z.string(),
      stderr: z.string(),
      truncated: z.boolean(),
      timed_out: z.boolean(),
      duration_ms: z.number(),
    })
    .optional(),
  dry_run: z
    .object({
      output: z.string(),
      exit_code: z.number().int().optional(),
      note: z.string().optional().describe('Why there is no server-side dry-run, when there is none.'),
    })
    .optional(),
  missing: z.array(z.string()).optional().describe('Required parameters the request did not give.'),
  notes: z.array(z.string()).optional().describe('Retrieval notes and warnings (fallbacks, owner lookups).'),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
});
/** The k8s_exec result document. */
export type K8sExecResult = z.infer<typeof K8sExecResultSchema>;
