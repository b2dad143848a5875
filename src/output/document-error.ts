/** The error member every document shares: a stable code, one line, and how to fix it. */
import { z } from 'zod';
import type { SerializedError } from '../errors.js';

/** The schema of a document's `error`. */
export const DocumentErrorSchema = z.object({ code: z.string(), message: z.string(), hint: z.string().optional() });
/** A document's error. */
export type DocumentError = z.infer<typeof DocumentErrorSchema>;

/** The document form of a serialized error (details stay out: they are for logs, not clients). */
export function documentError(error: SerializedError): DocumentError {
  return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
}
