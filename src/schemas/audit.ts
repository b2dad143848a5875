/** One JSONL audit record. Records are hash-chained: `hash` = sha256(canonical record without `hash`). */
import { z } from 'zod';
import { SOURCES } from './request.js';

/** Events an operation records. */
export const AUDIT_EVENTS = ['proposed', 'denied', 'confirmed', 'started', 'finished', 'dry-run', 'cancelled', 'failed', 'investigated', 'declined', 'approval-requested', 'approved'] as const;
/** An audit event name. */
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

/** One record an append could not write (see AuditWriteError). */
export const LostAuditRecordSchema = z.strictObject({
  operation_id: z.string(),
  event: z.string(),
  /** The timestamp the record would have had. */
  at: z.string(),
  /** The errno code (ENOSPC, EIO, EACCES ...) or LOCK_TIMEOUT. */
  error: z.string(),
});

/** Records that could not be written before the record that carries this (the chain is intact; the loss is declared). */
export const AuditGapSchema = z.strictObject({
  /** How many records were lost (may exceed `records`, which is capped). */
  lost: z.number().int().positive(),
  first_lost_at: z.string(),
  last_lost_at: z.string(),
  /** The first lost records, at most 32. */
  records: z.array(LostAuditRecordSchema),
});
/** A declared gap. */
export type AuditGap = z.infer<typeof AuditGapSchema>;

/**
 * The state of one object as far as undo needs it (src/undo/object-state.ts): only the fields the
 * operation's card changes are present.
 */
export const ObjectStateSchema = z.strictObject({
  /** spec.replicas (scale). */
  replicas: z.number().int().nonnegative().optional(),
  /** The deployment.kubernetes.io/revision annotation (rollback, restart). */
  revision: z.number().int().positive().optional(),
  /** The pod template's container images, in order, with the revision (shown to whoever undoes). */
  images: z.array(z.string()).optional(),
  /** spec.unschedulable of a node (cordon, uncordon, drain). */
  unschedulable: z.boolean().optional(),
  /** spec.paused of a deployment (pause, resume). */
  paused: z.boolean().optional(),
});
/** An object's state as undo records it. */
export type ObjectState = z.infer<typeof ObjectStateSchema>;

/**
 * What a change found before it ran and what it sets, on its `started` record: what `rk8s undo`
 * restores, and how it tells that the object changed since (docs/undo.md).
 */
export const PriorStateSchema = z.strictObject({
  /** `recorded`: `before` was read; `unknown`: the read failed (`reason`) and this change cannot be undone. */
  status: z.enum(['recorded', 'unknown']),
  /** The object, from the parsed argv: canonical resource, namespace (null: cluster-scoped) and name. */
  resource: z.string(),
  namespace: z.string().nullable(),
  name: z.string(),
  /** The fields the change touches, as they were just before it ran. */
  before: ObjectStateSchema.optional(),
  /** What the change sets (a rollback's revision is the one Kubernetes will give the new template). */
  set: ObjectStateSchema.optional(),
  /** Why the state is unknown. */
  reason: z.string().optional(),
});
/** A recorded prior state. */
export type PriorState = z.infer<typeof PriorStateSchema>;

/** The audit record. Optional fields appear where they apply. */
export const AuditRecordSchema = z.strictObject({
  timestamp: z.string(),
  level: z.enum(['INFO', 'WARN', 'ERROR']),
  operation_id: z.string().uuid(),
  event: z.enum(AUDIT_EVENTS),
  user: z.string(),
  source: z.enum(SOURCES),
  context: z.string().nullable(),
  intent: z.string().nullable(),
  resource: z.string().nullable(),
  namespace: z.string().nullable(),
  name: z.string().nullable(),
  command: z.string().nullable(),
  args: z.array(z.string()).nullable(),
  card: z.string().nullable(),
  planner: z.string().nullable(),
  decision: z.string().nullable(),
  risk: z.string().nullable(),
  /** sha256 of the org policy files the decision was made under. */
  policy_version: z.string().nullable().optional(),
  /** The free text as the requester wrote it (redacted): where prompt injection would arrive. */
  query: z.string().optional(),
  violations: z.array(z.string()).optional(),
  /** The approvals-inbox request (or approval token entry) this record is about. */
  approval_id: z.string().optional(),
  /** Who decided an approval request (the OS account of the person, and the door they used). */
  decided_by: z.string().optional(),
  /** The read-only kubectl commands an investigation or a name lookup made (each validated before it ran). */
  reads: z.array(z.string()).optional(),
  /** On every record of an undo: the operation it undoes. */
  undo_of: z.string().uuid().optional(),
  /** On the `started` record of a change undo knows how to invert: the state before it and what it sets. */
  prior_state: PriorStateSchema.optional(),
  message: z.string().optional(),
  exit_code: z.number().int().optional(),
  duration: z.number().optional().describe('seconds'),
  stdout_sha256: z.string().optional(),
  stderr_sha256: z.string().optional(),
  truncated: z.boolean().optional(),
  timed_out: z.boolean().optional(),
  /** Set by the log itself, on the first record written after appends failed: what is missing before it. */
  gap: AuditGapSchema.optional(),
  prev_hash: z.string(),
  hash: z.string(),
});
/** An audit record. */
export type AuditRecord = z.infer<typeof AuditRecordSchema>;
