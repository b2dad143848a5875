/**
 * The HorizontalPodAutoscaler controller (autoscaling/v2), every 15 s: reads the target's scale,
 * the pods' resource metrics (metrics.k8s.io, as the sandbox reports them) and requests, computes
 * the replica count, scales within min/max, and writes the conditions and events the real
 * controller writes: AbleToScale=False FailedGetScale for a missing target or one without a scale
 * subresource (a DaemonSet), ScalingActive=False
 * FailedGetResourceMetric for a pod without a request or without metrics, ScalingLimited=True
 * TooManyReplicas when pinned at the maximum. A status the scenario wrote is kept as written.
 */
import type { HorizontalPodAutoscaler, MetricSpec } from 'kubernetes-types/autoscaling/v2.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { ownValue } from '../../own-property.js';
import type { SandboxCluster } from '../cluster.js';
import { spamLimitedCount } from '../events/event-recorder.js';
import { containerUsage } from '../metrics.js';
import { formatQuantity, parseQuantity } from '../quantity.js';
import { labelsMatch, requirementsFromLabelSelector } from '../selectors.js';
import { cloneJson, jsonEqual, type KubeObject } from '../types.js';
import { isActivePod, isPodReady } from './pod-factory.js';

interface MetricResult {
  ok: boolean;
  /** Replicas this metric asks for. */
  replicas?: number;
  current?: Record<string, unknown>;
  error?: { reason: string; message: string; detail: string };
  description?: string;
}

const memory = new WeakMap<SandboxCluster, Map<string, { lastSync: number; recommendations: { at: number; replicas: number }[] }>>();

function stateOf(cluster: SandboxCluster, uid: string) {
  let table = memory.get(cluster);
  if (!table) {
    table = new Map();
    memory.set(cluster, table);
  }
  let state = table.get(uid);
  if (!state) {
    state = { lastSync: 0, recommendations: [] };
    table.set(uid, state);
  }
  return state;
}

function resourceMetric(cluster: SandboxCluster, metric: MetricSpec, pods: Pod[], currentReplicas: number): MetricResult {
  const resource = metric.resource;
  if (!resource) return { ok: false, error: { reason: 'FailedGetResourceMetric', message: 'invalid resource metric source', detail: 'invalid resource metric source' } };
  const name = resource.name;
  const running = pods.filter((pod) => isActivePod(pod) && pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp);
  const reporting = running.filter((pod) => (pod.status?.containerStatuses ?? []).some((status) => status.state?.running));
  if (reporting.length === 0) {
    const detail = running.length > 0 || pods.length === 0
      ? `failed to get ${name} utilization: unable to get metrics for resource ${name}: no metrics returned from resource metrics API`
      : `failed to get ${name} utilization: did not receive metrics for targeted pods (pods might be unready)`;
    return { ok: false, error: { reason: 'FailedGetResourceMetric', message: detail, detail } };
  }
  const target = resource.target;
  let usage = 0;
  let requested = 0;
  for (const pod of reporting) {
    for (const container of pod.spec?.containers ?? []) {
      const request = ownValue(container.resources?.requests, name);
      if (request === undefined && target.type === 'Utilization') {
        const detail = `failed to get ${name} utilization: missing request for ${name} in container ${container.name} of Pod ${pod.metadata?.name}`;
        return { ok: false, error: { reason: 'FailedGetResourceMetric', message: detail, detail } };
      }
      requested += parseQuantity(request);
      const sample = containerUsage(cluster, pod, container.name);
      usage += name === 'memory' ? sample.memory : sample.cpu;
    }
  }
  const averageValue = usage / reporting.length;
  const format = name === 'memory' ? 'binary' : 'decimal';
  const valueText = name === 'memory' ? formatQuantity(Math.round(averageValue / 1024) * 1024, format) : `${Math.round(averageValue * 1000)}m`;
  if (target.type === 'Utilization') {
    const utilization = Math.round((usage / Math.max(requested, 1e-9)) * 100);
    const ratio = utilization / (target.averageUtilization ?? 80);
    const replicas = Math.abs(ratio - 1) <= 0.1 ? currentReplicas : Math.ceil(ratio * reporting.length);
    return { ok: true, replicas, current: { averageUtilization: utilization, averageValue: valueText }, description: `${name} resource utilization (percentage of request)` };
  }
  const targetValue = parseQuantity(target.averageValue as string | undefined) || 1;
  const ratio = averageValue / targetValue;
  const replicas = Math.abs(ratio - 1) <= 0.1 ? currentReplicas : Math.ceil(ratio * reporting.length);
  return { ok: true, replicas, current: { averageValue: valueText }, description: `${name} resource` };
}

