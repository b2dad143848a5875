/**
 * Resource kinds as kubectl spells them: every alias, plural, short name and group-qualified form,
 * mapped to one canonical name, and which kinds are cluster-scoped. Lookups are Maps and Sets, so a
 * word such as "constructor" or "__proto__" is an unknown kind, never a prototype member.
 */
import { CLUSTER_SCOPED_RESOURCES, RESOURCES, RESOURCE_ALIASES, type Resource } from '../schemas/vocabulary.js';

/** Kinds outside the public vocabulary that kubectl knows; recognised so the policy can name (or deny) them. */
const EXTRA_RESOURCE_ALIASES: ReadonlyMap<string, readonly string[]> = new Map([
  ['secret', ['secret', 'secrets']],
  ['replicaset', ['replicaset', 'replicasets', 'rs', 'replicaset.apps', 'replicasets.apps']],
  ['persistentvolume', ['persistentvolume', 'persistentvolumes', 'pv']],
  ['poddisruptionbudget', ['poddisruptionbudget', 'poddisruptionbudgets', 'pdb', 'poddisruptionbudgets.policy']],
  ['serviceaccount', ['serviceaccount', 'serviceaccounts', 'sa']],
  ['networkpolicy', ['networkpolicy', 'networkpolicies', 'netpol', 'networkpolicies.networking.k8s.io']],
  ['storageclass', ['storageclass', 'storageclasses', 'sc', 'storageclasses.storage.k8s.io']],
  ['role', ['role', 'roles', 'roles.rbac.authorization.k8s.io']],
  ['rolebinding', ['rolebinding', 'rolebindings', 'rolebindings.rbac.authorization.k8s.io']],
  ['clusterrole', ['clusterrole', 'clusterroles', 'clusterroles.rbac.authorization.k8s.io']],
  ['clusterrolebinding', ['clusterrolebinding', 'clusterrolebindings', 'clusterrolebindings.rbac.authorization.k8s.io']],
  ['resourcequota', ['resourcequota', 'resourcequotas', 'quota']],
  ['limitrange', ['limitrange', 'limitranges', 'limits']],
  // Read by investigations (rk8s diagnose): ingress classes and rollout history of statefulsets/daemonsets.
  ['ingressclass', ['ingressclass', 'ingressclasses', 'ingressclasses.networking.k8s.io']],
  ['controllerrevision', ['controllerrevision', 'controllerrevisions', 'controllerrevisions.apps']],
  ['all', ['all']],
]);

const aliasToKind = new Map<string, string>();
for (const resource of RESOURCES) {
  for (const alias of RESOURCE_ALIASES[resource]) aliasToKind.set(alias, resource);
}
for (const [resource, aliases] of EXTRA_RESOURCE_ALIASES) {
  for (const alias of aliases) aliasToKind.set(alias, resource);
}

/** Every canonical resource the parser can produce (vocabulary plus the extra kinds and "all"). */
export const KNOWN_RESOURCES: ReadonlySet<string> = new Set<string>([...RESOURCES, ...EXTRA_RESOURCE_ALIASES.keys()]);

const EXTRA_CLUSTER_SCOPED: ReadonlySet<string> = new Set(['persistentvolume', 'storageclass', 'ingressclass', 'clusterrole', 'clusterrolebinding']);

/** True for resources that live outside namespaces (node, namespace, persistentvolume...). */
export function isClusterScoped(resource: string): boolean {
  return CLUSTER_SCOPED_RESOURCES.has(resource as Resource) || EXTRA_CLUSTER_SCOPED.has(resource);
}

const VERSION_SEGMENT = /^v\d+((alpha|beta)\d+)?$/;
/** kubectl's resource words are ASCII; anything else (a Kelvin sign that lower-cases to "k") is unknown. */
const ASCII_KIND = /^[A-Za-z0-9.-]+$/;

/**
 * Maps any kubectl spelling of a kind ("deploy", "deployments.v1.apps", "Pods") to its canonical
 * name. Exact: no trimming (a trailing NBSP is not "pods"), ASCII only, case-insensitive as kubectl is.
 */
export function normalizeKind(spelling: string): string | undefined {
  if (!ASCII_KIND.test(spelling)) return undefined;
  const lower = spelling.toLowerCase();
  const direct = aliasToKind.get(lower);
  if (direct) return direct;
  // kubectl also accepts resource.version.group ("deployments.v1.apps"); drop the version and retry.
  const segments = lower.split('.');
  if (segments.length >= 3 && VERSION_SEGMENT.test(segments[1]!)) {
    return aliasToKind.get([segments[0]!, ...segments.slice(2)].join('.'));
  }
  return undefined;
}
