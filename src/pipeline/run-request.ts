/**
 * runRequest(): the whole request as one event stream — propose, preview, approve, run, audit — so
 * every door (TUI, `rk8s exec`, k8s_exec, HTTP, MCP) drives the same decisions and only renders them.
 * The door supplies an Approver (how a human is reached); this module decides whether one is needed,
 * checks the answer against the requirement, and refuses anything else.
 */
import { randomUUID } from 'node:crypto';
import { approvalState, type ApprovalRecord } from '../approvals/approval-store.js';
import { formatCommand } from '../corpus/format-command.js';
import { InputError, auditFailure, serializeError } from '../errors.js';
import type { K8sExecPayload, RequestSource } from '../schemas/request.js';
import type { AuditEvent } from '../schemas/audit.js';
import { withoutConstraints, type ApprovalAnswer, type ApprovalPreview, type Approver } from './approvers.js';
import { auditRecord, defaultUser, subjectOfProposal, type AuditSubject } from './audit-fields.js';
import { checkConfirmation } from './confirmation.js';
import type { Core } from '../contracts/core.js';
import type { PipelineEvent, Proposal, UndoContext } from '../contracts/events.js';
import { previewDryRun } from './preview-dry-run.js';
import { boundContext, propose } from './propose.js';
import { runApproved } from './run-approved.js';
import { routeApproval } from '../approvals/door-policy.js';
import { awaitDecision, doorOf, requestRef } from './door-approver.js';
import type { ViolationCode } from '../schemas/verdict.js';

/** How one request is run. */
export interface RunRequestOptions {
  source: RequestSource;
  /** Recorded in the audit log; defaults to the OS account. */
  user?: string;
  signal?: AbortSignal;
  /** How this door reaches a human (or hands out a ticket). */
  approver: Approver;
  /** Overrides the request's and the config's kubectl timeout (capped by config). */
  timeoutSeconds?: number;
  /** This request undoes an earlier operation (prepareUndo in src/pipeline/undo-request.ts made it). */
  undo?: UndoContext;
  /** Reads made for this request before it was proposed (recorded on the `proposed` record). */
  reads?: readonly string[];
}

type ApprovalEndEvent = Extract<PipelineEvent, { type: 'approval-end' }>;

/** True when both argv arrays are identical, item by item. */
export function sameArgs(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((argument, index) => argument === right[index]);
}

/** Structural equality for plain JSON values (requests compared field by field; undefined fields ignored). */
function sameJson(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  const defined = (value: object) => new Map(Object.entries(value).filter(([, item]) => item !== undefined));
  const leftEntries = defined(left);
  const rightEntries = defined(right);
  if (leftEntries.size !== rightEntries.size) return false;
  for (const [key, value] of leftEntries) {
    if (!rightEntries.has(key) || !sameJson(value, rightEntries.get(key))) return false;
  }
  return true;
}

/** Checks the request before anything runs; throws InputError naming the field. */
export function assertConstraints(request: K8sExecPayload): void {
  const constraints = request.constraints;
  if (constraints?.confirm === true && constraints.approvalToken === undefined) {
    const message = 'required with confirm: send back approval.token from the needs-confirmation answer';
    throw new InputError(`invalid request: constraints.approvalToken: ${message}`, {
      hint: 'see the confirmation round trip in docs/prompts.md',
      details: { issues: [{ field: 'constraints.approvalToken', message }] },
    });
  }
  if (constraints?.approvalToken !== undefined && constraints.approvalId !== undefined) {
    const message = 'give either approvalToken or approvalId, not both';
    throw new InputError(`invalid request: constraints.approvalId: ${message}`, { details: { issues: [{ field: 'constraints.approvalId', message }] } });
  }
  if (constraints?.waitSeconds !== undefined && constraints.approvalId === undefined) {
    const message = 'goes with constraints.approvalId (how long to wait for a person\'s decision)';
    throw new InputError(`invalid request: constraints.waitSeconds: ${message}`, { details: { issues: [{ field: 'constraints.waitSeconds', message }] } });
  }
  if (constraints?.confirmText !== undefined && constraints.approvalToken === undefined) {
    const message = 'goes with constraints.approvalToken (the name the human typed for a high-risk command)';
    throw new InputError(`invalid request: constraints.confirmText: ${message}`, {
      hint: 'see the confirmation round trip in docs/prompts.md',
      details: { issues: [{ field: 'constraints.confirmText', message }] },
    });
  }
}

