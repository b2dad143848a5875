import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { SandboxCluster } from '../cluster.js';
import type { KubeObject } from '../types.js';
import { ensureControllerRevision } from './controller-revisions.js';
import { deletePodGracefully } from './pod-deletion.js';
import { isPodReady, podFromTemplate, randomSuffix } from './pod-factory.js';
import { podsByOwner } from './replicaset-controller.js';
import { ownValue } from '../../own-property.js';

const daemonTolerations = [
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

function eligible(set: DaemonSet, node: Node): boolean {
  for (const [key, value] of Object.entries(set.spec?.template.spec?.nodeSelector ?? {})) if (ownValue(node.metadata?.labels, key) !== value) return false;
  const tolerations = set.spec?.template.spec?.tolerations ?? [];
  return (node.spec?.taints ?? []).every((taint) => taint.effect === 'PreferNoSchedule' || taint.key === 'node.kubernetes.io/unschedulable'
    || tolerations.some((toleration) => (toleration.operator === 'Exists' && !toleration.key) || toleration.key === taint.key));
}

/** DaemonSet controller: one pod per eligible node (cordoned nodes included), rolling update one node at a time. */
export function reconcileDaemonSets(cluster: SandboxCluster): void {
  const type = cluster.type('DaemonSet');
  const nodes = cluster.store.peek(cluster.type('Node')) as unknown as Node[];
  const owned = podsByOwner(cluster);
  for (const object of cluster.store.list(type)) {
    if (object.metadata.deletionTimestamp) continue;
    const set = object as unknown as DaemonSet;
    const revision = ensureControllerRevision(cluster, object, set.spec?.template);
    const hash = revision.slice(object.metadata.name.length + 1);
    const allPods = owned.get(object.metadata.uid ?? '') ?? [];
    const pods = allPods.filter((pod) => !pod.metadata.deletionTimestamp);
    const targets = nodes.filter((node) => eligible(set, node));
    let unavailable = allPods.length - pods.length;
    for (const node of targets) {
      const nodeName = node.metadata?.name ?? '';
      const onNode = pods.filter((pod) => (pod as unknown as Pod).spec?.nodeName === nodeName);
      if (onNode.length === 0 && !allPods.some((pod) => (pod as unknown as Pod).spec?.nodeName === nodeName)) {
        const pod = podFromTemplate(set.spec?.template, object, `${object.metadata.name}-${randomSuffix()}`, { 'controller-revision-hash': hash, 'pod-template-generation': String(object.metadata.generation ?? 1) });
        const spec = pod['spec'] as NonNullable<Pod['spec']>;
        spec.nodeName = nodeName;
        spec.tolerations = [...(spec.tolerations ?? []), ...daemonTolerations];
        cluster.store.create(cluster.type('Pod'), pod);
        cluster.recordEvent(object, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'daemonset-controller');
      }
      for (const pod of onNode) if (!isPodReady(pod as unknown as Pod)) unavailable += 1;
    }
    for (const pod of pods) {
      const nodeName = (pod as unknown as Pod).spec?.nodeName;
      if (!targets.some((node) => node.metadata?.name === nodeName)) {
        deletePodGracefully(cluster, pod);
        cluster.recordEvent(object, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'daemonset-controller');
      }
    }
    if (unavailable === 0 && set.spec?.updateStrategy?.type !== 'OnDelete') {
      const stale = pods.find((pod) => pod.metadata.labels?.['controller-revision-hash'] !== hash);
      if (stale) {
        deletePodGracefully(cluster, stale);
        cluster.recordEvent(object, 'Normal', 'SuccessfulDelete', `Deleted pod: ${stale.metadata.name}`, 'daemonset-controller');
      }
    }
    const scheduled = pods.filter((pod) => targets.some((node) => node.metadata?.name === (pod as unknown as Pod).spec?.nodeName));
    const ready = scheduled.filter((pod) => isPodReady(pod as unknown as Pod)).length;
    object['status'] = {
      currentNumberScheduled: scheduled.length, desiredNumberScheduled: targets.length, numberMisscheduled: 0,
      numberReady: ready, numberAvailable: ready, observedGeneration: object.metadata.generation ?? 1,
      updatedNumberScheduled: scheduled.filter((pod) => pod.metadata.labels?.['controller-revision-hash'] === hash).length,
      ...(targets.length - ready > 0 ? { numberUnavailable: targets.length - ready } : {}),
    };
    cluster.store.update(type, object as KubeObject);
  }
}
