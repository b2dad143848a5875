import type { Pod, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { createPod } from '../admission/admit.js';
import { ApiError } from '../api-error.js';
import { cloneJson, jsonEqual, type KubeObject } from '../types.js';
import { ensureControllerRevision } from './controller-revisions.js';
import { deletePodGracefully } from './pod-deletion.js';
import { isActivePod, isPodReady, podFromTemplate } from './pod-factory.js';
import { podsByOwner } from './replicaset-controller.js';

function ordinalOf(pod: KubeObject, setName: string): number {
  return Number(pod.metadata.name.slice(setName.length + 1));
}

/** StatefulSet controller: ordered pods `<name>-<i>`, claims from volumeClaimTemplates, rolling update from the highest ordinal. */
export function reconcileStatefulSets(cluster: SandboxCluster): void {
  const type = cluster.type('StatefulSet');
  const owned = podsByOwner(cluster);
  for (const stored of [...cluster.store.peek(type)]) {
    if (stored.metadata.deletionTimestamp) continue;
    const object = cloneJson(stored);
    const set = object as unknown as StatefulSet;
    const spec = set.spec;
    if (!spec) continue;
    const name = object.metadata.name;
    const namespace = object.metadata.namespace;
    const replicas = spec.replicas ?? 1;
    const updateRevision = ensureControllerRevision(cluster, object, spec.template);
    const allPods = owned.get(object.metadata.uid ?? '') ?? [];
    const pods = allPods.filter((pod) => !pod.metadata.deletionTimestamp);
    const byOrdinal = new Map(pods.map((pod) => [ordinalOf(pod, name), pod]));
    const allHealthy = pods.every((pod) => isPodReady(pod as unknown as Pod)) && allPods.length === pods.length;
    let acted = false;
    for (let ordinal = 0; ordinal < replicas && !acted; ordinal += 1) {
      if (byOrdinal.has(ordinal)) continue;
      if (!allHealthy && spec.podManagementPolicy !== 'Parallel') break;
      const podName = `${name}-${ordinal}`;
      const pod = podFromTemplate(spec.template, object, podName, {
        'controller-revision-hash': updateRevision, 'statefulset.kubernetes.io/pod-name': podName, 'apps.kubernetes.io/pod-index': String(ordinal),
      });
      const podSpec = pod['spec'] as Pod['spec'] & Record<string, unknown>;
      podSpec.hostname = podName;
      if (spec.serviceName) podSpec.subdomain = spec.serviceName;
      for (const claimTemplate of spec.volumeClaimTemplates ?? []) {
        const claimName = `${claimTemplate.metadata?.name}-${podName}`;
        podSpec.volumes = [...(podSpec.volumes ?? []), { name: claimTemplate.metadata?.name ?? 'data', persistentVolumeClaim: { claimName } }];
        if (!cluster.store.get(cluster.type('PersistentVolumeClaim'), namespace, claimName)) {
          const claim: PersistentVolumeClaim = cloneJson(claimTemplate);
          cluster.create(cluster.type('PersistentVolumeClaim'), {
            apiVersion: 'v1', kind: 'PersistentVolumeClaim',
            metadata: { name: claimName, namespace, labels: { ...(spec.selector.matchLabels ?? {}) }, ...(cluster.loading && object.metadata.creationTimestamp ? { creationTimestamp: object.metadata.creationTimestamp } : {}) },
            spec: { volumeMode: 'Filesystem', ...claim.spec } as KubeObject[string],
            status: { phase: 'Pending' },
          });
          cluster.recordEvent(object, 'Normal', 'SuccessfulCreate', `create Claim ${claimName} Pod ${podName} in StatefulSet ${name} success`, 'statefulset-controller');
        }
      }
      try {
        createPod(cluster, pod);
        cluster.recordEvent(object, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${name} successful`, 'statefulset-controller');
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        cluster.recordEvent(object, 'Warning', 'FailedCreate', `create Pod ${podName} in StatefulSet ${name} failed error: ${error.message}`, 'statefulset-controller');
      }
      acted = true;
    }
    if (!acted && allHealthy) {
      const extra = pods.filter((pod) => ordinalOf(pod, name) >= replicas).sort((left, right) => ordinalOf(right, name) - ordinalOf(left, name))[0];
      const stale = pods.filter((pod) => pod.metadata.labels?.['controller-revision-hash'] !== updateRevision).sort((left, right) => ordinalOf(right, name) - ordinalOf(left, name))[0];
      const victim = extra ?? (spec.updateStrategy?.type === 'OnDelete' ? undefined : stale);
      if (victim) {
        deletePodGracefully(cluster, victim);
        cluster.recordEvent(object, 'Normal', 'SuccessfulDelete', `delete Pod ${victim.metadata.name} in StatefulSet ${name} successful`, 'statefulset-controller');
      }
    }
    const active = pods.filter((pod) => isActivePod(pod as unknown as Pod) && ordinalOf(pod, name) < replicas);
    const ready = active.filter((pod) => isPodReady(pod as unknown as Pod)).length;
    const updated = active.filter((pod) => pod.metadata.labels?.['controller-revision-hash'] === updateRevision).length;
    const previous = set.status;
    const currentRevision = updated === replicas && active.length === replicas ? updateRevision : previous?.currentRevision ?? updateRevision;
    const current = active.filter((pod) => pod.metadata.labels?.['controller-revision-hash'] === currentRevision).length;
    const status = {
      observedGeneration: object.metadata.generation ?? 1, replicas: active.length, readyReplicas: ready, currentReplicas: current,
      updatedReplicas: updated, currentRevision, updateRevision, collisionCount: 0, availableReplicas: ready,
    };
    if (jsonEqual(status, stored['status'])) continue;
    object['status'] = status;
    cluster.store.update(type, object);
  }
}