/**
 * Runs one request end to end and yields every event: propose's, then (for a command that may run)
 * the preview, one `approval-end`, and runApproved's. With `constraints.approvalToken` it runs the
 * stored command the token was issued for instead of planning again. Never throws for pipeline
 * failures (they are `error` events); an invalid payload is the caller's to parse first.
 */
export async function* runRequest(request: K8sExecPayload, core: Core, options: RunRequestOptions): AsyncGenerator<PipelineEvent> {
  const token = request.constraints?.approvalToken;
  if (token !== undefined) {
    yield* runWithToken(request, token, core, options);
    return;
  }
  const approvalId = request.constraints?.approvalId;
  if (approvalId !== undefined) {
    yield* runWithApprovalId(request, approvalId, core, options);
    return;
  }
  let proposal: Proposal | undefined;
  for await (const event of propose(request, core, { source: options.source, user: options.user, signal: options.signal, ...(options.undo ? { undo: options.undo } : {}), ...(options.reads ? { reads: options.reads } : {}) })) {
    if (event.type === 'approval-request') proposal = event.proposal;
    yield event;
  }
  if (!proposal) return;
  const constraints = request.constraints ?? {};

  // The caller says which argv a human saw: anything else is refused, and nothing can run from it.
  if (constraints.expectArgs !== undefined && !sameArgs(constraints.expectArgs, proposal.plan.args)) {
    const message = `the plan changed since it was confirmed: confirmed "${formatCommand(constraints.expectArgs)}", planned now "${proposal.plan.command}"; nothing was run`;
    yield* refuse(core, proposal, 'APPROVAL_MISMATCH', message);
    return;
  }

  const requirement = proposal.confirmation;
  const needsHuman = requirement.kind !== 'none' || options.approver.confirmsEverything === true;
  const preview: ApprovalPreview = {};
  if (constraints.dryRun || (needsHuman && options.approver.wantsPreview && proposal.verdict.mutating)) {
    let failed = false;
    for await (const event of previewDryRun(proposal, core, { signal: options.signal, timeoutSeconds: constraints.timeoutSeconds })) {
      if (event.type === 'dry-run-end') Object.assign(preview, { output: event.output, exitCode: event.exitCode });
      else if (event.type === 'notice') preview.note = preview.note ? `${preview.note}; ${event.message}` : event.message;
      else if (event.type === 'error') failed = true;
      yield event;
    }
    if (failed || options.signal?.aborted) return;
  }
  if (constraints.dryRun) return;

  if (!needsHuman) {
    yield { type: 'approval-end', outcome: 'not-needed' };
    yield* runApproved(proposal, core, { confirmed: false, signal: options.signal, timeoutSeconds: options.timeoutSeconds });
    return;
  }

  const attempts = Math.max(1, options.approver.attempts ?? 1);
  let answer: ApprovalAnswer | undefined;
  let refusalMessage: string | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      answer = await options.approver.decide({ proposal, requirement, preview, core, signal: options.signal, ...(refusalMessage ? { refusal: refusalMessage } : {}) });
    } catch (error) {
      yield { type: 'error', error: serializeError(error) };
      return;
    }
    if (answer.type !== 'confirmed') {
      const end = approvalEndOf(answer);
      if (end.outcome === 'declined' || end.outcome === 'denied') {
        yield* recordOrReport(core, proposal, 'declined', `${end.by ?? 'a human'} declined: ${end.message ?? 'not confirmed'}`);
      }
      yield end;
      return;
    }
    // Only the core decides whether the answer is enough: the name typed exactly, the argv pinned.
    const refusal = checkConfirmation(requirement, { confirmed: true, ...(answer.text === undefined ? {} : { text: answer.text }) });
    if (!refusal) break;
    yield* recordOrReport(core, proposal, 'declined', `${answer.by}: ${refusal.message}`);
    if (attempt === attempts || options.signal?.aborted) {
      yield { type: 'approval-end', outcome: 'declined', code: refusal.code, message: refusal.message, by: answer.by };
      return;
    }
    refusalMessage = refusal.message;
    yield { type: 'notice', level: 'warn', stage: 'validate', message: refusal.message };
  }
  if (answer?.type !== 'confirmed') return;
  if (answer.pinnedArgs !== undefined && !sameArgs(answer.pinnedArgs, proposal.plan.args)) {
    const message = `the plan changed since it was confirmed: confirmed "${formatCommand(answer.pinnedArgs)}", planned now "${proposal.plan.command}"; nothing was run`;
    yield* refuse(core, proposal, 'APPROVAL_MISMATCH', message);
    return;
  }
  if (requirement.expectRequired && options.approver.kind === 'flags' && answer.pinnedArgs === undefined) {
    const message = `this change was read from free text only: pin the exact command with --expect "${proposal.plan.command}" (or run on a terminal to be asked); nothing was run`;
    yield { type: 'approval-end', outcome: 'refused', code: 'EXPECT_REQUIRED', message };
    return;
  }
  yield { type: 'approval-end', outcome: 'approved', by: answer.by };
  yield* runApproved(proposal, core, { confirmed: true, confirmedBy: answer.by, signal: options.signal, timeoutSeconds: options.timeoutSeconds });
}

