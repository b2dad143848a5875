/** k8s_exec(payload): the whole flow in one call, for agents and scripts. */
import { loadConfig } from '../config/load-config.js';
import type { Core } from '../contracts/core.js';
import { createCore } from '../pipeline/create-core.js';
import { defaultUser } from '../pipeline/audit-fields.js';
import type { Approver } from '../pipeline/approvers.js';
import { createDoorApprover, createInboxApprover, doorOf } from '../pipeline/door-approver.js';
import type { PipelineEvent, UndoContext } from '../contracts/events.js';
import { parsePayload } from '../pipeline/propose.js';
import { assertConstraints, runRequest } from '../pipeline/run-request.js';
import type { RequestSource } from '../schemas/request.js';
import { ExecDocumentBuilder, type ExecDocument } from '../output/exec-document.js';

export { ExecDocumentSchema as K8sExecResultSchema, EXEC_STATUSES as K8S_EXEC_STATUSES } from '../output/exec-document.js';
export type { ExecDocument as K8sExecResult, ExecStatus as K8sExecStatus } from '../output/exec-document.js';

/** Options of k8s_exec. */
export interface K8sExecOptions {
  /** The core to use; default: one built lazily from the environment and reused for the process. */
  core?: Core;
  /** Recorded in the audit log (default "tool"). */
  source?: RequestSource;
  user?: string;
  signal?: AbortSignal;
  /** Sees every pipeline event as it happens (streaming front-ends, progress displays). */
  onEvent?: (event: PipelineEvent) => void;
  /**
   * How a command that needs confirmation gets it. Default: what org/approvals.yaml says for this
   * `source`'s door (for code calling k8s_exec: the approval-token round trip — the answer is
   * needs-confirmation with `approval.ticket`; send `constraints.approvalToken` back to run it).
   * `'inbox'`: file it in the approvals inbox for a person (`rk8s approve ID`) and wait a while.
   */
  approver?: Approver | 'inbox';
  /** This request undoes an earlier operation (from prepareUndo; k8s_undo sets it). */
  undo?: UndoContext;
  /** Cluster reads made for this request before it was proposed (recorded with the proposal). */
  reads?: readonly string[];
}

let defaultCore: Promise<Core> | undefined;

/** The process-wide core k8s_exec uses when none is passed (built on first use from the environment). */
export function getDefaultCore(): Promise<Core> {
  defaultCore ??= createCore(loadConfig()).catch((error: unknown) => {
    // A failed load (bad cards, broken policy) is retried on the next call, after the fix.
    defaultCore = undefined;
    throw error;
  });
  return defaultCore;
}

/** Closes the default core if one was built (frees the model). */
export async function closeDefaultCore(): Promise<void> {
  const pending = defaultCore;
  defaultCore = undefined;
  if (pending) await (await pending).close();
}

/**
 * Plans, validates and (when allowed) runs one request. A medium/high-risk command runs only once a
 * human has confirmed it: by default the answer is `needs-confirmation` with an approval ticket, and
 * the same request sent back with `constraints.approvalToken` (plus `constraints.confirmText`, the
 * object's name, for high risk) runs exactly the command that answer showed, once.
 * Throws InputError (code INPUT_INVALID, details.issues with field paths) for an invalid payload;
 * every other outcome is a result document with a status.
 */
export async function k8s_exec(payload: unknown, options: K8sExecOptions = {}): Promise<ExecDocument> {
  const request = parsePayload(payload);
  assertConstraints(request);
  const core = options.core ?? (await getDefaultCore());
  const source = options.source ?? 'tool';
  const user = options.user ?? defaultUser();
  const requestedBy = `${user} via ${source}`;
  const approver =
    options.approver === 'inbox'
      ? createInboxApprover({ requestedBy })
      : (options.approver ?? createDoorApprover({ door: doorOf(source), requestedBy }));
  const builder = new ExecDocumentBuilder({ dryRun: request.constraints?.dryRun === true });
  const extra = { ...(options.undo ? { undo: options.undo } : {}), ...(options.reads ? { reads: options.reads } : {}) };
  for await (const event of runRequest(request, core, { source, user, signal: options.signal, approver, ...extra })) {
    options.onEvent?.(event);
    builder.add(event);
  }
  return builder.build();
}
