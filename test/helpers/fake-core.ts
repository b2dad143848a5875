/**
 * A Core built from fakes: cards, retriever, planner, validator, kubectl, audit log, owner resolver and
 * clock, all in memory and scriptable. Used by the pipeline tests and by front-end tests (TUI, servers)
 * that need the real event stream without a cluster or a model. Keep its API stable.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { createMemoryApprovalStore } from '../../src/approvals/approval-store.js';
import { packageRoot } from '../../src/config/paths.js';
import { loadPolicyOrThrow } from '../../src/pipeline/create-core.js';
import { createPolicyValidator } from '../../src/pipeline/policy-validator.js';
import { AuditWriteError } from '../../src/errors.js';
import { DEFAULT_APPROVALS_POLICY } from '../../src/approvals/door-policy.js';
import { createApprovalSigner } from '../../src/approvals/approval-token.js';
import type { CommandValidator, Core } from '../../src/contracts/core.js';
import type { CardMatch, PipelineEvent } from '../../src/contracts/events.js';
import type {
  AuditLog,
  AuditRecordInput,
  Clock,
  KubectlRunOptions,
  KubectlRunner,
  OwnerResolver,
  Planner,
  PlannerEvent,
  Retriever,
} from '../../src/contracts/ports.js';
import { renderCard } from '../../src/corpus/render.js';
import { AuditRecordSchema, type AuditRecord } from '../../src/schemas/audit.js';
import { CardSchema, type Card } from '../../src/schemas/card.js';
import { ConfigSchema, type Config } from '../../src/schemas/config.js';
import type { PlannerKind } from '../../src/schemas/plan.js';
import type { K8sExecPayload } from '../../src/schemas/request.js';
import { maxRisk, type RiskLevel } from '../../src/schemas/vocabulary.js';

const example = (request: string, params: Record<string, string | number>, command: string) => ({ request, params, command });

/** The cards of the fake corpus (valid per CardSchema). */
export const FAKE_CARDS: Card[] = [
  {
    id: 'restart-deployment', title: 'Rolling restart of a deployment', intent: 'restart', resource: 'deployment',
    description: 'Replaces the pods of a deployment a few at a time.',
    command_template: ['rollout', 'restart', 'deployment/{{name}}', '-n', '{{namespace}}'],
    params: [
      { name: 'namespace', type: 'name', required: true, description: 'Namespace.' },
      { name: 'name', type: 'name', required: true, description: 'Deployment.' },
    ],
    risk_level: 'medium', verbs: ['get', 'patch'], dry_run: 'none',
    examples: [example('bounce api in prod', { namespace: 'prod', name: 'api' }, 'kubectl rollout restart deployment/api -n prod')],
    keywords: ['bounce', 'restart'],
  },
  {
    id: 'scale-deployment', title: 'Scale a deployment', intent: 'scale', resource: 'deployment',
    description: 'Sets the replica count of a deployment.',
    command_template: ['scale', 'deployment/{{name}}', '-n', '{{namespace}}', '--replicas={{replicas}}'],
    params: [
      { name: 'namespace', type: 'name', required: true, description: 'Namespace.' },
      { name: 'name', type: 'name', required: true, description: 'Deployment.' },
      { name: 'replicas', type: 'integer', required: true, minimum: 0, maximum: 50, description: 'Replicas.' },
    ],
    risk_level: 'medium', verbs: ['patch'], dry_run: 'server',
    examples: [example('scale api to 3', { namespace: 'prod', name: 'api', replicas: 3 }, 'kubectl scale deployment/api -n prod --replicas=3')],
    keywords: ['scale', 'replicas'],
  },
  {
    id: 'get-pods', title: 'List pods', intent: 'get', resource: 'pod',
    description: 'Lists the pods of a namespace.',
    command_template: ['get', 'pods', '-n', '{{namespace}}'],
    params: [{ name: 'namespace', type: 'name', required: true, description: 'Namespace.' }],
    risk_level: 'none', verbs: ['list'], dry_run: 'none',
    examples: [example('list pods in dev', { namespace: 'dev' }, 'kubectl get pods -n dev')],
    keywords: ['list', 'pods'],
  },
  {
    id: 'delete-pod', title: 'Delete a pod', intent: 'delete', resource: 'pod',
    description: 'Deletes one pod.',
    command_template: ['delete', 'pod', '{{name}}', '-n', '{{namespace}}'],
    params: [
      { name: 'namespace', type: 'name', required: true, description: 'Namespace.' },
      { name: 'name', type: 'name', required: true, description: 'Pod.' },
    ],
    risk_level: 'high', verbs: ['delete'], dry_run: 'server',
    examples: [example('delete pod web-1 in dev', { namespace: 'dev', name: 'web-1' }, 'kubectl delete pod web-1 -n dev')],
    keywords: ['delete', 'kill'],
  },
].map((card) => CardSchema.parse(card));

