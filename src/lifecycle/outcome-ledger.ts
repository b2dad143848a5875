/**
 * An AuditLog wrapper that knows which operations have a `started` record but no outcome yet
 * (`finished`, `failed` or `cancelled`), so a stopping front-end can wait until every command it
 * ran is accounted for in the log before the process exits.
 */
import type { AuditEvent } from '../schemas/audit.js';
import type { AuditLog } from '../contracts/ports.js';

/** The events that close a started operation. */
const OUTCOMES: ReadonlySet<AuditEvent> = new Set<AuditEvent>(['finished', 'failed', 'cancelled']);

/** The wrapper and what it knows. */
export interface OutcomeLedger {
  /** Use this log in the core. */
  readonly auditLog: AuditLog;
  /** Operations started whose outcome is not durable yet. */
  readonly pending: number;
  /** Outcome records whose append failed (the log lost them; the front-end must say so). */
  readonly unwritten: number;
  /** Resolves when no operation is pending. */
  settled(): Promise<void>;
}

/** Wraps a log in a ledger. */
export function createOutcomeLedger(inner: AuditLog): OutcomeLedger {
  const pending = new Set<string>();
  let unwritten = 0;
  let waiters: Array<() => void> = [];

  const close = (operationId: string) => {
    pending.delete(operationId);
    if (pending.size > 0) return;
    for (const wake of waiters) wake();
    waiters = [];
  };

  const auditLog: AuditLog = {
    get path() {
      return inner.path;
    },
    async append(record) {
      const opening = record.event === 'started';
      const closing = OUTCOMES.has(record.event);
      // Counted before the write: the operation is open from the moment its `started` append begins.
      if (opening) pending.add(record.operation_id);
      try {
        return await inner.append(record);
      } catch (error) {
        // A `started` that failed ran nothing (runApproved stops); an outcome that failed is lost.
        if (opening) close(record.operation_id);
        else if (closing && pending.has(record.operation_id)) unwritten += 1;
        throw error;
      } finally {
        if (closing) close(record.operation_id);
      }
    },
  };

  return {
    auditLog,
    get pending() {
      return pending.size;
    },
    get unwritten() {
      return unwritten;
    },
    settled: () => (pending.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}
