/** Cluster facts a planner may use, fetched only when the request needs them ("double it"). */
import { createClusterReader } from '../cluster/cluster-reader.js';
import type { K8sExecPayload } from '../schemas/request.js';
import type { Core } from '../contracts/core.js';
import type { PlanFacts } from '../contracts/ports.js';

// Relative sizes need the current count; absolute ones ("to 5") do not, so no kubectl call then.
const RELATIVE_SCALE = /\b(double|triple|twice|half|halve|more|fewer|less|increase|decrease|add|remove)\b|[+-]\s*\d|\bby\s+\d|\b\d+\s*x\b|\bx\s*\d/i;

/**
 * Reads the current replica count for a relative scale request, through the validated read path
 * (a namespace the policy does not list is never read); empty facts otherwise or on any failure.
 */
export async function gatherPlanFacts(request: K8sExecPayload, core: Pick<Core, 'validator' | 'kubectl'>, signal?: AbortSignal): Promise<PlanFacts> {
  if (request.intent !== 'scale' || !request.name || !request.namespace || !request.query || !RELATIVE_SCALE.test(request.query)) return {};
  const resource = request.resource === 'statefulset' ? 'statefulset' : 'deployment';
  const reader = createClusterReader(core, { maxReads: 1, timeoutSeconds: 10, ...(signal ? { signal } : {}) });
  let stdout: string;
  try {
    stdout = (await reader.text(['get', resource, request.name, '-n', request.namespace, '-o', 'jsonpath={.spec.replicas}'])).trim();
  } catch {
    return {};
  }
  const replicas = Number(stdout);
  return stdout !== '' && Number.isInteger(replicas) && replicas >= 0 ? { currentReplicas: replicas } : {};
}
