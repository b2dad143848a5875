/**
 * What to do next after a run: the card's `follow_up` cards as one key each, on the same object, and
 * the rollout watch started after a restart, scale or rollback. Each is an ordinary request planned,
 * validated and audited by the core; nothing here builds a command.
 */
import type { Intent, Resource } from '../../src/schemas/vocabulary.js';
import type { CatalogEntry } from '../services.js';
import type { Draft, ProposalView, RunView } from './types.js';

/** A next step offered after a run. */
export interface FollowUp {
  cardId: string;
  label: string;
  draft: Draft;
}

/** The object a finished run was about: the card's intent and resource, the namespace and name it used. */
export interface RunTarget {
  cardId?: string;
  intent?: Intent;
  resource?: Resource;
  namespace?: string;
  name?: string;
}

/** The target of the proposal that ran. */
export function runTarget(proposal: ProposalView): RunTarget {
  const ran = proposal.proposal;
  const card = ran?.card;
  const params = ran?.plan.params ?? proposal.plan?.params ?? {};
  const name = typeof params.name === 'string' ? params.name : (ran?.request.name ?? ran?.plan.understood?.name);
  const namespace = ran?.verdict.namespace ?? ran?.request.namespace;
  return {
    ...(card ? { cardId: card.id, intent: card.intent, resource: card.resource } : {}),
    ...(namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
  };
}

/**
 * The follow-ups of the card that ran, on the same object: a follow-up card of the same resource keeps
 * the name; one of another resource (a pod's deployment) keeps only the namespace, and the core asks
 * which object. The card's title travels as the words, so the core picks that card among its siblings.
 */
export function followUpsOf(target: RunTarget, catalog: readonly CatalogEntry[]): FollowUp[] {
  const card = catalog.find((entry) => entry.cardId === target.cardId);
  if (!card?.followUp) return [];
  const followUps: FollowUp[] = [];
  for (const id of card.followUp) {
    const next = catalog.find((entry) => entry.cardId === id);
    if (!next) continue;
    const sameObject = next.resource === target.resource && target.name !== undefined;
    const draft: Draft = {
      intent: next.intent,
      resource: next.resource,
      ...(target.namespace ? { namespace: target.namespace } : {}),
      ...(sameObject ? { name: target.name } : {}),
      ...(next.title ? { query: next.title } : {}),
    };
    followUps.push({ cardId: id, label: `${next.title ?? id}${sameObject ? ` · ${target.name}` : ''}`, draft });
  }
  return followUps.slice(0, 9);
}

const WATCHED_INTENTS: ReadonlySet<Intent> = new Set<Intent>(['restart', 'scale', 'rollback']);
const ROLLOUT_RESOURCES: ReadonlySet<Resource> = new Set<Resource>(['deployment', 'statefulset', 'daemonset']);

/**
 * The rollout watch after a successful restart, scale or rollback of a workload: `status` on the same
 * object (the card bounds it with `rollout status --timeout`). Undefined when there is nothing to watch.
 */
export function rolloutWatch(target: RunTarget, run: RunView, catalog: readonly CatalogEntry[]): Draft | undefined {
  if (!target.intent || !target.resource || !target.name) return undefined;
  if (!WATCHED_INTENTS.has(target.intent) || !ROLLOUT_RESOURCES.has(target.resource)) return undefined;
  const end = run.end;
  if (!end || end.exitCode !== 0 || end.cancelled || end.timedOut) return undefined;
  if (!catalog.some((entry) => entry.intent === 'status' && entry.resource === target.resource)) return undefined;
  return { intent: 'status', resource: target.resource, name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) };
}
