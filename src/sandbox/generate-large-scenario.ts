/**
 * A big namespace for benchmarks: thousands of pods in hundreds of workloads, written as ordinary
 * manifests in the scenario format (docs/sandbox.md), with a realistic mix of failures: crash loops,
 * OOM kills, a new revision that crashes while the old one serves, a stuck image pull, unschedulable
 * pods, claims on a missing StorageClass, Services that select nothing, failed Jobs, and the Warning
 * events that go with them. Deterministic for a seed.
 */
import { writeFileSync } from 'node:fs';
import yaml from 'js-yaml';

/** How big, and how broken. */
export interface LargeScenarioOptions {
  /** Pods in the namespace (approximately: workloads get whole replica counts). */
  pods: number;
  /** Workloads (Deployments, StatefulSets, CronJobs). */
  workloads: number;
  namespace?: string;
  /** Fraction of workloads with a failure (default 0.06). */
  failureRate?: number;
  seed?: number;
}

/** What was generated, for the benchmark's report. */
export interface LargeScenarioSummary {
  pods: number;
  workloads: number;
  nodes: number;
  failures: Record<string, number>;
}

type Json = Record<string, unknown>;

/** mulberry32: small, fast, deterministic. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SUFFIX = 'bcdfghjklmnpqrstvwxz2456789';
const HASH = '0123456789abcdef';
const WORDS = ['api', 'auth', 'billing', 'cart', 'catalog', 'checkout', 'search', 'orders', 'payments', 'users', 'inventory', 'shipping', 'notify', 'reports', 'media', 'gateway', 'ledger', 'pricing', 'profile', 'reviews'];

const FAILURES = ['crashloop', 'oom', 'bad-rollout', 'image', 'unschedulable', 'claim', 'no-endpoints', 'job'] as const;
type Failure = (typeof FAILURES)[number];

/** The scenario document and what is in it. */
export function generateLargeScenario(options: LargeScenarioOptions): { scenario: Json; summary: LargeScenarioSummary } {
  const next = random(options.seed ?? 42);
  const namespace = options.namespace ?? 'prod';
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const text = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
  const nodeCount = Math.max(3, Math.ceil(options.pods / 100));
  const nodes = Array.from({ length: nodeCount }, (_, index) => ({ name: `node-${index + 1}`, age: '60d', cpu: '32', memory: '128Gi', zone: `eu-west-1${'abc'[index % 3]}`, internalIP: `10.0.${Math.floor(index / 250)}.${(index % 250) + 2}`, podCIDR: `10.${100 + Math.floor(index / 256)}.${index % 256}.0/24` }));
  let nodeCursor = 0;
  const nextNode = () => nodes[nodeCursor++ % nodes.length]!.name;

  const objects: Json[] = [];
  const faults: Json[] = [];
  const events: Json[] = [];
  const failures: Record<string, number> = {};
  let podCount = 0;
  const failureEvery = Math.max(1, Math.round(1 / (options.failureRate ?? 0.06)));
  const statefulEvery = 12;
  const cronEvery = 25;
  const workloads = options.workloads;
  // Replicas so the total lands on the requested pod count (CronJobs keep one finished pod each).
  const crons = Math.floor(workloads / cronEvery);
  const perWorkload = Math.max(1, Math.floor((options.pods - crons) / Math.max(1, workloads - crons)));
  let remainder = Math.max(0, options.pods - crons - perWorkload * (workloads - crons));

  objects.push({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'ebs.csi.aws.com', volumeBindingMode: 'WaitForFirstConsumer', sandbox: { age: '400d' } });
  objects.push({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' }, sandbox: { age: '400d' } });

  for (let index = 0; index < workloads; index++) {
    const name = `${pick(WORDS)}-${index + 1}`;
    const labels = { app: name, team: pick(['core', 'growth', 'platform', 'data']) };
    const failure: Failure | undefined = index % failureEvery === failureEvery - 1 ? FAILURES[Math.floor(index / failureEvery) % FAILURES.length] : undefined;
    if (failure) failures[failure] = (failures[failure] ?? 0) + 1;
    const image = `registry.example.com/${name}:1.${index % 20}.${index % 7}`;
    const containers = [{ name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }], resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: failure === 'oom' ? '128Mi' : '512Mi' } } }];

    if (index % cronEvery === cronEvery - 1) {
      const jobFailed = failure === 'job';
      objects.push({
        apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace, labels },
        spec: { schedule: `${index % 60} ${index % 24} * * *`, jobTemplate: { spec: { template: { metadata: { labels }, spec: { restartPolicy: 'OnFailure', containers: [{ name: 'job', image, resources: { requests: { cpu: '50m', memory: '64Mi' } } }] } } } } },
        sandbox: { age: '200d', jobs: [{ name: `${name}-29000${index}`, age: '6h', duration: '2m', podSuffix: text(SUFFIX, 5), node: nextNode() }] },
      });
      podCount += 1;
      if (jobFailed) events.push({ namespace, object: `CronJob/${name}`, type: 'Warning', reason: 'UnexpectedJob', source: 'cronjob-controller', count: 1, firstSeen: '40m', lastSeen: '40m', message: `Saw a job that the controller did not create or forgot: ${name}-28999999` });
      continue;
    }

    let replicas = perWorkload + (remainder > 0 ? 1 : 0);
    if (remainder > 0) remainder -= 1;
    if (index % statefulEvery === statefulEvery - 1) {
      objects.push({
        apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, namespace, labels },
        spec: {
          replicas, serviceName: name, selector: { matchLabels: { app: name } },
          template: { metadata: { labels }, spec: { containers: [{ ...containers[0], volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } },
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '10Gi' } } } }],
        },
        sandbox: { age: '300d', pods: Array.from({ length: replicas }, () => ({ node: nextNode(), age: '20d' })) },
      });
      podCount += replicas;
      objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels }, spec: { clusterIP: 'None', selector: { app: name }, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] }, sandbox: { age: '300d' } });
      continue;
    }

    const oldHash = text(HASH, 9);
    const newHash = text(HASH, 10);
    const revisions: Json[] = [];
    const podsOf = (count: number, extra: Json = {}) => Array.from({ length: count }, () => ({ suffix: text(SUFFIX, 5), node: nextNode(), age: '3d', ...extra }));
    let template = containers;
    switch (failure) {
      case 'bad-rollout':
        // Revision 2 crashes; revision 1's pods still serve (maxUnavailable 0 stops the rollout).
        revisions.push({ hash: oldHash, age: '9d', images: { app: `registry.example.com/${name}:1.0.0` }, pods: podsOf(replicas) });
        revisions.push({ hash: newHash, age: '14m', pods: podsOf(1, { age: '14m', restarts: 7, lastRestart: '1m' }) });
        faults.push({ type: 'CrashLoopBackOff', namespace, podPrefix: `${name}-${newHash}-`, message: 'panic: runtime error: invalid memory address or nil pointer dereference' });
        replicas += 1;
        break;
      case 'image': {
        const missing = `registry.example.com/${name}:2.0.0-rc1`;
        template = [{ ...containers[0]!, image: missing }];
        revisions.push({ hash: oldHash, age: '9d', images: { app: image }, pods: podsOf(replicas) });
        revisions.push({ hash: newHash, age: '40m', pods: podsOf(1, { age: '40m' }) });
        faults.push({ type: 'ImagePullBackOff', namespace, image: missing });
        replicas += 1;
        break;
      }
      case 'unschedulable':
        template = [{ ...containers[0]!, resources: { requests: { cpu: '64', memory: '32Gi' }, limits: { memory: '32Gi' } } }];
        revisions.push({ hash: newHash, age: '3h', pods: Array.from({ length: replicas }, () => ({ suffix: text(SUFFIX, 5), age: '3h' })) });
        break;
      default:
        revisions.push({ hash: newHash, age: '3d', pods: podsOf(replicas, failure === 'crashloop' || failure === 'oom' ? { restarts: 12, lastRestart: '2m' } : {}) });
    }
    podCount += replicas;
    if (failure === 'crashloop') faults.push({ type: 'CrashLoopBackOff', namespace, podPrefix: `${name}-${newHash}-`, message: `config: required key "${name.toUpperCase().replace(/-/g, '_')}_DB_URL" is not set` });
    if (failure === 'oom') faults.push({ type: 'OOMKilled', namespace, podPrefix: `${name}-${newHash}-` });
    objects.push({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, labels },
      spec: {
        replicas: failure === 'bad-rollout' || failure === 'image' ? replicas - 1 : replicas,
        selector: { matchLabels: { app: name } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: { metadata: { labels }, spec: { containers: template } },
      },
      sandbox: { age: '120d', revisions },
    });
    if (index % 10 < 7) {
      // "no-endpoints": the Service's selector has a typo, so it matches nothing.
      const selector = failure === 'no-endpoints' ? { app: `${name}x` } : { app: name };
      objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels }, spec: { clusterIP: `10.96.${Math.floor(index / 250) + 10}.${(index % 250) + 2}`, selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }, sandbox: { age: '120d' } });
      if (index % 20 === 0) {
        objects.push({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace }, spec: { ingressClassName: 'nginx', rules: [{ host: `${name}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } }] } }] }, sandbox: { age: '120d' } });
      }
    }
    if (index % 10 === 3) {
      objects.push({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name, namespace }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: replicas, maxReplicas: replicas * 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] }, status: { currentReplicas: replicas, desiredReplicas: replicas, conditions: [{ type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' }, { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' }] }, sandbox: { age: '100d' } });
    }
    if (index % 10 === 5 && replicas > 1) {
      objects.push({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: name } } }, sandbox: { age: '100d' } });
    }
    if (failure === 'claim') {
      objects.push({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `${name}-scratch`, namespace }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '50Gi' } } }, sandbox: { age: '3h' } });
      events.push({ namespace, object: `PersistentVolumeClaim/${name}-scratch`, type: 'Warning', reason: 'ProvisioningFailed', source: 'persistentvolume-controller', count: 40, firstSeen: '3h', lastSeen: '1m', message: 'storageclass.storage.k8s.io "fast-ssd" not found' });
    }
    for (const revision of revisions) {
      for (const pod of (revision['pods'] as Array<{ suffix: string }>) ?? []) {
        const podName = `${name}-${revision['hash'] as string}-${pod.suffix}`;
        if (failure === 'crashloop' || failure === 'oom' || (failure === 'bad-rollout' && revision['hash'] === newHash)) {
          events.push({ namespace, object: `Pod/${podName}`, type: 'Warning', reason: 'BackOff', source: 'kubelet', fieldPath: 'spec.containers{app}', count: 40, firstSeen: '2h', lastSeen: '30s', message: `Back-off restarting failed container app in pod ${podName}_${namespace}({uid})` });
        }
        if (failure === 'unschedulable') events.push({ namespace, object: `Pod/${podName}`, type: 'Warning', reason: 'FailedScheduling', source: 'default-scheduler', count: 30, firstSeen: '3h', lastSeen: '2m', message: '{scheduler}' });
        if (failure === 'image' && revision['hash'] === newHash) {
          events.push({ namespace, object: `Pod/${podName}`, type: 'Warning', reason: 'Failed', source: 'kubelet', fieldPath: 'spec.containers{app}', count: 11, firstSeen: '40m', lastSeen: '3m', message: `Failed to pull image "registry.example.com/${name}:2.0.0-rc1": rpc error: code = NotFound desc = registry.example.com/${name}:2.0.0-rc1: not found` });
        }
      }
    }
  }

  const scenario: Json = {
    apiVersion: 'sandbox.rk8s.dev/v1',
    kind: 'Scenario',
    metadata: { name: `large-${options.pods}`, description: `${podCount} pods in ${workloads} workloads in ${namespace}, generated (seed ${options.seed ?? 42})` },
    user: 'oncall@example.com',
    rbac: [{ verbs: ['*'], resources: ['*'] }],
    faults,
    nodes,
    namespaces: [{ name: namespace, age: '400d' }, { name: 'kube-system', age: '400d' }, { name: 'default', age: '400d' }],
    objects,
    events,
  };
  return { scenario, summary: { pods: podCount, workloads, nodes: nodeCount, failures } };
}

/** Writes the scenario as YAML (what `rk8s sandbox --scenario` and startSandbox({scenarioPath}) read). */
export function writeLargeScenario(path: string, options: LargeScenarioOptions): LargeScenarioSummary {
  const { scenario, summary } = generateLargeScenario(options);
  writeFileSync(path, yaml.dump(scenario, { noRefs: true, lineWidth: 200 }));
  return summary;
}
