/**
 * Finds the workload that controls a pod (Deployment via its ReplicaSet, StatefulSet, DaemonSet, Job/CronJob)
 * from ownerReferences, so the guardrail can suggest `rollout restart` instead of deleting a managed pod.
 */
import { KubectlError } from '../errors.js';
import { summarizeKubectlError } from '../execute/kubectl-errors.js';
import type { KubectlRunner, OwnerResolver } from '../contracts/ports.js';

interface OwnerReference {
  kind?: string;
  name?: string;
  controller?: boolean;
}

interface ObjectWithOwners {
  metadata?: { ownerReferences?: OwnerReference[] };
}

/** Reads one object as JSON; throws KubectlError when it cannot be read (missing, no cluster, bad output). */
async function readObject(kubectl: KubectlRunner, args: string[], signal?: AbortSignal): Promise<ObjectWithOwners> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  let end: { exitCode: number; truncated: boolean; cancelled: boolean; errorMessage?: string } | undefined;
  for await (const event of kubectl.run(args, { signal, timeoutSeconds: 10 })) {
    if (event.type === 'exec-output') (event.stream === 'stdout' ? stdout : stderr).push(event.line);
    else end = event;
  }
  if (end?.cancelled) signal?.throwIfAborted();
  if (!end || end.exitCode !== 0 || end.truncated) {
    throw new KubectlError(end?.errorMessage ?? (summarizeKubectlError(stderr) || `kubectl ${args.join(' ')} failed`));
  }
  try {
    return JSON.parse(stdout.join('\n')) as ObjectWithOwners;
  } catch {
    throw new KubectlError(`kubectl ${args.join(' ')} did not print JSON`);
  }
}

/** The controlling owner reference (controller: true), else the only one. */
export function controllerOf(object: ObjectWithOwners | undefined): { kind: string; name: string } | undefined {
  const references = object?.metadata?.ownerReferences ?? [];
  const controller = references.find((reference) => reference.controller === true) ?? (references.length === 1 ? references[0] : undefined);
  return controller?.kind && controller.name ? { kind: controller.kind, name: controller.name } : undefined;
}

/**
 * Resolves owners with read-only `kubectl get ... -o json` calls through the given runner. Answers
 * undefined only for a pod without a controller; throws when the pod cannot be read, so the caller
 * can tell "no owner" from "don't know" (the validator denies owner-aware rules on "don't know").
 */
export function createOwnerResolver(kubectl: KubectlRunner): OwnerResolver {
  return {
    async resolvePodOwner(namespace, pod, signal) {
      const owner = controllerOf(await readObject(kubectl, ['get', 'pod', pod, '-n', namespace, '-o', 'json'], signal));
      if (!owner) return undefined;
      // A ReplicaSet is an implementation detail of a Deployment: the Deployment is what to restart.
      if (owner.kind === 'ReplicaSet' || owner.kind === 'Job') {
        let parent: { kind: string; name: string } | undefined;
        try {
          parent = controllerOf(await readObject(kubectl, ['get', owner.kind === 'ReplicaSet' ? 'replicaset' : 'job', owner.name, '-n', namespace, '-o', 'json'], signal));
        } catch (error) {
          signal?.throwIfAborted();
          // The pod's own controller is still known: report it rather than nothing.
          if (!(error instanceof KubectlError)) throw error;
        }
        if (parent && (parent.kind === 'Deployment' || parent.kind === 'CronJob')) return parent;
      }
      return owner;
    },
  };
}
