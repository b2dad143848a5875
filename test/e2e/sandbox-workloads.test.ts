/**
 * End-to-end: workload controllers in trouble (a crashing new revision, an exceeded quota,
 * StatefulSet/DaemonSet not ready, failed Jobs and CronJobs, HPAs without metrics), read with the
 * real kubectl.
 */
import { expect, it } from 'vitest';
import { scenarioFile, useSandbox } from '../helpers/sandbox.js';
import type { Condition, KubeEvent, List } from '../helpers/kube-objects.js';
import { describeWith } from '../helpers/prerequisites.js';

interface Workload {
  metadata: { name: string; annotations?: Record<string, string>; creationTimestamp?: string };
  spec: Record<string, unknown> & { replicas?: number; template?: { spec?: { containers?: { image: string }[] } } };
  status: Record<string, unknown> & { conditions?: Condition[] };
}

const conditionOf = (object: Workload, type: string) => object.status.conditions?.find((entry) => entry.type === type);

describeWith(['kubectl'], 'sandbox: a rollout whose new revision crashes', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('bad-rollout') });

  it('two ReplicaSets with revisions and change-causes; the old pods still serve', async () => {
    const sets = await harness().kubectlJson<List<Workload>>(['get', 'rs', '-n', 'shop', '-l', 'app=storefront']);
    const byRevision = Object.fromEntries(sets.items.map((set) => [set.metadata.annotations?.['deployment.kubernetes.io/revision'], set]));
    expect(byRevision['1']?.metadata.name).toBe('storefront-6f9b8c7d5');
    expect(byRevision['1']?.spec.template?.spec?.containers?.[0]?.image).toBe('registry.example.com/storefront:1.4.2');
    expect(byRevision['1']?.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(byRevision['2']?.metadata.name).toBe('storefront-7d4c9b6f8');
    expect(byRevision['2']?.metadata.annotations?.['kubernetes.io/change-cause']).toBe('deploy storefront 1.5.0 (ticket SHOP-812)');
    expect(byRevision['2']?.status['readyReplicas']).toBeUndefined();
    const history = await harness().kubectl(['rollout', 'history', 'deployment/storefront', '-n', 'shop']);
    expect(history.stdout).toMatch(/1\s+deploy storefront 1\.4\.2 \(ticket SHOP-790\)/);
    expect(history.stdout).toMatch(/2\s+deploy storefront 1\.5\.0 \(ticket SHOP-812\)/);
    const endpoints = await harness().kubectlJson<{ subsets: { addresses?: unknown[]; notReadyAddresses?: unknown[] }[] }>(['get', 'endpoints', 'storefront', '-n', 'shop']);
    expect(endpoints.subsets[0]?.addresses).toHaveLength(3);
    expect(endpoints.subsets[0]?.notReadyAddresses).toHaveLength(1);
  });

  it('Progressing=False ProgressDeadlineExceeded once progressDeadlineSeconds passed since the rollout began', async () => {
    const deployment = await harness().kubectlJson<Workload>(['get', 'deployment', 'storefront', '-n', 'shop']);
    const progressing = conditionOf(deployment, 'Progressing');
    expect(progressing).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "storefront-7d4c9b6f8" has timed out progressing.' });
    const replicaSet = await harness().kubectlJson<Workload>(['get', 'rs', 'storefront-7d4c9b6f8', '-n', 'shop']);
    const created = Date.parse(replicaSet.metadata.creationTimestamp ?? '');
    expect(Date.parse(progressing?.lastTransitionTime ?? '') - created).toBe(600_000);
    expect(conditionOf(deployment, 'Available')?.status).toBe('True');
    expect(deployment.status).toMatchObject({ replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1 });
    const status = await harness().kubectl(['rollout', 'status', 'deployment/storefront', '-n', 'shop', '--timeout=5s'], { timeoutMs: 20_000 });
    expect(status.stderr.trim()).toBe('error: deployment "storefront" exceeded its progress deadline');
  });

  it('a rollout started 3 minutes ago is still within its deadline', async () => {
    const deployment = await harness().kubectlJson<Workload>(['get', 'deployment', 'cart', '-n', 'shop']);
    expect(conditionOf(deployment, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "cart-8e7d6c5b4" is progressing.' });
  });
});

describeWith(['kubectl'], 'sandbox: a ResourceQuota the rollout runs into', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('quota-exceeded') });

  it('FailedCreate with the quota message, ReplicaFailure on the ReplicaSet and the Deployment', async () => {
    const deployment = await harness().kubectlJson<Workload>(['get', 'deployment', 'worker', '-n', 'team-a']);
    const failure = conditionOf(deployment, 'ReplicaFailure');
    expect(failure).toMatchObject({ status: 'True', reason: 'FailedCreate' });
    expect(failure?.message).toMatch(/^pods "worker-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: compute, requested: requests\.cpu=250m, used: requests\.cpu=2, limited: requests\.cpu=2$/);
    expect(deployment.status).toMatchObject({ replicas: 2, availableReplicas: 2 });
    const sets = await harness().kubectlJson<List<Workload>>(['get', 'rs', '-n', 'team-a', '-l', 'app=worker']);
    expect(conditionOf(sets.items[0] as Workload, 'ReplicaFailure')?.reason).toBe('FailedCreate');
    const events = await harness().kubectlJson<List<KubeEvent>>(['get', 'events', '-n', 'team-a', '--field-selector', `involvedObject.name=${sets.items[0]?.metadata.name},reason=FailedCreate`]);
    expect(events.items[0]?.type).toBe('Warning');
    expect(events.items[0]?.message).toMatch(/Error creating: pods "worker-[^"]+" is forbidden: exceeded quota: compute/);
    const quota = await harness().kubectlJson<{ status: { hard: Record<string, string>; used: Record<string, string> } }>(['get', 'quota', 'compute', '-n', 'team-a']);
    expect(quota.status.used).toEqual({ pods: '5', 'requests.cpu': '2', 'requests.memory': '2Gi', 'limits.memory': '4Gi' });
  });

  it('an API create beyond the quota is refused with 403 Forbidden', async () => {
    const result = await harness().kubectl(['run', 'extra', '-n', 'team-a', '--image=busybox:1.36', '--restart=Never', '--overrides', JSON.stringify({ spec: { containers: [{ name: 'extra', image: 'busybox:1.36', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '64Mi' } } }] } })]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Error from server (Forbidden): pods "extra" is forbidden: exceeded quota: compute, requested: requests.cpu=100m, used: requests.cpu=2, limited: requests.cpu=2');
  });

  it('the LimitRange filled in defaults and says so', async () => {
    const pods = await harness().kubectlJson<List<{ metadata: { annotations?: Record<string, string> }; spec: { containers: { resources: Record<string, Record<string, string>> }[] } }>>(['get', 'pods', '-n', 'team-a', '-l', 'app=worker']);
    expect(pods.items[0]?.metadata.annotations?.['kubernetes.io/limit-ranger']).toBe('LimitRanger plugin set: cpu limit for container worker');
    expect(pods.items[0]?.spec.containers[0]?.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } });
  });
});

