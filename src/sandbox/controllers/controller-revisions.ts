import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { cloneJson, type KubeObject } from '../types.js';
import { controllerReference, controllerUid } from './pod-factory.js';
import { templateHash, templatesEqual } from './template-hash.js';

/**
 * Ensures a ControllerRevision exists for the owner's current template (what `rollout history`
 * and `rollout undo` read for StatefulSets and DaemonSets) and returns its name.
 */
export function ensureControllerRevision(cluster: SandboxCluster, owner: KubeObject, template: PodTemplateSpec | undefined): string {
  const type = cluster.type('ControllerRevision');
  const revisions = cluster.store.peek(type, { namespace: owner.metadata.namespace }).filter((revision) => controllerUid(revision) === owner.metadata.uid);
  const templateOf = (revision: KubeObject) => {
    const stored = (revision['data'] as { spec?: { template?: PodTemplateSpec & { $patch?: string } } } | undefined)?.spec?.template;
    if (!stored) return undefined;
    const { $patch: _directive, ...rest } = stored;
    return rest;
  };
  const max = revisions.reduce((highest, revision) => Math.max(highest, Number(revision['revision'] ?? 0)), 0);
  const existing = revisions.find((revision) => templatesEqual(templateOf(revision), template));
  if (existing) {
    if (Number(existing['revision']) < max) {
      const next = cloneJson(existing);
      next['revision'] = max + 1;
      cluster.store.update(type, next);
    }
    return existing.metadata.name;
  }
  const name = `${owner.metadata.name}-${templateHash(template)}`;
  if (cluster.store.peekOne(type, owner.metadata.namespace, name)) return name;
  cluster.create(type, {
    apiVersion: 'apps/v1', kind: 'ControllerRevision',
    metadata: { name, namespace: owner.metadata.namespace, labels: { ...(template?.metadata?.labels ?? {}), 'controller-revision-hash': name.slice(owner.metadata.name.length + 1) }, ownerReferences: [controllerReference(owner)] },
    data: { spec: { template: { ...template, $patch: 'replace' } } },
    revision: max + 1,
  });
  return name;
}
