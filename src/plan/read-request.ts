/**
 * Reads a request as a senior SRE would: the intent (commanded, asked, negated, hypothetical), the
 * resource and object (resolved against the cluster inventory when there is one), the namespace and
 * the modifiers; or decides to ask (ambiguous, contradictory, empty, names nothing that exists) or
 * to refuse (out of scope, or no card does that to that resource). Pure: the inventory is a fact
 * read before, the cards are the catalog; nothing is run.
 */
import type { ClusterInventory, InventoryObject } from '../cluster/name-resolver.js';
import type { Card } from '../schemas/card.js';
import type { Clarification, PlanChoice, Refusal, Understood, UnderstoodModifier, UnderstoodSource } from '../schemas/plan.js';
import type { K8sExecPayload } from '../schemas/request.js';
import {
  MUTATING_INTENTS, RESOURCES, normalizeResource, type Intent, type Resource,
} from '../schemas/vocabulary.js';
import { isNameToken, objectNameCandidates } from './object-name.js';
import { scopeHits, UNKNOWN_KINDS, type ScopeHit } from './request-scope.js';
import { correctVerbs, intentCues, mainIntent, moodOf, normalizeRequestText, requestTokens, type Mood } from './request-words.js';
import { bareReplicaCount, extractSlots, type Slots } from './slots.js';

/** What the reader decided. */
export type ReadingOutcome =
  | { kind: 'plan' }
  | { kind: 'ask'; clarification: Clarification }
  | { kind: 'refuse'; refusal: Refusal };

/** A request as understood, ready for card choice. */
export interface RequestReading {
  intent?: Intent;
  intentFrom: Understood['intentFrom'];
  resource?: Resource;
  resourceFrom: UnderstoodSource;
  name?: string;
  nameFrom?: Understood['nameFrom'];
  namespace?: string;
  mood: Mood;
  slots: Slots;
  /** A container name checked against the object's containers. */
  container?: string;
  /** The node a pod listing is limited to ("what's running on node-2"). */
  nodeFilter?: string;
  /** The resolved object, when the inventory has it (pod state, owner, containers, replicas). */
  object?: InventoryObject;
  /** The service whose EndpointSlices are asked for. */
  service?: string;
  outcome: ReadingOutcome;
  notes: string[];
  /** True when the inventory was available (names were checked). */
  checked: boolean;
}

/** Kinds the reader knows as words beyond the aliases ("config map", "stateful set"...). */
const PHRASE_RESOURCES: ReadonlyArray<[RegExp, Resource]> = [
  [/\bconfig ?maps?\b/, 'configmap'],
  [/\bcron ?jobs?\b/, 'cronjob'],
  [/\bstateful ?sets?\b/, 'statefulset'],
  [/\bdaemon ?sets?\b/, 'daemonset'],
  [/\breplica ?sets?\b/, 'replicaset'],
  [/\b(?:pod )?disruption ?budgets?\b/, 'poddisruptionbudget'],
  [/\bnetwork ?polic(?:y|ies)\b/, 'networkpolicy'],
  [/\blimit ?ranges?\b/, 'limitrange'],
  [/\bresource ?quotas?\b/, 'resourcequota'],
  [/\bendpoint ?slices?\b/, 'endpointslice'],
  [/\bservice ?accounts?\b/, 'serviceaccount'],
  [/\b(?:persistent ?)?volume ?claims?\b/, 'pvc'],
  [/\b(?:horizontal ?pod ?)?autoscalers?\b/, 'hpa'],
  [/\bpvcs\b|\bclaims\b/, 'pvc'],
  [/\bhpas\b/, 'hpa'],
  [/\bpdbs\b/, 'poddisruptionbudget'],
  [/\bquotas\b/, 'resourcequota'],
  [/\bnetpols\b/, 'networkpolicy'],
  [/\bcronjob\b|\bcron\b/, 'cronjob'],
  [/\bingresses\b/, 'ingress'],
];

/** Alias words that are English more often than kinds here. */
const NOT_A_KIND = new Set(['no', 'limits', 'event', 'events', 'ev']);

/** The order in which a name that several kinds share is taken, per intent ("api" is the deployment, not the service). */
const KIND_PREFERENCE: Readonly<Partial<Record<Intent, readonly Resource[]>>> = {
  restart: ['deployment', 'statefulset', 'daemonset'],
  rollback: ['deployment', 'statefulset', 'daemonset'],
  status: ['deployment', 'statefulset', 'daemonset'],
  history: ['deployment', 'statefulset', 'daemonset'],
  pause: ['deployment'],
  resume: ['deployment', 'cronjob'],
  scale: ['deployment', 'statefulset', 'replicaset', 'daemonset', 'hpa'],
  logs: ['pod', 'deployment', 'statefulset', 'daemonset', 'job'],
  top: ['pod', 'deployment', 'statefulset', 'node'],
  cordon: ['node'],
  uncordon: ['node'],
  drain: ['node'],
  delete: ['pod', 'job', 'deployment', 'statefulset', 'daemonset', 'service', 'pvc', 'configmap'],
  suspend: ['cronjob'],
  trigger: ['cronjob'],
};
const DEFAULT_PREFERENCE: readonly Resource[] = [
  'pod', 'deployment', 'statefulset', 'daemonset', 'job', 'cronjob', 'service', 'ingress', 'pvc', 'hpa', 'configmap',
  'poddisruptionbudget', 'replicaset', 'node', 'namespace',
];

const WORKLOADS: ReadonlySet<Resource> = new Set(['deployment', 'statefulset', 'daemonset', 'job']);

/** Words that ask about a pod's trouble: the unhealthy pod of a workload is meant. */
const TROUBLE = /\bcrash\w*|\bfail\w*|\boom\w*|\bkill\w*|\brestart(?:ing|ed)\b|\bpending\b|\bstuck\b|\bbroken\b|\bunhealthy\b|\bnot (?:ready|starting|running)\b|\bimagepull\w*|\berror\w*|\bprevious\b|\bbefore it\b|\bwhy\b|\bwrong\b|\bdown\b/;

/** A pod is in trouble when a container waits for a reason, died before, restarts or it is not running. */
export function podTrouble(pod: InventoryObject): 'crash' | 'pending' | 'image' | 'oom' | undefined {
  if ((pod.waiting ?? []).some((reason) => /ImagePull|ErrImage|InvalidImage/.test(reason))) return 'image';
  if ((pod.lastTerminated ?? []).includes('OOMKilled')) return 'oom';
  if ((pod.waiting ?? []).some((reason) => /CrashLoop|Error|CreateContainer/.test(reason)) || (pod.restarts ?? 0) > 0) return 'crash';
  if (pod.phase === 'Pending') return 'pending';
  if (pod.phase === 'Failed' || pod.phase === 'Unknown') return 'crash';
  return undefined;
}

function intentsWithCards(catalog: readonly Card[], resource: Resource): Intent[] {
  const intents = new Set(catalog.filter((card) => card.resource === resource).map((card) => card.intent));
  return [...intents];
}

function hasCard(catalog: readonly Card[], intent: Intent | undefined, resource: Resource): boolean {
  return catalog.some((card) => card.resource === resource && (intent === undefined || card.intent === intent));
}

