/**
 * "What changed": rollouts (a Deployment's ReplicaSets, a StatefulSet's or DaemonSet's
 * ControllerRevisions, with the image change and the revision number), Warning events and rk8s's own
 * audit records for the namespace or one object, merged newest first. Building it is pure; the
 * audit records are read (never written) through src/audit.
 */
import { readAuditRecords } from '../audit/audit-log.js';
import type { AuditRecord } from '../schemas/audit.js';
import { eventCount, eventFirstSeen, eventLastSeen, timeOf } from './age.js';
import { eventLine } from './evidence.js';
import { objectKey, type ObjectRef } from './finding.js';
import { describeImages, imageChange, revisionsOf } from './rollout-history.js';
import type { SnapshotIndex } from './snapshot-index.js';
import type { TimelineEntry } from './timeline-entry.js';
import { relatedObjects } from './target.js';

/** Entries a timeline keeps by default. */
export const DEFAULT_TIMELINE_LIMIT = 50;
/** Audit records read from the end of the log to find this namespace's operations. */
const AUDIT_RECORDS_READ = 5_000;

function rolloutEntries(index: SnapshotIndex, related: Set<string> | undefined): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const workloads: ObjectRef[] = [
    ...index.deployments.map((object) => index.ref('Deployment', object.metadata?.name ?? '')),
    ...index.statefulSets.map((object) => index.ref('StatefulSet', object.metadata?.name ?? '')),
    ...index.daemonSets.map((object) => index.ref('DaemonSet', object.metadata?.name ?? '')),
  ];
  for (const workload of workloads) {
    if (related && !related.has(objectKey(workload))) continue;
    const revisions = revisionsOf(index, workload.kind, workload.name);
    revisions.forEach((revision, position) => {
      if (!revision.createdAt) return;
      const previous = revisions[position + 1];
      const change = previous ? imageChange(previous, revision) : '';
      const what = previous ? (change ? `image ${change}` : 'same images (template change or restart)') : `first kept revision: ${describeImages(revision)}`;
      entries.push({
        at: revision.createdAt,
        type: 'rollout',
        object: workload,
        revision: revision.revision,
        text: `${workload.kind.toLowerCase()} ${workload.name} revision ${revision.revision} (${revision.kind} ${revision.name}): ${what}${revision.replicas !== undefined ? `; ${revision.ready ?? 0}/${revision.replicas} ready now` : ''}`,
      });
    });
  }
  return entries;
}

function eventEntries(index: SnapshotIndex, related: Set<string> | undefined): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const event of index.events) {
    if (event.type !== 'Warning') continue;
    const involved = event.involvedObject;
    if (!involved?.kind || !involved.name) continue;
    if (related && !related.has(`${involved.kind}/${involved.name}`)) continue;
    const at = eventLastSeen(event);
    if (!at) continue;
    const first = eventFirstSeen(event);
    entries.push({
      at,
      type: 'event',
      object: { kind: involved.kind, name: involved.name, ...(involved.namespace ? { namespace: involved.namespace } : {}) },
      text: `${involved.kind.toLowerCase()} ${involved.name}: ${eventLine(event, index.now)}`,
      count: eventCount(event),
      ...(first ? { firstSeen: first } : {}),
    });
  }
  return entries;
}

/** One entry per rk8s operation in the namespace (its records collapsed: proposed -> confirmed -> finished). */
export function auditEntries(records: readonly AuditRecord[], namespace: string, related: Set<string> | undefined): TimelineEntry[] {
  const relatedNames = related ? new Set([...related].map((key) => key.slice(key.indexOf('/') + 1))) : undefined;
  const operations = new Map<string, AuditRecord[]>();
  for (const record of records) {
    if (record.namespace !== namespace) continue;
    if (relatedNames) {
      const names = [record.name, ...(record.args ?? []).map((argument) => argument.slice(argument.indexOf('/') + 1))];
      if (!names.some((name) => name !== null && relatedNames.has(name))) continue;
    }
    const list = operations.get(record.operation_id) ?? [];
    list.push(record);
    operations.set(record.operation_id, list);
  }
  const entries: TimelineEntry[] = [];
  for (const [operationId, list] of operations) {
    const last = list[list.length - 1]!;
    const command = list.map((record) => record.command).filter((value): value is string => value !== null).pop();
    const what = command ?? [last.intent, last.resource, last.name].filter(Boolean).join(' ');
    const steps = list.map((record) => record.event).join(' -> ');
    const outcome = last.exit_code !== undefined ? ` (exit ${last.exit_code})` : last.message ? ` (${last.message})` : '';
    entries.push({
      at: last.timestamp,
      type: 'audit',
      object: { kind: last.resource ?? 'Namespace', name: last.name ?? namespace, namespace },
      text: `rk8s ${steps}: ${what}${outcome}`,
      user: last.user,
      source: last.source,
      ...(command ? { command } : {}),
      operationId,
    });
  }
  return entries;
}

/** The merged timeline, newest first, at most `limit` entries. */
export function buildTimeline(index: SnapshotIndex, options: { target?: ObjectRef; audit?: readonly AuditRecord[]; limit?: number } = {}): TimelineEntry[] {
  const related = options.target ? relatedObjects(index, options.target) : undefined;
  const entries = [...rolloutEntries(index, related), ...eventEntries(index, related), ...auditEntries(options.audit ?? [], index.namespace, related)];
  entries.sort((left, right) => (timeOf(right.at) ?? 0) - (timeOf(left.at) ?? 0) || left.text.localeCompare(right.text));
  return entries.slice(0, options.limit ?? DEFAULT_TIMELINE_LIMIT);
}

/** The newest audit records (read-only); an unreadable or missing log gives none and a note. */
export async function readAuditTail(path: string): Promise<{ records: AuditRecord[]; note?: string }> {
  try {
    return { records: await readAuditRecords(path, { limit: AUDIT_RECORDS_READ }) };
  } catch (error) {
    return { records: [], note: `audit log ${path} not read: ${(error as Error).message}` };
  }
}
