/** metrics.k8s.io/v1beta1: PodMetrics and NodeMetrics (what kubectl top reads). */
import { notFound } from '../api-error.js';
import { sendJson } from '../http-io.js';
import { nodeMetrics, podMetrics } from '../metrics.js';
import { listOptions, type HandlerContext, type ResourceRequest } from './handler-context.js';

/** A metrics request (get or list). */
export function handleMetrics(context: HandlerContext, resource: ResourceRequest): void {
  const { cluster } = context;
  const pods = cluster.store.peek(cluster.type('Pod'));
  if (resource.type.plural === 'nodes') {
    const nodes = cluster.store.peekSorted(cluster.type('Node'), listOptions({ ...resource, namespace: undefined }));
    if (resource.name) {
      const node = nodes.find((entry) => entry.metadata.name === resource.name);
      if (!node) throw notFound('nodemetrics', 'metrics.k8s.io', resource.name);
      sendJson(context.response, 200, nodeMetrics(cluster, node, pods));
      return;
    }
    sendJson(context.response, 200, { kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: nodes.map((node) => nodeMetrics(cluster, node, pods)) });
    return;
  }
  const matching = cluster.store.peekSorted(cluster.type('Pod'), listOptions(resource));
  if (resource.name) {
    const pod = matching.find((entry) => entry.metadata.name === resource.name);
    const metrics = pod ? podMetrics(cluster, pod) : undefined;
    if (!metrics) throw notFound('podmetrics', 'metrics.k8s.io', `${resource.namespace}/${resource.name}`);
    sendJson(context.response, 200, metrics);
    return;
  }
  const items = matching.map((pod) => podMetrics(cluster, pod)).filter((entry) => entry !== undefined);
  sendJson(context.response, 200, { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items });
}

