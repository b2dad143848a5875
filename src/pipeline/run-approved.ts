/** runApproved(): re-validate the exact argv, check the approval, record `started`, run kubectl, record the outcome. */
import { durationToSeconds } from '../schemas/duration.js';
import {
  ApprovalMismatchError,
  auditFailure,
  CancelledError,
  ConfirmationRequiredError,
  KubectlError,
  PolicyDeniedError,
  Rk8sError,
  isAbortError,
  serializeError,
} from '../errors.js';
import type { AuditEvent } from '../schemas/audit.js';
import type { Verdict } from '../schemas/verdict.js';
import { APPROVAL_TTL_MS } from '../approvals/approval-token.js';
import { auditRecord, subjectOfProposal, type AuditSubject } from './audit-fields.js';
import { checkCommand } from './check-command.js';
import type { Core } from '../contracts/core.js';
import type { PipelineEvent, Proposal } from '../contracts/events.js';
import type { AuditRecordInput } from '../contracts/ports.js';
import { boundContext } from './propose.js';
import { readPriorState } from '../undo/read-prior-state.js';
import { stateDifferences } from '../undo/object-state.js';
import type { UndoRefusalCode } from '../undo/inverse.js';
import type { PriorState } from '../schemas/audit.js';

/** How a proposal is run. */
export interface RunApprovedOptions {
  /** A human confirmed this exact command (required for confirm-level verdicts). */
  confirmed: boolean;
  /** Who confirmed it and how (recorded in the `confirmed` audit record). */
  confirmedBy?: string;
  signal?: AbortSignal;
  /** Overrides the request's and the config's timeout; capped by config.exec.maxTimeoutSeconds. */
  timeoutSeconds?: number;
}

/** The namespace an approval is bound to. */
export function approvalNamespace(proposal: Proposal): string | null {
  return proposal.verdict.namespace ?? proposal.request.namespace ?? null;
}

/**
 * Throws ApprovalMismatchError unless the proposal's token was issued by this core for exactly
 * these args, namespace, context and policy version, and has not expired.
 */
export function verifyApproval(proposal: Proposal, core: Core): void {
  const fields = {
    operationId: proposal.operationId,
    args: proposal.plan.args,
    namespace: approvalNamespace(proposal),
    context: proposal.context,
    policyVersion: proposal.policyVersion,
    createdAt: proposal.createdAt,
  };
  const again = { hint: 'propose the command again and confirm what is shown' };
  if (!core.approvals.verify(proposal.approvalToken, fields)) {
    throw new ApprovalMismatchError('the approval does not match this command: its argv, namespace, context or operation changed after it was shown', again);
  }
  if (proposal.policyVersion !== core.validator.policyVersion) {
    throw new ApprovalMismatchError('the org policy changed since this command was approved', again);
  }
  if (proposal.context !== boundContext(core)) {
    throw new ApprovalMismatchError(`the approval was for kube context ${proposal.context ?? '(current)'}, not ${boundContext(core) ?? '(current)'}`, again);
  }
  const age = core.clock.now().getTime() - Date.parse(proposal.createdAt);
  if (!(age <= APPROVAL_TTL_MS)) {
    throw new ApprovalMismatchError(`the approval expired (approvals are valid for ${APPROVAL_TTL_MS / 60_000} minutes)`, again);
  }
}

/**
 * Why an undo must not run after all: the object changed between the proposal (where undo checked it)
 * and now, or it cannot be read to check. Undefined: it is still as the undone operation left it.
 */
function undoRefusal(proposal: Proposal, prior: PriorState | undefined): { code: UndoRefusalCode; message: string } | undefined {
  const expect = proposal.undo?.expect;
  if (!expect) return undefined;
  const object = `${prior?.resource ?? 'the object'}/${prior?.name ?? ''}`;
  if (!prior?.before) {
    return { code: 'UNDO_STATE_UNREADABLE', message: `cannot read ${object} to check that it did not change since operation ${proposal.undo!.of.slice(0, 8)} (${prior?.reason ?? 'not read'}); nothing was run` };
  }
  const differences = stateDifferences(expect, prior.before);
  if (differences.length === 0) return undefined;
  return { code: 'UNDO_STATE_CHANGED', message: `${object} changed since operation ${proposal.undo!.of.slice(0, 8)}: ${differences.join('; ')}; undo would overwrite that change, so nothing was run` };
}

