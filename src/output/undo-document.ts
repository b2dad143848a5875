/**
 * The undo document: what `rk8s undo --json` and `k8s_undo` answer. It is the exec document of the
 * inverse request (plan, verdict, preview, approval, result, status) plus an `undo` section saying which
 * operation is undone and why, or, when undo refused before planning, a `blocked` document whose one
 * violation is the refusal's stable code.
 */
import { z } from 'zod';
import { ExecDocumentSchema, type ExecDocument } from './exec-document.js';
import type { UndoRefusalCode } from '../undo/inverse.js';

/** The `undo` section. */
export const UndoSectionSchema = z.object({
  of: z.string().nullable().describe('The operation id undone (null when no operation was found).'),
  summary: z.string().optional().describe('What the inverse does, e.g. "scale deployment/api in prod back to 3 replicas (from 5)".'),
  why: z.string().optional().describe('Which operation it undoes, who ran it and when, and that the object is still as it left it.'),
  refused: z.object({ code: z.string(), message: z.string() }).optional().describe('Why undo refused before anything was planned (UNDO_STATE_CHANGED, UNDO_NOT_SUPPORTED ...).'),
});

/** The undo document's schema. */
export const UndoDocumentSchema = ExecDocumentSchema.extend({ undo: UndoSectionSchema });
/** The undo document. */
export type UndoDocument = z.infer<typeof UndoDocumentSchema>;

/** What to do about each refusal (the document's error hint). */
function refusalHint(code: string): string {
  switch (code) {
    case 'UNDO_STATE_CHANGED':
      return 'someone changed the object after rk8s did: look at it (rk8s exec --intent describe) and decide by hand';
    case 'UNDO_UNKNOWN_OPERATION':
      return 'rk8s audit tail lists recent operations with their ids';
    case 'UNDO_ALREADY_UNDONE':
      return 'undo the undo to redo the change';
    case 'UNDO_NOT_OURS':
      return 'run rk8s undo with --context set to the context the operation ran in';
    default:
      return 'see docs/undo.md for what undo can invert';
  }
}

/** The document of an undo refused before planning. */
export function refusedUndoDocument(refusal: { code: UndoRefusalCode; message: string; of?: string; auditId: string }): UndoDocument {
  const violation = { code: refusal.code, message: refusal.message };
  return {
    operation_id: refusal.auditId,
    status: 'blocked',
    plan: null,
    verdict: { decision: 'deny', violations: [violation], suggestions: [] },
    error: { ...violation, hint: refusalHint(refusal.code) },
    undo: { of: refusal.of ?? null, refused: violation },
  };
}

/** The undo document of an inverse request's exec document. */
export function undoDocument(document: ExecDocument, undo: { of: string; summary: string; why: string }): UndoDocument {
  return { ...document, undo: { of: undo.of, summary: undo.summary, why: undo.why } };
}