function approvalEndOf(answer: Exclude<ApprovalAnswer, { type: 'confirmed' }>): ApprovalEndEvent {
  switch (answer.type) {
    case 'declined':
      return { type: 'approval-end', outcome: 'declined', code: 'NOT_CONFIRMED', message: answer.message ?? 'not confirmed', by: answer.by };
    case 'needs-confirmation':
      return { type: 'approval-end', outcome: 'needs-confirmation', ...(answer.message ? { message: answer.message } : {}), ...(answer.ticket ? { ticket: answer.ticket } : {}) };
    case 'needs-approval':
      return { type: 'approval-end', outcome: 'needs-approval', request: answer.request, ...(answer.message ? { message: answer.message } : {}) };
    case 'denied':
      return { type: 'approval-end', outcome: 'denied', by: answer.by, request: answer.request, message: answer.reason ?? 'denied' };
    case 'expired':
      return { type: 'approval-end', outcome: 'expired', code: 'APPROVAL_EXPIRED', request: answer.request, message: `approval request ${answer.request.id} expired before anyone decided` };
    case 'refused':
      return { type: 'approval-end', outcome: 'refused', code: answer.code, message: answer.message };
  }
}

/** Records an approval event for a proposal; an audit failure becomes an error event (nothing has run). */
async function* recordOrReport(core: Core, proposal: Proposal, event: AuditEvent, message: string, subject: AuditSubject = subjectOfProposal(proposal)): AsyncGenerator<PipelineEvent> {
  try {
    await core.auditLog.append(auditRecord(event, subject, { timestamp: core.clock.now().toISOString(), message }));
  } catch (error) {
    yield { type: 'error', error: serializeError(auditFailure(error, 'cannot write the audit log')) };
  }
}

/**
 * Refuses a proposal with a stable code, recorded as denied. A fresh proposal's in-process approval
 * is burnt so nothing can run from it; a stored one (`burn` false) is governed by its store entry,
 * which another call may be using right now.
 */
async function* refuse(core: Core, proposal: Proposal, code: ViolationCode, message: string, burn = true): AsyncGenerator<PipelineEvent> {
  if (burn) core.approvals.consume(proposal.operationId);
  const verdict = { ...proposal.verdict, decision: 'deny' as const, violations: [{ code, message }], suggestions: [] };
  yield* recordOrReport(core, proposal, 'denied', message, { ...subjectOfProposal(proposal), verdict });
  yield { type: 'approval-end', outcome: 'refused', code, message };
}

