/**
 * The investigation document: what `rk8s diagnose --json`, POST /diagnose, the MCP tool k8s_diagnose
 * and the library's k8s_diagnose return. A zod schema, so the MCP output schema and the docs agree.
 */
import { z } from 'zod';
import { NamespaceNameSchema } from '../schemas/vocabulary.js';
import { FindingSchema, ObjectRefSchema } from './finding.js';
import { TimelineEntrySchema } from './timeline-entry.js';

/** healthy: nothing at warning or worse; findings: something is wrong; failed: the investigation could not run. */
export const DIAGNOSE_STATUSES = ['healthy', 'findings', 'failed'] as const;
/** A document status. */
export type DiagnoseStatus = (typeof DIAGNOSE_STATUSES)[number];

/** What an investigation looked at and what it cost. */
export const CheckedSchema = z.object({
  kinds: z.record(z.string(), z.number().int()).describe('How many objects of each kind were read, e.g. {"Pod": 12}.'),
  reads: z.array(z.string()).describe('Every kubectl command the investigation ran (each validated as a read first).'),
  notes: z.array(z.string()).describe('What could not be read or checked, and why.'),
  durationMs: z.number(),
  readMs: z.number().describe('Wall time of the kubectl reads.'),
  analysisMs: z.number().describe('Time of the analysis itself (pure, no I/O).'),
});

/** A model's explanation: written only from the findings' evidence, citing finding ids, never adding a command. */
export const ExplanationSchema = z.object({
  text: z.string(),
  cites: z.array(z.string()).describe('Finding ids the explanation rests on.'),
  model: z.string(),
});

/** The document. */
export const DiagnoseDocumentSchema = z.object({
  operationId: z.string().describe('The audit record of this investigation (event "investigated").'),
  status: z.enum(DIAGNOSE_STATUSES),
  namespace: z.string(),
  target: ObjectRefSchema.optional().describe('The object investigated, when one was named.'),
  summary: z.string().describe('A deterministic summary of the findings (always present).'),
  findings: z.array(FindingSchema).describe('Root causes first, each followed by what it causes.'),
  checked: CheckedSchema,
  explanation: ExplanationSchema.optional(),
  timeline: z.array(TimelineEntrySchema).optional(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
});
/** The investigation document. */
export type DiagnoseDocument = z.infer<typeof DiagnoseDocumentSchema>;

/** What an investigation is asked: the library, HTTP and MCP payload. */
export const DiagnosePayloadSchema = z.strictObject({
  namespace: NamespaceNameSchema.describe('The namespace to investigate, e.g. "prod".'),
  target: z
    .string()
    .min(1, 'must not be empty')
    .max(300, 'must be at most 300 characters')
    .optional()
    .describe('An object to focus on: KIND/NAME in any kubectl spelling (deploy/payments, po/x, svc/web) or a workload NAME.'),
  timeline: z.boolean().optional().describe('Add the timeline (rollouts, Warning events, rk8s audit records), newest first.'),
  explain: z.boolean().optional().describe('Add a short explanation from the local model, if one is configured (it cites finding ids and never adds a command).'),
});
/** The payload. */
export type DiagnosePayload = z.infer<typeof DiagnosePayloadSchema>;