/** How long kubectl may wait by its own `--timeout` flag (rollout status, drain...), if it has one. */
function kubectlOwnTimeout(args: readonly string[]): number | undefined {
  for (let index = 0; index < args.length; index++) {
    const argument = args[index]!;
    const value = argument.startsWith('--timeout=') ? argument.slice('--timeout='.length) : argument === '--timeout' ? args[index + 1] : undefined;
    if (value !== undefined) return durationToSeconds(value);
  }
  return undefined;
}

/** True for a command that streams until stopped: `logs -f`/`--follow`, `get -w`/`--watch`, `events -w`. */
export function follows(args: readonly string[]): boolean {
  return args.some((argument) => argument === '-f' || argument === '--follow' || argument === '--follow=true' || argument === '-w' || argument === '--watch' || argument === '--watch=true');
}

/** Grace beyond kubectl's own --timeout, so kubectl reports its own timeout instead of being killed. */
const OWN_TIMEOUT_GRACE_SECONDS = 10;

/**
 * The run's timeout: the request's or the configured default, but never shorter than the command's
 * own `--timeout` (the user saw `drain ... --timeout=5m` and must not have it killed at 15 s), and
 * never above `exec.maxTimeoutSeconds`.
 */
function timeoutFor(proposal: Proposal, core: Core, requested: number | undefined): number {
  // A follow (logs -f, rollout status -w) streams until the person stops it: only the cap applies.
  if (requested === undefined && follows(proposal.plan.args)) return core.config.exec.maxTimeoutSeconds;
  const wanted = requested ?? proposal.request.constraints?.timeoutSeconds ?? core.config.exec.timeoutSeconds;
  const own = kubectlOwnTimeout(proposal.plan.args);
  const needed = own === undefined ? wanted : Math.max(wanted, own + OWN_TIMEOUT_GRACE_SECONDS);
  return Math.min(needed, core.config.exec.maxTimeoutSeconds);
}

function denialMessage(verdict: Verdict): string {
  return verdict.violations.map((violation) => violation.message).join('; ') || 'denied by policy';
}

/**
 * Re-validates, checks the approval, writes `confirmed` and `started` (fsync'ed) before kubectl runs,
 * streams exec-output, then writes `finished`, `failed` or `cancelled` and yields exec-end and audit-end.
 * Refusals and failures are yielded as one `error` event.
 */
