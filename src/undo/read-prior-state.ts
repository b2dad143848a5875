/**
 * Reads what an undoable change touches, through the cluster reader (validated as a read, bounded,
 * listed in the audit record), before the change runs and again when someone asks to undo it. A failed
 * read never fails the change: the state is recorded as unknown, with the reason.
 */
import { createClusterReader, readFailure, type ClusterRead } from '../cluster/cluster-reader.js';
import type { CommandValidator } from '../contracts/core.js';
import type { KubectlRunner } from '../contracts/ports.js';
import { normalizeResource } from '../schemas/vocabulary.js';
import type { ObjectState, PriorState } from '../schemas/audit.js';
import { readArgs, stateOf, type ObjectRef } from './object-state.js';
import { undoableChange, type UndoableChange } from './undoable-changes.js';

/** The read's deadline: a change waits at most this long for its prior state (then records it as unknown). */
export const STATE_READ_TIMEOUT_SECONDS = 10;

/** What the core gives the reads. */
export interface StateReadCore {
  validator: CommandValidator;
  kubectl: KubectlRunner;
}

/** The object and the undoable change of an argv run from a card, when rk8s can undo it. */
export function changeOfCommand(validator: CommandValidator, cardId: string, args: readonly string[]): { change: UndoableChange; object: ObjectRef } | undefined {
  const change = undoableChange(cardId);
  if (!change) return undefined;
  const target = validator.target(args);
  if (!target?.name) return undefined;
  // The object comes from the parsed argv, never from a planner's claim; it must be the card's kind.
  if (normalizeResource(target.resource ?? '') !== change.resource) return undefined;
  return { change, object: { resource: change.resource, namespace: target.namespace ?? null, name: target.name } };
}

/** The live state of an object (the fields a change touches), or why it could not be read. */
export async function readObjectState(
  core: StateReadCore,
  object: ObjectRef,
  change: UndoableChange,
  signal?: AbortSignal,
): Promise<{ state?: ObjectState; reason?: string; notFound?: boolean; reads: ClusterRead[] }> {
  const reader = createClusterReader(core, { maxReads: 1, timeoutSeconds: STATE_READ_TIMEOUT_SECONDS, ...(signal ? { signal } : {}) });
  try {
    const state = stateOf(await reader.json(readArgs(object), { maxBytes: 4 * 1024 * 1024 }), change.reads);
    if (!state) return { reason: `the ${change.reads.join(', ')} of ${object.resource}/${object.name} could not be read from the answer`, reads: [...reader.reads] };
    return { state, reads: [...reader.reads] };
  } catch (error) {
    signal?.throwIfAborted();
    return { reason: (error as Error).message, ...(readFailure(error)?.notFound ? { notFound: true } : {}), reads: [...reader.reads] };
  }
}

/**
 * The prior_state of a change about to run: what was there, and what the change sets. Undefined for a
 * command rk8s cannot undo (nothing is read then). Never throws, except when `signal` aborts.
 */
export async function readPriorState(
  core: StateReadCore,
  command: { cardId: string; args: readonly string[]; params: Readonly<Record<string, unknown>> },
  signal?: AbortSignal,
): Promise<{ priorState: PriorState; reads: ClusterRead[] } | undefined> {
  const found = changeOfCommand(core.validator, command.cardId, command.args);
  if (!found) return undefined;
  const { change, object } = found;
  const base = { resource: object.resource, namespace: object.namespace, name: object.name };
  const read = await readObjectState(core, object, change, signal);
  if (!read.state) return { priorState: { status: 'unknown', ...base, reason: read.reason ?? 'not read' }, reads: read.reads };
  const set = change.set(read.state, command.params);
  if (!set) return { priorState: { status: 'unknown', ...base, before: read.state, reason: 'what this command sets could not be told from its parameters' }, reads: read.reads };
  return { priorState: { status: 'recorded', ...base, before: read.state, set }, reads: read.reads };
}
