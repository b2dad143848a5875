import { describe, expect, it } from 'vitest';
import { analyze } from '../../../../src/diagnose/analyze.js';
import { analyzePods } from '../../../../src/diagnose/analyzers/pods.js';
import type { Finding } from '../../../../src/diagnose/finding.js';
import { SnapshotIndex } from '../../../../src/diagnose/snapshot-index.js';
import type { Snapshot } from '../../../../src/diagnose/snapshot-types.js';
import {
  DAY, HOUR, MINUTE, ago, container, crashLooping, deployment, event, node, pod, replicaSet, running, snapshotOf, unschedulablePod, waiting,
} from '../fixtures.js';

const pods = (parts: Partial<Snapshot>) => analyzePods(new SnapshotIndex(snapshotOf(parts)));
const only = (findings: Finding[]): Finding => {
  expect(findings).toHaveLength(1);
  return findings[0]!;
};
const texts = (finding: Finding) => finding.evidence.map((evidence) => evidence.text);

/** A Deployment "api" with one ReplicaSet and the given pods. */
function apiWith(podList: ReturnType<typeof pod>[], ready: number, replicas = podList.length): Partial<Snapshot> {
  return {
    deployments: [deployment('api', { replicas, ready })],
    replicaSets: [replicaSet('api', '5d8f7c9b6', { revision: 1, replicas, ready, images: { app: 'registry.example.com/app:1.0.0' } })],
    pods: podList,
  };
}

