/** One thing a change changes, as the preview shows it before a person confirms ("replicas 2 → 5"). */
import { z } from 'zod';

/** A change. */
export const ChangeSchema = z.object({
  object: z.string().describe('The object as kubectl names it: deployment/web, node/node-1, pod/api-5d8f-2xkqp.'),
  field: z.string().describe('What changes: replicas, image (api), revision, schedulable, evicted, exists, suspended...'),
  from: z.string().optional(),
  to: z.string().optional(),
  note: z.string().optional().describe('What the person should know about it, e.g. "blocked by PodDisruptionBudget api".'),
});
/** A change. */
export type Change = z.infer<typeof ChangeSchema>;
