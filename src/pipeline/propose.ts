/** propose(): retrieve -> plan -> validate, ending in an approval request a human (or a flag) can grant. */
import { randomUUID } from 'node:crypto';
import { CancelledError, InputError, PlanError, auditFailure, isAbortError, serializeError } from '../errors.js';
import { formatFieldPath } from '../config/problems.js';
import { renderCard } from '../corpus/render.js';
import { formatCommand } from '../corpus/format-command.js';
import { K8sExecPayloadSchema, type K8sExecPayload, type RequestSource } from '../schemas/request.js';
import type { Card } from '../schemas/card.js';
import type { Plan, PlannerKind } from '../schemas/plan.js';
import type { Verdict, Violation } from '../schemas/verdict.js';
import type { AuditEvent } from '../schemas/audit.js';
import { auditRecord, defaultUser, type AuditSubject } from './audit-fields.js';
import { checkCommand } from './check-command.js';
import { confirmationFor } from './confirmation.js';
import type { Core } from '../contracts/core.js';
import type { CardMatch, PipelineEvent, Proposal, UndoContext } from '../contracts/events.js';
import { gatherPlanFacts } from './plan-facts.js';
import { checkedExplicitParams, explicitParamProblems } from '../plan/planner.js';
import type { AuditRecordInput, NameResolver } from '../contracts/ports.js';
import { outcomeVerdict, understandRequest } from '../plan/understand-request.js';

/** Who is asking, from where, and how to stop. */
export interface ProposeOptions {
  source: RequestSource;
  /** Recorded in the audit log; defaults to the OS account. */
  user?: string;
  signal?: AbortSignal;
  /**
   * Stop after validate-end: no approval is issued, so nothing can run from it, and nothing is
   * recorded (for "what would you do?" questions such as POST /plan at high rates).
   */
  planOnly?: boolean;
  /** This request undoes an earlier operation: recorded on every record, re-checked before it runs. */
  undo?: UndoContext;
  /** Cluster reads made for this request before propose (an undo's check of the live object), for the `proposed` record. */
  reads?: readonly string[];
  /**
   * Resolves names instead of the core's resolver: an investigation answers from the snapshot it
   * just read rather than reading the namespace again per remediation (src/diagnose/snapshot-names.ts).
   */
  nameResolver?: NameResolver;
}

/** Parses a payload at a boundary; an invalid one becomes an InputError naming the field and the fix. */
export function parsePayload(payload: unknown): K8sExecPayload {
  const parsed = K8sExecPayloadSchema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => {
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown key(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    return { field: formatFieldPath(issue.path) || '(payload)', message };
  });
  const first = issues[0]!;
  return throwInput(`${first.field}: ${first.message}`, issues);
}

function throwInput(message: string, issues: { field: string; message: string }[]): never {
  throw new InputError(`invalid request: ${message}`, {
    hint: 'see the k8s_exec payload in docs/prompts.md',
    details: { issues },
  });
}

/** The kube context a proposal is bound to: the caller's configured one, or the kubeconfig's current. */
export function boundContext(core: Core): string | null {
  return core.config.kubectl.context ?? null;
}

/** A verdict for a plan that cannot be validated because its parameters are missing or invalid. */
function incompleteVerdict(plan: Plan, invalid: string[], card: Card | undefined, namespace: string | undefined): Verdict {
  const violations: Violation[] = [];
  if (plan.missing.length > 0) {
    const flags = plan.missing.map((name) => (name === 'namespace' ? '--namespace' : name === 'name' ? '--name' : `"${name}" in the query`));
    violations.push({
      code: 'PARAMS_MISSING',
      message: `missing required parameter(s): ${plan.missing.join(', ')}; give ${flags.join(', ')}`,
    });
  }
  for (const message of invalid) violations.push({ code: 'PARAMS_INVALID', message });
  if (violations.length === 0) violations.push({ code: 'PLAN_EMPTY', message: 'the planner produced no command' });
  return {
    decision: 'deny',
    risk: card?.risk_level ?? 'none',
    violations,
    suggestions: [],
    mutating: false,
    ...(namespace ? { namespace } : {}),
  };
}

