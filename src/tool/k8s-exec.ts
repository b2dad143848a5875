/** k8s_exec(payload): the whole flow in one call, for agents and scripts (seed-compatible). */
import { AuditError, InputError, serializeError, type SerializedError } from '../errors.js';
import { loadConfig } from '../config/load-config.js';
import { formatCommand } from '../corpus/format-command.js';
import { summarizeKubectlError } from '../execute/kubectl-errors.js';
import type { Core } from '../pipeline/core.js';
import { createCore } from '../pipeline/create-core.js';
import { auditRecord } from '../pipeline/audit-fields.js';
import type { PipelineEvent, Proposal } from '../pipeline/events.js';
import { previewDryRun } from '../pipeline/preview-dry-run.js';
import { parsePayload, propose } from '../pipeline/propose.js';
import { runApproved } from '../pipeline/run-approved.js';
import type { Plan, PlannerKind } from '../schemas/plan.js';
import type { K8sExecPayload, RequestSource } from '../schemas/request.js';
import type { Verdict } from '../schemas/verdict.js';
import type { K8sExecResult } from './k8s-exec-result.js';

export { K8sExecResultSchema, K8S_EXEC_STATUSES, type K8sExecResult, type K8sExecStatus } from './k8s-exec-result.js';

/** Options of k8s_exec. */
export interface K8sExecOptions {
  /** The core to use; default: one built lazily from the environment and reused for the process. */
  core?: Core;
  /** Recorded in the audit log (default "tool"). */
  source?: RequestSource;
  user?: string;
  signal?: AbortSignal;
  /** Sees every pipeline event as it happens (streaming front-ends, progress displays). */
  onEvent?: (event: PipelineEvent) => void;
  /**
   * Asked when a command needs confirmation that the payload did not give (a TTY prompt, MCP
   * elicitation). It sees the proposal after the dry-run preview; true runs the command.
   * Without it, such a command ends as `needs-confirmation`.
   */
  confirm?: (proposal: Proposal, preview: { output?: string; note?: string }) => Promise<boolean>;
  /**
   * Reject `constraints.confirm: true` without `constraints.expectArgs` (InputError). Default: true
   * for source "http", false otherwise (the library stays seed-compatible).
   */
  requireExpectArgs?: boolean;
}

/** The one-line rule an HTTP client (and an agent allowed to confirm) must follow. */
export const EXPECT_ARGS_REQUIRED_MESSAGE = 'required with confirm: send back plan.args from the needs-confirmation answer';

/**
 * Throws InputError (field constraints.expectArgs) when a payload confirms without saying what it
 * confirms: a bare `confirm: true` would approve whatever the re-plan produces, which nobody saw.
 */
export function assertConfirmNamesArgs(request: K8sExecPayload): void {
  const constraints = request.constraints;
  if (constraints?.confirm !== true || constraints.expectArgs !== undefined) return;
  throw new InputError(`invalid request: constraints.expectArgs: ${EXPECT_ARGS_REQUIRED_MESSAGE}`, {
    hint: 'see the confirmation round trip in docs/prompts.md',
    details: { issues: [{ field: 'constraints.expectArgs', message: EXPECT_ARGS_REQUIRED_MESSAGE }] },
  });
}

/** True when both argv arrays are identical, item by item. */
function sameArgs(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((argument, index) => argument === right[index]);
}

let defaultCore: Promise<Core> | undefined;

/** The process-wide core k8s_exec uses when none is passed (built on first use from the environment). */
export function getDefaultCore(): Promise<Core> {
  defaultCore ??= createCore(loadConfig()).catch((error: unknown) => {
    // A failed load (bad cards, broken policy) is retried on the next call, after the fix.
    defaultCore = undefined;
    throw error;
  });
  return defaultCore;
}

/** Closes the default core if one was built (frees the model). */
export async function closeDefaultCore(): Promise<void> {
  const pending = defaultCore;
  defaultCore = undefined;
  if (pending) await (await pending).close();
}

