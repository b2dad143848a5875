/**
 * The Secrets and ConfigMaps a pod needs before its containers can start, checked the way the
 * kubelet does: volumes first (a missing source keeps the pod in ContainerCreating with FailedMount),
 * then each container's envFrom and env (a missing object or key is CreateContainerConfigError).
 * `optional: true` references never fail. The messages are the kubelet's.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { SandboxCluster } from '../cluster.js';
import type { KubeObject } from '../types.js';

function lookup(cluster: SandboxCluster, kind: 'Secret' | 'ConfigMap', namespace: string | undefined, name: string): KubeObject | undefined {
  return cluster.store.peekOne(cluster.type(kind), namespace, name);
}

function keys(object: KubeObject): Set<string> {
  return new Set([...Object.keys((object['data'] as Record<string, unknown> | undefined) ?? {}), ...Object.keys((object['binaryData'] as Record<string, unknown> | undefined) ?? {})]);
}

/** The first volume that cannot be set up, with the kubelet's MountVolume.SetUp message. */
export function volumeProblem(cluster: SandboxCluster, pod: Pod): { volume: string; message: string } | undefined {
  const namespace = pod.metadata?.namespace;
  for (const volume of pod.spec?.volumes ?? []) {
    const secret = volume.secret;
    if (secret?.secretName) {
      const object = lookup(cluster, 'Secret', namespace, secret.secretName);
      if (!object) {
        if (secret.optional) continue;
        return { volume: volume.name, message: `MountVolume.SetUp failed for volume "${volume.name}" : secret "${secret.secretName}" not found` };
      }
      const present = keys(object);
      const missing = (secret.items ?? []).find((item) => !present.has(item.key));
      if (missing && !secret.optional) return { volume: volume.name, message: `MountVolume.SetUp failed for volume "${volume.name}" : references non-existent secret key: ${missing.key}` };
    }
    const configMap = volume.configMap;
    if (configMap?.name) {
      const object = lookup(cluster, 'ConfigMap', namespace, configMap.name);
      if (!object) {
        if (configMap.optional) continue;
        return { volume: volume.name, message: `MountVolume.SetUp failed for volume "${volume.name}" : configmap "${configMap.name}" not found` };
      }
      const present = keys(object);
      const missing = (configMap.items ?? []).find((item) => !present.has(item.key));
      if (missing && !configMap.optional) return { volume: volume.name, message: `MountVolume.SetUp failed for volume "${volume.name}" : configmap references non-existent config key: ${missing.key}` };
    }
    for (const source of volume.projected?.sources ?? []) {
      const projectedSecret = source.secret?.name ? source.secret : undefined;
      if (projectedSecret && !projectedSecret.optional && !lookup(cluster, 'Secret', namespace, projectedSecret.name ?? '')) {
        return { volume: volume.name, message: `MountVolume.SetUp failed for volume "${volume.name}" : secret "${projectedSecret.name}" not found` };
      }
      const projectedMap = source.configMap?.name ? source.configMap : undefined;
      if (projectedMap && !projectedMap.optional && !lookup(cluster, 'ConfigMap', namespace, projectedMap.name ?? '')) {
        return { volume: volume.name, message: `MountVolume.SetUp failed for volume "${volume.name}" : configmap "${projectedMap.name}" not found` };
      }
    }
  }
  return undefined;
}

/** Names of every volume that is not mounted while `problem` blocks (the "Unable to attach or mount volumes" list). */
export function unmountedVolumes(pod: Pod, problem: { volume: string }): string[] {
  return [problem.volume];
}

/** The CreateContainerConfigError message of a container's environment, if a reference is missing. */
export function environmentProblem(cluster: SandboxCluster, pod: Pod, container: Container): string | undefined {
  const namespace = pod.metadata?.namespace ?? '';
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef?.name && !source.configMapRef.optional && !lookup(cluster, 'ConfigMap', namespace, source.configMapRef.name)) {
      return `configmap "${source.configMapRef.name}" not found`;
    }
    if (source.secretRef?.name && !source.secretRef.optional && !lookup(cluster, 'Secret', namespace, source.secretRef.name)) {
      return `secret "${source.secretRef.name}" not found`;
    }
  }
  for (const variable of container.env ?? []) {
    const configMapRef = variable.valueFrom?.configMapKeyRef;
    if (configMapRef) {
      const object = lookup(cluster, 'ConfigMap', namespace, configMapRef.name ?? '');
      if (!object) {
        if (configMapRef.optional) continue;
        return `configmap "${configMapRef.name}" not found`;
      }
      if (!keys(object).has(configMapRef.key) && !configMapRef.optional) return `couldn't find key ${configMapRef.key} in ConfigMap ${namespace}/${configMapRef.name}`;
    }
    const secretRef = variable.valueFrom?.secretKeyRef;
    if (secretRef) {
      const object = lookup(cluster, 'Secret', namespace, secretRef.name ?? '');
      if (!object) {
        if (secretRef.optional) continue;
        return `secret "${secretRef.name}" not found`;
      }
      if (!keys(object).has(secretRef.key) && !secretRef.optional) return `couldn't find key ${secretRef.key} in Secret ${namespace}/${secretRef.name}`;
    }
  }
  return undefined;
}
