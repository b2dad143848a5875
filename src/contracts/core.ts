/** The wired core every front-end shares: one instance per process, built by createCore(). */
import type { Config } from '../schemas/config.js';
import type { RiskLevel } from '../schemas/vocabulary.js';
import type { Verdict } from '../schemas/verdict.js';
import type { Policy } from '../validate/policy.js';
import type { ApprovalStore } from '../approvals/approval-store.js';
import type { LoadedApprovalsPolicy } from '../approvals/door-policy.js';
import type { ApprovalSigner } from '../approvals/approval-token.js';
import type { ApiLister, AuditLog, CardCatalog, Clock, Embedder, KubectlRunner, NameResolver, OwnerResolver, Planner, Retriever } from './ports.js';

/** The object a command targets, as parsed from its argv (never from what a planner claims). */
export interface CommandTarget {
  verb: string;
  resource?: string;
  name?: string;
  namespace?: string;
}

/** What the pipeline asks of the policy: a version to bind approvals to, and a pure verdict. */
export interface CommandValidator {
  /** Hash of the policy files; an approval is only valid under the version it was issued for. */
  readonly policyVersion: string;
  /**
   * The verdict on an argv (pure, never throws). `owner`: the pod's controller; null when looked up and
   * there is none; undefined when not looked up or the lookup failed (owner-aware guardrails then deny).
   */
  validate(args: readonly string[], context: { cardRisk?: RiskLevel; owner?: { kind: string; name: string } | null }): Verdict;
  /** The pod whose owner decides the verdict (`delete pod X -n NS`), if any. */
  ownerLookup(args: readonly string[]): { namespace: string; pod: string } | undefined;
  /** The parsed verb/resource/name/namespace, used to resolve a pod's owner before validating. */
  target(args: readonly string[]): CommandTarget | undefined;
}

/** Everything the pipeline needs, wired once. */
export interface Core {
  readonly config: Config;
  readonly cards: CardCatalog;
  readonly embedder?: Embedder;
  readonly retriever: Retriever;
  readonly planner: Planner;
  /** The loaded policy (front-ends may show its counts); undefined when a validator override replaced it. */
  policy: Policy | undefined;
  /** The policy as the pipeline uses it. Replace it (reloadPolicy) to pick up edited org files. */
  validator: CommandValidator;
  readonly kubectl: KubectlRunner;
  readonly auditLog: AuditLog;
  readonly ownerResolver: OwnerResolver;
  /** Name resolution for the planner; without one the planner works from the words alone (test cores). */
  readonly nameResolver?: NameResolver;
  /** Reads straight from the API server where they stand in for kubectl (name resolution, the preview's live object). */
  readonly api?: ApiLister;
  readonly clock: Clock;
  readonly approvals: ApprovalSigner;
  /** Approval tokens and inbox requests, shared with other rk8s processes of the same account. */
  readonly approvalStore: ApprovalStore;
  /** org/approvals.yaml: who may confirm what at each agent door. Replaced by reloadPolicy. */
  approvalsPolicy: LoadedApprovalsPolicy;
  /**
   * Things the user must know about this core's setup that are not errors (e.g. the kube context could
   * not be pinned); every proposal repeats them as warning notices.
   */
  readonly warnings: readonly string[];
  /** Releases the model and other resources. Safe to call twice. */
  close(): Promise<void>;
}
