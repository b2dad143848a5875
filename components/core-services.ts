/**
 * TuiServices over the real pipeline: propose / previewDryRun / runApproved on a Core, the pickers'
 * kubectl queries, and a status store. The core may still be starting (sandbox, index, model): every
 * call waits for it, so the first frame and the pickers never do.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Core } from '../src/contracts/core.js';
import type { PipelineEvent } from '../src/contracts/events.js';
import type { Card } from '../src/schemas/card.js';
import { isIntent, normalizeResource } from '../src/schemas/vocabulary.js';
import type { CatalogEntry, NamespaceItem, ObjectItem, StatusInfo, TuiServices, TuiUndo } from './services.js';
import { createSideServices } from './diagnose-services.js';
import { loadBoth } from './load-both.js';

/** A tiny observable for the status bar. */
export interface StatusStore {
  get(): StatusInfo;
  update(patch: Partial<StatusInfo>): void;
  subscribe(listener: (status: StatusInfo) => void): () => void;
}

/** Creates a status store. */
export function createStatusStore(initial: StatusInfo): StatusStore {
  let current = initial;
  const listeners = new Set<(status: StatusInfo) => void>();
  return {
    get: () => current,
    update(patch) {
      current = { ...current, ...patch };
      for (const listener of listeners) listener(current);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The picker catalog from cards: one entry per card. */
export function catalogFromCards(cards: Iterable<Card>): CatalogEntry[] {
  return [...cards].map((card) => ({
    cardId: card.id,
    intent: card.intent,
    resource: card.resource,
    required: card.params.filter((param) => param.required).map((param) => param.name),
    title: card.title,
    followUp: [...card.follow_up],
  }));
}

/**
 * A provisional catalog from card file names (cards/<resource>/<intent>-<what>.yaml), read without
 * parsing YAML so the first frame is not delayed; required parameters are assumed to include the name.
 */
export function catalogFromFileNames(cardsDirectory: string): CatalogEntry[] {
  const entries: CatalogEntry[] = [];
  let directories: string[];
  try {
    directories = readdirSync(cardsDirectory);
  } catch {
    return entries;
  }
  for (const directory of directories) {
    const resource = normalizeResource(directory);
    if (!resource) continue;
    let files: string[];
    try {
      files = readdirSync(path.join(cardsDirectory, directory));
    } catch {
      continue;
    }
    for (const file of files) {
      const match = /^([a-z]+)-.*\.ya?ml$/.exec(file);
      if (match && isIntent(match[1]!)) entries.push({ cardId: file.replace(/\.ya?ml$/, ''), intent: match[1], resource, required: ['name'] });
    }
  }
  return entries;
}

/** The pipeline and cluster modules, loaded on first use: they are not needed for the first frame. */
const pipelineModules = () =>
  Promise.all([
    import('../src/pipeline/run-request.js'),
    import('../src/pipeline/approvers.js'),
    import('../src/pipeline/audit-fields.js'),
    import('../src/cluster/list-objects.js'),
    import('../src/validate/rbac.js'),
    import('../src/pipeline/undo-request.js'),
    import('../src/plan/words-scope.js'),
  ]).then(([runModule, approverModule, auditModule, clusterModule, rbacModule, undoModule, scopeModule]) => ({
    ...runModule, ...approverModule, ...auditModule, ...clusterModule, namespaceTier: rbacModule.namespaceTier, prepareUndo: undoModule.prepareUndo, wordsScope: scopeModule.wordsScope,
  }));

/** The namespaces org/namespaces.yaml names exactly (patterns such as `team-*` are not names). */
export function policyNamespaces(core: Pick<Core, 'policy'>): string[] {
  const names = core.policy ? Object.keys(core.policy.namespaces.namespaces) : [];
  return names.filter((name) => !name.includes('*')).sort();
}

/** The first line of an error, without kubectl's "error: " prefix: what the status bar says once. */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n').find((line) => line.trim() !== '') ?? text).replace(/^error:\s*/i, '').trim();
}

/** The planner's label for the status bar. */
export function plannerLabel(core: Pick<Core, 'planner'>): string {
  return core.planner.kind === 'llm' ? (core.planner.model ?? 'model') : 'template';
}

/** Options of createCoreServices. */
export interface CoreServicesOptions {
  /** The catalog, or a getter when it is refined later (file names first, parsed cards once loaded). */
  catalog: readonly CatalogEntry[] | (() => readonly CatalogEntry[]);
  /** The core, possibly still being built. */
  core: Promise<Core>;
  status: StatusStore;
  /** Replace the kubectl-backed picker queries (tests, or a fake cluster). */
  listNamespaces?(core: Core, signal: AbortSignal): Promise<Array<{ name: string; status: string }>>;
  listObjects?(core: Core, resource: Parameters<TuiServices['listObjects']>[0], namespace: string | undefined, signal: AbortSignal): Promise<ObjectItem[]>;
}

async function* guarded(core: Promise<Core>, open: (core: Core, modules: Awaited<ReturnType<typeof pipelineModules>>) => AsyncIterable<PipelineEvent>): AsyncGenerator<PipelineEvent> {
  const loaded = await loadBoth(core, pipelineModules());
  if ('error' in loaded) {
    yield { type: 'error', error: loaded.error };
    return;
  }
  yield* open(...loaded.values);
}

/** Services over a (possibly starting) core. */
export function createCoreServices(options: CoreServicesOptions): TuiServices {
  const catalog = options.catalog;
  // The namespaces listed last: a typed request's "in team-a" is read against them.
  let knownNamespaces: string[] = [];
  return {
    get catalog() {
      return typeof catalog === 'function' ? catalog() : catalog;
    },
    run: (request, ask, signal, runOptions = {}) =>
      guarded(options.core, (core, modules) => {
        const user = modules.defaultUser();
        const approver = modules.createInteractiveApprover({
          kind: 'tui',
          by: `${user} (tui)`,
          confirmsEverything: true,
          // A mistyped name is asked again (the core says why); a third miss ends the request.
          attempts: 3,
          ask: (context) => ask({ proposal: context.proposal, requirement: context.requirement, ...(context.refusal ? { refusal: context.refusal } : {}) }, signal),
        });
        return modules.runRequest(request, core, { source: 'tui', user, signal, approver, ...(runOptions.undo ? { undo: runOptions.undo } : {}), ...(runOptions.reads ? { reads: runOptions.reads } : {}) });
      }),
    async undo(operationId, signal): Promise<TuiUndo> {
      const [core, modules] = await Promise.all([options.core, pipelineModules()]);
      const prepared = await modules.prepareUndo(operationId, core, { source: 'tui', user: modules.defaultUser(), signal });
      if (prepared.kind !== 'ready') return { kind: 'refused', code: prepared.code, message: prepared.message };
      return { kind: 'ready', request: prepared.plan.request, summary: prepared.plan.summary, why: prepared.plan.why, context: prepared.context, reads: prepared.reads };
    },
    async listNamespaces(signal): Promise<NamespaceItem[]> {
      const core = await options.core;
      const modules = await pipelineModules();
      let entries: NamespaceItem[];
      try {
        entries = options.listNamespaces ? await options.listNamespaces(core, signal) : await modules.listNamespaces(modules.clusterQueryOptions(core.config, signal));
        knownNamespaces = entries.map((entry) => entry.name);
      } catch (error) {
        signal.throwIfAborted();
        const known = policyNamespaces(core);
        if (known.length === 0) throw error;
        // One clear message, once, and the namespaces the policy knows: the user can still plan (and read what fails).
        options.status.update({ error: `cannot reach the cluster: ${oneLine(error)} · listing the namespaces org/namespaces.yaml knows` });
        entries = known.map((name) => ({ name, status: 'from policy', source: 'policy' as const }));
      }
      return entries.map((entry) => {
        const tier = core.policy ? modules.namespaceTier(core.policy, entry.name) : undefined;
        return { ...entry, ...(tier ? { tier } : {}) };
      });
    },
    async scopeOf(query, signal) {
      const core = await options.core;
      const modules = await pipelineModules();
      signal.throwIfAborted();
      return modules.wordsScope(query, [...core.cards.values()], [...knownNamespaces, ...policyNamespaces(core)]);
    },
    async listObjects(resource, namespace, signal) {
      const core = await options.core;
      if (options.listObjects) return options.listObjects(core, resource, namespace, signal);
      const modules = await pipelineModules();
      return modules.listObjects(resource, namespace, modules.clusterQueryOptions(core.config, signal));
    },
    getStatus: () => options.status.get(),
    subscribeStatus: (listener) => options.status.subscribe(listener),
    side: createSideServices(options.core),
  };
}

/** Fills the status bar from a ready core: planner, embedder, audit log, context and server. */
export async function describeCore(core: Core, status: StatusStore, signal?: AbortSignal): Promise<void> {
  status.update({
    planner: plannerLabel(core),
    embedder: core.retriever.embedderId,
    auditLogPath: core.auditLog.path,
    ...(core.config.kubectl.context ? { context: core.config.kubectl.context } : {}),
  });
  for (const warning of core.warnings) status.update({ error: warning });
  try {
    const modules = await pipelineModules();
    const cluster = await modules.currentCluster(modules.clusterQueryOptions(core.config, signal));
    status.update({
      ...(cluster.context && !status.get().context ? { context: cluster.context } : {}),
      ...(cluster.server && !status.get().server ? { server: cluster.server } : {}),
    });
  } catch (error) {
    // Not fatal (the pickers say why they cannot list), but the status bar says it once, plainly.
    if (!signal?.aborted) status.update({ error: `cannot read the kubeconfig's cluster: ${(error as Error).message}` });
  }
}

/** A short model label from a GGUF path. */
export function modelLabel(modelPath: string | undefined): string {
  return modelPath ? path.basename(modelPath).replace(/\.gguf$/i, '') : 'template';
}
