/**
 * Investigating one object: parse KIND/NAME in any kubectl spelling (deploy/payments, po/x), resolve
 * a plain NAME to a workload in the snapshot, and keep only the findings about the object and what it
 * owns or depends on (its pods, their nodes and claims, the Services, Ingresses, autoscalers and
 * budgets around them), plus the root causes those findings point to.
 */
import { InputError } from '../errors.js';
import { DNS1123_SUBDOMAIN } from '../schemas/vocabulary.js';
import { normalizeKind } from '../validate/resource-kinds.js';
import type { Finding, ObjectRef } from './finding.js';
import { objectKey } from './finding.js';
import { matchesMap, matchesSelector } from './label-selector.js';
import { controllerOf, type SnapshotIndex } from './snapshot-index.js';
import type { Pod } from './snapshot-types.js';
import { ownValue } from '../own-property.js';

/** Canonical resource (validate's spelling) -> Kind, for the kinds an investigation can target. */
const TARGET_KINDS: Readonly<Record<string, string>> = {
  deployment: 'Deployment', statefulset: 'StatefulSet', daemonset: 'DaemonSet', replicaset: 'ReplicaSet', job: 'Job', cronjob: 'CronJob',
  pod: 'Pod', service: 'Service', ingress: 'Ingress', pvc: 'PersistentVolumeClaim', hpa: 'HorizontalPodAutoscaler',
  poddisruptionbudget: 'PodDisruptionBudget', node: 'Node',
};

