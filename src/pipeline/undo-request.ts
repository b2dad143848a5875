/**
 * prepareUndo(): from an operation id (or "the newest change of this user") to the request that undoes
 * it, by reading the audit log and the live object. It never runs anything: the request it returns goes
 * through runRequest (retrieve, plan, validate, preview, confirm) like a typed one, with the undo
 * context that links the records and re-checks the object just before kubectl runs. A refusal is
 * recorded as a `denied` record of its own.
 */
import { randomUUID } from 'node:crypto';
import { readAuditRecords } from '../audit/audit-log.js';
import type { Core } from '../contracts/core.js';
import type { UndoContext } from '../contracts/events.js';
import { auditFailure } from '../errors.js';
import type { RequestSource } from '../schemas/request.js';
import { groupOperations, type OperationSummary } from '../undo/operation-history.js';
import { findOperation, inverseOf, latestUndoable, undoTarget, type UndoPlan, type UndoRefusal, type UndoRefusalCode } from '../undo/inverse.js';
import { readObjectState } from '../undo/read-prior-state.js';
import { defaultUser } from './audit-fields.js';
import { boundContext } from './propose.js';

/** How many of the newest audit records undo looks through (rotated files included). */
export const UNDO_HISTORY_RECORDS = 20_000;

/** An operation id as people give it: the full UUID or its first 8 or more hex digits. */
export const OPERATION_ID_PATTERN = /^[0-9a-f]{8}(?:[0-9a-f-]{0,28})$/;

/** How prepareUndo is called. */
export interface PrepareUndoOptions {
  source: RequestSource;
  /** Whose newest change is undone when no id is given, and who is recorded (default: the OS account). */
  user?: string;
  signal?: AbortSignal;
}

/** An undo ready to run through runRequest. */
export interface UndoReady {
  kind: 'ready';
  plan: UndoPlan;
  /** The operation undone. */
  operation: OperationSummary;
  /** What runRequest needs: the link and the state to re-check. */
  context: UndoContext;
  /** The reads made to check the live object (recorded on the undo's `proposed` record). */
  reads: string[];
}

/** An undo refused before anything was planned; `auditId` is the operation id of its `denied` record. */
export interface UndoRefused extends UndoRefusal {
  /** The operation asked about, when known. */
  of?: string;
  auditId: string;
}

/** What prepareUndo answers. */
export type UndoPreparation = UndoReady | UndoRefused;

/** Finds the operation, checks the records and the live object, and returns the inverse request or the refusal. */
export async function prepareUndo(operationId: string | undefined, core: Core, options: PrepareUndoOptions): Promise<UndoPreparation> {
  const user = options.user ?? defaultUser();
  const context = boundContext(core);
  const records = core.auditLog.readRecent ? await core.auditLog.readRecent(UNDO_HISTORY_RECORDS) : await readAuditRecords(core.auditLog.path, { limit: UNDO_HISTORY_RECORDS });
  const operations = groupOperations(records);
  const refused = (refusal: UndoRefusal, operation?: OperationSummary, reads: string[] = []) => recordRefusal(core, refusal, { user, source: options.source, operation, reads, asked: operationId });

  let operation: OperationSummary | undefined;
  if (operationId === undefined) {
    operation = latestUndoable(operations, user, context);
    if (!operation) {
      return refused({ kind: 'refused', code: 'UNDO_UNKNOWN_OPERATION', message: `no change by ${user} in the newest ${records.length} records of ${core.auditLog.path} that rk8s can undo; name one with rk8s undo OPERATION_ID (rk8s audit tail lists them)` });
    }
  } else {
    const found = findOperation(operations, operationId);
    if (found && 'kind' in found) return refused(found);
    if (!found) {
      return refused({ kind: 'refused', code: 'UNDO_UNKNOWN_OPERATION', message: `no operation ${operationId} in the newest ${records.length} records of ${core.auditLog.path} (rk8s audit tail lists them)` });
    }
    operation = found;
  }

  const target = undoTarget(operation, operations, { id: operation.id, context });
  if (target.kind === 'refused') return refused(target, operation);
  const current = await readObjectState(core, target.object, target.change, options.signal);
  const reads = current.reads.map((read) => read.command);
  const result = inverseOf(target, current);
  if (result.kind === 'refused') return refused(result, operation, reads);
  return { kind: 'ready', plan: result, operation, context: { of: result.of, expect: result.expect }, reads };
}

/** Records a refused undo as its own `denied` operation (linked with undo_of when the operation is known). */
async function recordRefusal(
  core: Core,
  refusal: UndoRefusal,
  facts: { user: string; source: RequestSource; operation?: OperationSummary; reads: string[]; asked?: string },
): Promise<UndoRefused> {
  const auditId = randomUUID();
  const operation = facts.operation;
  const object = operation?.priorState;
  try {
    await core.auditLog.append({
      timestamp: core.clock.now().toISOString(),
      level: 'WARN',
      operation_id: auditId,
      event: 'denied',
      user: facts.user,
      source: facts.source,
      context: boundContext(core),
      intent: null,
      resource: object?.resource ?? operation?.resource ?? null,
      namespace: object?.namespace ?? operation?.namespace ?? null,
      name: object?.name ?? operation?.name ?? null,
      command: null,
      args: null,
      card: null,
      planner: null,
      decision: 'deny',
      risk: null,
      violations: [`${refusal.code}: ${refusal.message}`],
      ...(operation ? { undo_of: operation.id } : {}),
      ...(facts.reads.length > 0 ? { reads: facts.reads } : {}),
      message: `undo ${operation?.id ?? facts.asked ?? '(newest change)'} refused: ${refusal.message}`,
    });
  } catch (error) {
    throw auditFailure(error, 'cannot write the audit log');
  }
  return { ...refusal, ...(operation ? { of: operation.id } : {}), auditId };
}

/** The refusal codes, re-exported for the front-ends' exit codes and documents. */
export type { UndoRefusalCode };
