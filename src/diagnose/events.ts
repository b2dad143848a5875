/**
 * The investigation's event stream: each check as it runs, notices, then the document (or an error).
 * A union of its own, beside the pipeline's PipelineEvent; consumers switch over `type` exhaustively.
 */
import type { SerializedError } from '../errors.js';
import type { DiagnoseDocument } from './document.js';

/** Where a check is. */
export type InvestigationStepStatus = 'running' | 'done' | 'skipped' | 'failed';

/** Investigation events, noun-verb. */
export type InvestigationEvent =
  | { type: 'investigation-start'; operationId: string; namespace: string; target?: string }
  | { type: 'investigation-step'; check: string; status: InvestigationStepStatus; detail?: string }
  | { type: 'notice'; level: 'info' | 'warn'; stage: 'diagnose'; message: string }
  | { type: 'investigation-end'; document: DiagnoseDocument }
  | { type: 'error'; error: SerializedError };

/** The `type` of every investigation event. */
export type InvestigationEventType = InvestigationEvent['type'];
