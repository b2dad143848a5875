/**
 * `rk8s timeline`: what changed in a namespace or around one object, as one document. Two reads
 * (objects, events) through the cluster reader, the audit log's tail (read-only), one audit record.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createClusterReader } from '../cluster/cluster-reader.js';
import { InputError, PolicyDeniedError, isAbortError, serializeError } from '../errors.js';
import { auditRecord, defaultUser } from '../pipeline/audit-fields.js';
import type { Core } from '../contracts/core.js';
import type { RequestSource } from '../schemas/request.js';
import { NamespaceNameSchema } from '../schemas/vocabulary.js';
import { ObjectRefSchema } from './finding.js';
import { readTimelineState } from './snapshot.js';
import { SnapshotIndex } from './snapshot-index.js';
import { parseTarget, resolveTarget } from './target.js';
import { DEFAULT_TIMELINE_LIMIT, buildTimeline, readAuditTail } from './timeline.js';
import { TimelineEntrySchema } from './timeline-entry.js';

/** What a timeline is asked. */
export const TimelinePayloadSchema = z.strictObject({
  namespace: NamespaceNameSchema,
  target: z.string().min(1).max(300).optional().describe('KIND/NAME or a workload NAME'),
  limit: z.number().int().min(1).max(1000).optional().describe(`Most entries (default ${DEFAULT_TIMELINE_LIMIT}).`),
});
/** A timeline payload. */
export type TimelinePayload = z.infer<typeof TimelinePayloadSchema>;

/** The timeline document. */
export const TimelineDocumentSchema = z.object({
  operationId: z.string(),
  namespace: z.string(),
  target: ObjectRefSchema.optional(),
  entries: z.array(TimelineEntrySchema).describe('Newest first.'),
  checked: z.object({ reads: z.array(z.string()), notes: z.array(z.string()), durationMs: z.number() }),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
});
/** The timeline document. */
export type TimelineDocument = z.infer<typeof TimelineDocumentSchema>;

/** Builds the timeline; throws InputError for a bad payload, returns a document with `error` when reading failed. */
export async function readTimeline(
  payload: unknown,
  core: Pick<Core, 'validator' | 'kubectl' | 'auditLog' | 'clock' | 'config'>,
  options: { source: RequestSource; user?: string; signal?: AbortSignal },
): Promise<TimelineDocument> {
  const parsed = TimelinePayloadSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`invalid timeline request: ${issue.path.join('.') || '(payload)'}: ${issue.message}`, { hint: 'e.g. rk8s timeline -n prod deploy/payments' });
  }
  const request = parsed.data;
  const spec = request.target === undefined ? undefined : parseTarget(request.target);
  const started = performance.now();
  const operationId = randomUUID();
  const reader = createClusterReader(core, { maxReads: 8, ...(options.signal ? { signal: options.signal } : {}) });
  const notes: string[] = [];
  const subject = {
    operationId, source: options.source, user: options.user ?? defaultUser(), context: core.config.kubectl.context ?? null,
    request: { intent: 'history' as const, namespace: request.namespace, ...(spec ? { name: spec.name } : {}) },
  };
  const record = (event: 'investigated' | 'failed' | 'cancelled', message: string) =>
    core.auditLog.append(auditRecord(event, subject, { timestamp: core.clock.now().toISOString(), resource: spec?.kind?.toLowerCase() ?? null, reads: reader.reads.map((read) => read.command), message }));
  try {
    const verdict = core.validator.validate(['get', 'pods', '-n', request.namespace, '-o', 'json'], {});
    if (verdict.decision !== 'allow' || verdict.mutating) {
      throw new PolicyDeniedError(`cannot read namespace ${request.namespace}: ${verdict.violations.map((violation) => violation.message).join('; ') || 'not allowed'}`);
    }
    const state = await readTimelineState(reader, core.validator, request.namespace, () => core.clock.now());
    notes.push(...state.notes);
    const index = new SnapshotIndex(state.snapshot);
    const target = spec ? resolveTarget(index, spec) : undefined;
    const audit = await readAuditTail(core.auditLog.path);
    if (audit.note) notes.push(audit.note);
    const entries = buildTimeline(index, { ...(target ? { target } : {}), audit: audit.records, limit: request.limit ?? DEFAULT_TIMELINE_LIMIT });
    await record('investigated', `timeline: ${entries.length} entries`);
    return { operationId, namespace: request.namespace, ...(target ? { target } : {}), entries, checked: { reads: reader.reads.map((read) => read.command), notes, durationMs: Math.round(performance.now() - started) } };
  } catch (error) {
    const cancelled = isAbortError(error) || options.signal?.aborted === true;
    const serialized = serializeError(error);
    // The answer still says what failed; a log that cannot be written is one more thing it says.
    await record(cancelled ? 'cancelled' : 'failed', serialized.message).catch((auditError: unknown) => notes.push(`cannot write the audit log: ${(auditError as Error).message}`));
    return {
      operationId, namespace: request.namespace, entries: [],
      checked: { reads: reader.reads.map((read) => read.command), notes, durationMs: Math.round(performance.now() - started) },
      error: cancelled ? { code: 'CANCELLED', message: 'cancelled' } : { code: serialized.code, message: serialized.message, ...(serialized.hint ? { hint: serialized.hint } : {}) },
    };
  }
}