/** Kinds a plain NAME resolves to first (a workload), then the others. */
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job'];
const OTHER_KINDS = ['Pod', 'Service', 'Ingress', 'PersistentVolumeClaim', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ReplicaSet'];

/** A target as the user wrote it: a kind (canonical Kind) when given, and a name. */
export interface TargetSpec {
  kind?: string;
  name: string;
}

/** Parses "deploy/payments", "pod/x", "payments". Throws InputError naming the problem and the fix. */
export function parseTarget(text: string): TargetSpec {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const kindText = slash === -1 ? undefined : trimmed.slice(0, slash);
  const name = slash === -1 ? trimmed : trimmed.slice(slash + 1);
  const example = 'e.g. deploy/payments, pod/payments-6b7c8d9f4-lk2jd or just payments';
  if (name === '' || !DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
    throw new InputError(`target ${JSON.stringify(text)}: the name must be a Kubernetes object name (lower-case letters, digits, "-" and ".")`, { hint: example });
  }
  if (kindText === undefined) return { name };
  const canonical = normalizeKind(kindText);
  const kind = canonical ? ownValue(TARGET_KINDS, canonical) : undefined;
  if (!kind) {
    const choices = 'deployment (deploy), statefulset (sts), daemonset (ds), replicaset (rs), job, cronjob (cj), pod (po), service (svc), ingress (ing), pvc, hpa, pdb, node (no)';
    throw new InputError(`target ${JSON.stringify(text)}: cannot investigate kind "${kindText}"`, { hint: `use one of: ${choices}` });
  }
  return { kind, name };
}

function namesOf(index: SnapshotIndex, kind: string): string[] {
  const snapshot = index.snapshot;
  const lists: Readonly<Record<string, ReadonlyArray<{ metadata?: { name?: string } }> | undefined>> = {
    Deployment: snapshot.deployments, StatefulSet: snapshot.statefulSets, DaemonSet: snapshot.daemonSets, ReplicaSet: snapshot.replicaSets,
    Job: snapshot.jobs, CronJob: snapshot.cronJobs, Pod: snapshot.pods, Service: snapshot.services, Ingress: snapshot.ingresses,
    PersistentVolumeClaim: snapshot.persistentVolumeClaims, HorizontalPodAutoscaler: snapshot.horizontalPodAutoscalers,
    PodDisruptionBudget: snapshot.podDisruptionBudgets, Node: snapshot.nodes,
  };
  return (ownValue(lists, kind) ?? []).map((object) => object.metadata?.name ?? '').filter((name) => name !== '');
}

/** Edit distance, for "did you mean". */
function distance(left: string, right: string): number {
  const previous = Array.from({ length: right.length + 1 }, (_, position) => position);
  for (let row = 1; row <= left.length; row++) {
    let diagonal = previous[0]!;
    previous[0] = row;
    for (let column = 1; column <= right.length; column++) {
      const above = previous[column]!;
      previous[column] = Math.min(previous[column]! + 1, previous[column - 1]! + 1, diagonal + (left[row - 1] === right[column - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[right.length]!;
}

function suggestion(name: string, candidates: readonly ObjectRef[]): string {
  const close = candidates
    .map((candidate) => ({ candidate, cost: distance(name, candidate.name) }))
    .filter(({ candidate, cost }) => cost <= Math.max(2, Math.floor(candidate.name.length / 3)) || candidate.name.startsWith(name))
    .sort((left, right) => left.cost - right.cost)
    .slice(0, 3)
    .map(({ candidate }) => `${candidate.kind.toLowerCase()}/${candidate.name}`);
  return close.length > 0 ? `did you mean ${close.join(' or ')}? ` : '';
}

function listing(candidates: readonly ObjectRef[], limit = 12): string {
  const shown = candidates.slice(0, limit).map((candidate) => `${candidate.kind.toLowerCase()}/${candidate.name}`);
  return `${shown.join(', ')}${candidates.length > limit ? `, ... (${candidates.length} in all)` : ''}`;
}

/** The object a target names, checked against the snapshot. Throws InputError naming it and listing candidates. */
export function resolveTarget(index: SnapshotIndex, spec: TargetSpec): ObjectRef {
  const reference = (kind: string, name: string): ObjectRef => (kind === 'Node' ? { kind, name } : index.ref(kind, name));
  if (spec.kind) {
    const names = namesOf(index, spec.kind);
    if (spec.kind === 'Node' && index.snapshot.nodes === undefined) return reference('Node', spec.name);
    if (names.includes(spec.name)) return reference(spec.kind, spec.name);
    const candidates = names.map((name) => reference(spec.kind!, name));
    throw new InputError(`no ${spec.kind} named "${spec.name}" in ${spec.kind === 'Node' ? 'the cluster' : `namespace ${index.namespace}`}`, {
      hint: `${suggestion(spec.name, candidates)}${candidates.length > 0 ? `${spec.kind}s: ${listing(candidates)}` : `there is no ${spec.kind} there`}`,
    });
  }
  const workloads = WORKLOAD_KINDS.flatMap((kind) => namesOf(index, kind).map((name) => reference(kind, name)));
  const matches = workloads.filter((candidate) => candidate.name === spec.name);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new InputError(`"${spec.name}" names several workloads in ${index.namespace}: ${listing(matches)}`, { hint: `say which one, e.g. ${matches[0]!.kind.toLowerCase()}/${spec.name}` });
  }
  const others = OTHER_KINDS.flatMap((kind) => namesOf(index, kind).map((name) => reference(kind, name))).filter((candidate) => candidate.name === spec.name);
  if (others.length === 1) return others[0]!;
  if (others.length > 1) {
    throw new InputError(`"${spec.name}" names several objects in ${index.namespace}: ${listing(others)}`, { hint: `say which one, e.g. ${others[0]!.kind.toLowerCase()}/${spec.name}` });
  }
  throw new InputError(`nothing named "${spec.name}" in namespace ${index.namespace}`, {
    hint: `${suggestion(spec.name, workloads)}${workloads.length > 0 ? `workloads: ${listing(workloads)}` : 'the namespace has no workloads'}; or give KIND/NAME (svc/x, pvc/x, po/x)`,
  });
}

/** Everything an object owns or depends on, as kind/name keys. */
export function relatedObjects(index: SnapshotIndex, target: ObjectRef): Set<string> {
  const related = new Set<string>([objectKey(target)]);
  const pods = new Map<string, Pod>();
  const addPods = (list: readonly Pod[]) => {
    for (const pod of list) pods.set(pod.metadata?.name ?? '', pod);
  };
  const services = new Set<string>();
  switch (target.kind) {
    case 'Deployment':
      for (const replicaSet of index.replicaSetsOf(target.name)) related.add(`ReplicaSet/${replicaSet.metadata?.name ?? ''}`);
      addPods(index.podsOf('Deployment', target.name));
      break;
    case 'StatefulSet':
    case 'DaemonSet':
      addPods(index.podsOf(target.kind, target.name));
      break;
    case 'ReplicaSet': {
      const owner = controllerOf(index.replicaSet(target.name)?.metadata);
      if (owner) related.add(`${owner.kind}/${owner.name}`);
      addPods(index.pods.filter((pod) => controllerOf(pod.metadata)?.name === target.name));
      break;
    }
    case 'Job': {
      const owner = controllerOf(index.jobs.find((job) => job.metadata?.name === target.name)?.metadata);
      if (owner) related.add(`${owner.kind}/${owner.name}`);
      addPods(index.podsOf('Job', target.name));
      break;
    }
    case 'CronJob':
      for (const job of index.jobsOf(target.name)) {
        related.add(`Job/${job.metadata?.name ?? ''}`);
        addPods(index.podsOf('Job', job.metadata?.name ?? ''));
      }
      break;
    case 'Pod': {
      const pod = index.pod(target.name);
      if (pod) {
        addPods([pod]);
        const owner = controllerOf(pod.metadata);
        if (owner) related.add(`${owner.kind}/${owner.name}`);
      }
      break;
    }
    case 'Service': {
      const service = index.services.find((candidate) => candidate.metadata?.name === target.name);
      addPods(index.podsMatchingMap(service?.spec?.selector));
      services.add(target.name);
      break;
    }
    case 'Ingress': {
      const ingress = index.snapshot.ingresses?.find((candidate) => candidate.metadata?.name === target.name);
      const backends = [ingress?.spec?.defaultBackend?.service?.name, ...(ingress?.spec?.rules ?? []).flatMap((rule) => (rule.http?.paths ?? []).map((path) => path.backend.service?.name))];
      for (const name of backends) {
        if (!name) continue;
        related.add(`Service/${name}`);
        services.add(name);
        addPods(index.podsMatchingMap(index.services.find((candidate) => candidate.metadata?.name === name)?.spec?.selector));
      }
      break;
    }
    case 'PersistentVolumeClaim':
      addPods(index.pods.filter((pod) => (pod.spec?.volumes ?? []).some((volume) => volume.persistentVolumeClaim?.claimName === target.name)));
      break;
    case 'HorizontalPodAutoscaler': {
      const hpa = index.snapshot.horizontalPodAutoscalers?.find((candidate) => candidate.metadata?.name === target.name);
      const scaled = hpa?.spec?.scaleTargetRef;
      if (scaled) {
        related.add(`${scaled.kind}/${scaled.name}`);
        addPods(index.podsOf(scaled.kind, scaled.name));
      }
      break;
    }
    case 'PodDisruptionBudget': {
      const budget = index.snapshot.podDisruptionBudgets?.find((candidate) => candidate.metadata?.name === target.name);
      addPods(index.podsMatchingSelector(budget?.spec?.selector));
      break;
    }
    case 'Node':
      addPods(index.pods.filter((pod) => pod.spec?.nodeName === target.name));
      break;
    default:
      break;
  }

  const workloads = new Set<string>();
  for (const pod of pods.values()) {
    related.add(`Pod/${pod.metadata?.name ?? ''}`);
    const workload = index.workloadOf(pod);
    related.add(objectKey(workload));
    workloads.add(objectKey(workload));
    const owner = controllerOf(pod.metadata);
    if (owner) related.add(`${owner.kind}/${owner.name}`);
    if (pod.spec?.nodeName) related.add(`Node/${pod.spec.nodeName}`);
    for (const volume of pod.spec?.volumes ?? []) if (volume.persistentVolumeClaim?.claimName) related.add(`PersistentVolumeClaim/${volume.persistentVolumeClaim.claimName}`);
    for (const service of index.services) {
      if (matchesMap(service.spec?.selector, pod.metadata?.labels)) {
        related.add(`Service/${service.metadata?.name ?? ''}`);
        services.add(service.metadata?.name ?? '');
      }
    }
    for (const budget of index.snapshot.podDisruptionBudgets ?? []) {
      if (matchesSelector(budget.spec?.selector, pod.metadata?.labels)) related.add(`PodDisruptionBudget/${budget.metadata?.name ?? ''}`);
    }
  }
  for (const hpa of index.snapshot.horizontalPodAutoscalers ?? []) {
    const scaled = hpa.spec?.scaleTargetRef;
    if (scaled && (workloads.has(`${scaled.kind}/${scaled.name}`) || objectKey(target) === `${scaled.kind}/${scaled.name}`)) related.add(`HorizontalPodAutoscaler/${hpa.metadata?.name ?? ''}`);
  }
  for (const ingress of index.snapshot.ingresses ?? []) {
    const backends = [ingress.spec?.defaultBackend?.service?.name, ...(ingress.spec?.rules ?? []).flatMap((rule) => (rule.http?.paths ?? []).map((path) => path.backend.service?.name))];
    if (backends.some((name) => name !== undefined && services.has(name))) related.add(`Ingress/${ingress.metadata?.name ?? ''}`);
  }
  return related;
}

/** The findings that concern the target, plus the root causes they point to, in their ranked order. */
export function filterForTarget(index: SnapshotIndex, findings: readonly Finding[], target: ObjectRef): Finding[] {
  const related = relatedObjects(index, target);
  const kept = new Set<string>();
  const byId = new Map(findings.map((finding) => [finding.id, finding]));
  for (const finding of findings) {
    if (related.has(objectKey(finding.object)) || finding.affected.some((reference) => related.has(objectKey(reference)))) kept.add(finding.id);
  }
  for (const id of [...kept]) {
    let cause = byId.get(id)?.causedBy;
    for (let depth = 0; cause && depth < 16; depth++) {
      kept.add(cause);
      cause = byId.get(cause)?.causedBy;
    }
  }
  return findings.filter((finding) => kept.has(finding.id));
}
