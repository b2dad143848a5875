/**
 * Loads a scenario file into an empty cluster (docs/sandbox.md, "Writing a scenario"): namespaces,
 * nodes, objects with their `sandbox:` past, then lets the controllers settle the cluster as if it
 * had been running, synthesizes the events a real cluster would still show, and adds the
 * scenario's own events.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../config/paths.js';
import type { SandboxCluster } from './cluster.js';
import { settleDeploymentHistory } from './controllers/deployment-controller.js';
import { PodIpAllocator } from './controllers/scheduler.js';
import { synthesizeHistories } from './kubelet/kubelet.js';
import { expandCronJob, expandDaemonSet, expandDeployment, expandStatefulSet, placePod, put, type LoadContext } from './scenario/expand-workloads.js';
import { readScenario } from './scenario/read-scenario.js';
import { loadScenarioEvents } from './scenario/scenario-events.js';
import { nodeObject } from './scenario/scenario-nodes.js';
import { ago } from './scenario/scenario-time.js';
import { parseDuration } from './duration.js';
import type { KubeObject } from './types.js';

export { readScenario } from './scenario/read-scenario.js';

/** Where the bundled default scenario lives, from src/ (tsx) or from dist/ (built package). */
export function defaultScenarioPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Beside this module (src/ under tsx), or in the package's src/sandbox/scenarios/ (shipped as is)
  // from dist/src/sandbox/ or from a single-file build of the CLI in dist/src/cli/bundles/.
  const candidates = [resolve(here, 'scenarios/default.yaml'), resolve(packageRoot(), 'src/sandbox/scenarios/default.yaml')];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0] ?? '';
}

/** The directory of the bundled scenario files. */
export function scenarioDirectory(): string {
  return dirname(defaultScenarioPath());
}

const builtInNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const maxSettlePasses = 40;

function createNamespace(cluster: SandboxCluster, name: string, created: Date, labels?: Record<string, string>, annotations?: Record<string, string>): void {
  if (cluster.store.peekOne(cluster.type('Namespace'), undefined, name)) return;
  put(cluster, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) } }, created);
  put(cluster, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } }, created);
  put(cluster, {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'kube-root-ca.crt', namespace: name, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
    data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\n(sandbox)\n-----END CERTIFICATE-----\n' },
  }, created);
}

/** Runs the controllers until nothing changes (a settled cluster), at most `maxSettlePasses` times. */
function settle(cluster: SandboxCluster): void {
  for (let pass = 0; pass < maxSettlePasses; pass += 1) {
    const before = cluster.store.resourceVersion;
    cluster.reconcileNow();
    if (cluster.store.resourceVersion === before) return;
  }
}

/** Loads a scenario into an empty cluster. */
export function loadScenario(cluster: SandboxCluster, path: string): void {
  const scenario = readScenario(path);
  if (scenario.user) cluster.userName = scenario.user;
  cluster.rbac = scenario.rbac ?? [{ verbs: ['*'], resources: ['*'] }];
  cluster.faults = [...(scenario.faults ?? [])];
  cluster.registry = scenario.registry ?? {};
  cluster.loading = true;
  try {
    const oldestNode = Math.max(...(scenario.nodes ?? []).map((node) => cluster.startedAt.getTime() - ago(cluster, node.age, '30d').getTime()), 30 * 86_400_000);
    const clusterBirth = new Date(cluster.startedAt.getTime() - oldestNode);
    const declared = new Map((scenario.namespaces ?? []).map((namespace) => [namespace.name, namespace]));
    for (const namespace of scenario.namespaces ?? []) createNamespace(cluster, namespace.name, ago(cluster, namespace.age, '30d'), namespace.labels, namespace.annotations);
    for (const name of builtInNamespaces) if (!declared.has(name)) createNamespace(cluster, name, clusterBirth);
    for (const entry of scenario.objects ?? []) {
      const namespace = entry.metadata?.namespace;
      if (namespace && cluster.type(entry.kind ?? '').namespaced) createNamespace(cluster, namespace, clusterBirth);
    }
    (scenario.nodes ?? []).forEach((spec, index) => {
      const node = nodeObject(cluster, spec, index);
      const created = ago(cluster, spec.age, '30d');
      const stored = put(cluster, node, created);
      const ready = (node['status'] as { conditions: { type: string; status: string; lastTransitionTime: string }[] }).conditions.find((condition) => condition.type === 'Ready');
      const renewed = ready?.status === 'True' ? cluster.startedAt.getTime() - 3_000 : Date.parse(ready?.lastTransitionTime ?? '') || cluster.startedAt.getTime();
      put(cluster, {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
        metadata: { name: spec.name, namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: spec.name, uid: stored.metadata.uid ?? '' }] },
        spec: { holderIdentity: spec.name, leaseDurationSeconds: 40, renewTime: new Date(renewed).toISOString().replace('Z', '000Z') },
      }, created);
    });
    const context: LoadContext = { cluster, ips: new PodIpAllocator([]), file: path };
    for (const entry of scenario.objects ?? []) {
      const { sandbox = {}, ...manifest } = entry;
      const object = manifest as unknown as KubeObject;
      const type = cluster.type(object.kind);
      if (type.namespaced) object.metadata.namespace ??= 'default';
      else delete object.metadata.namespace;
      const created = ago(cluster, sandbox.age, '30d');
      if (object.kind === 'Pod') {
        placePod(context, { metadata: { labels: object.metadata.labels ?? {}, ...(object.metadata.annotations ? { annotations: object.metadata.annotations } : {}) }, spec: object['spec'] as never }, undefined, object.metadata.name, {
          age: sandbox.age ?? '30d', ...(sandbox.node ? { node: sandbox.node } : {}), ...(sandbox.restarts !== undefined ? { restarts: sandbox.restarts } : {}),
          ...(sandbox.lastRestart !== undefined ? { lastRestart: sandbox.lastRestart } : {}), ...(sandbox.evicted !== undefined ? { evicted: sandbox.evicted } : {}),
        }, {}, object.metadata.namespace);
        continue;
      }
      const stored = put(cluster, object, created);
      if (object.kind === 'HorizontalPodAutoscaler' && object['status'] !== undefined) cluster.frozenStatus.add(stored.metadata.uid ?? '');
      if (object.kind === 'Job' && sandbox.runFor !== undefined) cluster.jobRunFor.set(stored.metadata.uid ?? '', parseDuration(sandbox.runFor));
      if (object.kind === 'Deployment') expandDeployment(context, stored, sandbox);
      else if (object.kind === 'StatefulSet') expandStatefulSet(context, stored, sandbox);
      else if (object.kind === 'DaemonSet') expandDaemonSet(context, stored, sandbox);
      else if (object.kind === 'CronJob') expandCronJob(context, stored, sandbox);
    }
    if (!cluster.store.peekOne(cluster.type('Service'), 'default', 'kubernetes')) {
      put(cluster, {
        apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
      }, clusterBirth);
    }
    settle(cluster);
    settleDeploymentHistory(cluster);
    synthesizeHistories(cluster);
    loadScenarioEvents(cluster, scenario.events ?? [], path);
  } finally {
    cluster.loading = false;
  }
  cluster.store.compactHistory();
}

export { placePod };
