/**
 * The door policy (org/approvals.yaml) and the one routing rule: for a proposal arriving at a door,
 * whether the caller may confirm it itself, a human through the MCP client's prompt, a person in the
 * approvals inbox, or nobody at this door.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { displayPath, formatFieldPath, readYamlFile, type LoadProblem } from '../config/problems.js';
import { ApprovalsPolicySchema, type AgentDoor, type ApprovalsPolicy, type DoorRule } from '../schemas/approvals-policy.js';
import type { RiskLevel } from '../schemas/vocabulary.js';
import type { Verdict } from '../schemas/verdict.js';

/** The approvals policy file in an org directory. */
export const APPROVALS_POLICY_FILE = 'approvals.yaml';

/** What applies when an org has no approvals.yaml: agents confirm nothing themselves; people decide in the inbox. */
export const DEFAULT_APPROVALS_POLICY: ApprovalsPolicy = ApprovalsPolicySchema.parse({
  doors: {
    mcp: { default: { self_confirm: [], elicitation: [], inbox: ['low', 'medium', 'high'] } },
    http: { default: { self_confirm: [], inbox: ['low', 'medium', 'high'] } },
    tool: { default: { self_confirm: ['low', 'medium', 'high'], inbox: [] } },
  },
  never: [],
});

/** A loaded approvals policy with the hash of its text (bound into approvals like the rest of the policy). */
export interface LoadedApprovalsPolicy {
  policy: ApprovalsPolicy;
  /** sha256 of the file's text, or "default" when the org has none. */
  version: string;
  file?: string;
}

/**
 * Loads org/approvals.yaml. A missing file means the defaults (agents confirm nothing themselves); an
 * invalid one is a list of problems with file and field, and nothing may run on it (fail closed).
 */
export function loadApprovalsPolicy(orgDir: string): { loaded?: LoadedApprovalsPolicy; problems: LoadProblem[] } {
  const file = path.join(orgDir, APPROVALS_POLICY_FILE);
  const read = readYamlFile(file);
  if ('problem' in read) {
    if (read.problem.message === 'file not found') return { loaded: { policy: DEFAULT_APPROVALS_POLICY, version: 'default' }, problems: [] };
    return { problems: [read.problem] };
  }
  const parsed = ApprovalsPolicySchema.safeParse(read.data ?? {});
  if (!parsed.success) {
    return { problems: parsed.error.issues.map((issue) => ({ file: displayPath(file), field: formatFieldPath(issue.path), message: issue.message })) };
  }
  const version = createHash('sha256').update(readFileSync(file)).digest('hex');
  return { loaded: { policy: parsed.data, version, file: displayPath(file) }, problems: [] };
}

/** Where a proposal at a door goes for its confirmation. */
export type ApprovalRoute =
  | { kind: 'self' }
  | { kind: 'elicitation' }
  | { kind: 'inbox' }
  | { kind: 'nobody' }
  | { kind: 'never'; rule: string; reason: string };

/** The rule for a door in a tier: the door's default, with the tier's fields in its place. */
export function doorRule(policy: ApprovalsPolicy, door: AgentDoor, tier: string | undefined): Required<DoorRule> {
  const doorPolicy = policy.doors[door];
  const base = doorPolicy?.default ?? {};
  const forTier = tier !== undefined && doorPolicy?.tiers && Object.hasOwn(doorPolicy.tiers, tier) ? doorPolicy.tiers[tier] : undefined;
  return {
    self_confirm: forTier?.self_confirm ?? base.self_confirm ?? [],
    elicitation: forTier?.elicitation ?? base.elicitation ?? [],
    inbox: forTier?.inbox ?? base.inbox ?? ['low', 'medium', 'high'],
  };
}

/**
 * Routes a proposal that needs a confirmation. `verb` is the parsed command as the policy names it;
 * `canElicit`: the MCP client can prompt its user. The order is deliberate: never, then the caller
 * itself, then the client's prompt, then the inbox.
 */
export function routeApproval(
  policy: ApprovalsPolicy,
  door: AgentDoor,
  proposal: { verdict: Pick<Verdict, 'risk' | 'tier'>; verb?: string },
  options: { canElicit?: boolean } = {},
): ApprovalRoute {
  const tier = proposal.verdict.tier;
  for (const rule of policy.never) {
    const doorMatches = rule.doors === undefined || rule.doors.includes(door);
    const tierMatches = rule.tiers === undefined || (tier !== undefined && rule.tiers.includes(tier));
    if (doorMatches && tierMatches && proposal.verb !== undefined && rule.verbs.includes(proposal.verb)) {
      return { kind: 'never', rule: rule.id, reason: rule.reason };
    }
  }
  const risk = proposal.verdict.risk as Exclude<RiskLevel, 'none'> | 'none';
  if (risk === 'none') return { kind: 'self' };
  const rule = doorRule(policy, door, tier);
  if (rule.self_confirm.includes(risk)) return { kind: 'self' };
  if (door === 'mcp' && options.canElicit && rule.elicitation.includes(risk)) return { kind: 'elicitation' };
  if (rule.inbox.includes(risk)) return { kind: 'inbox' };
  return { kind: 'nobody' };
}
