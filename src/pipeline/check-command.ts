/** Validation as the pipeline runs it, at proposal time and again just before execution. */
import { isAbortError } from '../errors.js';
import type { RiskLevel } from '../schemas/vocabulary.js';
import type { Verdict } from '../schemas/verdict.js';
import type { Core } from '../contracts/core.js';
import type { PipelineEvent } from '../contracts/events.js';

/** A verdict plus the notices gathered while reaching it (e.g. the owner lookup failed). */
export interface CommandCheck {
  verdict: Verdict;
  owner?: { kind: string; name: string } | null;
  notices: Extract<PipelineEvent, { type: 'notice' }>[];
}

/**
 * Resolves the owner of a pod being deleted (so the guardrail can suggest a rollout restart), runs
 * the validator and applies read-only mode. The argv is parsed here, never taken from the plan's claims.
 */
export async function checkCommand(core: Core, args: readonly string[], cardRisk: RiskLevel | undefined, signal?: AbortSignal): Promise<CommandCheck> {
  const notices: CommandCheck['notices'] = [];
  let owner: CommandCheck['owner'];
  const lookup = core.validator.ownerLookup(args);
  if (lookup) {
    try {
      // null: looked up, no controller. A failed lookup stays undefined, and owner-aware guardrails deny.
      owner = (await core.ownerResolver.resolvePodOwner(lookup.namespace, lookup.pod, signal)) ?? null;
    } catch (error) {
      if (isAbortError(error) || signal?.aborted) throw error;
      notices.push({ type: 'notice', level: 'warn', stage: 'validate', message: `could not resolve the owner of pod ${lookup.pod}: ${(error as Error).message}` });
    }
  }
  signal?.throwIfAborted();
  let verdict = core.validator.validate(args, { cardRisk, owner });
  if (core.config.readOnly && verdict.mutating && verdict.decision !== 'deny') {
    verdict = {
      ...verdict,
      decision: 'deny',
      violations: [...verdict.violations, { code: 'READ_ONLY', message: 'rk8s runs in read-only mode (--read-only or RK8S_READ_ONLY): commands that change the cluster are not run' }],
    };
  }
  return { verdict, owner, notices };
}
