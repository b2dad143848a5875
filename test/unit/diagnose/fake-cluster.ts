/** A fake kubectl that answers the investigation's reads from a snapshot, the way kubectl 1.32 prints them. */
import type { FakeKubectlResponse } from '../../helpers/fake-core.js';
import type { Snapshot } from '../../../src/diagnose/snapshot-types.js';

/** How the fake cluster misbehaves. */
export interface FakeClusterOptions {
  /** Types the server does not serve (kubectl: the server doesn't have a resource type "x"). */
  unknownTypes?: string[];
  /** Every read fails as when the API server is down. */
  unreachable?: boolean;
  /** The metrics API is missing. */
  noMetrics?: boolean;
  /** Log text per pod/container. */
  logs?: Record<string, string>;
  namespaces?: string[];
}

const LISTS: Readonly<Record<string, keyof Snapshot>> = {
  pods: 'pods', deployments: 'deployments', replicasets: 'replicaSets', statefulsets: 'statefulSets', daemonsets: 'daemonSets', jobs: 'jobs', cronjobs: 'cronJobs',
  services: 'services', endpointslices: 'endpointSlices', ingresses: 'ingresses', persistentvolumeclaims: 'persistentVolumeClaims',
  horizontalpodautoscalers: 'horizontalPodAutoscalers', poddisruptionbudgets: 'podDisruptionBudgets', resourcequotas: 'resourceQuotas',
  controllerrevisions: 'controllerRevisions', events: 'events', nodes: 'nodes', storageclasses: 'storageClasses', ingressclasses: 'ingressClasses', persistentvolumes: 'persistentVolumes',
};

function lines(text: string): string[] {
  return text.split('\n');
}

/** The script for createFakeKubectl. */
export function fakeCluster(snapshot: Snapshot, options: FakeClusterOptions = {}): (args: readonly string[]) => FakeKubectlResponse {
  return (args) => {
    if (options.unreachable) return { exitCode: 1, stderr: ['The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?'] };
    const [verb, what] = args;
    if (verb === 'get' && what && args.includes('json')) {
      const types = what.split(',');
      const unknown = types.find((type) => options.unknownTypes?.includes(type));
      if (unknown) return { exitCode: 1, stderr: [`error: the server doesn't have a resource type "${unknown}"`] };
      const items: unknown[] = [];
      for (const type of types) {
        if (type === 'namespaces') {
          for (const name of options.namespaces ?? [snapshot.namespace, 'kube-system', 'default']) items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } });
          continue;
        }
        const key = LISTS[type];
        if (!key) return { exitCode: 1, stderr: [`error: the server doesn't have a resource type "${type}"`] };
        items.push(...((snapshot[key] as unknown[] | undefined) ?? []));
      }
      return { stdout: lines(JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }, null, 4)) };
    }
    if (verb === 'get' && args.includes('name')) {
      const names: string[] = [];
      for (const type of what!.split(',')) {
        if (type === 'configmaps') names.push(...(snapshot.configMapNames ?? []).map((name) => `configmap/${name}`));
        if (type === 'secrets') names.push(...(snapshot.secretNames ?? []).map((name) => `secret/${name}`));
      }
      return { stdout: names };
    }
    if (verb === 'top') {
      if (options.noMetrics) return { exitCode: 1, stderr: ['error: Metrics API not available'] };
      return { stdout: ['POD                       NAME       CPU(cores)   MEMORY(bytes)', ...(snapshot.usage ?? []).map((usage) => `${usage.pod}   ${usage.container}   ${usage.cpuMillicores}m   ${Math.round(usage.memoryBytes / 2 ** 20)}Mi`)] };
    }
    if (verb === 'logs') {
      const pod = args[1]!;
      const container = args[args.indexOf('-c') + 1]!;
      const text = options.logs?.[`${pod}/${container}`];
      if (text === undefined) return { exitCode: 1, stderr: [`Error from server (BadRequest): previous terminated container "${container}" in pod "${pod}" not found`] };
      return { stdout: lines(text) };
    }
    return { exitCode: 1, stderr: [`fake cluster: unexpected kubectl ${args.join(' ')}`] };
  };
}
