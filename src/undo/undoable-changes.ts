/**
 * The changes rk8s knows how to undo, as data: for each card, which fields of the object it touches
 * (read before it runs), what it sets, and the request that puts the old value back. The inverse is
 * always a request for another card, planned and validated like one a person typed.
 */
import type { ObjectState } from '../schemas/audit.js';
import type { Intent, Resource } from '../schemas/vocabulary.js';

/** A field of ObjectState that a change touches. */
export type StateField = 'replicas' | 'revision' | 'images' | 'unschedulable' | 'paused';

/** The request (without namespace and name, which are the object's) that undoes a change. */
export interface InverseRequest {
  intent: Intent;
  resource: Resource;
  params?: Record<string, number>;
  /** One line saying what the inverse does, e.g. "scale deployment/api back to 3 replicas". */
  summary: string;
}

/** Why a change has nothing to undo (the object already was as the change left it). */
export interface NoInverse {
  nothing: string;
}

/** One undoable change. */
export interface UndoableChange {
  /** The card whose runs this describes. */
  cardId: string;
  /** The canonical resource of the object (checked against the parsed argv). */
  resource: Resource;
  /** What the core reads before the change runs. */
  reads: readonly StateField[];
  /** What the change sets, from what was there and the plan's parameters; undefined when it cannot tell. */
  set(before: ObjectState, params: Readonly<Record<string, unknown>>): ObjectState | undefined;
  /** The inverse request, or why there is nothing to undo. */
  inverse(before: ObjectState, set: ObjectState, object: string): InverseRequest | NoInverse | undefined;
}

const integerParam = (params: Readonly<Record<string, unknown>>, name: string): number | undefined => {
  const value = Object.hasOwn(params, name) ? params[name] : undefined;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : undefined;
};

function scale(resource: Resource): UndoableChange {
  return {
    cardId: `scale-${resource}`,
    resource,
    reads: ['replicas'],
    set: (_before, params) => {
      const replicas = integerParam(params, 'replicas');
      return replicas === undefined ? undefined : { replicas };
    },
    inverse: (before, set, object) => {
      if (before.replicas === undefined) return undefined;
      if (before.replicas === set.replicas) return { nothing: `${object} already had ${before.replicas} replicas before` };
      return { intent: 'scale', resource, params: { replicas: before.replicas }, summary: `scale ${object} back to ${before.replicas} replicas (from ${set.replicas})` };
    },
  };
}

/** A rollout (rollback, restart) makes a new revision: Kubernetes numbers it one past the current one. */
function rollout(cardId: string): UndoableChange {
  return {
    cardId,
    resource: 'deployment',
    reads: ['revision', 'images'],
    set: (before) => (before.revision === undefined ? undefined : { revision: before.revision + 1 }),
    inverse: (before, _set, object) => {
      if (before.revision === undefined) return undefined;
      const images = before.images && before.images.length > 0 ? ` (${before.images.join(', ')})` : '';
      return { intent: 'rollback', resource: 'deployment', params: { revision: before.revision }, summary: `roll ${object} back to revision ${before.revision}${images}` };
    },
  };
}

/** How a boolean field reads in a sentence, and the request that flips it back. */
interface FlagWords {
  intent: Intent;
  verb: string;
  /** The object when the field is not the value the change sets ("schedulable"). */
  before: string;
  /** The object when it is ("cordoned"). */
  already: string;
}

function flag(cardId: string, resource: Resource, field: 'unschedulable' | 'paused', value: boolean, words: FlagWords): UndoableChange {
  return {
    cardId,
    resource,
    reads: [field],
    set: () => (field === 'paused' ? { paused: value } : { unschedulable: value }),
    inverse: (before, _set, object) => {
      const was = before[field];
      if (was === undefined) return undefined;
      if (was === value) return { nothing: `${object} was already ${words.already} before` };
      return { intent: words.intent, resource, summary: `${words.verb} ${object} (it was ${words.before} before)` };
    },
  };
}

/** Every undoable change, by card id. */
export const UNDOABLE_CHANGES: ReadonlyMap<string, UndoableChange> = new Map(
  [
    scale('deployment'),
    scale('statefulset'),
    rollout('rollback-deployment'),
    rollout('restart-deployment'),
    flag('cordon-node', 'node', 'unschedulable', true, { intent: 'uncordon', verb: 'uncordon', before: 'schedulable', already: 'cordoned' }),
    // A drain cordons, then evicts: undo makes the node schedulable again (the evicted pods do not move back).
    flag('drain-node', 'node', 'unschedulable', true, { intent: 'uncordon', verb: 'uncordon', before: 'schedulable', already: 'cordoned' }),
    flag('uncordon-node', 'node', 'unschedulable', false, { intent: 'cordon', verb: 'cordon', before: 'cordoned', already: 'schedulable' }),
    flag('pause-deployment', 'deployment', 'paused', true, { intent: 'resume', verb: 'resume the rollout of', before: 'not paused', already: 'paused' }),
    flag('resume-deployment', 'deployment', 'paused', false, { intent: 'pause', verb: 'pause the rollout of', before: 'paused', already: 'not paused' }),
  ].map((change) => [change.cardId, change]),
);

/** The undoable change a card makes, if rk8s knows how to undo it. */
export function undoableChange(cardId: string | null | undefined): UndoableChange | undefined {
  return cardId ? UNDOABLE_CHANGES.get(cardId) : undefined;
}
