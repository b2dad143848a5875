/** The public vocabulary of intents and resources: payloads, CLI flags, the TUI and agents all use it. */
import { z } from 'zod';

/** Every intent a request may name. */
export const INTENTS = [
  'diagnose', 'logs', 'restart', 'scale', 'rollback', 'status', 'history', 'describe',
  'get', 'events', 'top', 'cordon', 'uncordon', 'drain', 'delete',
  'pause', 'resume', 'suspend', 'trigger',
] as const;
/** An intent from the public vocabulary. */
export type Intent = (typeof INTENTS)[number];

/** Intents that change cluster state (hidden in read-only mode). */
export const MUTATING_INTENTS: ReadonlySet<Intent> = new Set<Intent>([
  'restart', 'scale', 'rollback', 'cordon', 'uncordon', 'drain', 'delete', 'pause', 'resume', 'suspend', 'trigger',
]);

/** Every resource a request may name, in canonical spelling. */
export const RESOURCES = [
  'deployment', 'pod', 'node', 'service', 'endpoints', 'statefulset', 'daemonset', 'job',
  'cronjob', 'hpa', 'pvc', 'ingress', 'configmap', 'namespace', 'events',
  // Spelled as the validator's kind table spells them, so both normalise a kind to the same name.
  'replicaset', 'poddisruptionbudget', 'resourcequota', 'limitrange', 'networkpolicy', 'endpointslice', 'serviceaccount',
] as const;
/** A resource from the public vocabulary. */
export type Resource = (typeof RESOURCES)[number];

/** Resources that live outside namespaces. */
export const CLUSTER_SCOPED_RESOURCES: ReadonlySet<Resource> = new Set<Resource>(['node', 'namespace']);

/** kubectl's spellings of each resource (plural, short name, group-qualified), all normalised on input. */
export const RESOURCE_ALIASES: Readonly<Record<Resource, readonly string[]>> = {
  deployment: ['deployment', 'deployments', 'deploy', 'deployment.apps', 'deployments.apps'],
  pod: ['pod', 'pods', 'po'],
  node: ['node', 'nodes', 'no'],
  service: ['service', 'services', 'svc'],
  endpoints: ['endpoints', 'endpoint', 'ep'],
  statefulset: ['statefulset', 'statefulsets', 'sts', 'statefulset.apps', 'statefulsets.apps'],
  daemonset: ['daemonset', 'daemonsets', 'ds', 'daemonset.apps', 'daemonsets.apps'],
  job: ['job', 'jobs', 'job.batch', 'jobs.batch'],
  cronjob: ['cronjob', 'cronjobs', 'cj', 'cronjob.batch', 'cronjobs.batch'],
  hpa: ['hpa', 'horizontalpodautoscaler', 'horizontalpodautoscalers', 'horizontalpodautoscalers.autoscaling'],
  pvc: ['pvc', 'persistentvolumeclaim', 'persistentvolumeclaims'],
  ingress: ['ingress', 'ingresses', 'ing', 'ingress.networking.k8s.io', 'ingresses.networking.k8s.io'],
  configmap: ['configmap', 'configmaps', 'cm'],
  namespace: ['namespace', 'namespaces', 'ns'],
  events: ['events', 'event', 'ev', 'events.events.k8s.io'],
  replicaset: ['replicaset', 'replicasets', 'rs', 'replicaset.apps', 'replicasets.apps'],
  poddisruptionbudget: ['poddisruptionbudget', 'poddisruptionbudgets', 'pdb', 'poddisruptionbudgets.policy'],
  resourcequota: ['resourcequota', 'resourcequotas', 'quota'],
  limitrange: ['limitrange', 'limitranges', 'limits'],
  networkpolicy: ['networkpolicy', 'networkpolicies', 'netpol', 'networkpolicies.networking.k8s.io'],
  endpointslice: ['endpointslice', 'endpointslices', 'endpointslices.discovery.k8s.io'],
  serviceaccount: ['serviceaccount', 'serviceaccounts', 'sa'],
};

const aliasToResource = new Map<string, Resource>();
for (const resource of RESOURCES) {
  for (const alias of RESOURCE_ALIASES[resource]) aliasToResource.set(alias, resource);
}

/** Maps any kubectl spelling of a resource to its canonical name, or undefined if unknown. */
export function normalizeResource(value: string): Resource | undefined {
  return aliasToResource.get(value.trim().toLowerCase());
}

const intentSet: ReadonlySet<string> = new Set(INTENTS);
/** True when the value is one of the public intents. */
export function isIntent(value: string): value is Intent {
  return intentSet.has(value);
}

/** zod: an intent, lower-cased on input, with a message listing the choices. */
export const IntentSchema = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
  z.enum(INTENTS, { error: () => `must be one of: ${INTENTS.join(', ')}` }),
);

/** zod: a resource in any kubectl spelling, normalised to the canonical name. */
export const ResourceSchema = z.preprocess(
  (value) => (typeof value === 'string' ? (normalizeResource(value) ?? value) : value),
  z.enum(RESOURCES, { error: () => `must be one of: ${RESOURCES.join(', ')} (or a kubectl alias such as deploy, po, svc)` }),
);

/** Risk levels, in increasing order. */
export const RISK_LEVELS = ['none', 'low', 'medium', 'high'] as const;
/** A risk level. */
export type RiskLevel = (typeof RISK_LEVELS)[number];
/** zod: a risk level. */
export const RiskLevelSchema = z.enum(RISK_LEVELS);

/** The higher of two risk levels. */
export function maxRisk(a: RiskLevel, b: RiskLevel): RiskLevel {
  return RISK_LEVELS.indexOf(a) >= RISK_LEVELS.indexOf(b) ? a : b;
}

/** Kubernetes object names (RFC 1123 subdomain) and namespaces (RFC 1123 label). */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1123 subdomain, as used by most object names. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** zod: a namespace name (DNS-1123 label, at most 63 characters). */
export const NamespaceNameSchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(63, 'must be at most 63 characters (a DNS-1123 label)')
  .regex(DNS1123_LABEL, 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit (e.g. "prod")');

/** zod: an object name (DNS-1123 subdomain, at most 253 characters). */
export const ObjectNameSchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(253, 'must be at most 253 characters (a DNS-1123 subdomain)')
  .regex(DNS1123_SUBDOMAIN, 'must be a DNS-1123 name: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit (e.g. "api")');
