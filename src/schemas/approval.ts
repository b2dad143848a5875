/**
 * What a command needs before it may run, and the tickets that carry an approval across a process
 * boundary (an HTTP round trip, the approvals inbox). The core decides both; front-ends only show them.
 */
import { z } from 'zod';

/**
 * How a proposal must be confirmed: `none` (runs as is), `key` (a yes: the TUI's y, the API's
 * confirm with the approval token), `typed-name` (a high-risk command: the object's name typed exactly).
 */
export const ConfirmationKindSchema = z.enum(['none', 'key', 'typed-name']);
/** A confirmation kind. */
export type ConfirmationKind = z.infer<typeof ConfirmationKindSchema>;

/** The confirmation a proposal demands, decided by the core from the verdict and the parsed argv. */
export const ConfirmationSchema = z.strictObject({
  kind: ConfirmationKindSchema,
  word: z.string().optional().describe('For typed-name: what must be typed (the object\'s name), exactly.'),
  expectRequired: z
    .boolean()
    .describe('The change was read from free text only: a scripted confirmation must also name the exact command (rk8s exec --expect).'),
});
/** A confirmation requirement. */
export type Confirmation = z.infer<typeof ConfirmationSchema>;

/** An approval handed to a client with a needs-confirmation answer; send `token` back as constraints.approvalToken. */
export const ApprovalTicketSchema = z.strictObject({
  token: z.string().describe('Send back as constraints.approvalToken to run exactly this command, once.'),
  expiresAt: z.string().describe('ISO time after which the token is refused.'),
});
/** An approval ticket. */
export type ApprovalTicket = z.infer<typeof ApprovalTicketSchema>;

/** Where an approval request stands in the inbox. */
export const APPROVAL_STATES = ['pending', 'approved', 'denied', 'expired', 'executed'] as const;
/** An approval request's state. */
export type ApprovalState = (typeof APPROVAL_STATES)[number];

/** An approval request filed in the inbox for a person to decide. */
export const ApprovalRequestRefSchema = z.strictObject({
  id: z.string().describe('The request id: a person decides it with `rk8s approve ID` or `rk8s deny ID`.'),
  state: z.enum(APPROVAL_STATES),
  expiresAt: z.string(),
  decidedBy: z.string().optional(),
  reason: z.string().optional(),
});
/** A reference to an inbox request. */
export type ApprovalRequestRef = z.infer<typeof ApprovalRequestRefSchema>;
