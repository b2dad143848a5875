/**
 * What happens when the kubelet pulls a container's image: the reference may not parse
 * (InvalidImageName), the registry may not have it, may want credentials, or may be unreachable
 * (ErrImagePull, then ImagePullBackOff), all in the words containerd (or CRI-O) and the kubelet use.
 * The scenario's `registry:` block and ImagePullBackOff faults decide; everything else is present.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { faultFor } from '../controllers/pod-factory.js';
import { parseImageReference, referenceMatches, type ImageReference } from './image-reference.js';

/** The outcome of one pull attempt (or of the image check, when no pull is needed). */
export type PullOutcome =
  | { ok: true; pulled: boolean }
  | { ok: false; reason: 'InvalidImageName' | 'ErrImagePull' | 'ErrImageNeverPull'; message: string; event: { reason: string; message: string } };

/** The runtime prefix of container IDs and the node's containerRuntimeVersion. */
export function runtimeName(cluster: SandboxCluster): 'containerd' | 'cri-o' {
  return cluster.registry.runtime ?? 'containerd';
}

function pullFailure(cluster: SandboxCluster, image: string, reference: ImageReference, kind: 'missing' | 'private' | 'unreachable'): string {
  const ref = reference.normalized;
  const tagOrDigest = reference.digest ?? reference.tag ?? 'latest';
  const repository = `${reference.domain}/${reference.path}`;
  if (runtimeName(cluster) === 'cri-o') {
    if (kind === 'missing') return `rpc error: code = Unknown desc = initializing source docker://${ref}: reading manifest ${tagOrDigest} in ${repository}: manifest unknown`;
    if (kind === 'private') return `rpc error: code = Unknown desc = initializing source docker://${ref}: reading manifest ${tagOrDigest} in ${repository}: requested access to the resource is denied`;
    return `rpc error: code = Unknown desc = pinging container registry ${reference.domain}: Get "https://${reference.domain}/v2/": dial tcp: lookup ${reference.domain}: no such host`;
  }
  void image;
  if (kind === 'missing') return `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
  if (kind === 'private') {
    return `rpc error: code = Unknown desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;
  }
  const host = reference.domain === 'docker.io' ? 'registry-1.docker.io' : reference.domain;
  return `rpc error: code = Unknown desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": failed to do request: Head "https://${host}/v2/${reference.path}/manifests/${tagOrDigest}": dial tcp: lookup ${host} on 10.0.0.2:53: no such host`;
}

/** True when the pod names an existing docker-registry Secret in imagePullSecrets. */
function hasPullCredentials(cluster: SandboxCluster, pod: Pod): boolean {
  const secretType = cluster.type('Secret');
  return (pod.spec?.imagePullSecrets ?? []).some((entry) => {
    const secret = entry.name ? cluster.store.peekOne(secretType, pod.metadata?.namespace, entry.name) : undefined;
    return secret !== undefined && ['kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg'].includes(String(secret['type'] ?? ''));
  });
}

/** imagePullSecrets the pod names that do not exist (the kubelet warns, then tries anyway). */
export function missingPullSecrets(cluster: SandboxCluster, pod: Pod): string[] {
  const secretType = cluster.type('Secret');
  return (pod.spec?.imagePullSecrets ?? []).map((entry) => entry.name ?? '').filter((name) => name && !cluster.store.peekOne(secretType, pod.metadata?.namespace, name));
}

/** What pulling (or finding) this container's image gives now. */
export function pullImage(cluster: SandboxCluster, pod: Pod, container: Container, index: number, init: boolean): PullOutcome {
  const image = container.image ?? '';
  const parsed = parseImageReference(image);
  if ('error' in parsed) {
    const message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": ${parsed.error}`;
    return { ok: false, reason: 'InvalidImageName', message, event: { reason: 'InspectFailed', message } };
  }
  const registry = cluster.registry;
  const matchesAny = (rules: string[] | undefined) => (rules ?? []).some((rule) => referenceMatches(rule, image, parsed));
  const fault = faultFor(cluster, pod, container, index, init);
  let failure: 'missing' | 'private' | 'unreachable' | undefined;
  if (fault?.type === 'ImagePullBackOff' || matchesAny(registry.missing)) failure = 'missing';
  else if (matchesAny(registry.unreachable)) failure = 'unreachable';
  else if (matchesAny(registry.private) && !hasPullCredentials(cluster, pod)) failure = 'private';
  const policy = container.imagePullPolicy ?? (image.endsWith(':latest') || !parsed.tag ? 'Always' : 'IfNotPresent');
  if (!failure) return { ok: true, pulled: policy === 'Always' };
  if (policy === 'Never') {
    const message = `Container image "${image}" is not present with pull policy of Never`;
    return { ok: false, reason: 'ErrImageNeverPull', message, event: { reason: 'ErrImageNeverPull', message } };
  }
  const message = pullFailure(cluster, image, parsed, failure);
  return { ok: false, reason: 'ErrImagePull', message, event: { reason: 'Failed', message: `Failed to pull image "${image}": ${message}` } };
}
