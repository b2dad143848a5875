/** Operations as the audit log tells them: its records grouped by operation id, oldest first. */
import type { AuditEvent, AuditRecord, PriorState } from '../schemas/audit.js';

/** One operation, folded from its records. */
export interface OperationSummary {
  id: string;
  user: string;
  source: string;
  context: string | null;
  card: string | null;
  intent: string | null;
  resource: string | null;
  namespace: string | null;
  name: string | null;
  command: string | null;
  decision: string | null;
  events: AuditEvent[];
  /** When kubectl was started (the `started` record). */
  startedAt?: string;
  /** How the run ended, when it did. */
  outcome?: 'finished' | 'failed' | 'cancelled';
  exitCode?: number;
  priorState?: PriorState;
  /** The operation this one undoes. */
  undoOf?: string;
  /** The newest record's time. */
  lastAt: string;
}

/** Groups records by operation, in the order each operation first appears. */
export function groupOperations(records: readonly AuditRecord[]): Map<string, OperationSummary> {
  const operations = new Map<string, OperationSummary>();
  for (const record of records) {
    let operation = operations.get(record.operation_id);
    if (!operation) {
      operation = {
        id: record.operation_id,
        user: record.user,
        source: record.source,
        context: record.context,
        card: record.card,
        intent: record.intent,
        resource: record.resource,
        namespace: record.namespace,
        name: record.name,
        command: record.command,
        decision: record.decision,
        events: [],
        lastAt: record.timestamp,
      };
      operations.set(record.operation_id, operation);
    }
    operation.events.push(record.event);
    operation.lastAt = record.timestamp;
    // The later records of an operation know more (the card and argv once planned, the verdict re-checked).
    if (record.card) operation.card = record.card;
    if (record.command) operation.command = record.command;
    if (record.decision) operation.decision = record.decision;
    if (record.undo_of) operation.undoOf = record.undo_of;
    if (record.event === 'started') {
      operation.startedAt = record.timestamp;
      if (record.prior_state) operation.priorState = record.prior_state;
    }
    if (record.event === 'finished' || record.event === 'failed' || record.event === 'cancelled') {
      // Only an outcome after `started` is the run's (a proposal can fail or be cancelled before anything ran).
      if (operation.startedAt !== undefined) {
        operation.outcome = record.event;
        if (record.exit_code !== undefined) operation.exitCode = record.exit_code;
      }
    }
  }
  return operations;
}
