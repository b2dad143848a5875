/**
 * End-to-end: the real kubectl against the sandbox cluster. Each mutating group gets its own
 * sandbox; assertions check kubectl's output and then the resulting state (read back as JSON).
 */
import { expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import { useSandbox, waitFor } from '../helpers/sandbox.js';

interface Item {
  metadata: { name: string; namespace?: string; uid?: string; labels?: Record<string, string>; annotations?: Record<string, string>; deletionTimestamp?: string; ownerReferences?: { uid: string; kind: string }[] };
  spec?: Record<string, unknown> & { replicas?: number; nodeName?: string; unschedulable?: boolean; template?: { spec?: { containers?: { name: string; image: string }[] } } };
  status?: Record<string, unknown> & { phase?: string; replicas?: number; readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number };
}
interface List {
  items: Item[];
}

const activePods = (list: List) => list.items.filter((pod) => !pod.metadata.deletionTimestamp);

describeWith(['kubectl'], 'sandbox + kubectl: reading', () => {
  const logIntervalMs = 500;
  const harness = useSandbox({ timings: { logIntervalMs } });

  it('get pods shows the scenario with kubectl-like columns, including the failures', async () => {
    const result = await harness().kubectl(['get', 'pods', '-n', 'prod']);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(result.stdout).toMatch(/api-5d8f7c9b6-2xkqp\s+2\/2\s+Running\s+0\s+2d/);
    expect(result.stdout).toMatch(/payments-6b7c8d9f4-lk2jd\s+0\/1\s+CrashLoopBackOff\s+142 \(\d+m\d*s? ago\)/);
    // OOM-killed, waiting out its restart back-off: STATUS is CrashLoopBackOff, the last state says why.
    expect(result.stdout).toMatch(/worker-84c6f5d7b9-m5tqz\s+0\/1\s+CrashLoopBackOff\s+7 \(4m\d*s? ago\)/);
    const worker = await harness().kubectlJson<{ status: { containerStatuses: { lastState: { terminated?: { reason: string; exitCode: number } } }[] } }>(['get', 'pod', 'worker-84c6f5d7b9-m5tqz', '-n', 'prod']);
    expect(worker.status.containerStatuses[0]?.lastState.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    const staging = await harness().kubectl(['get', 'pods', '-n', 'staging']);
    expect(staging.stdout).toMatch(/web-7f6d5c4b3-p8kdw\s+0\/1\s+ImagePullBackOff/);
    expect(staging.stdout).toMatch(/ml-trainer-5c4b3a291-tq7pz\s+0\/1\s+Pending/);
  });

  it('get deploy -o wide adds the priority columns', async () => {
    const result = await harness().kubectl(['get', 'deploy', '-n', 'prod', '-o', 'wide']);
    expect(result.stdout.split('\n')[0]).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR/);
    expect(result.stdout).toMatch(/api\s+3\/3\s+3\s+3\s+120d\s+api,envoy\s+registry\.example\.com\/api:1\.8\.2,envoyproxy\/envoy:v1\.31\.2\s+app=api/);
    expect(result.stdout).toMatch(/payments\s+0\/1\s+1\s+0\s/);
  });

  it('get deployment -o yaml returns the full object', async () => {
    const result = await harness().kubectl(['get', 'deployment', 'api', '-n', 'prod', '-o', 'yaml']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('kind: Deployment');
    expect(result.stdout).toContain('deployment.kubernetes.io/revision: "2"');
    expect(result.stdout).toContain('image: registry.example.com/api:1.8.2');
    expect(result.stdout).toMatch(/type: Progressing/);
  });

  it('get pods -A adds NAMESPACE, get nodes shows three Ready nodes', async () => {
    const all = await harness().kubectl(['get', 'pods', '-A']);
    expect(all.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY/);
    for (const namespace of ['prod', 'staging', 'dev', 'kube-system']) expect(all.stdout).toMatch(new RegExp(`^${namespace}\\s+`, 'm'));
    const nodes = await harness().kubectl(['get', 'nodes']);
    expect(nodes.stdout).toMatch(/NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    expect(nodes.stdout.match(/node-\d\s+Ready\s+<none>\s+\d+d\s+v1\.32\.4/g)).toHaveLength(3);
  });

  it('get events --sort-by=.lastTimestamp sorts, and a field selector keeps warnings only', async () => {
    const result = await harness().kubectl(['get', 'events', '-n', 'staging', '--sort-by=.lastTimestamp']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(/LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    expect(result.stdout).toContain('FailedScheduling');
    const events = await harness().kubectlJson<List>(['get', 'events', '-n', 'staging']);
    // Events written through events.k8s.io (the scheduler's) have no lastTimestamp: kubectl sorts them first.
    const lastTimestamp = (item: Item) => String((item as unknown as { lastTimestamp: string | null }).lastTimestamp ?? '');
    const expected = [...events.items].sort((left, right) => lastTimestamp(left).localeCompare(lastTimestamp(right)))
      .map((item) => `${(item as unknown as { reason: string }).reason} ${lastTimestamp(item)}`);
    const printed = result.stdout.trim().split('\n').slice(1).map((line) => line.split(/\s{2,}/)[2]);
    expect(printed).toEqual(expected.map((entry) => entry.split(' ')[0]));
    expect(new Set(expected.map((entry) => entry.split(' ')[1])).size).toBeGreaterThan(2);
    const warnings = await harness().kubectl(['get', 'events', '-n', 'prod', '--field-selector', 'type=Warning']);
    expect(warnings.stdout).toContain('BackOff');
    expect(warnings.stdout).not.toMatch(/\sNormal\s/);
  });

  it('describe pod shows the crash loop with its events', async () => {
    const result = await harness().kubectl(['describe', 'pod', 'payments-6b7c8d9f4-lk2jd', '-n', 'prod']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/State:\s+Waiting\n\s+Reason:\s+CrashLoopBackOff/);
    expect(result.stdout).toMatch(/Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+1/);
    expect(result.stdout).toMatch(/Restart Count:\s+142/);
    expect(result.stdout).toMatch(/Warning\s+BackOff\s+.*\(x142 over 12h\)\s+kubelet\s+Back-off restarting failed container payments/);
    expect(result.stdout).toContain('Controlled By:  ReplicaSet/payments-6b7c8d9f4');
  });

  it('describe deployment and node print the describers output', async () => {
    const deployment = await harness().kubectl(['describe', 'deployment', 'api', '-n', 'prod']);
    expect(deployment.stdout).toMatch(/Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable/);
    expect(deployment.stdout).toMatch(/NewReplicaSet:\s+api-5d8f7c9b6 \(3\/3 replicas created\)/);
    expect(deployment.stdout).toMatch(/OldReplicaSets:\s+api-7b9c6d8f5 \(0\/0 replicas created\)/);
    const node = await harness().kubectl(['describe', 'node', 'node-1']);
    expect(node.exitCode).toBe(0);
    expect(node.stdout).toMatch(/Non-terminated Pods:\s+\(\d+ in total\)/);
    expect(node.stdout).toContain('api-5d8f7c9b6-2xkqp');
    expect(node.stdout).toMatch(/HolderIdentity:\s+node-1/);
    expect(node.stdout).toMatch(/cpu\s+\d+m \(\d+%\)/);
  });

  it('logs: --tail, --previous on the crash loop, -c envoy, deploy/api, --timestamps', async () => {
    const tail = await harness().kubectl(['logs', 'api-5d8f7c9b6-2xkqp', '-n', 'prod', '-c', 'api', '--tail=5']);
    expect(tail.exitCode).toBe(0);
    expect(tail.stdout.trim().split('\n')).toHaveLength(5);
    const previous = await harness().kubectl(['logs', 'payments-6b7c8d9f4-lk2jd', '-n', 'prod', '--previous']);
    expect(previous.exitCode).toBe(0);
    expect(previous.stdout).toContain('PAYMENTS_DB_URL');
    expect(previous.stdout.trim().split('\n').pop()).toMatch(/^FATAL/);
    const envoy = await harness().kubectl(['logs', 'api-5d8f7c9b6-2xkqp', '-n', 'prod', '-c', 'envoy', '--tail=3']);
    expect(envoy.stdout).toMatch(/^\[\d{4}-\d\d-\d\dT[^\]]+\] "(GET|POST|PUT) /m);
    const deployment = await harness().kubectl(['logs', 'deployment/api', '-n', 'prod', '--tail=2', '--timestamps']);
    expect(deployment.exitCode).toBe(0);
    expect(deployment.stderr).toMatch(/Found 3 pods, using pod\/api-5d8f7c9b6-/);
    for (const line of deployment.stdout.trim().split('\n')) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /);
    const noPrevious = await harness().kubectl(['logs', 'api-5d8f7c9b6-2xkqp', '-n', 'prod', '-c', 'api', '--previous']);
    expect(noPrevious.exitCode).toBe(1);
    expect(noPrevious.stderr).toContain('previous terminated container "api" in pod "api-5d8f7c9b6-2xkqp" not found');
    const since = await harness().kubectl(['logs', 'web-6c9f8d7b5-h4kzl', '-n', 'prod', '--since=15m']);
    expect(since.stdout.trim().split('\n').length).toBeLessThanOrEqual((15 * 60 * 1000) / logIntervalMs + 1);
    expect(since.stdout.trim().split('\n').length).toBeGreaterThan((14 * 60 * 1000) / logIntervalMs);
  });

  it('logs -f keeps streaming new lines', async () => {
    const follow = await harness().kubectl(['logs', '-f', 'db-0', '-n', 'prod', '--tail=1'], { timeoutMs: 2_500 });
    expect(follow.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(3);
  });

  it('rollout status returns at once for workloads that are already rolled out, and fails on a stalled one', async () => {
    for (const target of [['daemonset/node-exporter', '-n', 'kube-system'], ['statefulset/db', '-n', 'prod'], ['deployment/api', '-n', 'prod']]) {
      const result = await harness().kubectl(['rollout', 'status', ...target, '--timeout=10s'], { timeoutMs: 20_000 });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/successfully rolled out|roll out complete/);
    }
    const stalled = await harness().kubectl(['rollout', 'status', 'deployment/web', '-n', 'staging', '--timeout=10s'], { timeoutMs: 20_000 });
    expect(stalled.exitCode).toBe(1);
    expect(stalled.stderr.trim()).toBe('error: deployment "web" exceeded its progress deadline');
  });

  it('logs of a completed job pod are still there', async () => {
    const result = await harness().kubectl(['logs', 'job/nightly-report-29000000', '-n', 'prod', '--tail=1']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe('level=info msg="done" exit=0');
  });

  it('top pods and nodes read metrics.k8s.io', async () => {
    const pods = await harness().kubectl(['top', 'pods', '-n', 'prod']);
    expect(pods.exitCode).toBe(0);
    expect(pods.stdout).toMatch(/NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(pods.stdout).toMatch(/api-5d8f7c9b6-2xkqp\s+\d+m\s+\d+Mi/);
    const nodes = await harness().kubectl(['top', 'nodes']);
    expect(nodes.stdout).toMatch(/node-1\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/);
  });

  it('auth can-i answers from the RBAC table with kubectl exit codes', async () => {
    const yes = await harness().kubectl(['auth', 'can-i', 'delete', 'pods', '-n', 'prod']);
    expect([yes.stdout.trim(), yes.exitCode]).toEqual(['yes', 0]);
    const no = await harness().kubectl(['auth', 'can-i', 'delete', 'nodes']);
    expect(no.stdout.trim()).toBe('no');
    expect(no.exitCode).toBe(1);
    const secrets = await harness().kubectl(['auth', 'can-i', 'get', 'secrets', '-n', 'prod']);
    expect(secrets.stdout.trim()).toBe('no');
  });

  it('errors look like a real API server: NotFound, unknown type, wrong token', async () => {
    const missing = await harness().kubectl(['get', 'pod', 'nope', '-n', 'prod']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');
    const unknown = await harness().kubectl(['get', 'foos']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('error: the server doesn\'t have a resource type "foos"');
    const unauthorized = await harness().kubectl(['get', 'pods', '-n', 'prod', '--token', 'not-the-token']);
    expect(unauthorized.exitCode).toBe(1);
    expect(unauthorized.stderr.trim().split('\n').pop()).toBe('error: You must be logged in to the server (Unauthorized)');
  });

  it('--dry-run=server changes nothing: scale, delete, drain', async () => {
    const scale = await harness().kubectl(['scale', 'deployment/web', '--replicas=5', '-n', 'prod', '--dry-run=server']);
    expect(scale.stdout.trim()).toBe('deployment.apps/web scaled (server dry run)');
    const remove = await harness().kubectl(['delete', 'pod', 'web-6c9f8d7b5-h4kzl', '-n', 'prod', '--dry-run=server']);
    expect(remove.stdout.trim()).toBe('pod "web-6c9f8d7b5-h4kzl" deleted (server dry run)');
    const drain = await harness().kubectl(['drain', 'node-3', '--ignore-daemonsets', '--delete-emptydir-data', '--dry-run=server']);
    expect(drain.exitCode).toBe(0);
    expect(drain.stdout).toContain('node/node-3 drained (server dry run)');
    const web = await harness().kubectlJson<Item>(['get', 'deployment', 'web', '-n', 'prod']);
    expect(web.spec?.replicas).toBe(2);
    const pod = await harness().kubectlJson<Item>(['get', 'pod', 'web-6c9f8d7b5-h4kzl', '-n', 'prod']);
    expect(pod.metadata.deletionTimestamp).toBeUndefined();
    const node = await harness().kubectlJson<Item>(['get', 'node', 'node-3']);
    expect(node.spec?.unschedulable).toBeUndefined();
    const onNode = await harness().kubectlJson<List>(['get', 'pods', '-A', '--field-selector', 'spec.nodeName=node-3']);
    expect(onNode.items.every((item) => !item.metadata.deletionTimestamp)).toBe(true);
  });
});

describeWith(['kubectl'], 'sandbox + kubectl: rollouts and scaling', () => {
  const harness = useSandbox();

  it('rollout restart creates a new ReplicaSet and rollout status completes', async () => {
    const restart = await harness().kubectl(['rollout', 'restart', 'deployment/api', '-n', 'prod']);
    expect(restart.stdout.trim()).toBe('deployment.apps/api restarted');
    const status = await harness().kubectl(['rollout', 'status', 'deployment/api', '-n', 'prod', '--timeout=60s']);
    expect(status.exitCode).toBe(0);
    expect(status.stdout.trim().split('\n').pop()).toBe('deployment "api" successfully rolled out');
    const replicaSets = await harness().kubectlJson<List>(['get', 'rs', '-n', 'prod', '-l', 'app=api']);
    expect(replicaSets.items).toHaveLength(3);
    const newest = replicaSets.items.find((item) => item.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3');
    expect(newest?.spec?.replicas).toBe(3);
    expect(newest?.status?.readyReplicas).toBe(3);
    const pods = activePods(await harness().kubectlJson<List>(['get', 'pods', '-n', 'prod', '-l', 'app=api']));
    await waitFor(async () => activePods(await harness().kubectlJson<List>(['get', 'pods', '-n', 'prod', '-l', 'app=api'])).length === 3, { what: 'old pods to terminate' });
    expect(pods.every((pod) => pod.metadata.name.startsWith(newest?.metadata.name ?? '?'))).toBe(true);
  });

  it('rollout undo returns to the previous template and history shows the renumbered revision', async () => {
    const undo = await harness().kubectl(['rollout', 'undo', 'deployment/api', '-n', 'prod', '--to-revision=1']);
    expect(undo.stdout.trim()).toBe('deployment.apps/api rolled back');
    const status = await harness().kubectl(['rollout', 'status', 'deployment/api', '-n', 'prod', '--timeout=60s']);
    expect(status.exitCode).toBe(0);
    const deployment = await harness().kubectlJson<Item>(['get', 'deployment', 'api', '-n', 'prod']);
    expect(deployment.spec?.template?.spec?.containers?.[0]?.image).toBe('registry.example.com/api:1.8.1');
    expect(deployment.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('4');
    const history = await harness().kubectl(['rollout', 'history', 'deployment/api', '-n', 'prod']);
    const revisions = history.stdout.trim().split('\n').slice(2).map((line) => line.trim().split(/\s+/)[0]);
    expect(revisions).toEqual(['2', '3', '4']);
    const replicaSets = await harness().kubectlJson<List>(['get', 'rs', '-n', 'prod', '-l', 'app=api']);
    expect(replicaSets.items).toHaveLength(3);
    expect(replicaSets.items.find((item) => item.metadata.name === 'api-7b9c6d8f5')?.spec?.replicas).toBe(3);
  });

  it('scale changes replicas and pods, for a deployment and a statefulset', async () => {
    const scale = await harness().kubectl(['scale', 'deployment/web', '--replicas=4', '-n', 'prod']);
    expect(scale.stdout.trim()).toBe('deployment.apps/web scaled');
    await waitFor(async () => {
      const deployment = await harness().kubectlJson<Item>(['get', 'deployment', 'web', '-n', 'prod']);
      return deployment.status?.readyReplicas === 4;
    }, { what: 'web to have 4 ready replicas' });
    const pods = activePods(await harness().kubectlJson<List>(['get', 'pods', '-n', 'prod', '-l', 'app=web']));
    expect(pods).toHaveLength(4);
    await harness().kubectl(['scale', 'statefulset/db', '--replicas=3', '-n', 'prod']);
    await waitFor(async () => (await harness().kubectl(['get', 'pod', 'db-2', '-n', 'prod'])).stdout.includes('Running'), { what: 'db-2 to run' });
    const claim = await harness().kubectlJson<Item>(['get', 'pvc', 'data-db-2', '-n', 'prod']);
    expect(claim.status?.phase).toBe('Bound');
  });

  it('rollout undo of a daemonset and a statefulset goes back through their ControllerRevisions', async () => {
    const undo = await harness().kubectl(['rollout', 'undo', 'daemonset/node-exporter', '-n', 'kube-system', '--to-revision=2']);
    expect(undo.stdout.trim()).toBe('daemonset.apps/node-exporter rolled back');
    expect((await harness().kubectl(['rollout', 'status', 'daemonset/node-exporter', '-n', 'kube-system', '--timeout=60s'])).exitCode).toBe(0);
    const daemonSet = await harness().kubectlJson<Item>(['get', 'daemonset', 'node-exporter', '-n', 'kube-system']);
    expect(daemonSet.spec?.template?.spec?.containers?.[0]?.image).toBe('quay.io/prometheus/node-exporter:v1.8.1');
    const history = await harness().kubectl(['rollout', 'history', 'daemonset/node-exporter', '-n', 'kube-system']);
    expect(history.stdout.trim().split('\n').slice(2).map((line) => line.trim().split(/\s+/)[0])).toEqual(['1', '3', '4']);
    await waitFor(async () => {
      const pods = activePods(await harness().kubectlJson<List>(['get', 'pods', '-n', 'kube-system', '-l', 'app=node-exporter']));
      return pods.length === 3 && pods.every((pod) => (pod.spec as { containers?: { image: string }[] } | undefined)?.containers?.[0]?.image.endsWith(':v1.8.1') && pod.status?.phase === 'Running');
    }, { what: 'node-exporter pods on v1.8.1' });
    expect((await harness().kubectl(['rollout', 'undo', 'statefulset/db', '-n', 'prod'])).stdout.trim()).toBe('statefulset.apps/db rolled back');
    expect((await harness().kubectl(['rollout', 'status', 'statefulset/db', '-n', 'prod', '--timeout=60s'])).exitCode).toBe(0);
    const statefulSet = await harness().kubectlJson<Item>(['get', 'statefulset', 'db', '-n', 'prod']);
    expect(statefulSet.spec?.template?.spec?.containers?.[0]?.image).toBe('postgres:16.3');
  });

  it('rollout restart of a statefulset and a daemonset completes', async () => {
    await harness().kubectl(['rollout', 'restart', 'statefulset/db', '-n', 'prod']);
    const sts = await harness().kubectl(['rollout', 'status', 'statefulset/db', '-n', 'prod', '--timeout=60s']);
    expect(sts.exitCode).toBe(0);
    expect(sts.stdout).toMatch(/partitioned roll out complete|rolling update complete/);
    await harness().kubectl(['rollout', 'restart', 'daemonset/node-exporter', '-n', 'kube-system']);
    const ds = await harness().kubectl(['rollout', 'status', 'daemonset/node-exporter', '-n', 'kube-system', '--timeout=60s']);
    expect(ds.exitCode).toBe(0);
    expect(ds.stdout.trim().split('\n').pop()).toBe('daemon set "node-exporter" successfully rolled out');
  });
});

describeWith(['kubectl'], 'sandbox + kubectl: pods and nodes', () => {
  const harness = useSandbox();

  it('deleting a deployment pod brings a replacement', async () => {
    const result = await harness().kubectl(['delete', 'pod', 'web-6c9f8d7b5-h4kzl', '-n', 'prod']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe('pod "web-6c9f8d7b5-h4kzl" deleted');
    const missing = await harness().kubectl(['get', 'pod', 'web-6c9f8d7b5-h4kzl', '-n', 'prod']);
    expect(missing.stderr).toContain('NotFound');
    await waitFor(async () => {
      const pods = activePods(await harness().kubectlJson<List>(['get', 'pods', '-n', 'prod', '-l', 'app=web']));
      return pods.length === 2 && pods.every((pod) => pod.status?.phase === 'Running');
    }, { what: 'a replacement web pod' });
  });

  it('cordon and uncordon toggle scheduling', async () => {
    expect((await harness().kubectl(['cordon', 'node-1'])).stdout.trim()).toBe('node/node-1 cordoned');
    expect((await harness().kubectl(['get', 'node', 'node-1'])).stdout).toMatch(/node-1\s+Ready,SchedulingDisabled/);
    expect((await harness().kubectl(['uncordon', 'node-1'])).stdout.trim()).toBe('node/node-1 uncordoned');
    const node = await harness().kubectlJson<Item>(['get', 'node', 'node-1']);
    expect(node.spec?.unschedulable).toBeFalsy();
  });

  it('drain --ignore-daemonsets --delete-emptydir-data moves pods off the node', async () => {
    const result = await harness().kubectl(['drain', 'node-2', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=120s']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('node/node-2 cordoned');
    expect(result.stdout).toContain('evicting pod prod/api-5d8f7c9b6-7hm4n');
    expect(result.stdout.trim().split('\n').pop()).toBe('node/node-2 drained');
    const onNode = activePods(await harness().kubectlJson<List>(['get', 'pods', '-A', '--field-selector', 'spec.nodeName=node-2']));
    expect(onNode.map((pod) => pod.metadata.name).every((name) => name.startsWith('node-exporter-'))).toBe(true);
    await waitFor(async () => {
      const api = activePods(await harness().kubectlJson<List>(['get', 'pods', '-n', 'prod', '-l', 'app=api']));
      return api.length === 3 && api.every((pod) => pod.spec?.nodeName !== 'node-2' && pod.status?.phase === 'Running');
    }, { what: 'api pods to be rescheduled off node-2' });
  });
});

describeWith(['kubectl'], 'sandbox + kubectl: creating (protobuf bodies)', () => {
  const harness = useSandbox();

  it('create job --from=cronjob runs the job to completion', async () => {
    const result = await harness().kubectl(['create', 'job', '--from=cronjob/nightly-report', 'manual-1', '-n', 'prod']);
    expect(result.stdout.trim()).toBe('job.batch/manual-1 created');
    const job = await waitFor(async () => {
      const current = await harness().kubectlJson<Item>(['get', 'job', 'manual-1', '-n', 'prod']);
      return (current.status?.['succeeded'] as number | undefined) === 1 ? current : undefined;
    }, { what: 'the job to succeed' });
    expect(job.metadata.ownerReferences?.[0]?.kind).toBe('CronJob');
    expect(job.metadata.annotations?.['cronjob.kubernetes.io/instantiate']).toBe('manual');
    const listing = await harness().kubectl(['get', 'job', 'manual-1', '-n', 'prod']);
    expect(listing.stdout).toMatch(/manual-1\s+Complete\s+1\/1/);
  });

  it('create configmap, secret and deployment decode kubectl protobuf', async () => {
    expect((await harness().kubectl(['create', 'configmap', 'flags', '--from-literal=mode=safe', '-n', 'dev'])).exitCode).toBe(0);
    const configMap = await harness().kubectlJson<Item & { data: Record<string, string> }>(['get', 'configmap', 'flags', '-n', 'dev']);
    expect(configMap.data).toEqual({ mode: 'safe' });
    expect((await harness().kubectl(['create', 'secret', 'generic', 'token', '--from-literal=value=s3cr3t', '-n', 'dev'])).exitCode).toBe(0);
    const secrets = await harness().kubectl(['get', 'secret', 'token', '-n', 'dev']);
    expect(secrets.stdout).toMatch(/token\s+Opaque\s+1\s/);
    expect(secrets.stdout).not.toContain('s3cr3t');
    expect((await harness().kubectl(['create', 'deployment', 'nginx', '--image=nginx:1.27', '--replicas=2', '-n', 'dev'])).exitCode).toBe(0);
    await waitFor(async () => (await harness().kubectlJson<Item>(['get', 'deployment', 'nginx', '-n', 'dev'])).status?.readyReplicas === 2, { what: 'nginx to be ready' });
  });
});
