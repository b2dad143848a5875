import type { Node, Pod, Toleration } from 'kubernetes-types/core/v1.js';
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import { ownValue } from '../../own-property.js';
import { createPod } from '../admission/admit.js';
import { ApiError } from '../api-error.js';
import type { SandboxCluster } from '../cluster.js';
import { cloneJson, jsonEqual, type KubeObject } from '../types.js';
import { ensureControllerRevision } from './controller-revisions.js';
import { deletePodGracefully } from './pod-deletion.js';
import { isPodReady, podFromTemplate, randomSuffix } from './pod-factory.js';
import { podsByOwner } from './replicaset-controller.js';

/** The tolerations the DaemonSet controller adds to its pods. */
function daemonTolerations(hostNetwork: boolean): Toleration[] {
  return [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    ...(hostNetwork ? [{ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' }] : []),
  ];
}

function tolerates(tolerations: Toleration[], key: string, value: string | undefined, effect: string): boolean {
  return tolerations.some((toleration) => (!toleration.effect || toleration.effect === effect)
    && (toleration.operator === 'Exists' ? !toleration.key || toleration.key === key : toleration.key === key && (toleration.value ?? '') === (value ?? '')));
}

/** NodeShouldRunDaemonPod: should a new pod run there, and may an existing one keep running. */
function shouldRun(set: DaemonSet, node: Node): { run: boolean; keep: boolean } {
  const template = set.spec?.template.spec;
  const labels = node.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(template?.nodeSelector ?? {})) if (ownValue(labels, key) !== value) return { run: false, keep: false };
  const tolerations = [...(template?.tolerations ?? []), ...daemonTolerations(Boolean(template?.hostNetwork))];
  let fits = true;
  let keep = true;
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect === 'PreferNoSchedule') continue;
    if (tolerates(tolerations, taint.key, taint.value, taint.effect)) continue;
    fits = false;
    if (taint.effect === 'NoExecute') keep = false;
  }
  return { run: fits, keep: fits || keep };
}

/** DaemonSet controller: one pod per node that should run one (cordoned nodes included), rolling update one node at a time. */
export function reconcileDaemonSets(cluster: SandboxCluster): void {
  const type = cluster.type('DaemonSet');
  const nodes = cluster.store.peek(cluster.type('Node')) as unknown as Node[];
  const owned = podsByOwner(cluster);
  for (const stored of [...cluster.store.peek(type)]) {
    if (stored.metadata.deletionTimestamp) continue;
    const object = cloneJson(stored);
    const set = object as unknown as DaemonSet;
    const revision = ensureControllerRevision(cluster, object, set.spec?.template);
    const hash = revision.slice(object.metadata.name.length + 1);
    const allPods = owned.get(object.metadata.uid ?? '') ?? [];
    const pods = allPods.filter((pod) => !pod.metadata.deletionTimestamp);
    const nodeOf = (pod: KubeObject) => (pod as unknown as Pod).spec?.nodeName ?? (pod as unknown as Pod).spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let updated = 0;
    let unavailableDuringUpdate = allPods.length - pods.length;
    const createDaemonPod = (nodeName: string, createdAt?: number) => {
      const pod = podFromTemplate(set.spec?.template, object, `${object.metadata.name}-${randomSuffix()}`, { 'controller-revision-hash': hash, 'pod-template-generation': String(object.metadata.generation ?? 1) });
      const spec = pod['spec'] as NonNullable<Pod['spec']>;
      spec.tolerations = [...(set.spec?.template.spec?.tolerations ?? []), ...daemonTolerations(Boolean(spec.hostNetwork))];
      spec.affinity = { ...spec.affinity, nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] } } };
      // While loading, a replacement was made in the scenario's past; its events are kept for an hour, like any.
      const past = cluster.loading && createdAt !== undefined;
      const options = past ? { history: { first: createdAt, last: createdAt, count: 1 } } : {};
      const recent = !past || Date.now() - (createdAt ?? 0) < 3_600_000;
      if (past) pod.metadata.creationTimestamp = cluster.timestamp(createdAt);
      try {
        createPod(cluster, pod);
        if (recent) cluster.recordEvent(object, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'daemonset-controller', options);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (recent) cluster.recordEvent(object, 'Warning', 'FailedCreate', `Error creating: ${error.message}`, 'daemonset-controller', options);
      }
    };
    for (const node of nodes) {
      const nodeName = node.metadata?.name ?? '';
      const verdict = shouldRun(set, node);
      const onNode = pods.filter((pod) => nodeOf(pod) === nodeName);
      if (verdict.run) {
        desired += 1;
        if (onNode.length === 0 && !allPods.some((pod) => nodeOf(pod) === nodeName)) {
          createDaemonPod(nodeName);
          continue;
        }
        if (onNode.length === 0) continue;
        // A failed daemon pod (evicted, say) is deleted and replaced, as the controller does.
        const failed = onNode.filter((pod) => (pod as unknown as Pod).status?.phase === 'Failed');
        let replacedAt = Date.now();
        for (const pod of failed) {
          // While loading, the pod failed in the scenario's past: the events carry that time (and expire after an hour).
          const failedAt = cluster.podRuntime.get(pod.metadata.uid ?? '')?.evicted?.at ?? Date.now();
          replacedAt = failedAt + 2_000;
          const options = cluster.loading ? { history: { first: failedAt + 1_000, last: failedAt + 1_000, count: 1 } } : {};
          if (!cluster.loading || Date.now() - failedAt < 3_600_000) {
            cluster.recordEvent(object, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}, will try to kill it`, 'daemonset-controller', options);
            cluster.recordEvent(object, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'daemonset-controller', options);
          }
          deletePodGracefully(cluster, pod);
        }
        if (failed.length === onNode.length) {
          createDaemonPod(nodeName, replacedAt);
          continue;
        }
        current += 1;
        if (onNode.some((pod) => isPodReady(pod as unknown as Pod))) ready += 1;
        else unavailableDuringUpdate += 1;
        if (onNode.some((pod) => pod.metadata.labels?.['controller-revision-hash'] === hash)) updated += 1;
      } else if (onNode.length > 0) {
        misscheduled += 1;
        if (!verdict.keep) {
          for (const pod of onNode) {
            deletePodGracefully(cluster, pod);
            cluster.recordEvent(object, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'daemonset-controller');
          }
        }
      }
    }
    for (const pod of pods) {
      if (!nodes.some((node) => node.metadata?.name === nodeOf(pod))) {
        deletePodGracefully(cluster, pod);
        cluster.recordEvent(object, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'daemonset-controller');
      }
    }
    if (unavailableDuringUpdate === 0 && set.spec?.updateStrategy?.type !== 'OnDelete') {
      const stale = pods.find((pod) => pod.metadata.labels?.['controller-revision-hash'] !== hash);
      if (stale) {
        deletePodGracefully(cluster, stale);
        cluster.recordEvent(object, 'Normal', 'SuccessfulDelete', `Deleted pod: ${stale.metadata.name}`, 'daemonset-controller');
      }
    }
    const status: Record<string, unknown> = {
      currentNumberScheduled: current, desiredNumberScheduled: desired, numberMisscheduled: misscheduled,
      numberReady: ready, numberAvailable: ready, observedGeneration: object.metadata.generation ?? 1, updatedNumberScheduled: updated,
      ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : {}),
    };
    if (jsonEqual(status, stored['status'])) continue;
    object['status'] = status;
    cluster.store.update(type, object);
  }
}