/** The in-process proposal for a stored one, signed by this core (the store entry was the approval). */
export function proposalFromRecord(record: ApprovalRecord, core: Core): Proposal {
  const stored = record.proposal;
  const card = core.cards.get(stored.plan.card);
  return {
    operationId: stored.operationId,
    source: stored.source,
    user: stored.user,
    request: stored.request,
    plan: stored.plan,
    verdict: stored.verdict,
    ...(card ? { card } : {}),
    dryRun: stored.dryRun,
    context: stored.context,
    policyVersion: stored.policyVersion,
    approvalToken: core.approvals.sign({
      operationId: stored.operationId,
      args: stored.plan.args,
      namespace: stored.verdict.namespace ?? stored.request.namespace ?? null,
      context: stored.context,
      policyVersion: stored.policyVersion,
      createdAt: stored.createdAt,
    }),
    createdAt: stored.createdAt,
    confirmation: stored.confirmation,
  };
}

/**
 * Why a stored approval cannot run here and now (undefined: it can). `source` is the door asking: a
 * token only works at the door that issued it.
 */
export function staleApproval(record: ApprovalRecord, core: Core, source: RequestSource): { code: ViolationCode; message: string } | undefined {
  const state = approvalState(record, core.clock.now());
  if (state === 'executed') return { code: 'APPROVAL_USED', message: 'this approval was already used: an approval runs its command once' };
  if (state === 'expired') return { code: 'APPROVAL_EXPIRED', message: `this approval expired at ${record.expiresAt}` };
  if (state === 'denied') return { code: 'APPROVAL_DENIED', message: `this request was denied by ${record.decision?.by ?? 'a person'}${record.decision?.reason ? `: ${record.decision.reason}` : ''}` };
  if (record.proposal.source !== source) return { code: 'APPROVAL_MISMATCH', message: `this approval was issued to ${record.proposal.source}, not ${source}` };
  if (record.proposal.context !== boundContext(core)) {
    return { code: 'APPROVAL_MISMATCH', message: `this approval was for kube context ${record.proposal.context ?? '(current)'}, not ${boundContext(core) ?? '(current)'}` };
  }
  if (record.proposal.policyVersion !== core.validator.policyVersion) return { code: 'APPROVAL_MISMATCH', message: 'the org policy changed since this command was approved' };
  return undefined;
}

/** The confirming call of an API round trip: run exactly the stored command the token was issued for, once. */
async function* runWithToken(request: K8sExecPayload, token: string, core: Core, options: RunRequestOptions): AsyncGenerator<PipelineEvent> {
  const record = await core.approvalStore.findByToken(token).catch(() => undefined);
  const user = options.user ?? defaultUser();
  if (!record || record.kind !== 'token') {
    // Nothing of ours to attach it to: a fresh operation records the refusal.
    const subject: AuditSubject = { operationId: randomUUID(), source: options.source, user, context: boundContext(core), request };
    const message = 'this approval token was not issued here (unknown, pruned, or from another server): nothing was run';
    try {
      await core.auditLog.append(auditRecord('denied', subject, { timestamp: core.clock.now().toISOString(), message: `APPROVAL_UNKNOWN: ${message}` }));
    } catch (error) {
      yield { type: 'error', error: serializeError(auditFailure(error, 'cannot write the audit log')) };
      return;
    }
    yield { type: 'approval-end', outcome: 'refused', code: 'APPROVAL_UNKNOWN', message };
    return;
  }
  const proposal = proposalFromRecord(record, core);
  yield { type: 'approval-request', proposal };
  const stale = staleApproval(record, core, options.source);
  if (stale) {
    yield* refuse(core, proposal, stale.code, `${stale.message}; nothing was run`, false);
    return;
  }
  if (!sameJson(withoutConstraints(request), withoutConstraints(record.proposal.request))) {
    yield* refuse(core, proposal, 'APPROVAL_MISMATCH', 'the confirming request is not the request this approval was issued for (send the same intent, resource, namespace, name, query and params); nothing was run', false);
    return;
  }
  const constraints = request.constraints ?? {};
  if (constraints.expectArgs !== undefined && !sameArgs(constraints.expectArgs, proposal.plan.args)) {
    yield* refuse(core, proposal, 'APPROVAL_MISMATCH', `the approval is for "${proposal.plan.command}", not "${formatCommand(constraints.expectArgs)}"; nothing was run`, false);
    return;
  }
  const verb = core.validator.target(proposal.plan.args)?.verb;
  const route = routeApproval(core.approvalsPolicy.policy, doorOf(options.source), { verdict: proposal.verdict, ...(verb ? { verb } : {}) });
  if (route.kind !== 'self') {
    yield* refuse(core, proposal, 'APPROVAL_NOT_ALLOWED', `the ${doorOf(options.source)} door may no longer confirm this command itself (org/approvals.yaml changed); nothing was run`, false);
    return;
  }
  const refusal = checkConfirmation(proposal.confirmation, { confirmed: true, ...(constraints.confirmText === undefined ? {} : { text: constraints.confirmText }) });
  if (refusal) {
    // A wrong name burns nothing: the human may type it again with the same token.
    yield* recordOrReport(core, proposal, 'declined', `confirmText: ${refusal.message}`);
    yield { type: 'approval-end', outcome: 'declined', code: refusal.code, message: `constraints.confirmText: ${refusal.message}` };
    return;
  }
  if (!(await core.approvalStore.consume(record.id, { at: core.clock.now().toISOString(), by: user }))) {
    yield* refuse(core, proposal, 'APPROVAL_USED', 'this approval was already used: an approval runs its command once; nothing was run', false);
    return;
  }
  yield { type: 'approval-end', outcome: 'approved', by: `${user} (approval token)`, request: requestRef({ ...record, used: { at: core.clock.now().toISOString(), by: user } }, core.clock.now()) };
  yield* runApproved(proposal, core, { confirmed: true, confirmedBy: `${user} (approval token)`, signal: options.signal, timeoutSeconds: options.timeoutSeconds ?? constraints.timeoutSeconds });
}

