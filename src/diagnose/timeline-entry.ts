/** One line of a timeline: a rollout, a Warning event or an rk8s audit record. */
import { z } from 'zod';
import { ObjectRefSchema } from './finding.js';

/** A timeline entry. */
export const TimelineEntrySchema = z.object({
  at: z.string().describe('ISO 8601; entries are newest first.'),
  type: z.enum(['rollout', 'event', 'audit']),
  object: ObjectRefSchema,
  text: z.string(),
  revision: z.number().int().optional(),
  /** For events: how many times, and since when. */
  count: z.number().int().optional(),
  firstSeen: z.string().optional(),
  /** For audit records: who, from where, what. */
  user: z.string().optional(),
  source: z.string().optional(),
  command: z.string().optional(),
  operationId: z.string().optional(),
});
/** A timeline entry. */
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;
