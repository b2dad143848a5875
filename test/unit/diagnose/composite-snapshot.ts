/** One namespace with (nearly) every failure the analyzers know, for class-level tests (remediations, schema, injection, speed). */
import type { Snapshot } from '../../../src/diagnose/snapshot-types.js';
import {
  DAY, HOUR, MINUTE, ago, budget, claim, container, controllerRevision, crashLooping, cronJob, daemonSet, deployment, endpointSlice, event, hpa, ingress,
  job, node, pod, replicaSet, running, service, snapshotOf, statefulSet, unschedulablePod, waiting,
} from './fixtures.js';

/** The composite snapshot; `logLine` is appended to the crash-looping container's previous log. */
export function composite(logLine?: string): Snapshot {
  const rs = (name: string, hash: string, revision: number, replicas: number, ready: number, image?: string, age = DAY) =>
    replicaSet(name, hash, { revision, replicas, ready, age, images: { [name]: image ?? `registry.example.com/${name}:1.${revision}` } });
  const owned = (name: string, hash: string, suffix: string, options: Parameters<typeof pod>[1] = {}) =>
    pod(`${name}-${hash}-${suffix}`, { owner: `ReplicaSet/${name}-${hash}`, labels: { app: name }, containers: [container(name, { ports: [{ name: 'http', containerPort: 8080 }] })], statuses: [running(name)], ...options });
  return snapshotOf({
    nodes: [node('node-1'), node('node-2', { ready: 'Unknown' }), node('node-3', { unschedulable: true }), node('node-4', { pressure: ['DiskPressure'] })],
    deployments: [
      deployment('payments', { replicas: 1, ready: 0 }),
      deployment('worker', { replicas: 2, ready: 1 }),
      deployment('web', { replicas: 2, ready: 2, updated: 1, revision: 2, progressing: { status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-new" has timed out progressing.' } }),
      deployment('api', { replicas: 3, ready: 3, updated: 1, revision: 3 }),
      deployment('config', { replicas: 1, ready: 0 }),
      deployment('trainer', { replicas: 1, ready: 0 }),
      deployment('quota', { replicas: 2, ready: 0, replicaFailure: 'pods "quota-x" is forbidden: exceeded quota: compute, requested: cpu=1, used: cpu=4, limited: cpu=4' }),
      deployment('paused', { replicas: 2, ready: 2, updated: 1, paused: true }),
      deployment('nohpa', { replicas: 2, ready: 2, containers: [container('nohpa', { resources: {} })] }),
      deployment('unready', { replicas: 1, ready: 0 }),
    ],
    replicaSets: [
      rs('payments', 'p1', 1, 1, 0), rs('worker', 'w1', 1, 2, 1), rs('web', 'new', 2, 1, 0, 'registry.example.com/web:2.4.0-rc1', 40 * MINUTE), rs('web', 'old', 1, 2, 2, 'registry.example.com/web:2.3.1', 5 * DAY),
      rs('api', 'v3', 3, 1, 0, 'registry.example.com/api:2.0.0', 14 * MINUTE), rs('api', 'v2', 2, 3, 3, 'registry.example.com/api:1.9.0', 9 * DAY),
      rs('config', 'c1', 1, 1, 0), rs('trainer', 't1', 1, 1, 0), rs('quota', 'q1', 1, 2, 0), rs('paused', 'x1', 1, 2, 2), rs('nohpa', 'n1', 1, 2, 2), rs('unready', 'u1', 1, 1, 0),
    ],
    statefulSets: [statefulSet('db', { replicas: 2, ready: 1, currentRevision: 'db-old', updateRevision: 'db-new', updated: 1 })],
    controllerRevisions: [controllerRevision('StatefulSet', 'db', 'new', 2, 'postgres:16.4', DAY), controllerRevision('StatefulSet', 'db', 'old', 1, 'postgres:16.3', 100 * DAY)],
    daemonSets: [daemonSet('agent', { desired: 3, ready: 2, updated: 1 })],
    pods: [
      owned('payments', 'p1', 'a', { statuses: [crashLooping('payments')], ready: false, node: 'node-1' }),
      owned('worker', 'w1', 'a', { statuses: [{ ...crashLooping('worker', 137, 'OOMKilled', 7), state: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: ago(5 * MINUTE), finishedAt: ago(4 * MINUTE) } } }], ready: false }),
      owned('worker', 'w1', 'b'),
      owned('web', 'new', 'a', { statuses: [waiting('web', 'ImagePullBackOff', 'Back-off pulling image "registry.example.com/web:2.4.0-rc1"')], ready: false, age: 40 * MINUTE }),
      owned('web', 'old', 'a'), owned('web', 'old', 'b'),
      owned('api', 'v3', 'a', { statuses: [crashLooping('api')], ready: false, age: 14 * MINUTE }),
      owned('api', 'v2', 'a'), owned('api', 'v2', 'b'), owned('api', 'v2', 'c'),
      owned('config', 'c1', 'a', { statuses: [waiting('config', 'CreateContainerConfigError', 'secret "config-db" not found')], ready: false }),
      unschedulablePod('trainer-t1-a', '0/4 nodes are available: 1 node(s) were unschedulable, 3 Insufficient cpu.', { owner: 'ReplicaSet/trainer-t1', labels: { app: 'trainer' }, containers: [container('trainer', { resources: { requests: { cpu: '64' } } })] }),
      owned('unready', 'u1', 'a', { statuses: [running('unready', { ready: false })], ready: false }),
      owned('paused', 'x1', 'a'), owned('paused', 'x1', 'b'), owned('nohpa', 'n1', 'a'), owned('nohpa', 'n1', 'b'),
      pod('db-0', { owner: 'StatefulSet/db', labels: { app: 'db' }, node: 'node-2' }),
      pod('db-1', { owner: 'StatefulSet/db', labels: { app: 'db' }, node: 'node-2', statuses: [running('app', { restartCount: 2, lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: ago(HOUR / 2), finishedAt: ago(10 * MINUTE) } } })] }),
      pod('agent-a', { owner: 'DaemonSet/agent', labels: { app: 'agent' }, node: 'node-4' }),
      pod('mounting', { phase: 'Pending', age: 10 * MINUTE, statuses: [waiting('app', 'ContainerCreating')], ready: false, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'scratch' } }] }),
      pod('evicted-1', { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: ephemeral-storage.', statuses: [], node: 'node-4' }),
      pod('oneoff', { phase: 'Failed', restartPolicy: 'Never', statuses: [{ ...running('app'), ready: false, state: { terminated: { exitCode: 2, reason: 'Error', startedAt: ago(HOUR), finishedAt: ago(HOUR - 5) } } }] }),
      pod('report-1-x', { owner: 'Job/report-1', phase: 'Failed', restartPolicy: 'Never', statuses: [{ ...running('report'), ready: false, state: { terminated: { exitCode: 1, reason: 'Error' } } }] }),
    ],
    services: [
      service('payments', { app: 'payments' }), service('ghost', { app: 'nothing' }), service('web', { app: 'web' }, [{ name: 'http', port: 80, targetPort: 'metrics' }]),
    ],
    endpointSlices: [endpointSlice('payments', [{ pod: 'payments-p1-a', ready: false }]), endpointSlice('web', [{ pod: 'web-old-a', ready: true }, { pod: 'web-old-b', ready: true }])],
    ingresses: [
      ingress('shop', { ingressClassName: 'traefik', tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }], rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'missing', port: { number: 80 } } } }, { path: '/pay', pathType: 'Prefix', backend: { service: { name: 'payments', port: { number: 80 } } } }] } }] }),
    ],
    persistentVolumeClaims: [claim('scratch', { phase: 'Pending', storageClassName: 'fast-ssd' }), claim('lost', { phase: 'Lost', volumeName: 'pvc-9' }), claim('slow', { phase: 'Pending' })],
    jobs: [job('report-1', { failed: { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' } })],
    cronJobs: [cronJob('nightly', { suspend: true }), cronJob('broken', { schedule: '61 * * * *' }), cronJob('gone', { lastSchedule: 2 * HOUR, lastSuccess: 30 * HOUR })],
    horizontalPodAutoscalers: [
      hpa('orphan', { kind: 'Deployment', name: 'nope' }),
      hpa('nohpa', { kind: 'Deployment', name: 'nohpa' }),
      hpa('api', { kind: 'Deployment', name: 'api' }, { max: 3, current: 3, conditions: [{ type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' }] }),
    ],
    podDisruptionBudgets: [budget('db', { app: 'db' }, { minAvailable: 2, allowed: 0, healthy: 1, desired: 2, expected: 2 }), budget('none', { app: 'none' }, { allowed: 0, healthy: 0, desired: 0, expected: 0 })],
    resourceQuotas: [{ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute', namespace: 'prod' }, spec: { hard: { cpu: '4' } }, status: { hard: { cpu: '4' }, used: { cpu: '4' } } }],
    secretNames: ['web-tls'],
    events: [
      event('Pod', 'payments-p1-a', 'BackOff', 'Back-off restarting failed container payments in pod payments-p1-a_prod(uid)', { count: 40 }),
      event('Pod', 'mounting', 'FailedMount', 'MountVolume.SetUp failed for volume "data" : persistentvolumeclaim "scratch" not found', { count: 5 }),
      event('PersistentVolumeClaim', 'scratch', 'ProvisioningFailed', 'storageclass.storage.k8s.io "fast-ssd" not found', { component: 'persistentvolume-controller', count: 30 }),
      event('PersistentVolumeClaim', 'slow', 'ProvisioningFailed', 'failed to provision volume with StorageClass "standard": rpc error: code = Internal', { component: 'persistentvolume-controller' }),
      event('Pod', 'unready-u1-a', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', { count: 90 }),
      event('Service', 'payments', 'FailedToUpdateEndpoint', 'Failed to update endpoint prod/payments: Operation cannot be fulfilled', { component: 'endpoint-controller', last: 3 * DAY }),
      event('ConfigMap', 'settings', 'Deprecated', 'key legacy.enabled is deprecated', { component: 'config-linter', last: 5 * MINUTE }),
    ],
    logs: [{ pod: 'payments-p1-a', container: 'payments', previous: true, lines: [{ text: 'starting payments', error: false }, { text: 'ERROR config: required key "PAYMENTS_DB_URL" is not set', error: true }, ...(logLine ? [{ text: logLine, error: false }] : [])] }],
  });
}