describe('pod analyzer', () => {
  it('finds nothing wrong with running, ready pods', () => {
    expect(pods(apiWith([pod('api-5d8f7c9b6-a', { owner: 'ReplicaSet/api-5d8f7c9b6', labels: { app: 'api' } })], 1))).toEqual([]);
  });

  it('rolls three crash-looping pods of one Deployment up into one finding listing them, with the exit code and the marked error line', () => {
    const crashing = ['a', 'b', 'c'].map((suffix) => pod(`api-5d8f7c9b6-${suffix}`, { owner: 'ReplicaSet/api-5d8f7c9b6', labels: { app: 'api' }, statuses: [crashLooping('app', 2, 'Error', 40)], ready: false }));
    const snapshot = apiWith(crashing, 0);
    snapshot.logs = [{ pod: 'api-5d8f7c9b6-a', container: 'app', previous: true, lines: [{ text: 'starting', error: false }, { text: 'panic: nil map', error: true }] }];
    snapshot.events = [event('Pod', 'api-5d8f7c9b6-a', 'BackOff', 'Back-off restarting failed container app in pod api-5d8f7c9b6-a_prod(uid)', { count: 40 })];
    const finding = only(pods(snapshot));
    expect(finding).toMatchObject({ id: 'deployment/api:CrashLoopBackOff', reason: 'CrashLoopBackOff', severity: 'critical', object: { kind: 'Deployment', name: 'api', namespace: 'prod' }, blastRadius: 3 });
    expect(finding.affected.map((reference) => reference.name)).toEqual(['api-5d8f7c9b6-a', 'api-5d8f7c9b6-b', 'api-5d8f7c9b6-c']);
    expect(finding.summary).toContain('3 of 3 pods crash-loop (0/3 ready)');
    expect(finding.summary).toContain('exits with code 2 (Error), restarted 40 times');
    expect(finding.summary).toContain('panic: nil map');
    expect(finding.evidence).toContainEqual(expect.objectContaining({ type: 'field', path: 'status.containerStatuses[app].lastState.terminated', text: expect.stringContaining('reason=Error exitCode=2') }));
    expect(finding.evidence).toContainEqual({ type: 'log', object: { kind: 'Pod', name: 'api-5d8f7c9b6-a', namespace: 'prod' }, path: 'logs --previous -c app', text: 'panic: nil map', error: true });
    expect(finding.evidence).toContainEqual(expect.objectContaining({ type: 'event', text: expect.stringContaining('Warning BackOff (x40 over 29m, last 60s ago, kubelet)') }));
    expect(finding.remediations.map((remediation) => [remediation.kind, remediation.request.intent, remediation.request.resource])).toEqual([
      ['fix', 'restart', 'deployment'], ['inspect', 'logs', 'pod'], ['inspect', 'describe', 'pod'], ['inspect', 'events', 'pod'],
    ]);
    expect(finding.remediations[1]!.request).toEqual({ intent: 'logs', resource: 'pod', namespace: 'prod', name: 'api-5d8f7c9b6-a', params: { container: 'app', tail: 100, previous: true } });
    expect(finding.check).toContain('panic: nil map');
  });

  it('says what to fix for a missing Secret key, with the env var that reads it, and offers no restart (the kubelet retries)', () => {
    const spec = container('payments', { env: [{ name: 'PAYMENTS_DB_URL', valueFrom: { secretKeyRef: { name: 'payments-db', key: 'url' } } }] });
    const broken = pod('payments-6b7c8d9f4-lk2jd', {
      owner: 'ReplicaSet/payments-6b7c8d9f4', labels: { app: 'payments' }, containers: [spec], ready: false,
      statuses: [waiting('payments', 'CreateContainerConfigError', "couldn't find key url in Secret prod/payments-db")],
    });
    const finding = only(pods({
      deployments: [deployment('payments', { replicas: 1, ready: 0 })],
      replicaSets: [replicaSet('payments', '6b7c8d9f4', { revision: 1, replicas: 1, ready: 0 })],
      pods: [broken], secretNames: ['payments-db', 'web-tls'],
    }));
    expect(finding.reason).toBe('CreateContainerConfigError');
    expect(finding.summary).toContain('needs key url of Secret payments-db, which has no such key');
    expect(finding.check).toBe('the Secret payments-db has no key url (container payments reads it as env PAYMENTS_DB_URL (key url)): add the key; the kubelet retries and the container starts');
    expect(texts(finding)).toContain('Secret payments-db exists in prod');
    expect(finding.remediations.some((remediation) => remediation.kind === 'fix')).toBe(false);
  });

  it.each([
    ['secret "payments-db" not found', 'the Secret payments-db does not exist'],
    ['configmap "api-config" not found', 'the ConfigMap api-config does not exist'],
    ["couldn't find key LOG_LEVEL in ConfigMap prod/api-config", 'the ConfigMap api-config has no key LOG_LEVEL'],
  ])('CreateContainerConfigError "%s" -> %s', (message, check) => {
    const broken = pod('x', { statuses: [waiting('app', 'CreateContainerConfigError', message)], ready: false });
    expect(only(pods({ pods: [broken] })).check).toContain(check);
  });

  it.each([
    ['ImagePullBackOff', 'Back-off pulling image "registry.example.com/web:9.9.9"', 'ImagePullBackOff'],
    ['ErrImagePull', 'rpc error: code = NotFound', 'ImagePullBackOff'],
    ['InvalidImageName', 'couldn\'t parse image name "registry.example.com/web::9"', 'InvalidImageName'],
  ])('waiting %s becomes %s with the image and the registry message', (reason, message, code) => {
    const broken = pod('web-1', { statuses: [waiting('web', reason, message, { image: 'registry.example.com/web:9.9.9' })], containers: [container('web', { image: 'registry.example.com/web:9.9.9' })], ready: false });
    const failed = event('Pod', 'web-1', 'Failed', 'Failed to pull image "registry.example.com/web:9.9.9": rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.com/web:9.9.9": registry.example.com/web:9.9.9: not found', { count: 11 });
    const finding = only(pods({ pods: [broken], events: [failed] }));
    expect(finding.reason).toBe(code);
    expect(texts(finding)).toContain('registry.example.com/web:9.9.9');
    if (code === 'ImagePullBackOff') {
      expect(finding.summary).toContain('cannot pull registry.example.com/web:9.9.9 (not found)');
      expect(finding.check).toContain('registry.example.com/web:9.9.9: not found');
    }
  });

  it('reports an OOM kill with the limit, the request and the usage of the same container elsewhere', () => {
    const killed = pod('worker-84c6f5d7b9-m5tqz', {
      owner: 'ReplicaSet/worker-84c6f5d7b9', labels: { app: 'worker' }, containers: [container('worker', { resources: { requests: { memory: '256Mi' }, limits: { memory: '512Mi' } } })], ready: false,
      statuses: [{ ...crashLooping('worker', 137, 'OOMKilled', 7), state: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: ago(5 * MINUTE), finishedAt: ago(4 * MINUTE) } } }],
    });
    const healthy = pod('worker-84c6f5d7b9-zr8vx', { owner: 'ReplicaSet/worker-84c6f5d7b9', labels: { app: 'worker' }, containers: [container('worker')], statuses: [running('worker')] });
    const finding = only(pods({
      deployments: [deployment('worker', { replicas: 2, ready: 1 })], replicaSets: [replicaSet('worker', '84c6f5d7b9', { revision: 1, replicas: 2, ready: 1 })],
      pods: [killed, healthy], usage: [{ pod: 'worker-84c6f5d7b9-zr8vx', container: 'worker', cpuMillicores: 144, memoryBytes: 219 * 2 ** 20 }],
      events: [event('Pod', 'worker-84c6f5d7b9-m5tqz', 'OOMKilling', 'Memory cgroup out of memory: Killed process 48213 (worker)', { component: 'kernel-monitor', count: 7 })],
    }));
    expect(finding).toMatchObject({ reason: 'OOMKilled', severity: 'warning', object: { kind: 'Deployment', name: 'worker' } });
    expect(finding.affected).toEqual([{ kind: 'Pod', name: 'worker-84c6f5d7b9-m5tqz', namespace: 'prod' }]);
    expect(finding.summary).toContain('memory limit (512Mi), restarted 7 times; the same container uses 219Mi where it runs');
    expect(texts(finding)).toContain('limits.memory=512Mi requests.memory=256Mi');
    expect(texts(finding).some((text) => text.includes('OOMKilling') && text.includes('kernel-monitor'))).toBe(true);
    expect(finding.check).toContain('raise the memory limit of container worker (now 512Mi)');
    expect(finding.remediations.map((remediation) => remediation.request.intent)).toEqual(['logs', 'top', 'describe', 'events']);
    // The running sibling is the one whose usage is worth reading.
    expect(finding.remediations[1]!.request).toMatchObject({ name: 'worker-84c6f5d7b9-zr8vx', params: { containers: true } });
  });

  it('reports an unschedulable pod with the scheduler\'s reason and why no node can ever fit it', () => {
    const pending = unschedulablePod('ml-trainer-5c4b3a291-tq7pz', '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.', {
      owner: 'ReplicaSet/ml-trainer-5c4b3a291', containers: [container('trainer', { resources: { requests: { cpu: '64', memory: '32Gi' }, limits: { cpu: '64', memory: '32Gi' } } })],
    });
    const finding = only(pods({ deployments: [deployment('ml-trainer', { replicas: 1, ready: 0 })], replicaSets: [replicaSet('ml-trainer', '5c4b3a291', { revision: 1, replicas: 1, ready: 0 })], pods: [pending], events: [event('Pod', 'ml-trainer-5c4b3a291-tq7pz', 'FailedScheduling', '0/2 nodes are available: 2 Insufficient cpu.', { component: 'default-scheduler', count: 37 })] }));
    expect(finding).toMatchObject({ reason: 'Unschedulable', severity: 'critical', object: { kind: 'Deployment', name: 'ml-trainer' } });
    expect(finding.summary).toContain('the scheduler says: 0/2 nodes are available: 2 Insufficient cpu');
    expect(finding.check).toContain('no node can ever fit it: the pod requests cpu 64 and the largest node has 3.91 allocatable');
    expect(texts(finding)).toContain('the pod requests cpu 64');
  });

  it('offers to uncordon the nodes the scheduler skips because they are cordoned', () => {
    const pending = unschedulablePod('api-1', '0/2 nodes are available: 1 node(s) were unschedulable, 1 Insufficient memory.');
    const finding = only(pods({ pods: [pending], nodes: [node('node-1', { unschedulable: true }), node('node-2')] }));
    expect(finding.remediations[0]).toMatchObject({ kind: 'fix', request: { intent: 'uncordon', resource: 'node', name: 'node-1' } });
    expect(finding.remediations[0]!.request.namespace).toBeUndefined();
  });

  it('does not offer to uncordon a node too small for the pod, and says why', () => {
    const big = container('app', { resources: { requests: { cpu: '8' } } });
    const pending = unschedulablePod('api-1', '0/2 nodes are available: 1 node(s) were unschedulable, 1 Insufficient cpu.', { containers: [big] });
    const finding = only(pods({ pods: [pending], nodes: [node('node-1', { unschedulable: true, cpu: '4' }), node('node-2', { cpu: '4' })] }));
    expect(finding.remediations.filter((remediation) => remediation.kind === 'fix')).toEqual([]);
    expect(finding.check).toContain('node(s) node-1 are cordoned, but too small for the pod\'s requests');
    // The same cordoned node with room for the pod is the fix.
    const roomy = only(pods({ pods: [pending], nodes: [node('node-1', { unschedulable: true, cpu: '16' }), node('node-2', { cpu: '4' })] }));
    expect(roomy.remediations[0]).toMatchObject({ kind: 'fix', request: { intent: 'uncordon', name: 'node-1' } });
  });

  it('tells condition taints (never to be tolerated) from chosen ones', () => {
    const pending = unschedulablePod('api-1', '0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 2 node(s) had untolerated taint {dedicated: gpu}.');
    const finding = only(pods({ pods: [pending], nodes: [node('node-1'), node('node-2'), node('node-3')] }));
    expect(finding.check).toContain('tainted by their own condition (node.kubernetes.io/not-ready)');
    expect(finding.check).toContain('taints the pod does not tolerate (dedicated): add a toleration');
  });

  it('reads a back-off after StartError (the process never ran) as RunContainerError, with the runtime\'s message', () => {
    const message = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "migrate": executable file not found in $PATH: unknown';
    const status = crashLooping('app', 128, 'StartError', 6);
    status.lastState!.terminated!.message = message;
    const finding = only(pods({ pods: [pod('api-1', { statuses: [status], ready: false })] }));
    expect(finding).toMatchObject({ reason: 'RunContainerError' });
    expect(finding.summary).toContain('cannot be started by the runtime (StartError, exit code 128)');
    expect(finding.check).toContain('exec: "migrate": executable file not found in $PATH');
  });

  it('names the scheduling gates a long-Pending pod waits for', () => {
    const gated = pod('batch-1', { node: null, phase: 'Pending', age: HOUR, conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates', lastTransitionTime: ago(HOUR) }] });
    gated.spec!.schedulingGates = [{ name: 'example.com/quota' }];
    const finding = only(pods({ pods: [gated] }));
    expect(finding).toMatchObject({ reason: 'Pending' });
    expect(finding.summary).toContain('the scheduler waits for its scheduling gate(s) example.com/quota to be removed');
    expect(finding.check).toContain('has not removed them');
  });

  it('reports an evicted pod, informational when its workload is back to full strength', () => {
    const evicted = pod('api-5d8f7c9b6-old', { owner: 'ReplicaSet/api-5d8f7c9b6', labels: { app: 'api' }, phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 82Mi.', statuses: [] });
    const replacement = pod('api-5d8f7c9b6-new', { owner: 'ReplicaSet/api-5d8f7c9b6', labels: { app: 'api' } });
    const finding = only(pods(apiWith([evicted, replacement], 1, 1)));
    expect(finding).toMatchObject({ reason: 'Evicted', severity: 'info' });
    expect(finding.summary).toContain('The node was low on resource: memory');
  });

  it('reports ContainerCreating with FailedMount events and the missing ConfigMap', () => {
    const stuck = pod('api-1', { phase: 'Pending', age: 10 * MINUTE, statuses: [waiting('app', 'ContainerCreating')], ready: false });
    const finding = only(pods({ pods: [stuck], events: [event('Pod', 'api-1', 'FailedMount', 'MountVolume.SetUp failed for volume "config" : configmap "api-config" not found', { count: 6 })] }));
    expect(finding.reason).toBe('FailedMount');
    expect(finding.check).toContain('the ConfigMap api-config mounted as a volume does not exist');
  });

  it('reports a running container that is not ready with its Unhealthy probe events', () => {
    const unready = pod('api-1', { statuses: [running('app', { ready: false })], ready: false, containers: [container('app', { readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 } })] });
    const finding = only(pods({ pods: [unready], events: [event('Pod', 'api-1', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', { count: 90 })] }));
    expect(finding.reason).toBe('NotReady');
    expect(finding.summary).toContain('Readiness probe failed: HTTP probe failed with statuscode: 503');
    expect(texts(finding).some((text) => text.includes('"path":"/healthz"'))).toBe(true);
  });

  it('looks at init containers too', () => {
    const blocked = pod('api-1', { initContainers: [container('migrate')], initStatuses: [crashLooping('migrate', 3)], statuses: [waiting('app', 'PodInitializing')], phase: 'Pending', ready: false });
    const finding = only(pods({ pods: [blocked] }));
    expect(finding.reason).toBe('CrashLoopBackOff');
    expect(finding.summary).toContain('init container migrate exits with code 3');
    expect(finding.evidence[0]).toMatchObject({ path: 'status.initContainerStatuses[migrate].state.waiting' });
  });

  it('reports a container that restarted in the last hour but runs again', () => {
    const recovered = pod('api-1', { statuses: [running('app', { restartCount: 3, lastState: { terminated: { exitCode: 143, reason: 'Error', startedAt: ago(HOUR / 2), finishedAt: ago(10 * MINUTE) } } })] });
    expect(only(pods({ pods: [recovered] }))).toMatchObject({ reason: 'Restarting', severity: 'warning' });
    const old = pod('api-2', { statuses: [running('app', { restartCount: 3, lastState: { terminated: { exitCode: 143, reason: 'Error', startedAt: ago(3 * DAY), finishedAt: ago(2 * DAY) } } })] });
    expect(pods({ pods: [old] })).toEqual([]);
  });

  it('reports a failed bare pod but leaves failed Job pods to the job analyzer', () => {
    const failed = pod('oneoff', { phase: 'Failed', restartPolicy: 'Never', statuses: [{ ...running('app'), ready: false, state: { terminated: { exitCode: 2, reason: 'Error', startedAt: ago(HOUR), finishedAt: ago(HOUR - 5) } } }] });
    expect(only(pods({ pods: [failed] }))).toMatchObject({ reason: 'PodFailed', object: { kind: 'Pod', name: 'oneoff' } });
    const jobPod = pod('report-1-x', { owner: 'Job/report-1', phase: 'Failed', restartPolicy: 'Never', statuses: [{ ...running('report'), ready: false, state: { terminated: { exitCode: 1, reason: 'Error' } } }] });
    expect(pods({ pods: [jobPod] })).toEqual([]);
  });

  it('blames a crashing NEW revision and offers the rollback to the healthy one first', () => {
    const deploymentObject = deployment('api', { replicas: 3, ready: 3, updated: 1, revision: 3 });
    const snapshot: Partial<Snapshot> = {
      deployments: [deploymentObject],
      replicaSets: [
        replicaSet('api', '7f6d5c4b3', { revision: 3, replicas: 1, ready: 0, images: { app: 'registry.example.com/api:2.0.0' }, age: 14 * MINUTE }),
        replicaSet('api', '5d8f7c9b6', { revision: 2, replicas: 3, ready: 3, images: { app: 'registry.example.com/api:1.9.0' }, age: 9 * DAY }),
      ],
      pods: [
        pod('api-7f6d5c4b3-new', { owner: 'ReplicaSet/api-7f6d5c4b3', labels: { app: 'api' }, statuses: [crashLooping('app')], ready: false, age: 14 * MINUTE }),
        ...['a', 'b', 'c'].map((suffix) => pod(`api-5d8f7c9b6-${suffix}`, { owner: 'ReplicaSet/api-5d8f7c9b6', labels: { app: 'api' } })),
      ],
    };
    const finding = analyze(snapshotOf(snapshot))[0]!;
    expect(finding.reason).toBe('CrashLoopBackOff');
    expect(finding.summary).toContain('Revision 3 (registry.example.com/api:2.0.0) rolled out 14m ago and its pods crash-loop; revision 2 (registry.example.com/api:1.9.0) is healthy: 3 of its pods are still ready.');
    expect(finding.remediations[0]).toMatchObject({ kind: 'fix', request: { intent: 'rollback', resource: 'deployment', name: 'api', params: { revision: 2 } } });
    expect(finding.remediations.map((remediation) => remediation.request.intent)).toContain('history');
  });

  it('does not suggest a rollback when failing pods run an older revision than the newest', () => {
    const snapshot: Partial<Snapshot> = {
      deployments: [deployment('api', { replicas: 2, ready: 1, revision: 2 })],
      replicaSets: [
        replicaSet('api', 'new', { revision: 2, replicas: 1, ready: 1, images: { app: 'a:2' }, age: HOUR }),
        replicaSet('api', 'old', { revision: 1, replicas: 1, ready: 0, images: { app: 'a:1' }, age: 9 * DAY }),
      ],
      pods: [pod('api-old-x', { owner: 'ReplicaSet/api-old', labels: { app: 'api' }, statuses: [crashLooping('app')], ready: false })],
    };
    const finding = only(pods(snapshot));
    expect(finding.remediations.some((remediation) => remediation.request.intent === 'rollback')).toBe(false);
  });
});