/**
 * An agent asking again about an inbox request: waits (bounded) for a person's decision and runs the
 * stored command once it is approved, exactly once however many calls ask at the same time.
 */
async function* runWithApprovalId(request: K8sExecPayload, id: string, core: Core, options: RunRequestOptions): AsyncGenerator<PipelineEvent> {
  const record = await core.approvalStore.get(id).catch(() => undefined);
  if (!record || record.kind !== 'inbox') {
    yield { type: 'approval-end', outcome: 'refused', code: 'APPROVAL_UNKNOWN', message: `no approval request ${id} (unknown, or pruned a day after it ended)` };
    return;
  }
  const proposal = proposalFromRecord(record, core);
  yield { type: 'approval-request', proposal };
  const state = approvalState(record, core.clock.now());
  if (state === 'pending' || state === 'approved') {
    const stale = staleApproval(record, core, options.source);
    if (stale) {
      yield* refuse(core, proposal, stale.code, `${stale.message}; nothing was run`, false);
      return;
    }
  }
  if (!sameJson(withoutConstraints(request), withoutConstraints(record.proposal.request))) {
    yield* refuse(core, proposal, 'APPROVAL_MISMATCH', `the request is not the one approval request ${id} was filed for; nothing was run`, false);
    return;
  }
  const waitMs = (request.constraints?.waitSeconds ?? core.approvalsPolicy.policy.inbox.wait_seconds) * 1000;
  const answer = await awaitDecision(core, id, { waitMs, ...(options.signal ? { signal: options.signal } : {}), claimedBy: options.user ?? defaultUser() });
  if (answer.type !== 'confirmed') {
    yield approvalEndOf(answer);
    return;
  }
  const refusal = checkConfirmation(proposal.confirmation, { confirmed: true, ...(answer.text === undefined ? {} : { text: answer.text }) });
  if (refusal) {
    yield { type: 'approval-end', outcome: 'refused', code: refusal.code, message: refusal.message };
    return;
  }
  const latest = await core.approvalStore.get(id);
  yield { type: 'approval-end', outcome: 'approved', by: answer.by, ...(latest ? { request: requestRef(latest, core.clock.now()) } : {}) };
  yield* runApproved(proposal, core, { confirmed: true, confirmedBy: answer.by, signal: options.signal, timeoutSeconds: options.timeoutSeconds ?? request.constraints?.timeoutSeconds });
}
