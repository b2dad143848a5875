/** createCore(): loads cards, policy, embedder, index, planner, executor and audit log once per process. */
import { createFileApprovalStore, type ApprovalStore } from '../approvals/approval-store.js';
import { loadApprovalsPolicy, type LoadedApprovalsPolicy } from '../approvals/door-policy.js';
import { syncFileSystem } from '../audit/audit-fs.js';
import { createAuditLog } from '../audit/audit-log.js';
import { createOwnerResolver } from '../cluster/owner-resolver.js';
import { formatProblem, type LoadProblem } from '../config/problems.js';
import { loadCardsCached } from '../corpus/card-cache.js';
import { ConfigError } from '../errors.js';
import { createKubectlRunner } from '../execute/kubectl-runner.js';
import { createApiLister } from '../cluster/api-lister.js';
import { createPlanner } from '../plan/create-planner.js';
import { createRetriever } from '../retrieve/create-retriever.js';
import { createEmbedder } from '../retrieve/embedder.js';
import type { Card } from '../schemas/card.js';
import type { Config } from '../schemas/config.js';
import { withPinnedContext } from '../cluster/current-context.js';
import { loadPolicy } from '../validate/load-policy.js';
import type { Policy } from '../validate/policy.js';
import { createApprovalSigner } from '../approvals/approval-token.js';
import type { CommandValidator, Core } from '../contracts/core.js';
import { createPolicyValidator } from './policy-validator.js';
import type { AuditLog, Clock, Embedder, KubectlRunner, NameResolver, OwnerResolver, Planner, Retriever } from '../contracts/ports.js';
import { createNameResolver } from '../cluster/name-resolver.js';
import { namesFocus, namesNamespace } from '../plan/understand-request.js';
import type { K8sExecPayload } from '../schemas/request.js';

/** Parts a caller (tests, front-ends) may supply instead of the real ones. */
export interface CoreOverrides {
  retriever: Retriever;
  planner: Planner;
  kubectl: KubectlRunner;
  auditLog: AuditLog;
  ownerResolver: OwnerResolver;
  clock: Clock;
  policy: Policy;
  cards: Card[];
  embedder: Embedder;
  /** Replaces policy + validate() entirely (tests). */
  validator: CommandValidator;
  approvalStore: ApprovalStore;
  approvalsPolicy: LoadedApprovalsPolicy;
  nameResolver: NameResolver;
}

/** How createCore loads. */
export interface CreateCoreOptions {
  signal?: AbortSignal;
  /** An explicitly given model file that is missing is an error (true) rather than a warning (false). */
  strictModel?: boolean;
  /**
   * The request this core is created for (one-shot CLI commands): its name-resolution read starts
   * while the cards, the index and the planner load, instead of after them.
   */
  prefetchFor?: Pick<K8sExecPayload, 'resource' | 'namespace' | 'name' | 'query'>;
  /**
   * The audit log writes through synchronous file calls (audit/audit-fs.ts syncFileSystem): for a
   * process that runs one command and exits (the CLI), never for a server or the TUI.
   */
  syncAuditWrites?: boolean;
}

function problemsError(what: string, problems: readonly LoadProblem[], hint: string): ConfigError {
  const shown = problems.slice(0, 10).map(formatProblem);
  const more = problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : '';
  return new ConfigError(`${what} (${problems.length} problem(s)):\n  ${shown.join('\n  ')}${more}`, { hint, details: { problems } });
}

/** Stamps every record with the version of the policy in force when it is written (reloads included). */
function withPolicyVersion(log: AuditLog, version: () => string | undefined): AuditLog {
  return {
    path: log.path,
    append: (record) => log.append({ policy_version: version() ?? null, ...record }),
    ...(log.readRecent ? { readRecent: log.readRecent.bind(log) } : {}),
  };
}

/** Loads the org policy or throws: a policy with any problem means nothing runs (fail closed). */
export function loadPolicyOrThrow(orgDir: string): Policy {
  const loaded = loadPolicy(orgDir);
  if (loaded.problems.length > 0 || !loaded.policy) {
    throw problemsError(`the org policy in ${orgDir} cannot be used`, loaded.problems, 'fix the files (rk8s check lists every problem) or point --org / RK8S_ORG_DIR elsewhere');
  }
  return loaded.policy;
}

/** Loads org/approvals.yaml or throws: a broken file means no agent door can get anything confirmed (fail closed). */
export function loadApprovalsPolicyOrThrow(orgDir: string): LoadedApprovalsPolicy {
  const { loaded, problems } = loadApprovalsPolicy(orgDir);
  if (problems.length > 0 || !loaded) {
    throw problemsError(`the approvals policy in ${orgDir} cannot be used`, problems, 'fix org/approvals.yaml (rk8s check lists every problem)');
  }
  return loaded;
}

/**
 * Wires the core. Throws ConfigError listing every problem when the cards or the policy do not load.
 * Anything in `overrides` is used as given.
 */
