/**
 * What an investigation reports: findings with the evidence they rest on and the remediations that
 * fix them. A remediation is an ordinary request (intent, resource, namespace, name, params) that goes
 * through the same propose -> validate -> dry-run -> confirm -> run path as any other: never an argv.
 */
import { z } from 'zod';
import { ParamValueSchema } from '../schemas/card.js';
import { INTENTS, RESOURCES, RiskLevelSchema } from '../schemas/vocabulary.js';
import { REASON_CODES } from './reasons.js';

/** How bad a finding is: critical (down), warning (degraded or about to be), info (worth knowing). */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
/** A severity. */
export type Severity = (typeof SEVERITIES)[number];

/** A Kubernetes object by kind and name. */
export const ObjectRefSchema = z.object({
  kind: z.string().describe('Kubernetes kind, e.g. Deployment, Pod, PersistentVolumeClaim.'),
  name: z.string(),
  namespace: z.string().optional().describe('Absent for cluster-scoped objects (Node, StorageClass).'),
});
/** A Kubernetes object by kind and name. */
export type ObjectRef = z.infer<typeof ObjectRefSchema>;

/** Kinds of evidence. */
export const EVIDENCE_TYPES = ['field', 'event', 'log', 'metric', 'revision', 'spec', 'note'] as const;

/** One fact a finding rests on: an exact status field, an event line, a log line, a usage figure. */
export const EvidenceSchema = z.object({
  type: z.enum(EVIDENCE_TYPES),
  object: ObjectRefSchema.optional().describe('The object the fact was read from.'),
  path: z.string().optional().describe('Where it was read, e.g. status.containerStatuses[payments].lastState.terminated.'),
  text: z.string().describe('The value, event line or log line exactly (logs redacted).'),
  at: z.string().optional().describe('When (ISO 8601), for events, logs and revisions.'),
  error: z.boolean().optional().describe('A log line that looks like an error.'),
});
/** One piece of evidence. */
export type Evidence = z.infer<typeof EvidenceSchema>;

/** A remediation's request: the k8s_exec payload that plans it (explicit params, no free text). */
export const RemediationRequestSchema = z.object({
  intent: z.enum(INTENTS),
  resource: z.enum(RESOURCES),
  namespace: z.string().optional(),
  name: z.string().optional(),
  params: z.record(z.string(), ParamValueSchema).optional(),
});
/** A remediation's request. */
export type RemediationRequest = z.infer<typeof RemediationRequestSchema>;

/** What the request plans to, as the validator sees it now (filled in by the investigation, not by analyzers). */
export const RemediationPreviewSchema = z.object({
  command: z.string().describe('The kubectl command the card renders ("" when the plan is incomplete).'),
  card: z.string(),
  risk: RiskLevelSchema,
  decision: z.enum(['allow', 'confirm', 'deny']),
  violations: z.array(z.string()).optional().describe('Why the policy would refuse it.'),
});
/** A remediation preview. */
export type RemediationPreview = z.infer<typeof RemediationPreviewSchema>;

/** A fix (changes the cluster, needs the usual confirmation) or a read-only next step. */
export const RemediationSchema = z.object({
  kind: z.enum(['fix', 'inspect']),
  title: z.string(),
  why: z.string(),
  request: RemediationRequestSchema,
  preview: RemediationPreviewSchema.optional(),
});
/** A remediation. */
export type Remediation = z.infer<typeof RemediationSchema>;

/** One finding. */
export const FindingSchema = z.object({
  id: z.string().describe('Stable within an investigation: kind/name:Reason of the object it is about.'),
  severity: z.enum(SEVERITIES),
  object: ObjectRefSchema.describe('The object the finding is about (pods roll up to their workload).'),
  owner: ObjectRefSchema.nullable().describe("The object's own controller, when it has one (a Job's CronJob)."),
  reason: z.enum(REASON_CODES).describe('A stable code (docs/diagnose.md lists them).'),
  summary: z.string().describe('What is wrong, in plain words.'),
  affected: z.array(ObjectRefSchema).describe('The pods (or other objects) the finding covers.'),
  blastRadius: z.number().int().describe('How many pods or replicas it takes out (for ranking).'),
  evidence: z.array(EvidenceSchema),
  remediations: z.array(RemediationSchema).describe('Fixes first, then read-only next steps; each plans through the usual validate/confirm flow.'),
  check: z.string().optional().describe('What to check or change by hand when no safe command fixes it.'),
  causedBy: z.string().optional().describe('The id of the finding this one follows from.'),
});
/** A finding. */
export type Finding = z.infer<typeof FindingSchema>;

/** The key of an object within one namespace: "Deployment/payments". */
export function objectKey(reference: { kind: string; name: string }): string {
  return `${reference.kind}/${reference.name}`;
}

/** The stable id of a finding about an object for a reason. */
export function findingId(object: { kind: string; name: string }, reason: string, qualifier?: string): string {
  return `${object.kind.toLowerCase()}/${object.name}:${reason}${qualifier ? `:${qualifier}` : ''}`;
}