export async function* runApproved(proposal: Proposal, core: Core, options: RunApprovedOptions): AsyncGenerator<PipelineEvent> {
  const signal = options.signal;
  const subject: AuditSubject = subjectOfProposal(proposal);
  const record = (event: AuditEvent, extra: Partial<AuditRecordInput> = {}) =>
    core.auditLog.append(auditRecord(event, subject, { timestamp: core.clock.now().toISOString(), ...extra }));

  let started = false;
  let finished = false;
  try {
    verifyApproval(proposal, core);
    signal?.throwIfAborted();

    // The card's risk comes from our own corpus, never from the proposal object a client sent back.
    const check = await checkCommand(core, proposal.plan.args, core.cards.get(proposal.plan.card)?.risk_level, signal);
    for (const notice of check.notices) yield notice;
    subject.verdict = check.verdict;
    if (check.verdict.decision === 'deny') {
      const message = denialMessage(check.verdict);
      await record('denied', { message: `re-validation before execution: ${message}` });
      throw new PolicyDeniedError(`denied: ${message}`, { details: { verdict: check.verdict } });
    }
    if (check.verdict.decision === 'confirm' && !options.confirmed) {
      throw new ConfirmationRequiredError(`this ${check.verdict.risk}-risk command needs confirmation`, {
        hint: 'confirm it (in the API: constraints.confirm: true; on the CLI: --confirm) after a human has read it',
        details: { verdict: check.verdict },
      });
    }
    signal?.throwIfAborted();

    // What undo needs: the state this change is about to replace (never fails the run; unknown is recorded).
    const prior = await readPriorState(core, { cardId: proposal.plan.card, args: proposal.plan.args, params: proposal.plan.params }, signal);
    const priorFields: Partial<AuditRecordInput> = prior ? { prior_state: prior.priorState, ...(prior.reads.length > 0 ? { reads: prior.reads.map((read) => read.command) } : {}) } : {};
    if (proposal.undo) {
      const refusal = undoRefusal(proposal, prior?.priorState);
      if (refusal) {
        const verdict: Verdict = { ...check.verdict, decision: 'deny', violations: [refusal], suggestions: [] };
        subject.verdict = verdict;
        await record('denied', { message: `before running the undo: ${refusal.message}`, ...priorFields });
        throw new PolicyDeniedError(refusal.message, { details: { verdict } });
      }
    }
    signal?.throwIfAborted();
    if (!core.approvals.consume(proposal.operationId)) {
      throw new ApprovalMismatchError('this approval was already used: an approval runs its command once', { hint: 'propose the command again to run it again' });
    }

    try {
      if (check.verdict.decision === 'confirm') await record('confirmed', options.confirmedBy ? { message: `confirmed by ${options.confirmedBy}` } : {});
      await record('started', priorFields);
    } catch (error) {
      throw auditFailure(error, 'cannot write the audit log, so the command was not run');
    }
    started = true;

    const timeoutSeconds = timeoutFor(proposal, core, options.timeoutSeconds);
    for await (const event of core.kubectl.run(proposal.plan.args, { timeoutSeconds, signal })) {
      if (event.type === 'exec-output') {
        yield event;
        continue;
      }
      const outcome: AuditEvent = event.cancelled ? 'cancelled' : event.exitCode === 0 && !event.timedOut ? 'finished' : 'failed';
      finished = true;
      let lost: unknown;
      try {
        await record(outcome, {
          exit_code: event.exitCode,
          duration: event.durationMs / 1000,
          // The runner hashes everything kubectl wrote, including what the display cap cut; a runner that
          // cannot say records no hash rather than one over the displayed lines only.
          ...(event.stdoutSha256 ? { stdout_sha256: event.stdoutSha256 } : {}),
          ...(event.stderrSha256 ? { stderr_sha256: event.stderrSha256 } : {}),
          truncated: event.truncated,
          timed_out: event.timedOut,
          ...(event.errorMessage ? { message: event.errorMessage } : {}),
        });
      } catch (error) {
        lost = error;
      }
      yield event;
      if (lost !== undefined) {
        // kubectl ran: say so, and say loudly that its outcome is not on record (the log notes the gap later).
        yield { type: 'error', error: serializeError(auditFailure(lost, `kubectl ran (exit ${event.exitCode}) but its "${outcome}" record could not be written`)) };
        return;
      }
      yield { type: 'audit-end', operationId: proposal.operationId };
      return;
    }
    throw new KubectlError('kubectl ended without reporting an exit code');
  } catch (error) {
    const cancelled = isAbortError(error) || signal?.aborted === true;
    let reported: unknown = error;
    if (cancelled) reported = new CancelledError('cancelled', { cause: error });
    else if (started && !(error instanceof Rk8sError)) reported = new KubectlError(`kubectl could not be run: ${(error as Error).message}`, { cause: error });
    if (started && !finished) {
      finished = true;
      try {
        await record(cancelled ? 'cancelled' : 'failed', { message: serializeError(reported).message });
      } catch (auditError) {
        yield { type: 'error', error: serializeError(auditFailure(auditError, 'cannot write the audit log')) };
      }
    }
    yield { type: 'error', error: serializeError(reported) };
  } finally {
    // A consumer that stops reading mid-run (generator return) still leaves a closing record. It cannot
    // be told about a failed write any more (it stopped listening), so the audit log's own gap record
    // (written with the next record that can be written) is what reports it.
    if (started && !finished) {
      await record('cancelled', { message: 'the consumer stopped reading before kubectl finished' }).catch((error: unknown) => {
        process.emitWarning(`rk8s: the closing audit record of operation ${proposal.operationId} could not be written: ${(error as Error).message}`, { code: 'RK8S_AUDIT_LOST' });
      });
    }
  }
}
