/**
 * The remediations analyzers may offer, each an ordinary request for an existing card (a unit test
 * plans every one through propose() with the real corpus and policy). Fixes change the cluster and go
 * through the usual dry-run and confirmation; inspections are read-only next steps.
 */
import type { Remediation, RemediationRequest } from './finding.js';
import type { Resource } from '../schemas/vocabulary.js';

const RESOURCE_OF_KIND: ReadonlyMap<string, Resource> = new Map<string, Resource>([
  ['Deployment', 'deployment'], ['StatefulSet', 'statefulset'], ['DaemonSet', 'daemonset'], ['Job', 'job'], ['CronJob', 'cronjob'], ['Pod', 'pod'],
  ['Service', 'service'], ['Ingress', 'ingress'], ['PersistentVolumeClaim', 'pvc'], ['HorizontalPodAutoscaler', 'hpa'], ['Node', 'node'],
  ['ConfigMap', 'configmap'], ['Endpoints', 'endpoints'],
]);

/** The request resource for a Kubernetes kind, when rk8s has cards for it. */
export function resourceOfKind(kind: string): Resource | undefined {
  return RESOURCE_OF_KIND.get(kind);
}

function remediation(kind: Remediation['kind'], title: string, why: string, request: RemediationRequest): Remediation {
  return { kind, title, why, request };
}

function target(namespace: string | undefined, name: string): { namespace?: string; name: string } {
  return namespace === undefined ? { name } : { namespace, name };
}

/** Kinds with restart/rollback cards. */
export type RolloutKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

/** True for kinds `rollout restart` and `rollout undo` apply to. */
export function isRolloutKind(kind: string): kind is RolloutKind {
  return kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet';
}

/** Roll a workload back to a revision. */
export function rollbackTo(kind: RolloutKind, namespace: string, name: string, revision: number, why: string): Remediation {
  return remediation('fix', `Roll ${kind.toLowerCase()} ${name} back to revision ${revision}`, why, {
    intent: 'rollback', resource: resourceOfKind(kind)!, ...target(namespace, name), params: { revision },
  });
}

/** A rolling restart. */
export function restart(kind: RolloutKind, namespace: string, name: string, why: string): Remediation {
  return remediation('fix', `Restart ${kind.toLowerCase()} ${name}`, why, { intent: 'restart', resource: resourceOfKind(kind)!, ...target(namespace, name) });
}

/** Uncordon a node. */
export function uncordon(node: string, why: string): Remediation {
  return remediation('fix', `Uncordon node ${node}`, why, { intent: 'uncordon', resource: 'node', name: node });
}

/** Resume a paused Deployment rollout (`rollout resume`). */
export function resumeRollout(namespace: string, deployment: string, why: string): Remediation {
  return remediation('fix', `Resume the rollout of deployment ${deployment}`, why, { intent: 'resume', resource: 'deployment', ...target(namespace, deployment) });
}

/** Run a CronJob now: a one-off Job from its template (`create job <name>-manual-1 --from=cronjob/<name>`). */
export function triggerCronJob(namespace: string, cronJob: string, why: string): Remediation {
  return remediation('fix', `Run cronjob ${cronJob} now`, why, { intent: 'trigger', resource: 'cronjob', ...target(namespace, cronJob) });
}

/** Resume a suspended CronJob (spec.suspend: false). */
export function resumeCronJob(namespace: string, cronJob: string, why: string): Remediation {
  return remediation('fix', `Resume cronjob ${cronJob}`, why, { intent: 'resume', resource: 'cronjob', ...target(namespace, cronJob) });
}

/** A container's previous (or current) log lines. */
export function containerLogs(namespace: string, pod: string, container: string, previous: boolean, why: string): Remediation {
  return remediation('inspect', `${previous ? 'Previous logs' : 'Logs'} of ${pod} (${container})`, why, {
    intent: 'logs', resource: 'pod', ...target(namespace, pod), params: { container, tail: 100, ...(previous ? { previous: true } : {}) },
  });
}

/** A Job's logs. */
export function jobLogs(namespace: string, job: string, why: string): Remediation {
  return remediation('inspect', `Logs of job ${job}`, why, { intent: 'logs', resource: 'job', ...target(namespace, job) });
}

/** `kubectl describe` of an object with a describe card. */
export function describe(kind: string, namespace: string | undefined, name: string, why: string): Remediation | undefined {
  const resource = resourceOfKind(kind);
  if (!resource) return undefined;
  return remediation('inspect', `Describe ${kind.toLowerCase()} ${name}`, why, { intent: 'describe', resource, ...target(resource === 'node' ? undefined : namespace, name) });
}

/** A pod's events. */
export function podEvents(namespace: string, pod: string, why: string): Remediation {
  return remediation('inspect', `Events of pod ${pod}`, why, { intent: 'events', resource: 'pod', ...target(namespace, pod) });
}

/** A claim's events. */
export function claimEvents(namespace: string, claim: string, why: string): Remediation {
  return remediation('inspect', `Events of claim ${claim}`, why, { intent: 'diagnose', resource: 'pvc', ...target(namespace, claim) });
}

/** A workload's rollout history. */
export function rolloutHistory(kind: RolloutKind, namespace: string, name: string, why: string): Remediation {
  return remediation('inspect', `Rollout history of ${kind.toLowerCase()} ${name}`, why, { intent: 'history', resource: resourceOfKind(kind)!, ...target(namespace, name) });
}

/** A pod's usage per container. */
export function podUsage(namespace: string, pod: string, why: string): Remediation {
  return remediation('inspect', `Memory and CPU of ${pod}`, why, { intent: 'top', resource: 'pod', ...target(namespace, pod), params: { containers: true } });
}

/** A Service's endpoints. */
export function serviceEndpoints(namespace: string, service: string, why: string): Remediation {
  return remediation('inspect', `Endpoints of service ${service}`, why, { intent: 'diagnose', resource: 'service', ...target(namespace, service) });
}

/** Drops undefined entries (a describe without a card). */
export function present(list: ReadonlyArray<Remediation | undefined>): Remediation[] {
  return list.filter((entry): entry is Remediation => entry !== undefined);
}