interface Collected {
  operationId: string;
  plan?: Plan;
  planner?: PlannerKind;
  verdict?: Verdict;
  proposal?: Proposal;
  cardRisk?: Verdict['risk'];
  notes: string[];
  error?: SerializedError;
}

function documentOf(state: Collected, status: K8sExecResult['status'], extra: Partial<K8sExecResult> = {}): K8sExecResult {
  const { plan, verdict } = state;
  return {
    operation_id: state.operationId,
    status,
    plan: plan
      ? {
          command: plan.command,
          args: plan.args,
          card: plan.card,
          risk: verdict?.risk ?? state.cardRisk ?? 'none',
          rationale: plan.rationale,
          planner: state.planner ?? plan.planner,
        }
      : null,
    verdict: verdict ? { decision: verdict.decision, violations: verdict.violations, suggestions: verdict.suggestions } : null,
    ...(plan && plan.missing.length > 0 ? { missing: plan.missing } : {}),
    ...(state.notes.length > 0 ? { notes: state.notes } : {}),
    ...(state.error ? { error: { code: state.error.code, message: state.error.message, ...(state.error.hint ? { hint: state.error.hint } : {}) } } : {}),
    ...extra,
  };
}

/**
 * Answers `blocked` (violation APPROVAL_MISMATCH) for a fresh plan that differs from the confirmed
 * argv, records it as denied, and burns the approval so nothing can run from it.
 */
async function refuseMismatch(state: Collected, proposal: Proposal, expected: readonly string[], core: Core): Promise<K8sExecResult> {
  core.approvals.consume(proposal.operationId);
  const message = `the plan changed since it was confirmed: confirmed "${formatCommand(expected)}", planned now "${proposal.plan.command}"; nothing was run`;
  const verdict: Verdict = {
    ...proposal.verdict,
    decision: 'deny',
    violations: [{ code: 'APPROVAL_MISMATCH', message }],
    suggestions: [],
  };
  state.verdict = verdict;
  const subject = { operationId: proposal.operationId, source: proposal.source, user: proposal.user, context: proposal.context, request: proposal.request, plan: proposal.plan, verdict };
  try {
    await core.auditLog.append(auditRecord('denied', subject, { timestamp: core.clock.now().toISOString(), message }));
  } catch (error) {
    state.error = serializeError(new AuditError(`cannot write the audit log: ${(error as Error).message}`, { cause: error }));
    return documentOf(state, 'failed');
  }
  state.error = { code: 'APPROVAL_MISMATCH', message, hint: 'show the new plan.args to the human; if they confirm it, send those args back as constraints.expectArgs' };
  return documentOf(state, 'blocked');
}

/**
 * Plans, validates and (when allowed) runs one request; never runs a medium/high-risk command
 * without `constraints.confirm: true` (or the `confirm` callback saying yes), and never runs anything
 * but `constraints.expectArgs` when that is given.
 * Throws InputError (code INPUT_INVALID, details.issues with field paths) for an invalid payload;
 * every other outcome is a result document with a status.
 */