/** A scripted kubectl answer. */
export interface FakeKubectlResponse {
  stdout?: string[];
  stderr?: string[];
  exitCode?: number;
  timedOut?: boolean;
  /** Emit the output, then wait until the run's signal aborts and report a cancelled exec-end. */
  hang?: boolean;
  /** Throw instead of running (e.g. kubectl not installed). */
  throws?: Error;
  /** stdout lines kubectl wrote that the output cap kept from the display (exec-end says truncated). */
  hiddenStdout?: string[];
}

/** One recorded kubectl call. */
export interface FakeKubectlCall {
  args: string[];
  options: KubectlRunOptions;
}

/** A KubectlRunner whose answers come from a script; it records every call on the shared timeline. */
export interface FakeKubectl extends KubectlRunner {
  readonly calls: FakeKubectlCall[];
  script: (args: readonly string[]) => FakeKubectlResponse;
}

/** Creates a fake kubectl. `timeline` (shared with the audit log) gets "kubectl <args>" per run. */
export function createFakeKubectl(script: (args: readonly string[]) => FakeKubectlResponse = () => ({ stdout: ['ok'] }), timeline: string[] = []): FakeKubectl {
  const fake: FakeKubectl = {
    calls: [],
    script,
    async *run(args, options = {}) {
      fake.calls.push({ args: [...args], options });
      timeline.push(`kubectl ${args.join(' ')}`);
      const response = fake.script(args);
      if (response.throws) throw response.throws;
      for (const line of response.stdout ?? []) yield { type: 'exec-output', stream: 'stdout', line };
      for (const line of response.stderr ?? []) yield { type: 'exec-output', stream: 'stderr', line };
      if (response.hang) {
        const signal = options.signal;
        if (!signal) throw new Error('fake kubectl: hang needs a signal');
        await new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          else signal.addEventListener('abort', () => resolve(), { once: true });
        });
        yield { type: 'exec-end', exitCode: 130, durationMs: 5, truncated: false, timedOut: false, cancelled: true };
        return;
      }
      // Like execute(): the hashes cover everything kubectl wrote, shown or not.
      const everything = (lines: readonly string[]) => createHash('sha256').update(lines.map((line) => `${line}\n`).join('')).digest('hex');
      yield {
        type: 'exec-end',
        exitCode: response.exitCode ?? 0,
        durationMs: 12,
        truncated: response.hiddenStdout !== undefined,
        timedOut: response.timedOut ?? false,
        cancelled: false,
        stdoutSha256: everything([...(response.stdout ?? []), ...(response.hiddenStdout ?? [])]),
        stderrSha256: everything(response.stderr ?? []),
      };
    },
  };
  return fake;
}

/** An in-memory audit log that checks every record against AuditRecordSchema and chains hashes. */
export interface FakeAuditLog extends AuditLog {
  readonly records: AuditRecord[];
  /** Make append() throw for this event (to test "no audit, no run"). */
  failOn?: string;
}

/** Creates the fake audit log; appends go on the shared timeline as "audit <event>". */
export function createFakeAuditLog(timeline: string[] = []): FakeAuditLog {
  const log: FakeAuditLog = {
    path: '/fake/agent.log',
    records: [],
    async append(input: AuditRecordInput) {
      if (log.failOn === input.event) {
        throw new AuditWriteError(`cannot append the ${input.event} record of operation ${input.operation_id}: ENOSPC: no space left on device`, {
          operation_id: input.operation_id,
          event: input.event,
          at: new Date(0).toISOString(),
          error: 'ENOSPC',
        });
      }
      const prev_hash = log.records.at(-1)?.hash ?? '0'.repeat(64);
      const withoutHash = { timestamp: new Date(0).toISOString(), ...input, prev_hash };
      const hash = createHash('sha256').update(JSON.stringify(withoutHash)).digest('hex');
      const record = AuditRecordSchema.parse({ ...withoutHash, hash });
      log.records.push(record);
      timeline.push(`audit ${record.event}`);
      return record;
    },
    async readRecent(limit: number) {
      return log.records.slice(-limit);
    },
  };
  return log;
}

/** The shipped org policy: the fake core decides with the real validator, as every front-end does. */
export const SHIPPED_POLICY = loadPolicyOrThrow(path.join(packageRoot(), 'org'));

/**
 * The real validator under the shipped policy, with two test hooks layered on top of its verdict:
 * verbs a test denies (a policy edit between proposal and run) and a forced risk for mutations (a
 * raised guardrail). `policyVersion` can be changed to simulate a new policy.
 */
export interface FakeValidator extends CommandValidator {
  policyVersion: string;
  /** Denies these commands (as the policy names them: "rollout restart", "scale"...). */
  deniedVerbs: Set<string>;
  /** Forces this risk for mutations that are not denied. */
  forcedRisk?: RiskLevel;
}