/** Why no card does `intent` to `resource`, in on-call terms. */
function noCardReason(intent: Intent, resource: Resource, catalog: readonly Card[]): string {
  const why: Partial<Record<string, string>> = {
    'scale:daemonset': 'daemonsets run one pod per node, so they have no replica count',
    'scale:hpa': 'an HPA sets the replica count itself between its min and max; change minReplicas/maxReplicas in its spec through your deploy pipeline',
    'scale:job': 'a job runs to completion; its parallelism is part of its spec',
    'scale:cronjob': 'a cronjob starts jobs on a schedule; it has no replicas',
    'scale:pod': 'a pod is one instance; scale the workload that owns it',
    'delete:pvc': 'deleting a claim can destroy its data',
    'delete:deployment': 'deleting a workload is an outage, never an on-call fix',
    'delete:statefulset': 'deleting a workload is an outage, never an on-call fix',
    'delete:daemonset': 'deleting a workload is an outage, never an on-call fix',
    'delete:service': 'deleting a service cuts its traffic',
    'delete:namespace': 'deleting a namespace deletes everything in it',
    'delete:node': 'deleting a node object orphans its pods; cordon and drain it instead',
    'restart:pod': 'a pod is restarted through its owner (rollout restart of its deployment, statefulset or daemonset)',
    'restart:job': 'a finished job is not restarted; run its cronjob again or delete and recreate it through your pipeline',
    'rollback:pod': 'pods have no revisions; roll back the workload that owns them',
  };
  const intents = intentsWithCards(catalog, resource);
  const reason = why[`${intent}:${resource}`];
  const verb = intent === 'status' || intent === 'history' || intent === 'events' || intent === 'logs' || intent === 'top' ? `shows ${intent} of` : `${intent}s`;
  const list = intents.length > 0 ? `; for ${resource}: ${intents.join(', ')}` : '';
  return `no card ${verb.replace(/ss$/, 'ses').replace(/ys$/, 'ys')} a ${resource}${reason ? ` (${reason})` : ''}${list}`;
}

interface NameMention {
  token: string;
  index: number;
  objects: readonly InventoryObject[];
  /** The kind the words put next to it ("web deployment", "deploy/web"). */
  kind?: Resource;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Damerau-Levenshtein distance, bounded (names are short). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_, row) => Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)));
  for (let row = 1; row < rows; row += 1) {
    for (let column = 1; column < columns; column += 1) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let best = Math.min(table[row - 1]![column]! + 1, table[row]![column - 1]! + 1, table[row - 1]![column - 1]! + cost);
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) best = Math.min(best, table[row - 2]![column - 2]! + 1);
      table[row]![column] = best;
    }
  }
  return table[rows - 1]![columns - 1]!;
}

/** Names of the inventory close to a token ("paymnts" -> payments), best first. */
export function closeNames(token: string, names: readonly string[]): string[] {
  const scored = names
    .map((name) => ({ name, distance: editDistance(token, name) }))
    .filter(({ name, distance }) => distance <= Math.max(1, Math.min(2, Math.floor(name.length / 3))) || (token.length >= 3 && name.startsWith(token) && name.length - token.length <= 6));
  return scored.sort((a, b) => a.distance - b.distance).map(({ name }) => name);
}

/**
 * Lookups over one inventory, built on first use and kept with it: the inventory is a fact that many
 * readings share (reused by the resolver's cache for a few seconds; an investigation plans hundreds
 * of remediations against one), and at 10,000 pods each pass over it costs milliseconds. Each lookup
 * keeps the inventory's order, so a reading is the one the passes over the objects would give.
 */
interface InventoryLookups {
  /** Every name, of every kind. */
  names: ReadonlySet<string>;
  namespaces: ReadonlySet<string>;
  nodes: ReadonlySet<string>;
  /** The objects of each name: of every kind, and without namespaces. */
  byName: ReadonlyMap<string, readonly InventoryObject[]>;
  byNameNoNamespaces: ReadonlyMap<string, readonly InventoryObject[]>;
  /** The pods of each owner ("deployment/api"). */
  podsByOwner: ReadonlyMap<string, readonly InventoryObject[]>;
}

const LOOKUPS = new WeakMap<ClusterInventory, InventoryLookups>();
const NO_OBJECTS: readonly InventoryObject[] = [];

function pushTo(map: Map<string, InventoryObject[]>, key: string, object: InventoryObject): void {
  const list = map.get(key);
  if (list) list.push(object);
  else map.set(key, [object]);
}

function lookupsOf(inventory: ClusterInventory | undefined): InventoryLookups {
  const known = inventory ? LOOKUPS.get(inventory) : undefined;
  if (known) return known;
  const names = new Set<string>();
  const namespaces = new Set<string>();
  const nodes = new Set<string>();
  const byName = new Map<string, InventoryObject[]>();
  const byNameNoNamespaces = new Map<string, InventoryObject[]>();
  const podsByOwner = new Map<string, InventoryObject[]>();
  for (const object of inventory?.objects ?? []) {
    names.add(object.name);
    if (object.kind === 'namespace') namespaces.add(object.name);
    if (object.kind === 'node') nodes.add(object.name);
    pushTo(byName, object.name, object);
    if (object.kind !== 'namespace') pushTo(byNameNoNamespaces, object.name, object);
    if (object.kind === 'pod' && object.owner) pushTo(podsByOwner, `${object.owner.kind}/${object.owner.name}`, object);
  }
  const lookups: InventoryLookups = { names, namespaces, nodes, byName, byNameNoNamespaces, podsByOwner };
  if (inventory) LOOKUPS.set(inventory, lookups);
  return lookups;
}

/** Options of a reading. */
export interface ReadOptions {
  inventory?: ClusterInventory;
  catalog: readonly Card[];
}

const choice = (label: string, request: PlanChoice['request']): PlanChoice => ({ label, request });

