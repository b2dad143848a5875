/**
 * The one exit-code table: every command and front-end that ends with a code asks here, so `rk8s
 * plan`, `rk8s exec`, the TUI's transcript and the docs never disagree.
 */
import { ExitCode } from '../errors.js';
import type { Verdict } from '../schemas/verdict.js';
import { UNDO_REFUSAL_CODES } from '../undo/inverse.js';
import type { ExecDocument } from './exec-document.js';
import type { PlanDocument } from './plan-document.js';

const ERROR_EXIT_CODES: ReadonlyMap<string, number> = new Map([
  ['INPUT_INVALID', ExitCode.usage],
  ['CONFIG_INVALID', ExitCode.config],
  ['POLICY_DENIED', ExitCode.denied],
  ['APPROVAL_MISMATCH', ExitCode.denied],
  ['APPROVAL_USED', ExitCode.denied],
  ['APPROVAL_UNKNOWN', ExitCode.denied],
  ['APPROVAL_EXPIRED', ExitCode.denied],
  ['APPROVAL_DENIED', ExitCode.denied],
  ['EXPECT_REQUIRED', ExitCode.denied],
  ['APPROVAL_ALREADY_DECIDED', ExitCode.denied],
  ['APPROVAL_NOT_ALLOWED', ExitCode.denied],
  ['AGENT_NOT_ALLOWED', ExitCode.denied],
  // Undo refusals (src/undo/inverse.ts): nothing was run, like a denial.
  ...UNDO_REFUSAL_CODES.map((code) => [code, ExitCode.denied] as const),
  ['CONFIRMATION_REQUIRED', ExitCode.needsConfirmation],
  ['NOT_CONFIRMED', ExitCode.needsConfirmation],
  ['CONFIRM_TEXT_MISMATCH', ExitCode.needsConfirmation],
  ['KUBECTL_FAILED', ExitCode.kubectl],
  ['CANCELLED', ExitCode.cancelled],
  ['AUDIT_WRITE_FAILED', ExitCode.auditWriteFailed],
]);

/** The shell's "command not found": what execute() reports when kubectl cannot be started. */
const KUBECTL_NOT_STARTED = 127;

/** The exit code for an error (by its stable code). */
export function exitCodeForError(error: { code: string }): number {
  return ERROR_EXIT_CODES.get(error.code) ?? ExitCode.failure;
}

/** 0 allow, 3 confirm, 4 deny. */
export function exitCodeForVerdict(verdict: Pick<Verdict, 'decision'>): number {
  return verdict.decision === 'allow' ? ExitCode.ok : verdict.decision === 'confirm' ? ExitCode.needsConfirmation : ExitCode.denied;
}

/** The exit code of a plan document: 0 allowed, 3 needs confirmation, 4 blocked or needs input, else the error's. */
export function exitCodeForPlan(document: Pick<PlanDocument, 'status' | 'error'>): number {
  switch (document.status) {
    case 'allowed':
      return ExitCode.ok;
    case 'needs-confirmation':
      return ExitCode.needsConfirmation;
    case 'needs-input':
    case 'blocked':
      return ExitCode.denied;
    case 'failed':
      return document.error ? exitCodeForError(document.error) : ExitCode.failure;
  }
}

/** The exit code of an exec document: kubectl's own when it ran, else the status's. */
export function exitCodeForExec(document: Pick<ExecDocument, 'status' | 'error' | 'result' | 'preview'>): number {
  // A step that is not on record outranks everything, even a command that succeeded.
  if (document.error?.code === 'AUDIT_WRITE_FAILED') return ExitCode.auditWriteFailed;
  if (document.result) {
    if (document.result.exit_code === KUBECTL_NOT_STARTED) return ExitCode.kubectl;
    if (document.error?.code === 'CANCELLED') return ExitCode.cancelled;
    return document.result.exit_code === 0 && document.status !== 'executed' ? ExitCode.failure : document.result.exit_code;
  }
  switch (document.status) {
    case 'executed':
      return ExitCode.ok;
    case 'dry-run':
      // A preview that kubectl rejected (NotFound, no rollout history...) means the command would fail.
      return document.preview?.exit_code !== undefined && document.preview.exit_code !== 0 ? ExitCode.failure : ExitCode.ok;
    case 'needs-confirmation':
    case 'needs-approval':
      return ExitCode.needsConfirmation;
    case 'needs-input':
    case 'blocked':
    case 'denied':
    case 'expired':
      return ExitCode.denied;
    case 'failed':
      return document.error ? exitCodeForError(document.error) : ExitCode.failure;
  }
}