/**
 * Runs retrieve -> plan -> validate and yields retrieve-end, plan-delta*, plan-end, validate-end,
 * then approval-request (unless denied or incomplete) and audit-end once the proposal is recorded.
 * Failures become one `error` event; the generator itself does not throw for pipeline errors.
 */
export async function* propose(request: K8sExecPayload, core: Core, options: ProposeOptions): AsyncGenerator<PipelineEvent> {
  const signal = options.signal;
  const subject: AuditSubject = {
    operationId: randomUUID(),
    source: options.source,
    user: options.user ?? defaultUser(),
    context: boundContext(core),
    request,
    ...(options.undo ? { undoOf: options.undo.of } : {}),
  };
  let recorded = false;
  const record = async (event: AuditEvent, extra: Partial<AuditRecordInput> = {}) => {
    recorded = true;
    if (options.planOnly) return;
    // Never pass the signal: a cancelled operation must still be recorded.
    await core.auditLog.append(auditRecord(event, subject, { timestamp: core.clock.now().toISOString(), ...extra }));
  };

  try {
    subject.request = request = parsePayload(request);
    signal?.throwIfAborted();
    for (const warning of core.warnings) yield { type: 'notice', level: 'warn', stage: 'validate', message: warning };

    // --- planner: resolve names against the cluster and read the words (src/plan/understand-request.ts)
    const understanding = await understandRequest(request, options.nameResolver ? { cards: core.cards, nameResolver: options.nameResolver } : core, signal);
    for (const notice of understanding.notices) yield notice;
    const allReads = [...(options.reads ?? []), ...understanding.reads];
    const reads = allReads.length > 0 ? { reads: allReads } : {};
    // --- end planner
    const retrieved = await core.retriever.retrieve(understanding.retrieveQuery, signal);
    yield { type: 'retrieve-end', cards: retrieved.matches, embedder: retrieved.embedder, notes: retrieved.notes };
    if (retrieved.matches.length === 0) {
      throw new PlanError('no command card matches this request', {
        hint: 'name an intent and a resource (e.g. --intent restart --resource deployment) or describe the task in the query',
      });
    }
    signal?.throwIfAborted();

    const facts = { ...understanding.facts, ...(await gatherPlanFacts(request, core, signal)) };
    signal?.throwIfAborted();

    let planned: { plan: Plan; planner: PlannerKind } | undefined;
    for await (const event of core.planner.plan(request, retrieved.matches, facts, signal)) {
      if (event.type === 'plan-end') planned = { plan: event.plan, planner: event.planner };
      else yield event;
    }
    signal?.throwIfAborted();
    if (!planned) throw new PlanError('the planner finished without a plan');

    const card = findCard(core, retrieved.matches, planned.plan.card);
    const { plan, invalid, rerendered } = settlePlan(planned.plan, card, request);
    if (rerendered) {
      yield { type: 'notice', level: 'warn', stage: 'plan', message: `the planner's argv did not match card ${plan.card}; using the argv rendered from the card` };
    }
    subject.plan = plan;
    yield { type: 'plan-end', plan, planner: planned.planner };

    if (plan.args.length === 0) {
      // --- planner: a refusal or a question is a deny verdict (OUT_OF_SCOPE, NEEDS_CLARIFICATION)
      const verdict = (invalid.length === 0 ? outcomeVerdict(plan, request.namespace) : undefined) ?? incompleteVerdict(plan, invalid, card, request.namespace);
      subject.verdict = verdict;
      // Recorded before the verdict is yielded: a consumer that stops at validate-end must not skip the record.
      await record('denied', { message: verdict.violations.map((violation) => violation.message).join('; '), ...reads });
      yield { type: 'validate-end', verdict };
      if (!options.planOnly) yield { type: 'audit-end', operationId: subject.operationId };
      return;
    }

    const check = await checkCommand(core, plan.args, card?.risk_level, signal);
    for (const notice of check.notices) yield notice;
    const verdict = check.verdict;
    subject.verdict = verdict;
    if (verdict.decision === 'deny') {
      await record('denied', { message: verdict.violations.map((violation) => violation.message).join('; ') || 'denied by policy', ...reads });
      yield { type: 'validate-end', verdict };
      if (!options.planOnly) yield { type: 'audit-end', operationId: subject.operationId };
      return;
    }
    if (options.planOnly) {
      yield { type: 'validate-end', verdict };
      return;
    }

    const createdAt = core.clock.now().toISOString();
    const policyVersion = core.validator.policyVersion;
    const namespace = verdict.namespace ?? request.namespace ?? null;
    const proposal: Proposal = {
      operationId: subject.operationId,
      source: subject.source,
      user: subject.user,
      request,
      plan,
      verdict,
      ...(card ? { card } : {}),
      dryRun: card?.dry_run ?? 'none',
      context: subject.context,
      policyVersion,
      approvalToken: core.approvals.sign({ operationId: subject.operationId, args: plan.args, namespace, context: subject.context, policyVersion, createdAt }),
      createdAt,
      confirmation: confirmationFor(verdict, core.validator.target(plan.args), request, plan.understood?.intentFrom),
      ...(options.undo ? { undo: { of: options.undo.of, expect: { ...options.undo.expect } } } : {}),
    };
    // Recorded before anything is yielded, so a `started` record always follows its `proposed`.
    await record('proposed', reads);
    yield { type: 'validate-end', verdict };
    yield { type: 'approval-request', proposal };
    yield { type: 'audit-end', operationId: subject.operationId };
  } catch (error) {
    const cancelled = isAbortError(error) || signal?.aborted === true;
    const reported = cancelled ? new CancelledError('cancelled', { cause: error }) : error;
    if (!recorded && !(error instanceof InputError)) {
      try {
        await record(cancelled ? 'cancelled' : 'failed', { message: serializeError(reported).message });
      } catch (auditError) {
        yield { type: 'error', error: serializeError(auditFailure(auditError, 'cannot write the audit log')) };
      }
    }
    yield { type: 'error', error: serializeError(reported) };
  }
}