/** Reads the request (see the module comment). Never throws for user input. */
export function readRequest(request: K8sExecPayload, options: ReadOptions): RequestReading {
  const { inventory, catalog } = options;
  const raw = request.query ?? '';
  const lookups = lookupsOf(inventory);
  const { text, corrections } = correctVerbs(normalizeRequestText(raw), lookups.names);
  const tokens = requestTokens(text);
  const slots = extractSlots(text);
  const cues = intentCues(text);
  const mood = moodOf(text, cues);
  const notes: string[] = corrections.map((correction) => `"${correction.typed}" read as "${correction.readAs}"`);
  const namespace = request.namespace;
  const base = (): RequestReading => ({
    intentFrom: 'default', resourceFrom: 'default', mood, slots, outcome: { kind: 'plan' }, notes, checked: inventory !== undefined,
    ...(namespace === undefined ? {} : { namespace }),
  });
  const reading = base();
  const ask = (question: string, choices: PlanChoice[] = []): RequestReading => ({ ...reading, outcome: { kind: 'ask', clarification: { question, choices } } });
  const refuse = (code: Refusal['code'], reason: string, alternatives: PlanChoice[] = []): RequestReading => ({ ...reading, outcome: { kind: 'refuse', refusal: { code, reason, alternatives } } });
  const objects = inventory?.objects ?? [];
  const namespaces = lookups.namespaces;
  const here = (extra: PlanChoice['request'] = {}): PlanChoice['request'] => ({ ...(namespace === undefined ? {} : { namespace }), ...extra });

  // ---- the namespace the words name, against the namespace field
  const wordNamespace = namespaceInWords(text, namespaces, namespace);
  if (wordNamespace !== undefined && namespace !== undefined && wordNamespace !== namespace) {
    return ask(`the words say "${wordNamespace}" but the namespace is "${namespace}": which one?`, [
      choice(`in ${namespace}`, { ...requestCore(request), namespace }),
      choice(`in ${wordNamespace}`, { ...requestCore(request), namespace: wordNamespace }),
    ]);
  }

  // ---- intent
  const main = mainIntent(cues);
  if (request.intent !== undefined) {
    reading.intent = request.intent;
    reading.intentFrom = 'explicit';
    if (MUTATING_INTENTS.has(request.intent) && main.negated.includes(request.intent) && !cues.some((cue) => cue.intent === request.intent && cue.commanded)) {
      return ask(`the intent is ${request.intent} but the words say not to: what do you want to do?`, [
        choice(`${request.intent} anyway`, { ...requestCore(request), query: '' }),
        choice('describe it instead', { ...requestCore(request), intent: 'describe', query: '' }),
      ]);
    }
  } else if (main.conflict) {
    return ask(`the words ask for more than one change (${main.conflict.join(', ')}); rk8s runs one command at a time: which one?`,
      main.conflict.map((intent) => choice(intent, here({ intent, ...(request.name ? { name: request.name } : {}), ...(request.resource ? { resource: request.resource } : {}) }))));
  } else if (main.intent !== undefined) {
    reading.intent = main.intent;
    reading.intentFrom = 'words';
  }

  // ---- out of scope (after the intent: "restart api after the secret rotation" is a restart)
  const hits = scopeHits(text).filter((hit) => !(hit.code === 'SECRET_DATA' && reading.intent !== undefined && MUTATING_INTENTS.has(reading.intent) && mood === 'command'));
  const scope: ScopeHit | undefined = hits[0];
  if (scope && request.intent === undefined) {
    return refuse(scope.code, scope.reason, scopeAlternatives(scope, text, tokens, inventory, here));
  }
  const unknownKind = UNKNOWN_KINDS.find((entry) => entry.pattern.test(text));
  if (unknownKind && request.resource === undefined && !resourceWords(text, tokens).some((word) => word.resource !== 'pvc' || unknownKind.kind !== 'persistentvolume')) {
    const kinds = RESOURCES.filter((resource) => catalog.some((card) => card.resource === resource));
    const plural = unknownKind.kind.endsWith('s') ? `${unknownKind.kind}es` : `${unknownKind.kind}s`;
    return refuse('UNKNOWN_RESOURCE', `rk8s has no card for ${plural} (they are not part of on-call work here); it has cards for: ${kinds.join(', ')}`);
  }

  // ---- resource from the words, and the names they mention
  const words = resourceWords(text, tokens);
  let mentions = inventory ? nameMentions(tokens, lookups, request.resource === 'namespace' || words.some((word) => word.resource === 'namespace')) : [];
  let resource: Resource | undefined = request.resource;
  if (resource !== undefined) reading.resourceFrom = 'explicit';
  let wordKinds = [...new Set(words.map((word) => word.resource))];
  // "pods with their nodes", "which node each pod runs on": the pods are the subject, the node a detail.
  if (wordKinds.includes('pod') && wordKinds.includes('node')) wordKinds = wordKinds.filter((kind) => kind !== 'node');
  // Cordon, uncordon and drain act on nodes whatever else the words mention ("give pods 10m", "back in service").
  if (reading.intent === 'cordon' || reading.intent === 'uncordon' || reading.intent === 'drain') wordKinds = wordKinds.filter((kind) => kind === 'node');

  // A node the words name must exist ("node labels", "which node has the most cpu" name none).
  if (inventory && slots.node !== undefined && !lookups.nodes.has(slots.node)) {
    delete slots.node;
    delete slots.phrases.node;
  }
  // Pods listed per node ("what's running on node-2", "pods on node-1"): the node filters, it is not the object.
  const onNode = /\b(?:running|scheduled|placed|pods?|po|what'?s|what is|everything|anything|workloads?)\s+(?:are\s+|is\s+|do\s+we\s+have\s+)?(?:on|in)\s+(?:the\s+)?(?:node\s+)?[a-z0-9.-]+/.test(text) || /^on\s+/.test(text);
  const podsAsked = request.resource === 'pod' || wordKinds.includes('pod') || /\b(?:running|scheduled|placed|what'?s on|what is on)\b/.test(text);
  if (slots.node !== undefined && onNode && podsAsked && (request.resource === undefined || request.resource === 'pod')
    && (reading.intent === undefined || ['get', 'describe', 'diagnose'].includes(reading.intent)) && !/\bdescribe\b/.test(text)) {
    reading.nodeFilter = slots.node;
    if (reading.intentFrom !== 'explicit') {
      reading.intent = 'get';
      reading.intentFrom = reading.intentFrom === 'default' ? 'words' : reading.intentFrom;
    }
    resource = 'pod';
    if (reading.resourceFrom === 'default') reading.resourceFrom = 'words';
    mentions = mentions.filter((mention) => mention.token !== slots.node);
  }
  // Explicit resource against another resource named right next to the object: a contradiction.
  if (request.resource !== undefined) {
    // "endpointslices for the api service": a kind the explicit resource's cards take as a parameter is a relation, not a contradiction.
    const related = (kind: Resource) => catalog.some((card) => card.resource === request.resource && card.params.some((param) => param.name === kind));
    const qualified = words.find((word) => word.qualifies !== undefined && word.resource !== request.resource && word.resource !== 'pod' && request.resource !== 'pod' && !related(word.resource));
    if (qualified) {
      return ask(`the resource is ${request.resource} but the words say "${qualified.phrase}": which one?`, [
        choice(`${request.resource} ${qualified.qualifies}`, here({ ...requestCore(request), name: qualified.qualifies! })),
        choice(`${qualified.resource} ${qualified.qualifies}`, here({ ...requestCore(request), resource: qualified.resource, name: qualified.qualifies! })),
      ]);
    }
  }

  // ---- the object
  let name = request.name;
  let nameFrom: Understood['nameFrom'] = name !== undefined ? 'explicit' : undefined;
  let object: InventoryObject | undefined;
  // "hpa status", "status of db-0": a status of something without rollouts is a look at it.
  if (reading.intent === 'status' && reading.intentFrom === 'words') {
    const kind = resource ?? wordKinds[0];
    if (kind !== undefined && !hasCard(catalog, 'status', kind)) reading.intent = request.name !== undefined || mentions.length > 0 ? 'describe' : 'get';
  }
  const intent = reading.intent;

  if (inventory) {
    const candidates = name !== undefined ? (lookups.byName.get(name) ?? NO_OBJECTS) : NO_OBJECTS;
    if (name !== undefined && candidates.length === 0 && (resource === undefined || hasInventoryKind(resource))) {
      // An explicit name that exists nowhere: say so, with the close ones.
      const close = closeNames(name, namesOfKinds(objects, resource ? [resource, ...(resource === 'pod' ? WORKLOADS : [])] : undefined));
      const where = resource === 'node' ? 'in the cluster' : `in ${namespace ?? 'the cluster'}`;
      return ask(`no ${resource ?? 'object'} named "${name}" ${where}${close.length > 0 ? `; did you mean ${close.slice(0, 3).join(' or ')}?` : ''}`,
        close.slice(0, 3).map((candidate) => choice(candidate, { ...requestCore(request), name: candidate })));
    }
    const mentioned = name !== undefined ? [{ token: name, index: -1, objects: candidates } satisfies NameMention] : mentions;
    const resolved = resolveObject({ mentioned, resource, wordKinds, intent, text, objects, lookups, catalog, explicitName: name !== undefined, explicitResource: request.resource !== undefined });
    if ('ask' in resolved) return ask(resolved.ask, resolved.choices.map((entry) => choice(entry.label, { ...requestCore(request), ...here(entry.request) })));
    if ('refuse' in resolved) return refuse('NO_CARD', resolved.refuse, resolved.alternatives.map((entry) => choice(entry.label, here(entry.request))));
    if (resolved.object) {
      object = resolved.object;
      if (name === undefined || resolved.object.name !== name) {
        nameFrom = name === undefined && mentioned.some((mention) => mention.token === resolved.object!.name) ? 'words' : 'cluster';
      }
      name = resolved.object.name;
      if (resource === undefined || resolved.resource !== resource) {
        if (resource !== undefined) notes.push(resolved.note ?? `${resource} ${request.name ?? ''} resolved to ${resolved.resource} ${name}`);
        reading.resourceFrom = resource === undefined && wordKinds.includes(resolved.resource) ? 'words' : 'cluster';
      }
      resource = resolved.resource;
      if (resolved.note && !notes.includes(resolved.note)) notes.push(resolved.note);
    }
    if (resolved.service) reading.service = resolved.service;
    if (resolved.selector && slots.selector === undefined) {
      slots.selector = resolved.selector;
      slots.phrases.selector = resolved.note ?? resolved.selector;
      resource = 'pod';
      reading.resourceFrom = 'cluster';
      // A workload's pods are looked at as a listing ("check its pods", "pod ips for web").
      if (reading.intent === undefined || reading.intent === 'describe' || reading.intent === 'diagnose') {
        reading.intent = 'get';
        if (reading.intentFrom === 'default') reading.intentFrom = 'words';
      }
      if (resolved.note) notes.push(resolved.note);
    }
    // A word in a name position that exists nowhere: a typo, or an object of another namespace.
    if (!resolved.object && name === undefined && !resolved.service && !resolved.selector) {
      const kinds = resource !== undefined ? [resource] : wordKinds.length > 0 ? [wordKinds[0]!] : intent ? [...(KIND_PREFERENCE[intent] ?? [])] : [];
      const missing = missingName(text, tokens, objects, kinds, namespaces, namespace);
      if (missing) {
        const where = resource === 'node' ? 'the cluster' : (namespace ?? 'the cluster');
        return ask(`no ${missing.kinds} named "${missing.token}" in ${where}${missing.close.length > 0 ? `; did you mean ${missing.close.slice(0, 3).join(' or ')}?` : ''}`,
          missing.close.slice(0, 3).map((candidate) => choice(candidate, { ...requestCore(request), ...(reading.intent ? { intent: reading.intent } : {}), name: candidate })));
      }
    }
  } else if (name === undefined) {
    // No cluster: the words alone, conservatively (object-name.ts), for the resource they name.
    const kind = resource ?? wordKinds[0];
    // A listing names an object only explicitly ("pod named web-1", "deploy/web"): "list pods sorted by age" lists.
    const listing = reading.intent === 'get' || reading.intent === 'top' || reading.intent === 'events';
    const found = objectNameCandidates(raw).filter((candidate) => candidate.value !== namespace && !namespaces.has(candidate.value) && (!listing || candidate.kind === 'explicit'));
    const usable = found.filter((candidate) => candidate.resource === undefined || kind === undefined || candidate.resource === kind || candidate.resource === 'pod');
    const values = [...new Set(usable.map((candidate) => candidate.value))];
    if (values.length === 1) {
      name = values[0];
      nameFrom = 'words';
    } else if (values.length > 1) {
      return ask(`the words name several objects (${values.join(', ')}): which one?`, values.map((value) => choice(value, { ...requestCore(request), name: value })));
    }
  }
  if (resource === undefined && wordKinds.length > 0) {
    resource = preferredWordKind(wordKinds, intent, catalog);
    reading.resourceFrom = 'words';
  }
  if (resource === undefined && slots.node !== undefined && intent !== undefined && ['cordon', 'uncordon', 'drain', 'top', 'describe', 'diagnose'].includes(intent)) {
    resource = 'node';
    reading.resourceFrom = 'words';
  }

  // ---- defaults for a request with no intent in its words
  if (reading.intent === undefined) {
    // "what is the pdb for api", "where's db-0": a question about an object is answered by describing it.
    if ((object || name !== undefined) && /^(?:what|what'?s|whats|which|where|where'?s|who|how)\b/.test(text)) {
      reading.intent = 'describe';
      reading.intentFrom = 'words';
    }
  }
  if (reading.intent === undefined) {
    if (object || name !== undefined) {
      return ask(`what do you want to do with ${resource ?? 'object'} ${name ?? object?.name}?`, [
        choice('describe it', here({ intent: 'describe', ...(resource ? { resource } : {}), name: name ?? object!.name })),
        choice('its logs', here({ intent: 'logs', ...(resource ? { resource } : {}), name: name ?? object!.name })),
        choice('its events', here({ intent: 'events', ...(resource ? { resource } : {}), name: name ?? object!.name })),
      ]);
    }
    if (resource !== undefined && words.length > 0) {
      reading.intent = 'get';
      reading.intentFrom = 'default';
    } else {
      return ask('the words do not say what to do; say it like "restart api", "logs of payments", "why is web crashing" or "list pods"', [
        choice('list the pods', here({ intent: 'get', resource: 'pod' })),
        choice('recent warning events', here({ intent: 'events', resource: 'events', query: 'warnings' })),
      ]);
    }
  }

  // A question, a negation or a hypothetical never changes anything: read the object instead.
  if (reading.intent !== undefined && MUTATING_INTENTS.has(reading.intent) && reading.intentFrom === 'words' && mood !== 'command') {
    reading.intent = readInsteadOf(reading.intent, resource);
    notes.push(`read as a ${mood === 'negated' ? 'negated change' : mood === 'hypothetical' ? 'hypothetical change' : 'question'}: nothing will be changed; ${reading.intent} instead`);
  }
  if (reading.intentFrom === 'words' && reading.intent !== undefined && !MUTATING_INTENTS.has(reading.intent) && main.negated.length > 0 && mood !== 'command') {
    notes.push(`not doing ${main.negated.join(', ')}: the words do not command it`);
  }

  // "what changed" about a workload is its rollout history; about a namespace, its events.
  if (reading.intent === 'events' && /\bwhat'?s? changed\b|\bchanges\b/.test(text) && resource !== undefined && ['deployment', 'statefulset', 'daemonset'].includes(resource) && name !== undefined) {
    reading.intent = 'history';
  }
  // A node's events are recorded in another namespace than the request's: describe lists them.
  if (reading.intent === 'events' && resource === 'node' && !hasCard(catalog, 'events', 'node')) {
    reading.intent = 'describe';
    notes.push('the events of a node are shown by describe node (its Events section)');
  }
  // Cordon questions ("why is node-1 cordoned") are about the node.
  if (resource === undefined && reading.intent !== undefined && ['cordon', 'uncordon', 'drain'].includes(reading.intent)) resource = 'node';

  // "node-2's pods", "before draining node-2 show me its pods": a listing of the pods on that node.
  if (object?.kind === 'node' && /\bpods\b/.test(text) && reading.intentFrom !== 'explicit' && (reading.intent === 'get' || reading.intent === 'describe')) {
    reading.nodeFilter = object.name;
    reading.intent = 'get';
    resource = 'pod';
    reading.resourceFrom = 'words';
    name = undefined;
    nameFrom = undefined;
    object = undefined;
  }
  // "recent rollouts", "what was deployed lately": the namespace's ReplicaSets by age.
  if (reading.intent === 'history' && name === undefined && (resource === undefined || reading.resourceFrom === 'default') && hasCard(catalog, 'history', 'replicaset')) {
    resource = 'replicaset';
    reading.resourceFrom = 'default';
  }
  if (resource === undefined && reading.intent !== undefined) {
    resource = defaultResource(reading.intent, catalog);
    if (resource !== undefined) reading.resourceFrom = 'default';
  }

  // Containers: checked against the object's when known.
  if (slots.container !== undefined) {
    const containers = object?.containers ?? (object?.owner ? objects.find((candidate) => candidate.name === object!.owner!.name && candidate.kind === object!.owner!.kind)?.containers : undefined);
    if (containers && !containers.includes(slots.container)) {
      return ask(`${resource} ${name} has no container "${slots.container}" (it has ${containers.join(', ')}): which one?`,
        containers.map((container) => choice(container, here({ ...(reading.intent ? { intent: reading.intent } : {}), ...(resource ? { resource } : {}), ...(name ? { name } : {}), params: { container } }))));
    }
    reading.container = slots.container;
  } else if (object?.containers && object.containers.length > 1 && reading.intent === 'logs') {
    // "envoy logs of api": a token that is one of the object's containers.
    const named = tokens.find((token) => object!.containers!.includes(token) && token !== object!.name);
    if (named) reading.container = named;
  } else if (reading.intent === 'logs' && object && WORKLOADS.has(object.kind)) {
    const containers = object.containers ?? [];
    const named = tokens.find((token) => containers.includes(token) && token !== object!.name);
    if (named) reading.container = named;
  }

  // Replica counts: two different targets are a contradiction.
  if (reading.intent === 'scale' && request.params?.replicas === undefined && (slots.replicaTargets?.length ?? 0) > 1) {
    const counts = slots.replicaTargets!;
    return ask(`the words give ${counts.length} replica counts (${counts.join(' and ')}); one command sets one: which count?`,
      counts.map((count) => choice(`${count} replicas`, here({ intent: 'scale', ...(resource ? { resource } : {}), ...(name ? { name } : {}), params: { replicas: count } }))));
  }
  if (reading.intent === 'scale' && slots.replicas === undefined && request.params?.replicas === undefined) {
    const bare = bareReplicaCount(text, name);
    if (bare !== undefined) slots.replicas = { kind: 'absolute', value: bare, phrase: `${name} ${bare}` };
  }

  // An intent the resource has no card for: refuse, and say what it does have.
  if (reading.intent !== undefined && resource !== undefined && !hasCard(catalog, reading.intent, resource)) {
    const alternatives = intentsWithCards(catalog, resource)
      .filter((other) => !MUTATING_INTENTS.has(other))
      .slice(0, 4)
      .map((other) => choice(`${other} ${resource}${name ? ` ${name}` : ''}`, here({ intent: other, resource, ...(name ? { name } : {}) })));
    const code: Refusal['code'] = reading.intent === 'delete' && resource === 'namespace' ? 'NAMESPACE_DELETE' : reading.intent === 'delete' && resource === 'node' ? 'NODE_DELETE' : 'NO_CARD';
    const reason = code === 'NAMESPACE_DELETE' ? 'deleting a namespace is always denied: it deletes everything in it' : code === 'NODE_DELETE' ? 'deleting a node is always denied; cordon and drain it instead' : noCardReason(reading.intent, resource, catalog);
    return { ...refuse(code, reason, alternatives), intent: reading.intent, intentFrom: reading.intentFrom, resource, resourceFrom: reading.resourceFrom };
  }
  return {
    ...reading,
    ...(resource === undefined ? {} : { resource }),
    ...(name === undefined ? {} : { name }),
    ...(nameFrom === undefined ? {} : { nameFrom }),
    ...(object === undefined ? {} : { object }),
  };
}

/** The read that answers a question about a change ("should I drain node-3?" -> describe node-3). */
function readInsteadOf(intent: Intent, resource: Resource | undefined): Intent {
  if (intent === 'scale' || intent === 'restart' || intent === 'rollback' || intent === 'pause' || intent === 'resume') return resource === 'pod' ? 'describe' : intent === 'rollback' ? 'history' : 'describe';
  if (intent === 'cordon' || intent === 'uncordon' || intent === 'drain') return 'describe';
  return 'describe';
}

/** The resource a bare intent means ("top" -> pods, "drain" -> node). */
function defaultResource(intent: Intent, catalog: readonly Card[]): Resource | undefined {
  const defaults: Partial<Record<Intent, Resource>> = {
    get: 'pod', events: 'events', top: 'pod', logs: 'pod', describe: 'pod', diagnose: 'pod',
    cordon: 'node', uncordon: 'node', drain: 'node', restart: 'deployment', scale: 'deployment', rollback: 'deployment',
    status: 'deployment', history: 'deployment', pause: 'deployment', resume: 'deployment', delete: 'pod', suspend: 'cronjob', trigger: 'cronjob',
  };
  const resource = defaults[intent];
  return resource !== undefined && hasCard(catalog, intent, resource) ? resource : catalog.find((card) => card.intent === intent)?.resource;
}

/** The kind among those the words name that the intent is most about. */
function preferredWordKind(kinds: readonly Resource[], intent: Intent | undefined, catalog: readonly Card[]): Resource {
  if (kinds.length === 1) return kinds[0]!;
  const withCard = kinds.filter((kind) => hasCard(catalog, intent, kind));
  const pool = withCard.length > 0 ? withCard : kinds;
  // "events of the api pod": the pod's events; "logs of the db statefulset pods": the statefulset.
  const nonEvents = pool.filter((kind) => kind !== 'events');
  return (nonEvents.length > 0 ? nonEvents : pool)[0]!;
}

function hasInventoryKind(resource: Resource): boolean {
  return ['pod', 'deployment', 'statefulset', 'daemonset', 'replicaset', 'service', 'job', 'cronjob', 'hpa', 'pvc', 'configmap', 'ingress', 'poddisruptionbudget', 'node', 'namespace'].includes(resource);
}

function namesOfKinds(objects: readonly InventoryObject[], kinds: Iterable<Resource> | undefined): string[] {
  const wanted = kinds ? new Set(kinds) : undefined;
  return [...new Set(objects.filter((object) => object.kind !== 'namespace' && object.kind !== 'replicaset' && (!wanted || wanted.has(object.kind))).map((object) => object.name))];
}

/** The request fields a choice keeps (intent, resource, name, query). */
function requestCore(request: K8sExecPayload): PlanChoice['request'] {
  return {
    ...(request.intent ? { intent: request.intent } : {}),
    ...(request.resource ? { resource: request.resource } : {}),
    ...(request.name ? { name: request.name } : {}),
    ...(request.query ? { query: request.query } : {}),
    ...(request.namespace ? { namespace: request.namespace } : {}),
  };
}

/** A namespace the words put the request in ("in prod", "-n staging", "the staging namespace"). */
export function namespaceInWords(text: string, known: ReadonlySet<string>, field: string | undefined): string | undefined {
  const names = new Set([...known, ...(field ? [field] : []), 'prod', 'production', 'staging', 'dev', 'default', 'kube-system']);
  const pattern = /(?:^|\s)(?:-n|--namespace)[= ]([a-z0-9-]+)|\b(?:in|on|from|into|of)\s+(?:the\s+)?([a-z0-9-]+)(?:\s+(?:namespace|ns|env|environment|cluster))?\b|\b([a-z0-9-]+)\s+(?:namespace|ns)\b/g;
  for (const match of text.matchAll(pattern)) {
    const value = match[1] ?? match[2] ?? match[3];
    if (value === undefined) continue;
    const canonical = value === 'production' ? 'prod' : value;
    if (names.has(canonical) && (match[1] !== undefined || match[3] !== undefined || names.has(canonical))) {
      if (match[2] !== undefined && !known.has(canonical) && canonical !== field && !['prod', 'staging', 'dev', 'kube-system'].includes(canonical)) continue;
      return canonical;
    }
  }
  return undefined;
}

interface ResourceWord {
  resource: Resource;
  index: number;
  phrase: string;
  /** The name it qualifies ("web deployment", "deployment web", "deploy/web"). */
  qualifies?: string;
}

/** The kinds the words name, with the object each qualifies when it is next to one. */
function resourceWords(text: string, tokens: readonly string[]): ResourceWord[] {
  const found: ResourceWord[] = [];
  tokens.forEach((token, index) => {
    const slash = /^([a-z.]+)\/([a-z0-9][a-z0-9.-]*)$/.exec(token);
    if (slash) {
      const resource = normalizeResource(slash[1]!);
      if (resource) found.push({ resource, index, phrase: token, qualifies: slash[2]! });
      return;
    }
    if (NOT_A_KIND.has(token)) return;
    const resource = normalizeResource(token);
    if (!resource) return;
    const previous = tokens[index - 1];
    const next = tokens[index + 1];
    const qualifies = next === 'named' || next === 'called' ? tokens[index + 2] : next !== undefined && isNameToken(next) && !normalizeResource(next) ? next : previous !== undefined && isNameToken(previous) && !normalizeResource(previous) ? previous : undefined;
    found.push({ resource, index, phrase: token, ...(qualifies ? { qualifies } : {}) });
  });
  for (const [pattern, resource] of PHRASE_RESOURCES) {
    const match = pattern.exec(text);
    if (!match || found.some((word) => word.resource === resource)) continue;
    // "pod disruption budgets", "service accounts": the phrase names the kind, not its first word.
    const inside = new Set(match[0].split(' '));
    const at = tokens.findIndex((token) => inside.has(token));
    for (let index = found.length - 1; index >= 0; index -= 1) if (inside.has(found[index]!.phrase) && match[0].includes(' ')) found.splice(index, 1);
    found.push({ resource, index: at < 0 ? tokens.length : at, phrase: match[0] });
  }
  // kubectl's plural "events" as a resource only when nothing else is named ("events in prod").
  return found.sort((a, b) => a.index - b.index);
}

/** The tokens that are names of objects in the inventory (namespace names only when namespaces are the subject). */
function nameMentions(tokens: readonly string[], lookups: InventoryLookups, namespacesWanted: boolean): NameMention[] {
  const byName = namespacesWanted ? lookups.byName : lookups.byNameNoNamespaces;
  const namespaces = lookups.namespaces;
  const mentions: NameMention[] = [];
  tokens.forEach((token, index) => {
    const slash = /^([a-z.]+)\/([a-z0-9][a-z0-9.-]*)$/.exec(token);
    const value = slash ? slash[2]! : token.replace(/^(?:--name=|name=)/, '');
    const kind = slash ? normalizeResource(slash[1]!) : undefined;
    const objects = byName.get(value);
    if (!objects) return;
    if (!namespacesWanted && namespaces.has(value) && objects.every((object) => object.kind === 'namespace')) return;
    const previous = tokens[index - 1];
    // "-n prod", "in prod": a namespace, even if an object shares the name.
    if (namespaces.has(value) && (previous === '-n' || previous === '--namespace' || previous === 'in' || previous === 'namespace')) return;
    mentions.push({ token: value, index, objects, ...(kind ? { kind } : {}) });
  });
  return mentions;
}

interface Resolved {
  object?: InventoryObject;
  resource: Resource;
  note?: string;
  service?: string;
  /** A label selector for the pods of a workload ("show me web's pods"). */
  selector?: string;
}

type Resolution =
  | Resolved
  | { ask: string; choices: Array<{ label: string; request: PlanChoice['request'] }> }
  | { refuse: string; alternatives: Array<{ label: string; request: PlanChoice['request'] }> }
  | { object?: undefined; resource?: undefined; service?: undefined; note?: undefined; selector?: undefined };

/** Picks the one object the request is about from the names it mentions, the kinds it names and the intent. */
function resolveObject(input: {
  mentioned: readonly NameMention[];
  resource: Resource | undefined;
  wordKinds: readonly Resource[];
  intent: Intent | undefined;
  text: string;
  objects: readonly InventoryObject[];
  lookups: InventoryLookups;
  catalog: readonly Card[];
  explicitName: boolean;
  explicitResource: boolean;
}): Resolution {
  const { mentioned, resource, wordKinds, intent, text, objects, lookups, catalog, explicitResource } = input;
  const wanted = resource ?? (wordKinds.length === 1 ? wordKinds[0] : wordKinds.find((kind) => kind !== 'events' && kind !== 'pod') ?? wordKinds[0]);
  const podsOf = (owner: InventoryObject) => [...(lookups.podsByOwner.get(`${owner.kind}/${owner.name}`) ?? NO_OBJECTS)];
  const trouble = TROUBLE.test(text);

  // EndpointSlices are asked for by their service.
  if (wanted === 'endpointslice') {
    const service = mentioned.flatMap((mention) => mention.objects).find((object) => object.kind === 'service');
    return service ? { resource: 'endpointslice', service: service.name } : { resource: 'endpointslice' };
  }

  // Distinct objects named: one per kind family, else ask.
  const distinct = [...new Set(mentioned.map((mention) => mention.token))];
  let mention: NameMention | undefined;
  if (distinct.length > 1) {
    // A pod and its own workload ("logs of api-x in the api deployment") are one object.
    const pods = mentioned.filter((entry) => entry.objects.some((object) => object.kind === 'pod'));
    const owners = new Set(pods.flatMap((entry) => entry.objects.filter((object) => object.kind === 'pod').map((object) => object.owner?.name)));
    const rest = distinct.filter((token) => !pods.some((entry) => entry.token === token) && !owners.has(token));
    // A node named with a pod listing ("pods of api on node-2"): the node filters.
    const nonNodes = distinct.filter((token) => !mentioned.find((entry) => entry.token === token)!.objects.every((object) => object.kind === 'node'));
    if (pods.length === 1 && rest.length === 0) mention = pods[0];
    else if (nonNodes.length === 1) mention = mentioned.find((entry) => entry.token === nonNodes[0]);
    else {
      return { ask: `the words name several objects (${distinct.join(', ')}); rk8s acts on one at a time: which one?`, choices: distinct.map((token) => ({ label: token, request: { name: token } })) };
    }
  } else {
    mention = mentioned[0];
  }

  if (!mention) {
    // No name: a pod in trouble when the words ask about one ("why is the pod crashing").
    if ((wanted === 'pod' || (wanted === undefined && intent === 'diagnose')) && trouble && intent !== 'get' && intent !== 'top' && intent !== 'events') {
      const troubled = preferCurrent(objects.filter((object) => object.kind === 'pod' && podTrouble(object) !== undefined && matchesTrouble(object, text)));
      if (troubled.length === 1) return { object: troubled[0]!, resource: 'pod', note: `pod ${troubled[0]!.name} is the one in trouble (${describeTrouble(troubled[0]!)})` };
    }
    return {};
  }

  const kinds = mention.kind ? [mention.kind] : undefined;
  const pool = kinds ? mention.objects.filter((object) => kinds.includes(object.kind)) : mention.objects;
  const preference = intent ? (KIND_PREFERENCE[intent] ?? DEFAULT_PREFERENCE) : DEFAULT_PREFERENCE;
  const byPreference = (candidates: readonly InventoryObject[]) =>
    [...candidates].sort((a, b) => rank(preference, a.kind) - rank(preference, b.kind))[0];

  // The kind the request wants, and the object of that kind.
  const target = wanted ?? mention.kind;
  if (target !== undefined) {
    const workload = byPreference(pool.filter((object) => WORKLOADS.has(object.kind) && object.kind !== 'job'));
    // "restart the api service": for a change no card makes to services, the service is the app (words only).
    if (target === 'service' && !explicitResource && intent && !hasCard(catalog, intent, 'service') && workload && hasCard(catalog, intent, workload.kind)) {
      return { object: workload, resource: workload.kind, note: `"${mention.token} service" read as ${workload.kind} ${workload.name} (no card does ${intent} to services)` };
    }
    const exact = pool.find((object) => object.kind === target);
    if (exact) return resolvedFor(exact, target, intent, text, objects, catalog, podsOf, explicitResource);
    const cronjob = pool.find((object) => object.kind === 'cronjob');
    // "rerun the nightly-report job": a Job runs again only as a new Job from its CronJob.
    if (target === 'job' && cronjob && intent !== undefined && !hasCard(catalog, intent, 'job') && hasCard(catalog, intent, 'cronjob')) {
      return { object: cronjob, resource: 'cronjob', note: `"${mention.token} job" read as cronjob ${cronjob.name} (no card does ${intent} to jobs; a new run comes from the cronjob)` };
    }
    // "logs of the nightly-report job": a cronjob named where its job is wanted: its latest job.
    if (target === 'job' && cronjob) {
      const jobs = objects.filter((object) => object.kind === 'job' && object.owner?.kind === 'cronjob' && object.owner.name === cronjob.name).sort((a, b) => a.name.localeCompare(b.name));
      const latest = jobs[jobs.length - 1];
      if (latest) return { object: latest, resource: 'job', note: `cronjob ${cronjob.name}: its latest job is ${latest.name}` };
    }
    // A workload named where pods are wanted: restart/scale it; list its pods; else one of its pods.
    if (target === 'pod' && workload) {
      if (intent !== undefined && !hasCard(catalog, intent, 'pod') && hasCard(catalog, intent, workload.kind)) return { object: workload, resource: workload.kind, note: `the pods of ${workload.kind} ${workload.name}: ${intent} the ${workload.kind}` };
      if ((intent === 'get' || intent === undefined || ((intent === 'describe' || intent === 'diagnose') && /\bpods\b/.test(text))) && /\bpods?\b/.test(text)) return { resource: 'pod', selector: `app=${workload.name}`, note: `the pods of ${workload.kind} ${workload.name} (label app=${workload.name})` };
      if (intent === 'top' && hasCard(catalog, 'top', workload.kind)) return { object: workload, resource: workload.kind };
      return podOfWorkload(workload, intent, text, podsOf, trouble);
    }
    // A pod named where its workload is wanted ("restart pod api-x"), or "the api service" for a restart.
    const pod = pool.find((object) => object.kind === 'pod');
    if (pod && pod.owner && WORKLOADS.has(target) && pod.owner.kind === target) {
      return { object: objects.find((object) => object.kind === pod.owner!.kind && object.name === pod.owner!.name) ?? { kind: pod.owner.kind, name: pod.owner.name }, resource: pod.owner.kind, note: `pod ${pod.name} belongs to ${pod.owner.kind} ${pod.owner.name}` };
    }
    if (target === 'service' && intent && !hasCard(catalog, intent, 'service') && workload && hasCard(catalog, intent, workload.kind)) {
      return { object: workload, resource: workload.kind, note: `"${mention.token} service" read as ${workload.kind} ${workload.name} (no card does ${intent} to services)` };
    }
    if (target === 'pod' && intent === 'restart' && pod === undefined && workload) return { object: workload, resource: workload.kind };
    if (resource !== undefined && pool.length > 0) {
      const other = byPreference(pool)!;
      if (resource === 'pod' && intent === 'restart' && other.kind === 'pod') {
        // unreachable: exact handled above
      }
      return {
        ask: `there is no ${resource} named "${mention.token}"; ${mention.token} is a ${other.kind}: ${intent ?? 'use'} ${other.kind} ${other.name}?`,
        choices: [{ label: `${intent ?? 'describe'} ${other.kind} ${other.name}`, request: { ...(intent ? { intent } : {}), resource: other.kind, name: other.name } }],
      };
    }
    if (resource === undefined && target !== undefined && pool.length > 0) {
      const other = byPreference(pool)!;
      return resolvedFor(other, other.kind, intent, text, objects, catalog, podsOf, explicitResource);
    }
  }
  const best = byPreference(pool);
  if (!best) return {};
  return resolvedFor(best, best.kind, intent, text, objects, catalog, podsOf, explicitResource);
}

function rank(preference: readonly Resource[], kind: Resource): number {
  const index = preference.indexOf(kind);
  return index < 0 ? preference.length + DEFAULT_PREFERENCE.indexOf(kind) + 1 : index;
}

/** Among pods in trouble, those in trouble now (a waiting reason, Pending) before those that only restarted. */
function preferCurrent(pods: InventoryObject[]): InventoryObject[] {
  const now = pods.filter((pod) => (pod.waiting ?? []).length > 0 || pod.phase === 'Pending');
  return now.length > 0 ? now : pods;
}

function matchesTrouble(pod: InventoryObject, text: string): boolean {
  const state = podTrouble(pod);
  if (/\bpending\b|\bunschedul|\bnot scheduled\b/.test(text)) return state === 'pending';
  if (/\boom\w*\b|\bout of memory\b/.test(text)) return state === 'oom';
  if (/\bimagepull\w*|\bimage\b|\bpull\b/.test(text)) return state === 'image';
  if (/\bcrash\w*|\brestart\w*|\bdying\b|\bdies\b/.test(text)) return state === 'crash' || state === 'oom';
  return state !== undefined;
}

function describeTrouble(pod: InventoryObject): string {
  const state = podTrouble(pod);
  if (state === 'oom') return `OOMKilled, ${pod.restarts ?? 0} restarts`;
  if (state === 'pending') return 'Pending';
  if (state === 'image') return (pod.waiting ?? []).join(', ');
  return `${(pod.waiting ?? []).join(', ') || 'restarting'}, ${pod.restarts ?? 0} restarts`;
}

/** The object for a kind, turned into what the intent acts on (diagnose of a workload in trouble -> its pod). */
function resolvedFor(
  object: InventoryObject,
  kind: Resource,
  intent: Intent | undefined,
  text: string,
  objects: readonly InventoryObject[],
  catalog: readonly Card[],
  podsOf: (owner: InventoryObject) => InventoryObject[],
  explicitResource = false,
): Resolution {
  // "why is payments crashing": payments is a Deployment; the crashing pod is what to read.
  if (WORKLOADS.has(kind) && !explicitResource && (intent === 'diagnose' || (intent === 'logs' && /\bprevious\b|\bbefore\b|\bcrash\w*|\boom\w*|\bkilled\b|\bdied\b/.test(text)))) {
    const troubled = preferCurrent(podsOf(object).filter((pod) => podTrouble(pod) !== undefined && matchesTrouble(pod, text)));
    if (troubled.length === 1) return { object: troubled[0]!, resource: 'pod', note: `${kind} ${object.name}: pod ${troubled[0]!.name} is the one in trouble (${describeTrouble(troubled[0]!)})` };
    if (troubled.length > 1 && intent === 'diagnose') {
      return { ask: `several pods of ${kind} ${object.name} are in trouble: which one?`, choices: troubled.map((pod) => ({ label: `${pod.name} (${describeTrouble(pod)})`, request: { intent: 'diagnose', resource: 'pod', name: pod.name } })) };
    }
  }
  // "restart pod api-x": pods restart through their owner; said, not swapped.
  if (kind === 'pod' && intent !== undefined && !hasCard(catalog, intent, 'pod') && object.owner && hasCard(catalog, intent, object.owner.kind)) {
    const owner = objects.find((candidate) => candidate.kind === object.owner!.kind && candidate.name === object.owner!.name) ?? { kind: object.owner.kind, name: object.owner.name };
    return { object: owner, resource: owner.kind, note: `pod ${object.name} belongs to ${owner.kind} ${owner.name}: ${intent} the ${owner.kind}` };
  }
  return { object, resource: kind };
}

/** The pod of a workload a pod request means: the troubled one, the only one, or ask. */
function podOfWorkload(workload: InventoryObject, intent: Intent | undefined, text: string, podsOf: (owner: InventoryObject) => InventoryObject[], trouble: boolean): Resolution {
  const pods = podsOf(workload);
  if (pods.length === 1) return { object: pods[0]!, resource: 'pod', note: `${workload.kind} ${workload.name} has one pod: ${pods[0]!.name}` };
  if (trouble) {
    const troubled = preferCurrent(pods.filter((pod) => podTrouble(pod) !== undefined && matchesTrouble(pod, text)));
    if (troubled.length === 1) return { object: troubled[0]!, resource: 'pod', note: `${workload.kind} ${workload.name}: pod ${troubled[0]!.name} is the one in trouble (${describeTrouble(troubled[0]!)})` };
  }
  if (pods.length === 0) return { object: workload, resource: workload.kind, note: `${workload.kind} ${workload.name} has no pods` };
  return {
    ask: `${workload.kind} ${workload.name} has ${pods.length} pods: which one?`,
    choices: [
      ...pods.slice(0, 6).map((pod) => ({ label: pod.name, request: { ...(intent ? { intent } : {}), resource: 'pod' as Resource, name: pod.name } })),
      ...(intent === 'logs' ? [{ label: `any pod of ${workload.kind} ${workload.name}`, request: { intent, resource: workload.kind, name: workload.name } }] : []),
    ],
  };
}

/** A word in a name position that is no object of the inventory, with the close names (typos). */
function missingName(text: string, tokens: readonly string[], objects: readonly InventoryObject[], kinds: readonly Resource[], namespaces: ReadonlySet<string>, namespace: string | undefined): { token: string; close: string[]; kinds: string } | undefined {
  const known = new Set(objects.map((object) => object.name));
  const candidates = objectNameCandidates(text)
    .filter((candidate) => candidate.kind !== 'qualified' || candidate.resource !== undefined)
    .map((candidate) => candidate.value)
    .filter((value) => !known.has(value) && !namespaces.has(value) && value !== namespace && tokens.includes(value));
  const names = namesOfKinds(objects, kinds.length > 0 ? [...kinds, ...(kinds.includes('pod') ? WORKLOADS : [])] : undefined);
  for (const token of candidates) {
    const close = closeNames(token, names);
    const explicit = new RegExp(`(?:^|\\s)[a-z.]+/${escapeRegExp(token)}\\b|\\b(?:named|called)\\s+${escapeRegExp(token)}\\b`).test(text);
    if (close.length > 0 || explicit || /\d/.test(token) || token.includes('-')) {
      return { token, close, kinds: kinds.length > 0 ? kinds.join(' or ') : 'object' };
    }
  }
  return undefined;
}

/** Alternatives for an out-of-scope request: the object's logs and describe, or a describe. */
function scopeAlternatives(scope: ScopeHit, text: string, tokens: readonly string[], inventory: ClusterInventory | undefined, here: (extra?: PlanChoice['request']) => PlanChoice['request']): PlanChoice[] {
  const objects = inventory?.objects ?? [];
  const named = tokens.map((token) => objects.find((object) => object.name === token && object.kind !== 'namespace')).find((object) => object !== undefined);
  const target = named ?? (() => {
    const value = objectNameCandidates(text).map((candidate) => candidate.value)[0];
    return value ? ({ kind: 'pod', name: value } as InventoryObject) : undefined;
  })();
  if (scope.alternative === 'describe-secret') {
    const secret = /\b([a-z0-9][a-z0-9.-]*)\s+secret\b|\bsecret\s+([a-z0-9][a-z0-9.-]*)\b/.exec(text);
    const name = secret?.[1] ?? secret?.[2];
    return name && name !== 'the' && name !== 'a' ? [{ label: `kubectl describe secret ${name} lists its keys, not the values (run it yourself where policy allows)`, request: here() }] : [];
  }
  if (!target || scope.alternative === 'none') return [];
  const kind = target.kind === 'replicaset' ? 'pod' : target.kind;
  if (scope.alternative === 'logs-describe') {
    const logsKind = kind === 'pod' || WORKLOADS.has(kind) ? kind : 'pod';
    return [
      { label: `logs of ${logsKind} ${target.name}`, request: here({ intent: 'logs', resource: logsKind, name: target.name }) },
      { label: `describe ${kind} ${target.name}`, request: here({ intent: 'describe', resource: kind, name: target.name }) },
    ];
  }
  return [{ label: `describe ${kind} ${target.name}`, request: here({ intent: 'describe', resource: kind, name: target.name }) }];
}

/** The modifiers of a reading, as the plan's `understood` shows them. */
export function understoodModifiers(reading: RequestReading): UnderstoodModifier[] {
  const modifiers: UnderstoodModifier[] = [];
  const { slots } = reading;
  const add = (slot: string, value: string | number | boolean | undefined, from: string | undefined) => {
    if (value !== undefined) modifiers.push({ slot, value, from: from ?? String(value) });
  };
  if (slots.replicas) add('replicas', slots.replicas.kind === 'absolute' ? slots.replicas.value : slots.replicas.phrase, slots.replicas.phrase);
  add('tail', slots.tailLines, slots.phrases.tailLines);
  add('since', slots.since, slots.phrases.since);
  add('previous', slots.previous, slots.phrases.previous);
  add('container', reading.container, slots.phrases.container ?? reading.container);
  add('revision', slots.revision, slots.phrases.revision);
  add('output', slots.output, slots.phrases.output);
  add('timeout', slots.timeout, slots.phrases.timeout);
  add('sort_by', slots.sortBy, slots.phrases.sortBy);
  add('follow', slots.follow, slots.phrases.follow);
  add('warnings', slots.warnings, slots.phrases.warnings);
  add('per_container', slots.perContainer, slots.phrases.perContainer);
  add('selector', slots.selector, slots.phrases.selector);
  add('node', reading.nodeFilter, slots.phrases.node);
  return modifiers;
}

/** The plan's `understood` object for a reading. */
export function understoodOf(reading: RequestReading): Understood {
  return {
    ...(reading.intent ? { intent: reading.intent } : {}),
    intentFrom: reading.intentFrom,
    ...(reading.resource ? { resource: reading.resource } : {}),
    resourceFrom: reading.resourceFrom,
    ...(reading.name ? { name: reading.name } : {}),
    ...(reading.nameFrom ? { nameFrom: reading.nameFrom } : {}),
    ...(reading.namespace ? { namespace: reading.namespace } : {}),
    modifiers: understoodModifiers(reading),
    mood: reading.mood,
  };
}
