/** Cluster facts a planner may use, fetched only when the request needs them ("double it"). */
import type { K8sExecPayload } from '../schemas/request.js';
import type { KubectlRunner, PlanFacts } from './ports.js';

// Relative sizes need the current count; absolute ones ("to 5") do not, so no kubectl call then.
const RELATIVE_SCALE = /\b(double|triple|twice|half|halve|more|fewer|less|increase|decrease|add|remove)\b|[+-]\s*\d|\bby\s+\d|\b\d+\s*x\b|\bx\s*\d/i;

/** Reads the current replica count for a relative scale request; empty facts otherwise or on any failure. */
export async function gatherPlanFacts(request: K8sExecPayload, kubectl: KubectlRunner, signal?: AbortSignal): Promise<PlanFacts> {
  if (request.intent !== 'scale' || !request.name || !request.namespace || !request.query || !RELATIVE_SCALE.test(request.query)) return {};
  const resource = request.resource === 'statefulset' ? 'statefulset' : 'deployment';
  let stdout = '';
  let exitCode = -1;
  try {
    for await (const event of kubectl.run(['get', resource, request.name, '-n', request.namespace, '-o', 'jsonpath={.spec.replicas}'], { signal, timeoutSeconds: 10 })) {
      if (event.type === 'exec-output' && event.stream === 'stdout') stdout += event.line;
      else if (event.type === 'exec-end') exitCode = event.exitCode;
    }
  } catch {
    return {};
  }
  const replicas = Number(stdout.trim());
  return exitCode === 0 && stdout.trim() !== '' && Number.isInteger(replicas) && replicas >= 0 ? { currentReplicas: replicas } : {};
}