export async function k8s_exec(payload: unknown, options: K8sExecOptions = {}): Promise<K8sExecResult> {
  const request = parsePayload(payload);
  if (options.requireExpectArgs ?? options.source === 'http') assertConfirmNamesArgs(request);
  const core = options.core ?? (await getDefaultCore());
  const signal = options.signal;
  const emit = options.onEvent ?? (() => undefined);
  const state: Collected = { operationId: '', notes: [] };

  for await (const event of propose(request, core, { source: options.source ?? 'tool', user: options.user, signal })) {
    emit(event);
    switch (event.type) {
      case 'retrieve-end':
        state.notes.push(...event.notes);
        state.cardRisk = event.cards[0]?.card.risk_level;
        break;
      case 'plan-end':
        state.plan = event.plan;
        state.planner = event.planner;
        break;
      case 'validate-end':
        state.verdict = event.verdict;
        break;
      case 'approval-request':
        state.proposal = event.proposal;
        break;
      case 'audit-end':
        state.operationId = event.operationId;
        break;
      case 'notice':
        if (event.level === 'warn') state.notes.push(event.message);
        break;
      case 'error':
        state.error = event.error;
        break;
      default:
        break;
    }
  }
  if (state.error) return documentOf(state, 'failed');
  const proposal = state.proposal;
  if (!proposal) return documentOf(state, 'blocked');
  state.operationId = proposal.operationId;
  const constraints = request.constraints ?? {};

  // The plan is made again on every call (a model, "double it", the cluster may all have moved on):
  // only run when it is exactly the argv the caller says a human saw.
  if (constraints.expectArgs !== undefined && !sameArgs(constraints.expectArgs, proposal.plan.args)) {
    return refuseMismatch(state, proposal, constraints.expectArgs, core);
  }

  const needsConfirmation = proposal.verdict.decision === 'confirm' && constraints.confirm !== true;
  let preview: { output?: string; note?: string; exit_code?: number } | undefined;
  if (constraints.dryRun || (needsConfirmation && options.confirm)) {
    preview = {};
    for await (const event of previewDryRun(proposal, core, { signal, timeoutSeconds: constraints.timeoutSeconds })) {
      emit(event);
      if (event.type === 'dry-run-end') Object.assign(preview, { output: event.output, exit_code: event.exitCode });
      else if (event.type === 'notice') preview.note = preview.note ? `${preview.note}; ${event.message}` : event.message;
      else if (event.type === 'error') state.error = event.error;
    }
    if (state.error) return documentOf(state, state.error.code === 'POLICY_DENIED' ? 'blocked' : 'failed');
  }
  const dryRunDocument = preview ? { dry_run: { output: preview.output ?? '', ...(preview.exit_code !== undefined ? { exit_code: preview.exit_code } : {}), ...(preview.note ? { note: preview.note } : {}) } } : {};
  if (constraints.dryRun) return documentOf(state, 'dry-run', dryRunDocument);

  let confirmed = constraints.confirm === true;
  if (needsConfirmation) {
    confirmed = options.confirm ? await options.confirm(proposal, preview ?? {}) : false;
    if (!confirmed) return documentOf(state, 'needs-confirmation', dryRunDocument);
  }

  const stdout: string[] = [];
  const stderr: string[] = [];
  let result: K8sExecResult['result'];
  let cancelled = false;
  let errorMessage: string | undefined;
  for await (const event of runApproved(proposal, core, { confirmed, signal, timeoutSeconds: constraints.timeoutSeconds })) {
    emit(event);
    if (event.type === 'exec-output') (event.stream === 'stdout' ? stdout : stderr).push(event.line);
    else if (event.type === 'exec-end') {
      cancelled = event.cancelled;
      errorMessage = event.errorMessage;
      result = { exit_code: event.exitCode, stdout: stdout.join('\n'), stderr: stderr.join('\n'), truncated: event.truncated, timed_out: event.timedOut, duration_ms: event.durationMs };
    } else if (event.type === 'error') state.error = event.error;
    else if (event.type === 'notice' && event.level === 'warn') state.notes.push(event.message);
  }
  if (!result) {
    const code = state.error?.code;
    const status = code === 'CONFIRMATION_REQUIRED' ? 'needs-confirmation' : code === 'POLICY_DENIED' ? 'blocked' : 'failed';
    const details = state.error?.details as { verdict?: Verdict } | undefined;
    if (details?.verdict) state.verdict = details.verdict;
    return documentOf(state, status, dryRunDocument);
  }
  if (result.exit_code === 0 && !result.timed_out && !cancelled) return documentOf(state, 'executed', { ...dryRunDocument, result });
  state.error ??= cancelled
    ? { code: 'CANCELLED', message: 'cancelled' }
    : result.timed_out
      ? { code: 'KUBECTL_TIMEOUT', message: errorMessage ?? 'kubectl timed out' }
      : { code: 'KUBECTL_FAILED', message: errorMessage ?? (summarizeKubectlError(stderr) || `kubectl exited with ${result.exit_code}`) };
  return documentOf(state, 'failed', { ...dryRunDocument, result });
}
