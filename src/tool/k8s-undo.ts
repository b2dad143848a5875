/** k8s_undo(operationId?): propose and (when confirmed) run the inverse of one of rk8s's own changes. */
import { prepareUndo, type UndoReady } from '../pipeline/undo-request.js';
import { refusedUndoDocument, undoDocument, type UndoDocument } from '../output/undo-document.js';
import type { K8sExecPayload } from '../schemas/request.js';
import { getDefaultCore, k8s_exec, type K8sExecOptions } from './k8s-exec.js';

export { UndoDocumentSchema as K8sUndoResultSchema } from '../output/undo-document.js';
export type { UndoDocument as K8sUndoResult } from '../output/undo-document.js';

/** Options of k8s_undo: those of k8s_exec, plus what the inverse request may carry. */
export interface K8sUndoOptions extends Omit<K8sExecOptions, 'undo' | 'reads'> {
  /** Plan and preview the inverse only. */
  dryRun?: boolean;
  /** Sees the undo as soon as it is known, before it is planned (front-ends print "what and why" first). */
  onUndo?: (undo: UndoReady) => void;
}

/**
 * Finds the operation (the newest undoable change of `user` when no id is given), refuses with a stable
 * code when it cannot be undone or the object changed since, and otherwise runs the inverse request
 * through the same path as k8s_exec: planned from a card, validated, previewed, confirmed by the
 * approver, re-checked against the live object just before kubectl, audited with `undo_of`.
 */
export async function k8s_undo(operationId: string | undefined, options: K8sUndoOptions = {}): Promise<UndoDocument> {
  const core = options.core ?? (await getDefaultCore());
  const source = options.source ?? 'tool';
  const preparation = await prepareUndo(operationId, core, { source, ...(options.user ? { user: options.user } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  if (preparation.kind !== 'ready') return refusedUndoDocument(preparation);
  options.onUndo?.(preparation);
  const request: K8sExecPayload = { ...preparation.plan.request, ...(options.dryRun ? { constraints: { dryRun: true } } : {}) };
  const { onUndo: _onUndo, dryRun: _dryRun, ...execOptions } = options;
  const document = await k8s_exec(request, { ...execOptions, core, source, undo: preparation.context, reads: preparation.reads });
  return undoDocument(document, { of: preparation.plan.of, summary: preparation.plan.summary, why: preparation.plan.why });
}
