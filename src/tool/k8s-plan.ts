/** k8s_plan(payload): retrieve -> plan -> validate as one document; runs nothing (CLI `plan --json`, POST /plan, MCP k8s_plan). */
import type { Core } from '../contracts/core.js';
import type { PipelineEvent } from '../contracts/events.js';
import { parsePayload, propose } from '../pipeline/propose.js';
import type { RequestSource } from '../schemas/request.js';
import { PlanDocumentBuilder, type PlanDocument } from '../output/plan-document.js';
import { getDefaultCore } from './k8s-exec.js';

export { PlanDocumentSchema as K8sPlanResultSchema, PLAN_STATUSES } from '../output/plan-document.js';
export type { PlanDocument as K8sPlanResult, PlanStatus } from '../output/plan-document.js';

/** Options of k8s_plan. */
export interface K8sPlanOptions {
  core?: Core;
  source?: RequestSource;
  user?: string;
  signal?: AbortSignal;
  onEvent?: (event: PipelineEvent) => void;
  /** Skip the audit record and the approval (default false: the proposal is recorded like any other). */
  planOnly?: boolean;
}

/** Plans and validates one request. Throws InputError for an invalid payload, like k8s_exec. */
export async function k8s_plan(payload: unknown, options: K8sPlanOptions = {}): Promise<PlanDocument> {
  const request = parsePayload(payload);
  const core = options.core ?? (await getDefaultCore());
  const builder = new PlanDocumentBuilder();
  for await (const event of propose(request, core, { source: options.source ?? 'tool', user: options.user, signal: options.signal, planOnly: options.planOnly })) {
    options.onEvent?.(event);
    builder.add(event);
  }
  return builder.build();
}
