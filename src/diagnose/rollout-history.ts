/**
 * Rollout history from the snapshot: a Deployment's ReplicaSets (revision annotation, template images)
 * and a StatefulSet's or DaemonSet's ControllerRevisions, newest first, and which revision a pod runs.
 * It is what turns "pods crash" into "revision 3 (image X) rolled out 14m ago and its pods crash".
 */
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { ago } from './age.js';
import { controllerOf, revisionOf, type SnapshotIndex } from './snapshot-index.js';
import type { ControllerRevision, Pod } from './snapshot-types.js';
import { ownValue, setOwnValue } from '../own-property.js';

/** One revision of a workload. */
export interface Revision {
  revision: number;
  /** The ReplicaSet or ControllerRevision. */
  name: string;
  kind: 'ReplicaSet' | 'ControllerRevision';
  createdAt?: string;
  /** Container name -> image, init containers included. */
  images: Record<string, string>;
  /** For ReplicaSets: how many pods it wants and has ready. */
  replicas?: number;
  ready?: number;
}

function imagesOf(template: PodTemplateSpec | undefined): Record<string, string> {
  const images: Record<string, string> = {};
  for (const container of [...(template?.spec?.initContainers ?? []), ...(template?.spec?.containers ?? [])]) {
    if (container.image) setOwnValue(images, container.name, container.image);
  }
  return images;
}

/** A Deployment's revisions (its ReplicaSets), newest first. */
export function deploymentRevisions(index: SnapshotIndex, deployment: string): Revision[] {
  return index.replicaSetsOf(deployment).map((replicaSet) => ({
    revision: revisionOf(replicaSet),
    name: replicaSet.metadata?.name ?? '',
    kind: 'ReplicaSet',
    ...(replicaSet.metadata?.creationTimestamp ? { createdAt: replicaSet.metadata.creationTimestamp } : {}),
    images: imagesOf(replicaSet.spec?.template),
    replicas: replicaSet.spec?.replicas ?? 0,
    ready: replicaSet.status?.readyReplicas ?? 0,
  }));
}

function controllerRevisionTemplate(revision: ControllerRevision): PodTemplateSpec | undefined {
  const data = revision.data as { spec?: { template?: PodTemplateSpec } } | undefined;
  return data?.spec?.template;
}

/** A StatefulSet's or DaemonSet's revisions (ControllerRevisions), newest first. */
export function controllerRevisions(index: SnapshotIndex, kind: 'StatefulSet' | 'DaemonSet', name: string): Revision[] {
  return (index.snapshot.controllerRevisions ?? [])
    .filter((revision) => {
      const owner = controllerOf(revision.metadata);
      return owner?.kind === kind && owner.name === name;
    })
    .map((revision) => ({
      revision: revision.revision,
      name: revision.metadata?.name ?? '',
      kind: 'ControllerRevision' as const,
      ...(revision.metadata?.creationTimestamp ? { createdAt: revision.metadata.creationTimestamp } : {}),
      images: imagesOf(controllerRevisionTemplate(revision)),
    }))
    .sort((left, right) => right.revision - left.revision);
}

/** The revisions of any rollout kind, newest first (empty for other kinds). */
export function revisionsOf(index: SnapshotIndex, kind: string, name: string): Revision[] {
  if (kind === 'Deployment') return deploymentRevisions(index, name);
  if (kind === 'StatefulSet' || kind === 'DaemonSet') return controllerRevisions(index, kind, name);
  return [];
}

/** The revision a pod runs, among a workload's revisions. */
export function revisionOfPod(pod: Pod, revisions: readonly Revision[]): Revision | undefined {
  const owner = controllerOf(pod.metadata);
  if (owner?.kind === 'ReplicaSet') return revisions.find((revision) => revision.name === owner.name);
  const hash = pod.metadata?.labels?.['controller-revision-hash'];
  if (!hash) return undefined;
  // StatefulSets label pods with the revision's full name, DaemonSets with its hash suffix.
  return revisions.find((revision) => revision.name === hash || revision.name.endsWith(`-${hash}`));
}

/** "api: registry/api:1.8.1 -> registry/api:1.8.2" for the containers whose image changed; "" when none did. */
export function imageChange(previous: Revision | undefined, current: Revision): string {
  const changes: string[] = [];
  for (const [container, image] of Object.entries(current.images)) {
    const before = ownValue(previous?.images, container);
    if (previous === undefined) changes.push(`${container}: ${image}`);
    else if (before !== image) changes.push(`${container}: ${before ?? '(new container)'} -> ${image}`);
  }
  return changes.join(', ');
}

/** "registry/api:1.8.2" (one container) or "api=registry/api:1.8.2, envoy=envoy:v1.31" (several). */
export function describeImages(revision: Revision): string {
  const entries = Object.entries(revision.images);
  if (entries.length === 1) return entries[0]![1];
  return entries.map(([container, image]) => `${container}=${image}`).join(', ');
}

/** What a rollout correlation found for a workload whose pods fail. */
export interface RolloutCorrelation {
  current: Revision;
  previous?: Revision;
  /** Every failing pod runs the newest revision. */
  failingAreNewest: boolean;
  /** The previous revision still has ready pods (a stuck rollout), so it demonstrably works. */
  previousServing: boolean;
  /** The sentence for the summary. */
  sentence: string;
  /** True when rolling back is the natural first fix. */
  suggestsRollback: boolean;
}

/** Hours within which a new revision is the prime suspect for failures of its pods. */
const RECENT_ROLLOUT_MS = 6 * 60 * 60 * 1000;

/**
 * Relates failing pods to the workload's revisions: when they all run the newest revision and an
 * older one exists with a different template, that rollout is the prime suspect, all the more when
 * the older revision's pods still serve or the rollout is recent.
 */
export function correlateRollout(index: SnapshotIndex, kind: string, name: string, failing: readonly Pod[], what: string): RolloutCorrelation | undefined {
  const revisions = revisionsOf(index, kind, name);
  const current = revisions[0];
  if (!current || failing.length === 0) return undefined;
  const failingAreNewest = failing.every((pod) => revisionOfPod(pod, revisions)?.name === current.name);
  const previous = revisions[1];
  const previousServing = previous !== undefined && (previous.ready ?? 0) > 0;
  const rolledOut = current.createdAt ? ago(current.createdAt, index.now) : '';
  const recent = current.createdAt !== undefined && index.now - Date.parse(current.createdAt) < RECENT_ROLLOUT_MS;
  const currentText = `revision ${current.revision} (${describeImages(current)})${rolledOut ? ` rolled out ${rolledOut}` : ''}`;
  if (!failingAreNewest || !previous || previous.revision === 0) {
    return { current, failingAreNewest, previousServing: false, suggestsRollback: false, sentence: previous || !failingAreNewest ? '' : `${currentText}; no older revision is kept to roll back to` };
  }
  const previousText = `revision ${previous.revision} (${describeImages(previous)})`;
  const sentence = previousServing
    ? `${currentText} and its pods ${what}; ${previousText} is healthy: ${previous.ready} of its pods are still ready`
    : `${currentText} and its pods ${what}; ${previousText} ran before it`;
  return { current, previous, failingAreNewest, previousServing, sentence, suggestsRollback: previousServing || recent };
}
