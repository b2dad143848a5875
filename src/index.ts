/** The rk8s library: `import { k8s_exec } from 'rk8s'`, plus the pipeline for front-ends that want the event stream. */
export { k8s_exec, getDefaultCore, closeDefaultCore, K8sExecResultSchema, K8S_EXEC_STATUSES } from './tool/k8s-exec.js';
export type { K8sExecOptions, K8sExecResult, K8sExecStatus } from './tool/k8s-exec.js';
export { k8s_undo, K8sUndoResultSchema } from './tool/k8s-undo.js';
export type { K8sUndoOptions, K8sUndoResult } from './tool/k8s-undo.js';
export { k8s_plan, K8sPlanResultSchema } from './tool/k8s-plan.js';
export type { K8sPlanOptions, K8sPlanResult } from './tool/k8s-plan.js';
export { k8s_diagnose, DiagnoseDocumentSchema, DiagnosePayloadSchema } from './tool/k8s-diagnose.js';
export type { K8sDiagnoseOptions, DiagnoseDocument, DiagnosePayload } from './tool/k8s-diagnose.js';
export { investigate } from './diagnose/investigate.js';
export type { InvestigateOptions } from './diagnose/investigate.js';
export type { InvestigationEvent, InvestigationEventType, InvestigationStepStatus } from './diagnose/events.js';
export { FindingSchema, RemediationSchema, EvidenceSchema } from './diagnose/finding.js';
export type { Finding, Remediation, Evidence, ObjectRef, Severity } from './diagnose/finding.js';
export { REASONS, REASON_CODES } from './diagnose/reasons.js';
export type { ReasonCode } from './diagnose/reasons.js';
export { readTimeline, TimelineDocumentSchema } from './diagnose/read-timeline.js';
export type { TimelineDocument, TimelinePayload } from './diagnose/read-timeline.js';

export { createCore, reloadPolicy, loadPolicyOrThrow } from './pipeline/create-core.js';
export type { CoreOverrides, CreateCoreOptions } from './pipeline/create-core.js';
export type { Core, CommandValidator, CommandTarget } from './contracts/core.js';
export { propose, parsePayload } from './pipeline/propose.js';
export type { ProposeOptions } from './pipeline/propose.js';
export { runApproved, verifyApproval } from './pipeline/run-approved.js';
export type { RunApprovedOptions } from './pipeline/run-approved.js';
export { previewDryRun } from './pipeline/preview-dry-run.js';
export type { PreviewOptions } from './pipeline/preview-dry-run.js';
export { APPROVAL_TTL_MS } from './approvals/approval-token.js';
export { assertNever } from './contracts/events.js';
export type { PipelineEvent, PipelineEventType, CardMatch, Proposal } from './contracts/events.js';
export type * from './contracts/ports.js';

export { loadConfig } from './config/load-config.js';
export type { ConfigOverrides } from './config/load-config.js';
export * from './schemas/index.js';
export * from './errors.js';

import type { Sandbox, SandboxOptions } from './sandbox/index.js';
export type { Sandbox, SandboxOptions } from './sandbox/index.js';

/** Starts the simulated cluster (loaded on first use, so importing rk8s stays light). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await import('./sandbox/index.js');
  return sandbox.startSandbox(options);
}