describeWith(['kubectl'], 'sandbox: StatefulSet and DaemonSet not fully ready', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('workload-status') });

  it('the StatefulSet waits at its crashing ordinal', async () => {
    const set = await harness().kubectlJson<Workload>(['get', 'statefulset', 'kafka', '-n', 'data']);
    expect(set.spec.replicas).toBe(3);
    expect(set.status).toMatchObject({ replicas: 2, readyReplicas: 1, availableReplicas: 1 });
    const table = await harness().kubectl(['get', 'statefulset', 'kafka', '-n', 'data']);
    expect(table.stdout).toMatch(/kafka\s+1\/3\s/);
    const pods = await harness().kubectl(['get', 'pods', '-n', 'data', '-l', 'app=kafka', '-o', 'name']);
    expect(pods.stdout.trim().split('\n')).toEqual(['pod/kafka-0', 'pod/kafka-1']);
  });

  it('the DaemonSet: desired vs ready, one unavailable, one misscheduled', async () => {
    const set = await harness().kubectlJson<Workload>(['get', 'daemonset', 'log-shipper', '-n', 'data']);
    expect(set.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, numberAvailable: 1, numberUnavailable: 1, numberMisscheduled: 1 });
    const table = await harness().kubectl(['get', 'daemonset', 'log-shipper', '-n', 'data']);
    expect(table.stdout).toMatch(/log-shipper\s+2\s+2\s+1\s+2\s+1\s+<none>/);
  });
});