export async function createCore(config: Config, overrides: Partial<CoreOverrides> = {}, options: CreateCoreOptions = {}): Promise<Core> {
  // With the real kubectl, every command runs against (and is recorded with) one pinned context.
  const warnings: string[] = [];
  if (!overrides.kubectl) {
    const pinned = await withPinnedContext(config);
    config = pinned.config;
    if (pinned.problem) warnings.push(`the kube context is not pinned (${pinned.problem}): commands run against whatever context kubectl uses when they run`);
  }
  // Name resolution lists from the API server where it can (cluster/api-lister.ts); a CLI request
  // has its worker connect now (the TLS handshake only: no request is sent before a validated read),
  // so it connects while the policy and the cards load.
  const api = overrides.kubectl || overrides.nameResolver ? undefined : createApiLister(config);
  if (options.prefetchFor) api?.warm?.();
  let policy: Policy | undefined = overrides.policy;
  let validator = overrides.validator;
  let kubectl: KubectlRunner;
  try {
    if (!validator) {
      policy ??= loadPolicyOrThrow(config.orgDir);
      validator = createPolicyValidator(policy, config);
    }
    options.signal?.throwIfAborted();
    kubectl = overrides.kubectl ?? createKubectlRunner(config);
  } catch (error) {
    // A broken policy (or a cancel) leaves no connection open behind it.
    void api?.close?.();
    throw error;
  }
  // Reads through the validator in force at the time of each request (reloadPolicy replaces it).
  // (Only with the real kubectl, like the pinned context: a core built on a fake kubectl gets names from the words.)
  // `built.core` is the core once it exists; a prefetch started below runs before that.
  const built: { core?: Core } = {};
  const initialValidator = validator;
  const clock = overrides.clock ?? { now: () => new Date() };
  const nameResolver = overrides.nameResolver ?? (overrides.kubectl ? undefined : createNameResolver({ get validator() { return built.core?.validator ?? initialValidator; }, kubectl, ...(api ? { api } : {}), clock: { now: () => (built.core?.clock ?? clock).now() } }));
  // The prefetch ends with the caller's signal, or when the core below cannot be built (no read is left running).
  const unbuilt = new AbortController();
  if (nameResolver?.prefetch && options.prefetchFor) {
    nameResolver.prefetch(namesNamespace(options.prefetchFor), options.signal ? AbortSignal.any([options.signal, unbuilt.signal]) : unbuilt.signal, namesFocus(options.prefetchFor));
  }
  try {
    // The cards load while that read runs.
    let cards = overrides.cards;
    if (!cards) {
      const loaded = loadCardsCached(config.cardsDir, config.cacheDir);
      if (loaded.problems.length > 0) {
        throw problemsError(`the command cards in ${config.cardsDir} have problems`, loaded.problems, 'fix the cards (rk8s check lists every problem) or point --cards / RK8S_CARDS_DIR elsewhere');
      }
      cards = loaded.cards;
    }
    const embedder = overrides.embedder ?? (overrides.retriever ? undefined : await createEmbedder(config, { signal: options.signal }));
    const retriever = overrides.retriever ?? (await createRetriever({ cards, embedder: embedder!, cacheDir: config.cacheDir, signal: options.signal }));
    const planner = overrides.planner ?? createPlanner(config, { strictModel: options.strictModel });
    let closed = false;
    const core: Core = {
      config,
      cards: new Map(cards.map((card) => [card.id, card])),
      ...(embedder ? { embedder } : {}),
      retriever,
      planner,
      policy,
      validator,
      kubectl,
      auditLog: withPolicyVersion(overrides.auditLog ?? createAuditLog(options.syncAuditWrites ? { path: config.audit.path, maxBytes: config.audit.maxBytes, fileSystem: syncFileSystem } : config), () => core.validator.policyVersion),
      ownerResolver: overrides.ownerResolver ?? createOwnerResolver(kubectl),
      clock,
      ...(nameResolver ? { nameResolver } : {}),
      ...(api ? { api } : {}),
      approvals: createApprovalSigner(),
      approvalStore: overrides.approvalStore ?? createFileApprovalStore(config.approvals.dir),
      approvalsPolicy: overrides.approvalsPolicy ?? loadApprovalsPolicyOrThrow(config.orgDir),
      warnings,
      async close() {
        if (closed) return;
        closed = true;
        await Promise.all([planner.dispose?.(), api?.close?.()]);
      },
    };
    built.core = core;
    return core;
  } catch (error) {
    unbuilt.abort(error);
    void api?.close?.();
    throw error;
  }
}

/**
 * Reloads the org policy into a running core. Approvals issued under the old version stop working
 * (runApproved refuses them). Throws ConfigError, leaving the old policy in place, when the files are broken.
 */
export function reloadPolicy(core: Core): Policy {
  const policy = loadPolicyOrThrow(core.config.orgDir);
  const approvalsPolicy = loadApprovalsPolicyOrThrow(core.config.orgDir);
  core.validator = createPolicyValidator(policy, core.config);
  core.policy = policy;
  core.approvalsPolicy = approvalsPolicy;
  return policy;
}
