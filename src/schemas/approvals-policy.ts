/**
 * org/approvals.yaml: who may confirm what, per door. An agent's door (MCP, HTTP, k8s_exec from code)
 * may read and propose freely; a change runs only when someone this file names confirms it.
 */
import { z } from 'zod';
import { TierNameSchema } from './policy.js';
import { RiskLevelSchema } from './vocabulary.js';

/** The doors an agent can reach rk8s through. */
export const AGENT_DOORS = ['mcp', 'http', 'tool'] as const;
/** An agent door. */
export type AgentDoor = (typeof AGENT_DOORS)[number];

const ConfirmingRisks = z.array(RiskLevelSchema.exclude(['none'])).describe('risk levels: low, medium, high');

/** How one door gets confirmations, for one tier or by default. */
export const DoorRuleSchema = z.strictObject({
  self_confirm: ConfirmingRisks.optional().describe(
    'Risks the caller may confirm itself, with the single-use approval token of the answer (default: none).',
  ),
  elicitation: ConfirmingRisks.optional().describe(
    'MCP only: risks a human may confirm through the MCP client\'s own prompt (the client could answer it itself; default: none).',
  ),
  inbox: ConfirmingRisks.optional().describe('Risks filed in the approvals inbox for a person to decide (default: medium and high).'),
});
/** A door rule. */
export type DoorRule = z.infer<typeof DoorRuleSchema>;

/** One door: its default rule, and per-tier rules that replace fields of it. */
export const DoorPolicySchema = z.strictObject({
  default: DoorRuleSchema.optional(),
  tiers: z.record(TierNameSchema, DoorRuleSchema).optional().describe('Tier name -> the fields that differ there.'),
});
/** A door's policy. */
export type DoorPolicy = z.infer<typeof DoorPolicySchema>;

/** A change no agent door may get run, whoever would confirm it. */
export const NeverRuleSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a kebab-case id such as "no-agent-drain-in-prod"'),
  doors: z.array(z.enum(AGENT_DOORS)).min(1).optional().describe('Doors the rule covers (default: every agent door).'),
  verbs: z.array(z.string().min(1)).min(1).describe('kubectl commands as the policy names them: drain, "rollout undo", scale, delete...'),
  tiers: z.array(TierNameSchema).min(1).optional().describe('Tiers the rule covers (default: every tier).'),
  reason: z.string().min(1).describe('Said to the agent, e.g. "draining a prod node is done by a person at a terminal".'),
});
/** A never rule. */
export type NeverRule = z.infer<typeof NeverRuleSchema>;

/** The approvals inbox settings. */
export const InboxSettingsSchema = z.strictObject({
  ttl_seconds: z.number().int().min(60).max(7 * 24 * 3600).default(3600).describe('How long a request waits for a decision.'),
  wait_seconds: z.number().int().min(0).max(600).default(20).describe('How long a door waits for the decision before answering needs-approval.'),
});

/** org/approvals.yaml. */
export const ApprovalsPolicySchema = z.strictObject({
  doors: z.strictObject({ mcp: DoorPolicySchema.optional(), http: DoorPolicySchema.optional(), tool: DoorPolicySchema.optional() }).default({}),
  never: z.array(NeverRuleSchema).default([]),
  inbox: InboxSettingsSchema.default({ ttl_seconds: 3600, wait_seconds: 20 }),
});
/** The parsed approvals policy. */
export type ApprovalsPolicy = z.infer<typeof ApprovalsPolicySchema>;