/** The HPA controller pass (each HPA at most every hpaSyncMs). */
export function reconcileHorizontalPodAutoscalers(cluster: SandboxCluster): void {
  const type = cluster.type('HorizontalPodAutoscaler');
  const now = Date.now();
  for (const stored of [...cluster.store.peek(type)]) {
    const uid = stored.metadata.uid ?? '';
    if (cluster.frozenStatus.has(uid)) {
      syncFrozen(cluster, stored);
      continue;
    }
    const state = stateOf(cluster, uid);
    if (!cluster.loading && now - state.lastSync < cluster.timings.hpaSyncMs && state.lastSync > 0) continue;
    if (cluster.loading && state.lastSync > 0) continue;
    state.lastSync = now;
    cluster.wakeAt(`hpa/${uid}`, now + cluster.timings.hpaSyncMs, () => cluster.requestReconcile());
    syncHpa(cluster, cloneJson(stored), state, now);
  }
}

/** A status written by the scenario: only the replica counts follow the target. */
function syncFrozen(cluster: SandboxCluster, stored: KubeObject): void {
  const hpa = stored as unknown as HorizontalPodAutoscaler;
  const reference = hpa.spec?.scaleTargetRef;
  const targetType = reference ? safeType(cluster, reference.kind) : undefined;
  const target = targetType && reference ? cluster.store.peekOne(targetType, stored.metadata.namespace, reference.name) : undefined;
  const replicas = Number((target?.['spec'] as { replicas?: number } | undefined)?.replicas ?? 0);
  if (!target || hpa.status?.currentReplicas === replicas) return;
  const next = cloneJson(stored);
  next['status'] = { ...hpa.status, currentReplicas: replicas, desiredReplicas: Math.max(hpa.spec?.minReplicas ?? 1, Math.min(hpa.spec?.maxReplicas ?? replicas, replicas)) };
  cluster.store.update(cluster.type('HorizontalPodAutoscaler'), next);
}

function safeType(cluster: SandboxCluster, kind: string) {
  try {
    return cluster.type(kind);
  } catch {
    return undefined;
  }
}

