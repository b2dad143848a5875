/**
 * The inverse of one of rk8s's own changes, as a pure function of its audit records and the object's
 * live state: either a request (intent, resource, namespace, name, params) that is planned, validated,
 * previewed and confirmed like any typed request, or a refusal with a stable code and the reason.
 */
import type { ObjectState, PriorState } from '../schemas/audit.js';
import type { Intent, Resource } from '../schemas/vocabulary.js';
import { describeObject, stateDifferences, type ObjectRef } from './object-state.js';
import type { OperationSummary } from './operation-history.js';
import { UNDOABLE_CHANGES, undoableChange, type UndoableChange } from './undoable-changes.js';

/** Why an undo is refused (stable codes; docs/undo.md lists them). */
export const UNDO_REFUSAL_CODES = [
  'UNDO_UNKNOWN_OPERATION',
  'UNDO_NOT_OURS',
  'UNDO_NOT_A_CHANGE',
  'UNDO_FAILED_OPERATION',
  'UNDO_NOT_SUPPORTED',
  'UNDO_PRIOR_STATE_UNKNOWN',
  'UNDO_ALREADY_UNDONE',
  'UNDO_NOTHING_TO_UNDO',
  'UNDO_STATE_UNREADABLE',
  'UNDO_STATE_CHANGED',
] as const;
/** A refusal code. */
export type UndoRefusalCode = (typeof UNDO_REFUSAL_CODES)[number];

/** An undo that cannot be proposed, and why. */
export interface UndoRefusal {
  kind: 'refused';
  code: UndoRefusalCode;
  message: string;
}

/** What the record of an undoable operation says (before the cluster is read). */
export interface UndoTarget {
  kind: 'target';
  operation: OperationSummary;
  change: UndoableChange;
  object: ObjectRef;
  prior: PriorState & { before: ObjectState; set: ObjectState };
}

/** The undo request, ready for the pipeline. */
export interface UndoPlan {
  kind: 'plan';
  /** The operation undone. */
  of: string;
  request: { intent: Intent; resource: Resource; namespace?: string; name: string; params?: Record<string, number> };
  /** What the object must still look like when the inverse runs (re-checked just before kubectl). */
  expect: ObjectState;
  /** "scale deployment/api in prod back to 3 replicas (from 5)". */
  summary: string;
  /** Why this is the inverse: which operation, when, by whom, what it changed. */
  why: string;
}

const refuse = (code: UndoRefusalCode, message: string): UndoRefusal => ({ kind: 'refused', code, message });

/** The short id people see (the first 8 characters of the UUID). */
export const shortId = (id: string): string => id.slice(0, 8);

function what(operation: OperationSummary): string {
  return `operation ${shortId(operation.id)}${operation.command ? ` (${operation.command})` : ''}`;
}

/** A finished undo of this operation, if any. */
export function undoneBy(id: string, operations: ReadonlyMap<string, OperationSummary>): OperationSummary | undefined {
  for (const operation of operations.values()) if (operation.undoOf === id && operation.outcome === 'finished') return operation;
  return undefined;
}

/**
 * Step 1, from the records alone: is this operation one of rk8s's changes that undo can invert, in
 * this kube context, with its prior state on record and not yet undone?
 */
export function undoTarget(
  operation: OperationSummary | undefined,
  operations: ReadonlyMap<string, OperationSummary>,
  options: { id: string; context: string | null },
): UndoTarget | UndoRefusal {
  if (!operation) return refuse('UNDO_UNKNOWN_OPERATION', `no operation ${options.id} in the audit log`);
  if (operation.context !== options.context) {
    return refuse('UNDO_NOT_OURS', `${what(operation)} ran against kube context ${operation.context ?? '(current)'}, and this rk8s uses ${options.context ?? '(current)'}: undo it from that context`);
  }
  if (operation.startedAt === undefined) {
    return refuse('UNDO_NOT_A_CHANGE', `${what(operation)} never ran (its records: ${operation.events.join(', ')}): there is nothing to undo`);
  }
  if (operation.outcome === undefined) return refuse('UNDO_FAILED_OPERATION', `${what(operation)} has no recorded outcome (still running, or rk8s stopped while it ran): what it changed is unknown`);
  if (operation.outcome !== 'finished') {
    return refuse('UNDO_FAILED_OPERATION', `${what(operation)} ${operation.outcome === 'cancelled' ? 'was cancelled' : `failed${operation.exitCode !== undefined ? ` (exit ${operation.exitCode})` : ''}`}: what it changed is unknown, so rk8s will not guess an inverse`);
  }
  const change = undoableChange(operation.card);
  if (!change) {
    if (operation.decision === 'allow') return refuse('UNDO_NOT_A_CHANGE', `${what(operation)} only read the cluster: there is nothing to undo`);
    const known = [...new Set([...UNDOABLE_CHANGES.values()].map((entry) => entry.cardId))].join(', ');
    return refuse('UNDO_NOT_SUPPORTED', `rk8s cannot undo ${what(operation)}${operation.card ? ` (card ${operation.card})` : ''}; undo knows the cards ${known}`);
  }
  const prior = operation.priorState;
  if (!prior) return refuse('UNDO_PRIOR_STATE_UNKNOWN', `${what(operation)} has no prior state on record (it ran before rk8s recorded one): undo is not possible for it`);
  if (prior.status !== 'recorded' || !prior.before || !prior.set) {
    return refuse('UNDO_PRIOR_STATE_UNKNOWN', `the state before ${what(operation)} could not be read when it ran (${prior.reason ?? 'unknown'}): undo is not possible for it`);
  }
  const undo = undoneBy(operation.id, operations);
  if (undo) {
    return refuse('UNDO_ALREADY_UNDONE', `${what(operation)} was already undone by operation ${shortId(undo.id)} at ${undo.startedAt ?? undo.lastAt}; to redo it, undo that one: rk8s undo ${undo.id}`);
  }
  const object: ObjectRef = { resource: prior.resource, namespace: prior.namespace, name: prior.name };
  return { kind: 'target', operation, change, object, prior: { ...prior, before: prior.before, set: prior.set } };
}

