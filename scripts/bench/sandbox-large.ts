/**
 * Large-namespace sandbox benchmark: writes a scenario with one namespace `big` holding N pods in
 * about N/6.7 Deployments (each with a Service), in the documented scenario format, then measures
 * the sandbox start (scenario load + first settle), a controller pass on the settled cluster, and
 * `kubectl get pods -n big -o json` / the Table form against it. Prints figures, asserts nothing.
 *
 *   npx tsx scripts/bench/sandbox-large.ts [--pods 2000] [--runs 5]
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import yaml from 'js-yaml';

const flag = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return Number(index >= 0 ? process.argv[index + 1] : fallback) || fallback;
};
const podCount = Math.max(10, Math.min(20_000, flag('--pods', 2000)));
const runs = Math.max(1, Math.min(20, flag('--runs', 5)));
const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((candidate) => existsSync(candidate));
const format = (milliseconds: number) => `${milliseconds.toFixed(1)} ms`;

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] ?? 0 : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The scenario: ~110 pods per node (the kubelet's default maximum), 300 workloads for 2,000 pods. */
function largeScenario(pods: number): string {
  const nodeCount = Math.max(3, Math.ceil(pods / 100));
  const workloads = Math.max(1, Math.round(pods / 6.67));
  const nodes = Array.from({ length: nodeCount }, (_, index) => ({
    name: `node-${index + 1}`, age: '30d', cpu: '64', memory: '256Gi', zone: `zone-${'abc'[index % 3]}`,
    internalIP: `10.1.${Math.floor(index / 250)}.${(index % 250) + 2}`, podCIDR: `10.${100 + Math.floor(index / 250)}.${index % 250}.0/24`,
  }));
  const objects: unknown[] = [];
  let placed = 0;
  for (let index = 0; index < workloads; index += 1) {
    const replicas = Math.floor(pods / workloads) + (index < pods % workloads ? 1 : 0);
    const name = `svc-${String(index).padStart(4, '0')}`;
    const hash = `${(1_000_000 + index).toString(36)}b7c`;
    objects.push({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'big', labels: { app: name } },
      spec: {
        replicas, selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'app', image: `registry.example.com/${name}:1.0.${index % 7}`, ports: [{ name: 'http', containerPort: 8080 }], resources: { requests: { cpu: '10m', memory: '32Mi' } } }] },
        },
      },
      sandbox: {
        age: '30d',
        revisions: [{ hash, age: '2d', pods: Array.from({ length: replicas }, (_, pod) => ({ suffix: `p${pod.toString(36).padStart(4, 'x')}`, node: `node-${((placed + pod) % nodeCount) + 1}`, age: '2d' })) }],
      },
    });
    placed += replicas;
    objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'big', labels: { app: name } }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }, sandbox: { age: '30d' } });
  }
  return yaml.dump({
    apiVersion: 'sandbox.rk8s.dev/v1', kind: 'Scenario', metadata: { name: `large-${pods}` },
    nodes, namespaces: [{ name: 'default', age: '30d' }, { name: 'big', age: '30d' }], objects,
  }, { noRefs: true, lineWidth: 200 });
}

const directory = mkdtempSync(join(tmpdir(), 'rk8s-bench-large-'));
const scenarioPath = join(directory, 'large.yaml');
writeFileSync(scenarioPath, largeScenario(podCount));
const { startSandbox } = await import('../../src/sandbox/index.js');
const { SandboxCluster } = await import('../../src/sandbox/cluster.js');
const { loadScenario } = await import('../../src/sandbox/scenario-loader.js');

const loadTimes: number[] = [];
const passTimes: number[] = [];
for (let index = 0; index < runs; index += 1) {
  const cluster = new SandboxCluster();
  let started = performance.now();
  loadScenario(cluster, scenarioPath);
  loadTimes.push(performance.now() - started);
  started = performance.now();
  cluster.reconcileNow();
  passTimes.push(performance.now() - started);
  cluster.stop();
}
console.log(`scenario: ${podCount} pods in namespace big (${scenarioPath.length > 0 ? 'generated' : ''}, ${Math.round(podCount / 6.67)} deployments + services)`);
console.log(`load scenario (parse, expand, settle): median ${format(median(loadTimes))} over ${runs} runs`);
console.log(`one controller pass on the settled cluster: median ${format(median(passTimes))}`);

const startedAt = performance.now();
const sandbox = await startSandbox({ scenarioPath });
console.log(`startSandbox (load + certificate + listen): ${format(performance.now() - startedAt)}`);
if (!kubectl) {
  console.log('kubectl not installed: skipping the kubectl figures');
} else {
  const cacheDirectory = mkdtempSync(join(tmpdir(), 'rk8s-bench-cache-'));
  const env = { KUBECONFIG: sandbox.kubeconfigPath, KUBECACHEDIR: cacheDirectory };
  await execa(kubectl, ['get', 'ns'], { env });
  for (const [label, args] of [
    ['kubectl get pods -n big -o json', ['get', 'pods', '-n', 'big', '-o', 'json']],
    ['kubectl get pods -n big (Table)', ['get', 'pods', '-n', 'big']],
    ['kubectl get deploy,rs,svc,endpointslices -n big -o json', ['get', 'deploy,rs,svc,endpointslices', '-n', 'big', '-o', 'json']],
    ['kubectl get events -n big -o json', ['get', 'events', '-n', 'big', '-o', 'json']],
  ] as const) {
    const times: number[] = [];
    let bytes = 0;
    for (let index = 0; index < runs; index += 1) {
      const started = performance.now();
      const result = await execa(kubectl, [...args], { env, maxBuffer: 512 * 1024 * 1024 });
      times.push(performance.now() - started);
      bytes = result.stdout.length;
    }
    console.log(`${label}: median ${format(median(times))} (${runs} runs, ${(bytes / 1024 / 1024).toFixed(1)} MiB)`);
  }
  const client = await execa(kubectl, ['version', '--client'], { env }).then(() => undefined);
  void client;
  rmSync(cacheDirectory, { recursive: true, force: true });
}
await sandbox.stop();
rmSync(directory, { recursive: true, force: true });
