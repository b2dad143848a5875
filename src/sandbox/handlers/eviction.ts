/** POST pods/<name>/eviction: refused with 429 while a PodDisruptionBudget allows no disruption. */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { ApiError } from '../api-error.js';
import { disruptionBudgetStatus } from '../controllers/housekeeping.js';
import { deletePodGracefully } from '../controllers/pod-deletion.js';
import { isPodReady } from '../controllers/pod-factory.js';
import { sendJson } from '../http-io.js';
import { labelsMatch, requirementsFromLabelSelector } from '../selectors.js';
import { isJsonObject } from '../types.js';
import { isDryRun, methodNotAllowed, readObject, type HandlerContext, type ResourceRequest } from './handler-context.js';

/** An Eviction. */
export async function handleEviction(context: HandlerContext, resource: ResourceRequest): Promise<void> {
  const { cluster } = context;
  if (context.request.method !== 'POST' || !resource.name) throw methodNotAllowed();
  const body = await readObject(context);
  const pod = cluster.store.mustGet(cluster.type('Pod'), resource.namespace, resource.name);
  const dryRun = isDryRun(resource.query, body);
  const podView = pod as unknown as Pod;
  if (!pod.metadata.deletionTimestamp && isPodReady(podView)) {
    const pods = cluster.store.peek(cluster.type('Pod'), { namespace: resource.namespace }) as unknown as Pod[];
    for (const budgetObject of cluster.store.peek(cluster.type('PodDisruptionBudget'), { namespace: resource.namespace })) {
      const budget = budgetObject as unknown as PodDisruptionBudget;
      if (!labelsMatch(requirementsFromLabelSelector(budget.spec?.selector), pod.metadata.labels)) continue;
      const status = disruptionBudgetStatus(cluster, budget, pods);
      if (status.disruptionsAllowed <= 0) {
        throw new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
          causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${budgetObject.metadata.name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently` }],
        });
      }
    }
  }
  if (!dryRun) {
    const options = isJsonObject(body) && isJsonObject(body['deleteOptions']) ? body['deleteOptions'] : {};
    deletePodGracefully(cluster, pod, typeof options['gracePeriodSeconds'] === 'number' ? options['gracePeriodSeconds'] : undefined);
  }
  sendJson(context.response, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