/**
 * Step 2, with the live state: refused when the object changed since rk8s set it (or cannot be read),
 * else the inverse request.
 */
export function inverseOf(target: UndoTarget, current: { state?: ObjectState; reason?: string; notFound?: boolean }): UndoPlan | UndoRefusal {
  const { operation, change, object, prior } = target;
  const name = describeObject(object);
  if (!current.state) {
    if (current.notFound) return refuse('UNDO_STATE_CHANGED', `${name} no longer exists: it changed since ${what(operation)}; nothing was run`);
    return refuse('UNDO_STATE_UNREADABLE', `cannot read ${name} to check that it did not change since ${what(operation)} (${current.reason ?? 'unknown error'}); nothing was run`);
  }
  const differences = stateDifferences(prior.set, current.state);
  if (differences.length > 0) {
    return refuse('UNDO_STATE_CHANGED', `${name} changed since ${what(operation)}: ${differences.join('; ')}; undo would overwrite that change, so nothing was run`);
  }
  const inverse = change.inverse(prior.before, prior.set, name);
  if (!inverse) return refuse('UNDO_PRIOR_STATE_UNKNOWN', `the prior state of ${what(operation)} does not say what to restore`);
  if ('nothing' in inverse) return refuse('UNDO_NOTHING_TO_UNDO', `${what(operation)} changed nothing: ${inverse.nothing}`);
  const when = operation.startedAt ?? operation.lastAt;
  return {
    kind: 'plan',
    of: operation.id,
    request: {
      intent: inverse.intent,
      resource: inverse.resource,
      ...(object.namespace ? { namespace: object.namespace } : {}),
      name: object.name,
      ...(inverse.params ? { params: { ...inverse.params } } : {}),
    },
    expect: { ...prior.set },
    summary: inverse.summary,
    why: `undoes ${what(operation)}, run by ${operation.user} via ${operation.source} at ${when}; ${name} is still as it left it`,
  };
}

/** Both steps, for callers that already hold the live state (and for table tests). */
export function computeUndo(
  operation: OperationSummary | undefined,
  operations: ReadonlyMap<string, OperationSummary>,
  options: { id: string; context: string | null },
  current: { state?: ObjectState; reason?: string; notFound?: boolean },
): UndoPlan | UndoRefusal {
  const target = undoTarget(operation, operations, options);
  return target.kind === 'refused' ? target : inverseOf(target, current);
}

/**
 * The operation `rk8s undo` without an id undoes: the newest change by this user in this context that
 * the records allow undoing, skipping undos themselves and changes already undone (so repeated undos
 * walk back through the history, like an editor's).
 */
export function latestUndoable(operations: ReadonlyMap<string, OperationSummary>, user: string, context: string | null): OperationSummary | undefined {
  const newestFirst = [...operations.values()].filter((operation) => operation.startedAt !== undefined).reverse();
  for (const operation of newestFirst) {
    if (operation.user !== user || operation.undoOf !== undefined) continue;
    if (undoTarget(operation, operations, { id: operation.id, context }).kind === 'target') return operation;
  }
  return undefined;
}

/** The operation an id names: the full UUID, or a unique prefix of at least 8 characters. */
export function findOperation(operations: ReadonlyMap<string, OperationSummary>, id: string): OperationSummary | UndoRefusal | undefined {
  const exact = operations.get(id);
  if (exact) return exact;
  if (id.length < 8) return undefined;
  const matches = [...operations.values()].filter((operation) => operation.id.startsWith(id));
  if (matches.length > 1) return refuse('UNDO_UNKNOWN_OPERATION', `${id} is the start of ${matches.length} operations; give more of the id`);
  return matches[0];
}