describeWith(['kubectl'], 'sandbox: failed Jobs and CronJobs', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('jobs') });

  it('BackoffLimitExceeded: Failed=True with the controller\'s message, failed pods kept', async () => {
    const job = await harness().kubectlJson<Workload>(['get', 'job', 'db-backup', '-n', 'ops']);
    expect(conditionOf(job, 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(conditionOf(job, 'FailureTarget')?.reason).toBe('BackoffLimitExceeded');
    expect(job.status['failed']).toBe(4);
    const pods = await harness().kubectlJson<List<{ status: { phase: string } }>>(['get', 'pods', '-n', 'ops', '-l', 'job-name=db-backup']);
    expect(pods.items.map((pod) => pod.status.phase)).toEqual(['Failed', 'Failed', 'Failed', 'Failed']);
    const table = await harness().kubectl(['get', 'job', 'db-backup', '-n', 'ops']);
    expect(table.stdout).toMatch(/db-backup\s+Failed\s+0\/1\s/);
    const events = await harness().kubectlJson<List<KubeEvent>>(['get', 'events', '-n', 'ops', '--field-selector', 'involvedObject.name=db-backup,reason=BackoffLimitExceeded']);
    expect(events.items[0]).toMatchObject({ type: 'Warning', message: 'Job has reached the specified backoff limit', source: { component: 'job-controller' } });
  });

  it('activeDeadlineSeconds: DeadlineExceeded', async () => {
    const job = await harness().kubectlJson<Workload>(['get', 'job', 'reindex', '-n', 'ops']);
    expect(conditionOf(job, 'Failed')).toMatchObject({ status: 'True', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
  });

  it('CronJobs: suspended, an unparseable schedule, a failed last run after a successful one', async () => {
    const table = await harness().kubectl(['get', 'cronjobs', '-n', 'ops']);
    expect(table.stdout).toMatch(/cleanup\s+\*\/15 \* \* \* \*\s+<none>\s+True\s+0\s/);
    const events = await harness().kubectlJson<List<KubeEvent>>(['get', 'events', '-n', 'ops', '--field-selector', 'involvedObject.name=rotate-logs']);
    expect(events.items[0]).toMatchObject({ type: 'Warning', reason: 'UnparseableSchedule', message: 'unparseable schedule: "61 * * * *" : end of range (61) above maximum (59): 61' });
    const invoices = await harness().kubectlJson<Workload>(['get', 'cronjob', 'invoice-run', '-n', 'ops']);
    const lastSchedule = Date.parse(String(invoices.status['lastScheduleTime']));
    const lastSuccess = Date.parse(String(invoices.status['lastSuccessfulTime']));
    expect(lastSchedule - lastSuccess).toBeGreaterThan(20 * 3_600_000);
    const jobs = await harness().kubectlJson<List<Workload>>(['get', 'jobs', '-n', 'ops']);
    const latest = jobs.items.filter((job) => job.metadata.name.startsWith('invoice-run-')).sort((left, right) => String(left.metadata.creationTimestamp).localeCompare(String(right.metadata.creationTimestamp))).at(-1) as Workload;
    expect(conditionOf(latest, 'Failed')?.reason).toBe('BackoffLimitExceeded');
  });

  it('the API refuses a CronJob with a bad schedule, as a real API server does', async () => {
    const created = await harness().kubectl(['create', 'cronjob', 'bad', '-n', 'ops', '--image=busybox:1.36', '--schedule=*/5 * * *']);
    expect(created.exitCode).toBe(1);
    expect(created.stderr).toContain('error: failed to create cronjob: CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "*/5 * * *": expected exactly 5 fields, found 4: [*/5 * * *]');
  });
});

describeWith(['kubectl'], 'sandbox: HPAs that cannot scale', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('hpa') });

  it('a target without CPU requests: ScalingActive=False FailedGetResourceMetric, and the warnings', async () => {
    const hpa = await harness().kubectlJson<Workload>(['get', 'hpa', 'frontend', '-n', 'web']);
    expect(conditionOf(hpa, 'AbleToScale')).toMatchObject({ status: 'True', reason: 'SucceededGetScale' });
    const active = conditionOf(hpa, 'ScalingActive');
    expect(active).toMatchObject({ status: 'False', reason: 'FailedGetResourceMetric' });
    expect(active?.message).toMatch(/^the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container frontend of Pod frontend-[a-z0-9]+-[a-z0-9]{5}$/);
    const events = await harness().kubectlJson<List<KubeEvent>>(['get', 'events', '-n', 'web', '--field-selector', 'involvedObject.name=frontend,involvedObject.kind=HorizontalPodAutoscaler']);
    const reasons = events.items.map((event) => event.reason).sort();
    expect(reasons).toEqual(['FailedComputeMetricsReplicas', 'FailedGetResourceMetric']);
    expect(events.items.find((event) => event.reason === 'FailedComputeMetricsReplicas')?.message).toMatch(/^invalid metrics \(1 invalid out of 1\), first error is: failed to get cpu resource metric value: failed to get cpu utilization: missing request for cpu in container frontend of Pod /);
    const table = await harness().kubectl(['get', 'hpa', 'frontend', '-n', 'web']);
    expect(table.stdout).toMatch(/frontend\s+Deployment\/frontend\s+cpu: <unknown>\/70%\s+2\s+8\s+2\s/);
  });

  it('a missing target: AbleToScale=False FailedGetScale', async () => {
    const hpa = await harness().kubectlJson<Workload>(['get', 'hpa', 'checkout', '-n', 'web']);
    expect(conditionOf(hpa, 'AbleToScale')).toMatchObject({ status: 'False', reason: 'FailedGetScale', message: 'the HPA controller was unable to get the target\'s current scale: deployments/scale.apps "checkout-v2" not found' });
    const events = await harness().kubectlJson<List<KubeEvent>>(['get', 'events', '-n', 'web', '--field-selector', 'involvedObject.name=checkout']);
    expect(events.items[0]).toMatchObject({ type: 'Warning', reason: 'FailedGetScale', message: 'deployments/scale.apps "checkout-v2" not found' });
  });

  it('pinned at the maximum: ScalingLimited=True TooManyReplicas', async () => {
    const hpa = await harness().kubectlJson<Workload>(['get', 'hpa', 'api', '-n', 'web']);
    expect(hpa.status).toMatchObject({ currentReplicas: 4, desiredReplicas: 4 });
    expect(conditionOf(hpa, 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' });
    expect(conditionOf(hpa, 'ScalingActive')?.reason).toBe('ValidMetricFound');
    const utilization = (hpa.status['currentMetrics'] as { resource: { current: { averageUtilization: number } } }[])[0]?.resource.current.averageUtilization ?? 0;
    expect(utilization).toBeGreaterThan(150);
  });
});