/** Creates the fake validator over the real one. */
export function createFakeValidator(config: Config): FakeValidator {
  const real = createPolicyValidator(SHIPPED_POLICY, config);
  const validator: FakeValidator = {
    policyVersion: 'policy-v1',
    deniedVerbs: new Set(),
    target: (args) => real.target(args),
    ownerLookup: (args) => real.ownerLookup(args),
    validate(args, context) {
      let verdict = real.validate(args, context);
      const verb = real.target(args)?.verb;
      if (verb !== undefined && validator.deniedVerbs.has(verb)) {
        verdict = { ...verdict, decision: 'deny', violations: [...verdict.violations, { code: 'VERB_NOT_ALLOWED', message: `${verb} is not allowed (test policy edit)` }] };
      }
      if (validator.forcedRisk && verdict.mutating && verdict.decision !== 'deny') {
        const risk = maxRisk(verdict.risk, validator.forcedRisk);
        verdict = { ...verdict, risk, decision: risk === 'medium' || risk === 'high' ? 'confirm' : verdict.decision };
      }
      return verdict;
    },
  };
  return validator;
}

/** A retriever over the given cards: intent and resource filter, then keyword overlap with the query. */
export function createFakeRetriever(cards: readonly Card[]): Retriever {
  return {
    embedderId: 'fake-v1',
    size: cards.length,
    async retrieve(query, signal) {
      signal?.throwIfAborted();
      const words = (query.query ?? '').toLowerCase().split(/\W+/).filter(Boolean);
      const scored = cards
        .map((card) => {
          let score = 0;
          const why: string[] = [];
          if (query.intent && card.intent === query.intent) {
            score += 0.5;
            why.push('intent matches');
          }
          if (query.resource && card.resource === query.resource) {
            score += 0.3;
            why.push('resource matches');
          }
          for (const word of words) {
            if (!card.keywords.includes(word)) continue;
            score += 0.1;
            why.push(`keyword: ${word}`);
          }
          return { card, score, why };
        })
        .filter((entry) => entry.score > 0 && (!query.intent || entry.card.intent === query.intent))
        .sort((a, b) => b.score - a.score)
        .slice(0, query.limit ?? 3);
      const matches: CardMatch[] = scored.map(({ card, score, why }) => ({ id: card.id, card, score: Math.min(1, score), why, snippet: `${card.id}: ${card.title}`, tokens: 8 }));
      return { matches, notes: [], embedder: 'fake-v1' };
    },
  };
}

/** Options of the fake planner. */
export interface FakePlannerOptions {
  kind?: PlannerKind;
  /** Wait for the signal to abort before planning (to test cancellation). */
  hang?: boolean;
  /** Override the planner's params (e.g. to inject a bad value). */
  params?: Record<string, string | number | boolean>;
  /** Replace the rendered args (to test that the pipeline re-renders from the card). */
  args?: string[];
}

/** A planner that fills the best card from the request (name, namespace, explicit params, first number in the query as replicas). */
export function createFakePlanner(options: FakePlannerOptions = {}): Planner & { options: FakePlannerOptions } {
  const kind = options.kind ?? 'template';
  return {
    kind,
    options,
    async *plan(request: K8sExecPayload, matches: readonly CardMatch[], facts, signal): AsyncGenerator<PlannerEvent> {
      if (this.options.hang) {
        await new Promise<void>((resolve) => (signal?.aborted ? resolve() : signal?.addEventListener('abort', () => resolve(), { once: true })));
        signal?.throwIfAborted();
      }
      const card = matches[0]!.card;
      const number = /\b(\d+)\b/.exec(request.query ?? '')?.[1];
      const values: Record<string, string | number | boolean> = {};
      if (request.namespace) values.namespace = request.namespace;
      if (request.name) values.name = request.name;
      if (card.params.some((param) => param.name === 'replicas')) {
        if (number) values.replicas = Number(number);
        else if (facts.currentReplicas !== undefined && /double/.test(request.query ?? '')) values.replicas = facts.currentReplicas * 2;
      }
      // Explicit params fix their values, as in the real planners (planner.ts payloadParams).
      for (const [key, value] of Object.entries(request.params ?? {})) {
        if (card.params.some((param) => param.name === key)) values[key] = value;
      }
      Object.assign(values, this.options.params);
      const rendered = renderCard(card, values);
      if (kind === 'llm') {
        const json = JSON.stringify({ card: card.id, params: values });
        for (let index = 0; index < json.length; index += 8) yield { type: 'plan-delta', text: json.slice(index, index + 8) };
      }
      const args = this.options.args ?? rendered.args;
      yield {
        type: 'plan-end',
        planner: kind,
        plan: {
          card: card.id,
          // The values as the planner chose them (like a model would), before any checking.
          params: values,
          args,
          command: args.length ? `kubectl ${args.join(' ')}` : '',
          rationale: `fake plan from ${card.id}`,
          planner: kind,
          missing: rendered.missing,
        },
      };
    },
  };
}

