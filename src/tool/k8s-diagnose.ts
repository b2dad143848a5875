/**
 * k8s_diagnose(payload): one investigation as one document, for agents and scripts (CLI `diagnose
 * --json`, POST /diagnose, MCP k8s_diagnose). Read-only: it runs validated kubectl reads only, and
 * each remediation in the answer is a request to send to k8s_exec, which plans, validates and asks
 * for confirmation as usual.
 */
import type { Core } from '../contracts/core.js';
import type { RequestSource } from '../schemas/request.js';
import { DiagnoseDocumentSchema, DiagnosePayloadSchema, type DiagnoseDocument, type DiagnosePayload } from '../diagnose/document.js';
import type { InvestigationEvent } from '../diagnose/events.js';
import { explainerFromConfig, type Explainer } from '../diagnose/explain.js';
import { investigate, parseDiagnosePayload } from '../diagnose/investigate.js';
import { InputError, Rk8sError } from '../errors.js';
import { getDefaultCore } from './k8s-exec.js';

export { DiagnoseDocumentSchema, DiagnosePayloadSchema, type DiagnoseDocument, type DiagnosePayload };

/** Options of k8s_diagnose. */
export interface K8sDiagnoseOptions {
  /** The core to use; default: the process-wide one k8s_exec uses. */
  core?: Core;
  /** Recorded in the audit log (default "tool"). */
  source?: RequestSource;
  user?: string;
  signal?: AbortSignal;
  /** Sees every investigation event (progress displays, NDJSON streams). */
  onEvent?: (event: InvestigationEvent) => void;
  /** Writes the explanation when the payload asks for one (default: the configured model, if any). */
  explainer?: Explainer;
  /** Plan each remediation (plan-only) to show its command and verdict (default true). */
  previews?: boolean;
  /** Most containers whose logs are read (default 3). */
  maxLogs?: number;
}

/**
 * Investigates a namespace (or one object in it) and returns the document: status healthy, findings
 * or failed (with `error`). Throws InputError (code INPUT_INVALID, details.issues) for an invalid
 * payload, like k8s_exec; a target that does not exist is a failed document with INPUT_INVALID.
 */
export async function k8s_diagnose(payload: unknown, options: K8sDiagnoseOptions = {}): Promise<DiagnoseDocument> {
  const request = parseDiagnosePayload(payload);
  const core = options.core ?? (await getDefaultCore());
  const ownExplainer = request.explain && !options.explainer ? explainerFromConfig(core.config) : undefined;
  const explainer = options.explainer ?? ownExplainer;
  let document: DiagnoseDocument | undefined;
  let inputError: InputError | undefined;
  try {
    for await (const event of investigate(request, core, {
      source: options.source ?? 'tool',
      ...(options.user ? { user: options.user } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(explainer ? { explainer } : {}),
      ...(options.previews === undefined ? {} : { previews: options.previews }),
      ...(options.maxLogs === undefined ? {} : { maxLogs: options.maxLogs }),
    })) {
      options.onEvent?.(event);
      if (event.type === 'investigation-end') document = event.document;
      else if (event.type === 'error' && event.error.code === 'INPUT_INVALID' && document === undefined) {
        inputError = new InputError(event.error.message, { ...(event.error.hint ? { hint: event.error.hint } : {}), details: event.error.details });
      }
    }
  } finally {
    await ownExplainer?.dispose?.();
  }
  if (document) return document;
  // Only a payload problem ends without a document (nothing was read or recorded).
  throw inputError ?? new Rk8sError('the investigation ended without a document');
}
