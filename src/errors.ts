/** Typed errors with stable codes and process exit codes; every user-facing failure is one of these. */

/** Process exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  needsConfirmation: 3,
  denied: 4,
  config: 5,
  kubectl: 6,
  /** An audit record could not be written (AuditWriteError): what happened is not on record. */
  auditWriteFailed: 7,
  cancelled: 130,
} as const;

/** Options accepted by every rk8s error. */
export interface Rk8sErrorOptions {
  cause?: unknown;
  /** A one-line hint telling the user how to fix the problem. */
  hint?: string;
  /** Extra structured detail (file, field, list of problems...). */
  details?: unknown;
}

/** Base class: a stable `code`, an exit code and an optional fix hint. */
export class Rk8sError extends Error {
  readonly code: string = 'RK8S_ERROR';
  readonly exitCode: number = ExitCode.failure;
  readonly hint?: string;
  readonly details?: unknown;

  constructor(message: string, options: Rk8sErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.details = options.details;
  }
}

/** Input from a user or a client failed validation (payload, flags, body). */
export class InputError extends Rk8sError {
  override readonly code = 'INPUT_INVALID';
  override readonly exitCode = ExitCode.usage;
}

/** Configuration, cards or policy files could not be loaded or are invalid. */
export class ConfigError extends Rk8sError {
  override readonly code = 'CONFIG_INVALID';
  override readonly exitCode = ExitCode.config;
}

/** The validator denied a command. */
export class PolicyDeniedError extends Rk8sError {
  override readonly code = 'POLICY_DENIED';
  override readonly exitCode = ExitCode.denied;
}

/** A command needs a human confirmation that was not given. */
export class ConfirmationRequiredError extends Rk8sError {
  override readonly code = 'CONFIRMATION_REQUIRED';
  override readonly exitCode = ExitCode.needsConfirmation;
}

/** An approval token does not match the command it is presented with. */
export class ApprovalMismatchError extends Rk8sError {
  override readonly code = 'APPROVAL_MISMATCH';
  override readonly exitCode = ExitCode.denied;
}

/** kubectl could not be run, or failed in a way worth reporting as an error. */
export class KubectlError extends Rk8sError {
  override readonly code = 'KUBECTL_FAILED';
  override readonly exitCode = ExitCode.kubectl;
}

/** A model (LLM or embedder) could not be loaded or answered badly. */
export class ModelError extends Rk8sError {
  override readonly code = 'MODEL_ERROR';
}

/** The planner could not produce a plan. */
export class PlanError extends Rk8sError {
  override readonly code = 'PLAN_FAILED';
}

/** The audit log could not be written or failed verification. */
export class AuditError extends Rk8sError {
  override readonly code = 'AUDIT_FAILED';
}

/** One record that an append could not write: enough to say later what is missing from the log. */
export interface LostAuditRecord {
  operation_id: string;
  event: string;
  /** The timestamp the record would have had. */
  at: string;
  /** Why: the errno code (ENOSPC, EIO, EACCES ...) or LOCK_TIMEOUT. */
  error: string;
}

/**
 * An audit record could not be written (disk full, I/O error, permissions, a lock that stayed held).
 * Nothing of it is left in the file; the log remembers it and notes the gap on the next record it can write.
 */
export class AuditWriteError extends Rk8sError {
  override readonly code = 'AUDIT_WRITE_FAILED';
  override readonly exitCode = ExitCode.auditWriteFailed;
  /** The operation whose record was lost. */
  readonly operationId: string;
  /** The event of the lost record (`finished`, `started` ...). */
  readonly event: string;
  /** The errno code or LOCK_TIMEOUT. */
  readonly reason: string;
  /** False when a partial line could not be removed (verify will report it as a torn line). */
  readonly fileIntact: boolean;

  constructor(message: string, lost: LostAuditRecord, options: Rk8sErrorOptions & { fileIntact?: boolean } = {}) {
    super(message, { ...options, details: options.details ?? { lost, fileIntact: options.fileIntact ?? true } });
    this.operationId = lost.operation_id;
    this.event = lost.event;
    this.reason = lost.error;
    this.fileIntact = options.fileIntact ?? true;
  }
}

/**
 * The error to report when an audit record could not be written, with what it means for this step
 * (`context`, e.g. "so the command was not run"). A write failure keeps its code, exit code and the
 * lost record; anything else becomes an AuditError.
 */
export function auditFailure(error: unknown, context: string): Rk8sError {
  const message = `${context}: ${(error as Error)?.message ?? String(error)}`;
  if (error instanceof AuditWriteError) {
    const lost = (error.details as { lost?: LostAuditRecord } | undefined)?.lost ?? { operation_id: error.operationId, event: error.event, at: new Date().toISOString(), error: error.reason };
    return new AuditWriteError(message, lost, { cause: error, fileIntact: error.fileIntact, hint: 'free space or fix the audit log directory (RK8S_AUDIT_LOG); the next record that can be written notes the gap' });
  }
  return new AuditError(message, { cause: error });
}

/** An operation was aborted by the user or a timeout. */
export class CancelledError extends Rk8sError {
  override readonly code = 'CANCELLED';
  override readonly exitCode = ExitCode.cancelled;
}

/** The JSON shape errors take on the event stream, HTTP and MCP. */
export interface SerializedError {
  code: string;
  message: string;
  hint?: string;
  details?: unknown;
}

/** Turns anything thrown into a SerializedError without leaking stack traces. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Rk8sError) {
    const serialized: SerializedError = { code: error.code, message: error.message };
    if (error.hint !== undefined) serialized.hint = error.hint;
    if (error.details !== undefined) serialized.details = error.details;
    return serialized;
  }
  if (error instanceof Error) {
    if (error.name === 'AbortError') return { code: 'CANCELLED', message: 'cancelled' };
    return { code: 'INTERNAL', message: error.message };
  }
  return { code: 'INTERNAL', message: String(error) };
}

/** True when an error (or its cause chain) is an abort. */
export function isAbortError(error: unknown): boolean {
  if (error instanceof CancelledError) return true;
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}