/** An owner resolver answering from a table "namespace/pod" -> owner. */
export function createFakeOwnerResolver(owners: Record<string, { kind: string; name: string }> = {}): OwnerResolver & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async resolvePodOwner(namespace, pod, signal) {
      signal?.throwIfAborted();
      calls.push(`${namespace}/${pod}`);
      return owners[`${namespace}/${pod}`];
    },
  };
}

/** A clock tests move by hand. */
export interface FakeClock extends Clock {
  advance(milliseconds: number): void;
}

/** Creates a fake clock starting at the given instant. */
export function createFakeClock(start = new Date('2026-01-01T00:00:00.000Z')): FakeClock {
  let current = start.getTime();
  return { now: () => new Date(current), advance: (milliseconds) => void (current += milliseconds) };
}

/** A configuration for tests (no files are read). */
export function fakeConfig(overrides: { readOnly?: boolean; context?: string } = {}): Config {
  return ConfigSchema.parse({
    root: '/fake',
    cardsDir: '/fake/cards',
    orgDir: '/fake/org',
    cacheDir: '/fake/cache',
    kubectl: { path: 'kubectl', apiReads: true, ...(overrides.context ? { context: overrides.context } : {}) },
    exec: {},
    audit: { path: '/fake/agent.log' },
    planner: { threads: 1, modelsDir: '/fake/models' },
    embedder: {},
    server: {},
    approvals: { dir: '/fake/approvals' },
    readOnly: overrides.readOnly ?? false,
  });
}

/** Options of createFakeCore. */
export interface FakeCoreOptions {
  cards?: Card[];
  planner?: FakePlannerOptions;
  kubectl?: (args: readonly string[]) => FakeKubectlResponse;
  owners?: Record<string, { kind: string; name: string }>;
  readOnly?: boolean;
  context?: string;
}

/** A Core of fakes, with handles on each fake and one timeline of audit appends and kubectl runs. */
export interface FakeCore extends Core {
  readonly kubectl: FakeKubectl;
  readonly auditLog: FakeAuditLog;
  validator: FakeValidator;
  readonly planner: ReturnType<typeof createFakePlanner>;
  readonly ownerResolver: ReturnType<typeof createFakeOwnerResolver>;
  readonly clock: FakeClock;
  /** "audit proposed", "kubectl rollout restart ...", in the order they happened. */
  readonly timeline: string[];
  closed: boolean;
}

/** Builds a Core of fakes. */
export function createFakeCore(options: FakeCoreOptions = {}): FakeCore {
  const cards = options.cards ?? FAKE_CARDS;
  const timeline: string[] = [];
  const config = fakeConfig({ readOnly: options.readOnly, context: options.context });
  const validator = createFakeValidator(config);
  const core: FakeCore = {
    config,
    cards: new Map(cards.map((card) => [card.id, card])),
    retriever: createFakeRetriever(cards),
    planner: createFakePlanner(options.planner),
    policy: undefined,
    validator,
    kubectl: createFakeKubectl(options.kubectl, timeline),
    auditLog: createFakeAuditLog(timeline),
    ownerResolver: createFakeOwnerResolver(options.owners),
    clock: createFakeClock(),
    approvals: createApprovalSigner(),
    approvalStore: createMemoryApprovalStore(),
    // The shipped defaults, except that a door does not wait for a person (tests decide when to ask again).
    approvalsPolicy: { policy: { ...DEFAULT_APPROVALS_POLICY, inbox: { ...DEFAULT_APPROVALS_POLICY.inbox, wait_seconds: 0 } }, version: 'default' },
    warnings: [],
    timeline,
    closed: false,
    async close() {
      core.closed = true;
    },
  };
  return core;
}

/** Lets a door confirm more than the shipped defaults allow (org/approvals.yaml in a test). */
export function allowAtDoor(core: Core, door: 'mcp' | 'http' | 'tool', rule: { self_confirm?: Array<'low' | 'medium' | 'high'>; elicitation?: Array<'low' | 'medium' | 'high'>; inbox?: Array<'low' | 'medium' | 'high'> }): void {
  const policy = core.approvalsPolicy.policy;
  core.approvalsPolicy = { ...core.approvalsPolicy, policy: { ...policy, doors: { ...policy.doors, [door]: { default: { ...policy.doors[door]?.default, ...rule } } } } };
}

/** Collects every event of a stream. */
export async function collectEvents(stream: AsyncIterable<PipelineEvent>): Promise<PipelineEvent[]> {
  const events: PipelineEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}
