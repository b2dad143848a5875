/**
 * The planner's step before retrieval, called by propose(): resolve names against the cluster (one
 * bounded, validated, cached read) and read the words. Its facts go to the planner; the understood
 * intent and resource narrow retrieval; a refusal or a question becomes a deny verdict with a stable
 * code (OUT_OF_SCOPE, NEEDS_CLARIFICATION) and, where an alternative is a concrete command, a suggestion.
 */
import type { NameFocus, NameResolution } from '../cluster/name-resolver.js';
import type { PipelineEvent } from '../contracts/events.js';
import type { CardCatalog, NameResolver, PlanFacts, RetrieveQuery } from '../contracts/ports.js';
import type { Plan } from '../schemas/plan.js';
import type { K8sExecPayload } from '../schemas/request.js';
import type { Verdict } from '../schemas/verdict.js';
import { CLUSTER_SCOPED_RESOURCES } from '../schemas/vocabulary.js';
import { readRequest } from './read-request.js';

/** What understanding a request produced. */
export interface Understanding {
  /** Facts for the planner (inventory, reading, the catalog, the current replica count). */
  facts: PlanFacts;
  /** What to ask retrieval: the understood intent and resource when the words settle them. */
  retrieveQuery: RetrieveQuery;
  /** The cluster reads made (for the audit record's `reads`). */
  reads: string[];
  /** Notices to show (the cluster could not be read, the object was resolved...). */
  notices: Extract<PipelineEvent, { type: 'notice' }>[];
}

/** What understanding needs of the core. */
export interface UnderstandCore {
  cards: CardCatalog;
  nameResolver?: NameResolver;
}

/** The namespace whose objects name resolution reads for a request (undefined: cluster-scoped objects only). */
export function namesNamespace(request: Pick<K8sExecPayload, 'resource' | 'namespace'>): string | undefined {
  const clusterOnly = request.resource !== undefined && CLUSTER_SCOPED_RESOURCES.has(request.resource);
  return clusterOnly ? undefined : request.namespace;
}

/**
 * The kind (and object) a request names exactly, with no words to read (a form, a picker,
 * `--resource deployment --name web`): name resolution may read that kind alone.
 */
export function namesFocus(request: Pick<K8sExecPayload, 'resource' | 'name' | 'query'>): NameFocus | undefined {
  if (request.resource === undefined || (request.query ?? '').trim() !== '') return undefined;
  return { resource: request.resource, ...(request.name === undefined ? {} : { name: request.name }) };
}

/** Resolves names and reads the words of a request (see the module comment). Throws only on abort. */
export async function understandRequest(request: K8sExecPayload, core: UnderstandCore, signal?: AbortSignal): Promise<Understanding> {
  const focus = namesFocus(request);
  const resolution: NameResolution = core.nameResolver ? await core.nameResolver.resolve(namesNamespace(request), signal, focus) : { reads: [] };
  const notices: Understanding['notices'] = [];
  if (resolution.notice) notices.push({ type: 'notice', level: 'warn', stage: 'plan', message: resolution.notice });
  const catalog = [...core.cards.values()];
  const reading = readRequest(request, { catalog, ...(resolution.inventory ? { inventory: resolution.inventory } : {}) });
  const facts: PlanFacts = {
    reading,
    cards: core.cards,
    ...(resolution.inventory ? { inventory: resolution.inventory } : {}),
    ...(reading.object?.replicas !== undefined ? { currentReplicas: reading.object.replicas } : {}),
  };
  const planned = reading.outcome.kind === 'plan';
  const retrieveQuery: RetrieveQuery = {
    ...(planned && reading.intent ? { intent: reading.intent } : request.intent ? { intent: request.intent } : {}),
    ...(planned && reading.resource ? { resource: reading.resource } : request.resource ? { resource: request.resource } : {}),
    ...(request.query ? { query: request.query } : {}),
    ...(planned ? { limit: 4 } : {}),
  };
  if (retrieveQuery.intent === undefined && retrieveQuery.resource === undefined && !retrieveQuery.query) retrieveQuery.query = 'get pods';
  return { facts, retrieveQuery, reads: resolution.reads, notices };
}

/** The verdict for a plan that refuses or asks, or undefined for an ordinary plan. */
export function outcomeVerdict(plan: Plan, namespace: string | undefined): Verdict | undefined {
  const choices = plan.refusal?.alternatives ?? plan.clarification?.choices ?? [];
  const suggestions = choices.filter((entry) => entry.args && entry.args.length > 0).map((entry) => ({ message: entry.label, command: entry.args! }));
  const where = namespace ? { namespace } : {};
  if (plan.refusal) {
    return { decision: 'deny', risk: 'none', violations: [{ code: 'OUT_OF_SCOPE', message: plan.refusal.reason }], suggestions, mutating: false, ...where };
  }
  if (plan.clarification && plan.missing.length === 0) {
    return { decision: 'deny', risk: 'none', violations: [{ code: 'NEEDS_CLARIFICATION', message: plan.clarification.question }], suggestions, mutating: false, ...where };
  }
  return undefined;
}