function findCard(core: Core, matches: readonly CardMatch[], id: string): Card | undefined {
  return core.cards.get(id) ?? matches.find((match) => match.id === id)?.card;
}

/**
 * Re-renders the argv from the card: a plan's args are only ever what the card template produces.
 * The request's explicit params are checked against the card here, whatever the planner did with
 * them: one the card does not declare, or whose value fails its check, empties the plan (the caller
 * denies it with PARAMS_INVALID), and a valid one always wins over the planner's value, so an
 * explicit value is never replaced by a default or a free-text slot.
 */
function settlePlan(plan: Plan, card: Card | undefined, request: K8sExecPayload): { plan: Plan; invalid: string[]; rerendered: boolean } {
  if (!card) {
    // A plan that asks or refuses names no card on purpose (planner: read-request.ts).
    const outcome = plan.card === '' && (plan.refusal !== undefined || plan.clarification !== undefined);
    return { plan: { ...plan, args: [], command: '' }, invalid: outcome ? [] : [`card "${plan.card}" is not in the loaded corpus`], rerendered: false };
  }
  const explicit = explicitParamProblems(card, request);
  const rendered = renderCard(card, { ...plan.params, ...checkedExplicitParams(card, request) });
  const invalid = [
    ...explicit.map((problem) => problem.message),
    ...rendered.invalid.filter((problem) => !explicit.some((fixed) => fixed.param === problem.param)).map((problem) => problem.message),
  ];
  const missing = rendered.missing.filter((name) => !explicit.some((fixed) => fixed.param === name));
  const args = explicit.length > 0 ? [] : rendered.args;
  const rerendered = explicit.length === 0 && plan.args.length > 0 && JSON.stringify(args) !== JSON.stringify(plan.args);
  return { plan: { ...plan, params: rendered.params, args, command: args.length > 0 ? formatCommand(args) : '', missing }, invalid, rerendered };
}