function syncHpa(cluster: SandboxCluster, object: KubeObject, state: { recommendations: { at: number; replicas: number }[] }, now: number): void {
  const type = cluster.type('HorizontalPodAutoscaler');
  const hpa = object as unknown as HorizontalPodAutoscaler;
  const spec = hpa.spec;
  if (!spec) return;
  const previous = hpa.status?.conditions ?? [];
  const at = cluster.timestamp(now);
  const condition = (conditionType: string, status: 'True' | 'False', reason: string, message: string) => {
    const old = previous.find((entry) => entry.type === conditionType);
    return { type: conditionType, status, reason, message, lastTransitionTime: old && old.status === status ? old.lastTransitionTime : cluster.loading ? object.metadata.creationTimestamp ?? at : at };
  };
  const event = (eventType: 'Normal' | 'Warning', reason: string, message: string) => {
    if (cluster.loading) {
      const since = Math.max(Date.parse(object.metadata.creationTimestamp ?? '') || now, now - 3_600_000 * 24);
      const occurrences = Math.floor((now - since) / 15_000) + 1;
      const last = since + (occurrences - 1) * 15_000;
      cluster.recordEvent(object, eventType, reason, message, 'horizontal-pod-autoscaler', { history: { first: since, last, count: spamLimitedCount(occurrences, last - since) } });
    } else cluster.recordEvent(object, eventType, reason, message, 'horizontal-pod-autoscaler');
  };
  const reference = spec.scaleTargetRef;
  const group = (reference.apiVersion ?? 'apps/v1').split('/')[0] ?? 'apps';
  const plural = `${reference.kind.toLowerCase()}s`;
  const targetType = safeType(cluster, reference.kind);
  const target = targetType ? cluster.store.peekOne(targetType, object.metadata.namespace, reference.name) : undefined;
  const write = (status: Record<string, unknown>) => {
    if (jsonEqual(status, object['status'])) return;
    object['status'] = status;
    cluster.store.update(type, object);
  };
  if (!target) {
    const message = `${plural}/scale${group.includes('.') || group === 'apps' ? `.${group}` : ''} "${reference.name}" not found`;
    event('Warning', 'FailedGetScale', message);
    write({ currentReplicas: 0, desiredReplicas: 0, conditions: [condition('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${message}`)] });
    return;
  }
  if (!targetType?.subresources?.some((subresource) => subresource.name === 'scale')) {
    // The scale client asks for <kind>/scale, which only scalable kinds serve (a DaemonSet has none): 404.
    const message = 'the server could not find the requested resource';
    event('Warning', 'FailedGetScale', message);
    write({ currentReplicas: 0, desiredReplicas: 0, conditions: [condition('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${message}`)] });
    return;
  }
  const currentReplicas = Number((target['spec'] as { replicas?: number } | undefined)?.replicas ?? 1);
  const selector = (target['spec'] as { selector?: Parameters<typeof requirementsFromLabelSelector>[0] } | undefined)?.selector;
  const requirements = requirementsFromLabelSelector(selector);
  const pods = (cluster.store.peek(cluster.type('Pod'), { namespace: object.metadata.namespace }) as unknown as Pod[]).filter((pod) => labelsMatch(requirements, pod.metadata?.labels) && isActivePod(pod));
  const metrics = spec.metrics ?? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  const results: MetricResult[] = metrics.map((metric) => {
    if (metric.type === 'Resource') return resourceMetric(cluster, metric, pods, currentReplicas);
    const name = metric.pods?.metric.name ?? metric.object?.metric.name ?? metric.external?.metric.name ?? metric.containerResource?.name ?? '';
    const kind = metric.type === 'Pods' ? 'Pods' : metric.type === 'Object' ? 'Object' : metric.type === 'External' ? 'External' : 'ContainerResource';
    const detail = metric.type === 'External'
      ? `unable to get external metric ${object.metadata.namespace}/${name}/nil: unable to fetch metrics from external metrics API: the server could not find the requested resource (get ${name}.external.metrics.k8s.io)`
      : `unable to get metric ${name}: unable to fetch metrics from custom metrics API: the server could not find the metric ${name} for ${metric.type === 'Pods' ? 'pods' : 'objects'}`;
    return { ok: false, error: { reason: `FailedGet${kind}Metric`, message: detail, detail } };
  });
  const ableToScale = condition('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
  const failures = results.filter((result) => !result.ok);
  const currentMetrics = results.map((result, index) => (result.ok ? { type: metrics[index]?.type, resource: { name: metrics[index]?.resource?.name, current: result.current } } : { type: '' }));
  if (failures.length > 0 && failures.length === results.length) {
    const first = failures[0]?.error;
    for (const failure of failures) if (failure.error) event('Warning', failure.error.reason, failure.error.message);
    const firstMetric = metrics[results.indexOf(failures[0] as MetricResult)];
    const kindWord = firstMetric?.type === 'Resource' ? `${firstMetric.resource?.name} resource metric value` : 'metric value';
    event('Warning', 'FailedComputeMetricsReplicas', `invalid metrics (${failures.length} invalid out of ${results.length}), first error is: failed to get ${kindWord}: ${first?.detail ?? ''}`);
    write({
      currentReplicas, desiredReplicas: hpa.status?.desiredReplicas ?? currentReplicas, currentMetrics,
      ...(hpa.status?.lastScaleTime ? { lastScaleTime: hpa.status.lastScaleTime } : {}),
      conditions: [ableToScale, condition('ScalingActive', 'False', first?.reason ?? 'FailedGetResourceMetric', `the HPA was unable to compute the replica count: ${first?.detail ?? ''}`)],
    });
    return;
  }
  const proposals = results.filter((result) => result.ok);
  const best = proposals.reduce<MetricResult | undefined>((winner, result) => (!winner || (result.replicas ?? 0) > (winner.replicas ?? 0) ? result : winner), undefined);
  const raw = best?.replicas ?? currentReplicas;
  const min = spec.minReplicas ?? 1;
  const max = spec.maxReplicas;
  let desired = Math.max(min, Math.min(max, raw));
  const limited = raw > max ? condition('ScalingLimited', 'True', 'TooManyReplicas', 'the desired replica count is more than the maximum replica count')
    : raw < min ? condition('ScalingLimited', 'True', 'TooFewReplicas', 'the desired replica count is less than the minimum replica count')
      : condition('ScalingLimited', 'False', 'DesiredWithinRange', 'the desired count is within the acceptable range');
  // Scale-down stabilization: the highest recommendation of the last five minutes.
  state.recommendations = [...state.recommendations.filter((entry) => now - entry.at < 300_000), { at: now, replicas: desired }];
  let able = condition('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size');
  if (desired < currentReplicas) {
    const highest = Math.max(...state.recommendations.map((entry) => entry.replicas));
    if (highest > desired) {
      desired = Math.min(currentReplicas, highest);
      able = condition('AbleToScale', 'True', 'ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation');
    }
  }
  let lastScaleTime = hpa.status?.lastScaleTime;
  if (desired !== currentReplicas && targetType && !cluster.loading) {
    const next = cloneJson(target);
    (next['spec'] as Record<string, unknown>)['replicas'] = desired;
    cluster.store.update(targetType, next);
    const direction = desired > currentReplicas ? 'above' : 'below';
    const reason = raw > max && desired === max ? 'All metrics below target' : `${best?.description ?? 'cpu resource utilization (percentage of request)'} ${direction} target`;
    cluster.recordEvent(object, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`, 'horizontal-pod-autoscaler');
    able = condition('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
    lastScaleTime = at;
  }
  write({
    currentReplicas: cluster.loading ? currentReplicas : desired === currentReplicas ? currentReplicas : currentReplicas, desiredReplicas: desired, currentMetrics,
    ...(lastScaleTime ? { lastScaleTime } : {}),
    conditions: [able, condition('ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${best?.description ?? 'cpu resource utilization (percentage of request)'}`), limited],
  });
  void isPodReady;
}
