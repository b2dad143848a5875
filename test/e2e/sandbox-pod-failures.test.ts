/**
 * End-to-end: the pod failure states of the sandbox scenario files, read with the real kubectl,
 * field by field as a diagnosis reads them (status, events, logs, metrics).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import { scenarioFile, useSandbox, waitFor } from '../helpers/sandbox.js';
import type { KubeEvent, List } from '../helpers/kube-objects.js';

interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; exitCode?: number; message?: string; startedAt?: string; finishedAt?: string };
}
interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
}
interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface Pod {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: { containers: { name: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[] };
  status: { phase: string; reason?: string; message?: string; conditions?: PodCondition[]; containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
}

const condition = (pod: Pod, type: string) => pod.status.conditions?.find((entry) => entry.type === type);

describeWith(['kubectl'], 'sandbox: missing Secrets, ConfigMaps and keys', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('missing-config'), timings: { kubeletSyncMs: 300 } });
  const pods = async (app: string) => (await harness().kubectlJson<List<Pod>>(['get', 'pods', '-n', 'shop', '-l', `app=${app}`])).items;

  it.each([
    ['checkout', 'secret "checkout-db" not found'],
    ['billing', "couldn't find key api-key in Secret shop/billing-keys"],
    ['catalog', 'configmap "catalog-config" not found'],
    ['search', "couldn't find key ES_URL in ConfigMap shop/search-config"],
  ])('%s: CreateContainerConfigError with the kubelet message, and Failed events', async (app, message) => {
    const [pod] = await pods(app);
    expect(pod?.status.phase).toBe('Pending');
    expect(pod?.status.containerStatuses?.[0]?.state.waiting).toEqual({ reason: 'CreateContainerConfigError', message });
    const table = await harness().kubectl(['get', 'pod', pod?.metadata.name ?? '', '-n', 'shop']);
    expect(table.stdout).toMatch(/0\/1\s+CreateContainerConfigError\s+0/);
    const events = await harness().kubectlJson<List<KubeEvent>>(['get', 'events', '-n', 'shop', '--field-selector', `involvedObject.name=${pod?.metadata.name}`]);
    const failed = events.items.find((event) => event.reason === 'Failed');
    expect(failed).toMatchObject({ type: 'Warning', message: `Error: ${message}`, source: { component: 'kubelet' }, involvedObject: { fieldPath: `spec.containers{${app}}` } });
    expect(failed?.count).toBeGreaterThan(1);
  });

  it.each([
    ['frontend', 'MountVolume.SetUp failed for volume "tls" : secret "frontend-tls" not found'],
    ['reports', 'MountVolume.SetUp failed for volume "templates" : configmap "report-templates" not found'],
  ])('%s: a missing volume source keeps it ContainerCreating with FailedMount events', async (app, message) => {
    const [pod] = await pods(app);
    expect(pod?.status.containerStatuses?.[0]?.state.waiting?.reason).toBe('ContainerCreating');
    expect(condition(pod as Pod, 'PodReadyToStartContainers')?.status).toBe('False');
    const describe = await harness().kubectl(['describe', 'pod', pod?.metadata.name ?? '', '-n', 'shop']);
    expect(describe.stdout).toContain(`Warning  FailedMount`);
    expect(describe.stdout).toContain(message);
  });

  it('optional references to missing objects do not fail', async () => {
    const [pod] = await pods('recommendations');
    expect(pod?.status.phase).toBe('Running');
    expect(pod?.status.containerStatuses?.[0]?.ready).toBe(true);
  });

  it('creating the missing Secret lets the pod start at the next kubelet retry', async () => {
    const created = await harness().kubectl(['create', 'secret', 'generic', 'checkout-db', '-n', 'shop', '--from-literal=password=s3cret']);
    expect(created.exitCode).toBe(0);
    const running = await waitFor(async () => {
      const current = await pods('checkout');
      return current.length === 2 && current.every((pod) => pod.status.containerStatuses?.[0]?.state.running && pod.status.containerStatuses[0].ready) ? current : undefined;
    }, { what: 'checkout pods to start after the Secret exists', timeoutMs: 15_000 });
    expect(running.map((pod) => condition(pod, 'Ready')?.status)).toEqual(['True', 'True']);
    expect((await harness().kubectl(['create', 'secret', 'generic', 'frontend-tls', '-n', 'shop', '--from-literal=tls.crt=x', '--from-literal=tls.key=y'])).exitCode).toBe(0);
    await waitFor(async () => (await pods('frontend'))[0]?.status.phase === 'Running', { what: 'frontend to mount its Secret', timeoutMs: 15_000 });
  });
});

describeWith(['kubectl'], 'sandbox: image pulls', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('image-pull') });
  const pod = async (app: string) => (await harness().kubectlJson<List<Pod>>(['get', 'pods', '-n', 'media', '-l', `app=${app}`])).items[0] as Pod;

  it.each([
    ['transcoder', 'registry.example.com/transcoder:4.0.0', 'rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.com/transcoder:4.0.0": failed to resolve reference "registry.example.com/transcoder:4.0.0": registry.example.com/transcoder:4.0.0: not found'],
    ['thumbnailer', 'registry.internal.example.com/media/thumbnailer:2.1.0', 'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed'],
    ['legacy-api', 'registry.old.example.com/legacy/api:7.4', 'dial tcp: lookup registry.old.example.com on 10.0.0.2:53: no such host'],
  ])('%s: ImagePullBackOff with the registry\'s message in status and events', async (app, image, registryMessage) => {
    const current = await pod(app);
    const waiting = current.status.containerStatuses?.[0]?.state.waiting;
    expect(waiting?.reason).toBe('ImagePullBackOff');
    expect(waiting?.message).toMatch(new RegExp(`^Back-off pulling image "${image.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}": ErrImagePull: rpc error`));
    expect(waiting?.message).toContain(registryMessage);
    const events = await harness().kubectlJson<List<KubeEvent>>(['get', 'events', '-n', 'media', '--field-selector', `involvedObject.name=${current.metadata.name}`]);
    const reasons = events.items.map((event) => `${event.type} ${event.reason} ${event.message}`);
    expect(reasons).toContain(`Normal Pulling Pulling image "${image}"`);
    expect(reasons).toContain('Warning Failed Error: ErrImagePull');
    expect(reasons).toContain('Warning Failed Error: ImagePullBackOff');
    expect(reasons).toContain(`Normal BackOff Back-off pulling image "${image}"`);
    expect(reasons.some((entry) => entry.startsWith(`Warning Failed Failed to pull image "${image}": rpc error`) && entry.includes(registryMessage))).toBe(true);
  });

  it('a private image with an existing pull Secret runs; a missing pull Secret is reported', async () => {
    expect((await pod('uploader')).status.phase).toBe('Running');
    const notifier = await pod('notifier');
    const events = await harness().kubectlJson<List<KubeEvent>>(['get', 'events', '-n', 'media', '--field-selector', `involvedObject.name=${notifier.metadata.name},reason=FailedToRetrieveImagePullSecret`]);
    expect(events.items[0]?.message).toBe('Unable to retrieve some image pull secrets (ghcr-creds); attempting to pull the image may not succeed.');
  });

  it.each([
    ['resizer', 'registry.example.com/Media/Resizer:1.0', 'invalid reference format: repository name (Media/Resizer) must be lowercase'],
    ['watermark', 'nginx:1.27:alpine', 'invalid reference format'],
  ])('%s: InvalidImageName from the image string itself', async (app, image, parserError) => {
    const current = await pod(app);
    expect(current.status.containerStatuses?.[0]?.state.waiting).toEqual({
      reason: 'InvalidImageName', message: `Failed to apply default image tag "${image}": couldn't parse image name "${image}": ${parserError}`,
    });
    const table = await harness().kubectl(['get', 'pods', '-n', 'media', '-l', `app=${app}`]);
    expect(table.stdout).toMatch(/0\/1\s+InvalidImageName/);
  });
});

describeWith(['kubectl'], 'sandbox: image pulls on CRI-O', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('image-pull-crio') });

  it('says "manifest unknown" and reports cri-o as the runtime', async () => {
    const pods = await harness().kubectlJson<List<Pod>>(['get', 'pods', '-n', 'billing']);
    expect(pods.items[0]?.status.containerStatuses?.[0]?.state.waiting?.message).toContain('reading manifest 3.2.0 in quay.io/acme/billing: manifest unknown');
    const nodes = await harness().kubectl(['get', 'nodes', '-o', 'wide']);
    expect(nodes.stdout).toContain('cri-o://1.32.1');
  });
});

describeWith(['kubectl'], 'sandbox: crash loops and init containers', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('crash-loop') });
  const pods = async (app: string) => (await harness().kubectlJson<List<Pod>>(['get', 'pods', '-n', 'orders', '-l', `app=${app}`])).items;

  it('CrashLoopBackOff with the last termination, a back-off message and restarts since it was deployed', async () => {
    const [pod] = await pods('ledger');
    const status = pod?.status.containerStatuses?.[0];
    expect(status?.state.waiting?.reason).toBe('CrashLoopBackOff');
    expect(status?.state.waiting?.message).toMatch(/^back-off \d+(ms|s|m\d+s) restarting failed container=ledger pod=ledger-7c5d9b8f6-m2x7q_orders\(/);
    expect(status?.lastState.terminated).toMatchObject({ reason: 'Error', exitCode: 2 });
    expect(status?.restartCount).toBe(812);
    // terminationMessagePolicy FallbackToLogsOnError: the message is the log tail.
    expect(status?.lastState.terminated?.message).toContain('panic: runtime error: invalid memory address or nil pointer dereference');
    const table = await harness().kubectl(['get', 'pod', 'ledger-7c5d9b8f6-m2x7q', '-n', 'orders']);
    expect(table.stdout).toMatch(/ledger-7c5d9b8f6-m2x7q\s+0\/1\s+CrashLoopBackOff\s+812 \(\d+s ago\)/);
  });

  it('previous logs end in the fault\'s error, and say nothing that contradicts it', async () => {
    const [pod] = await pods('orders-api');
    const previous = await harness().kubectl(['logs', pod?.metadata.name ?? '', '-n', 'orders', '--previous']);
    expect(previous.exitCode).toBe(0);
    const lines = previous.stdout.trim().split('\n');
    expect(lines.at(-2)).toBe('ERROR dial tcp 10.96.14.2:5432: connect: connection refused');
    expect(lines.at(-1)).toBe('FATAL unable to start: dial tcp 10.96.14.2:5432: connect: connection refused');
    expect(previous.stdout).not.toMatch(/connected to database|listening on/);
  });

  it('exit code 3 after 20 s of running', async () => {
    const [pod] = await pods('cache-warmer');
    const terminated = pod?.status.containerStatuses?.[0]?.lastState.terminated;
    expect(terminated).toMatchObject({ reason: 'Error', exitCode: 3 });
    expect(Date.parse(terminated?.finishedAt ?? '') - Date.parse(terminated?.startedAt ?? '')).toBe(20_000);
  });

  it('a failing init container: Init:CrashLoopBackOff, initContainerStatuses, the app container waiting', async () => {
    const [pod] = await pods('fulfillment');
    const init = pod?.status.initContainerStatuses?.[0];
    expect(init?.name).toBe('migrate');
    expect(init?.state.waiting?.reason).toBe('CrashLoopBackOff');
    expect(init?.lastState.terminated).toMatchObject({ reason: 'Error', exitCode: 1 });
    expect(pod?.status.containerStatuses?.[0]?.state.waiting?.reason).toBe('PodInitializing');
    expect(condition(pod as Pod, 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [migrate]' });
    const table = await harness().kubectl(['get', 'pods', '-n', 'orders', '-l', 'app=fulfillment']);
    expect(table.stdout).toMatch(/0\/1\s+Init:CrashLoopBackOff\s+\d+/);
    const logs = await harness().kubectl(['logs', pod?.metadata.name ?? '', '-n', 'orders', '-c', 'migrate']);
    expect(logs.stdout.trim().split('\n').at(-2)).toBe('ERROR migration 0042_add_shipments failed: relation "shipments" already exists');
  });

  it('restartPolicy Never and a failing init container: Init:Error, phase Failed', async () => {
    const pod = await harness().kubectlJson<Pod>(['get', 'pod', 'schema-check', '-n', 'orders']);
    expect(pod.status.phase).toBe('Failed');
    expect(pod.status.initContainerStatuses?.[0]?.state.terminated).toMatchObject({ reason: 'Error', exitCode: 1 });
    const table = await harness().kubectl(['get', 'pod', 'schema-check', '-n', 'orders']);
    expect(table.stdout).toMatch(/schema-check\s+0\/1\s+Init:Error\s+0/);
  });

});

describeWith(['kubectl'], 'sandbox: a crash loop that starts now', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('crash-loop'), timings: { restartBackOffMs: 300 } });
  const pods = async (app: string) => (await harness().kubectlJson<List<Pod>>(['get', 'pods', '-n', 'orders', '-l', `app=${app}`])).items;

  it('a new crashing deployment restarts with the kubelet\'s back-off, the count growing', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'rk8s-canary-'));
    const file = join(directory, 'canary.json');
    // The orders-api- fault matches the canary's pods too (their names start with orders-api-).
    writeFileSync(file, JSON.stringify({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'orders-api-canary', namespace: 'orders' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'orders-api-canary' } }, template: { metadata: { labels: { app: 'orders-api-canary' } }, spec: { containers: [{ name: 'api', image: 'registry.example.com/orders-api:5.2.1' }] } } },
    }));
    const applied = await harness().kubectl(['apply', '-f', file]);
    rmSync(directory, { recursive: true, force: true });
    expect(applied.exitCode).toBe(0);
    const first = await waitFor(async () => {
      const [pod] = await pods('orders-api-canary');
      return (pod?.status.containerStatuses?.[0]?.restartCount ?? 0) >= 2 ? pod : undefined;
    }, { what: 'the canary to restart twice', timeoutMs: 20_000 });
    const before = first.status.containerStatuses?.[0]?.restartCount ?? 0;
    const grown = await waitFor(async () => {
      const [pod] = await pods('orders-api-canary');
      return (pod?.status.containerStatuses?.[0]?.restartCount ?? 0) > before ? pod : undefined;
    }, { what: 'the restart count to grow', timeoutMs: 20_000 });
    expect(grown.status.containerStatuses?.[0]?.lastState.terminated).toMatchObject({ reason: 'Error', exitCode: 1 });
    const events = await harness().kubectlJson<List<KubeEvent>>(['get', 'events', '-n', 'orders', '--field-selector', `involvedObject.name=${grown.metadata.name}`]);
    const backOff = events.items.find((event) => event.reason === 'BackOff');
    expect(backOff?.message).toMatch(new RegExp(`^Back-off restarting failed container api in pod ${grown.metadata.name}_orders\\([0-9a-f-]+\\)$`));
    expect(events.items.find((event) => event.reason === 'Started')?.count).toBeGreaterThanOrEqual(3);
  });
});

describeWith(['kubectl'], 'sandbox: OOMKilled', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('oom-killed') });

  it('a slow leak: Running again after the kill, lastState OOMKilled 137, memory near the limit', async () => {
    const pod = await harness().kubectlJson<Pod>(['get', 'pod', 'indexer-5f8d7c6b4-q7w2z', '-n', 'search']);
    const status = pod.status.containerStatuses?.[0];
    expect(status?.state.running).toBeDefined();
    expect(status?.restartCount).toBe(14);
    expect(status?.lastState.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect(pod.spec.containers[0]?.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } });
    const top = await harness().kubectl(['top', 'pod', 'indexer-5f8d7c6b4-q7w2z', '-n', 'search', '--containers']);
    expect(top.exitCode).toBe(0);
    const memory = Number(/indexer\s+\d+m\s+(\d+)Mi/.exec(top.stdout)?.[1]);
    expect(memory).toBeGreaterThan(2048 * 0.9);
    expect(memory).toBeLessThan(2048);
  });

  it('killed seconds after start: CrashLoopBackOff, lastState OOMKilled, and the previous log tells of the heap', async () => {
    const pods = await harness().kubectlJson<List<Pod>>(['get', 'pods', '-n', 'search', '-l', 'app=thumbnail-worker']);
    const status = pods.items[0]?.status.containerStatuses?.[0];
    expect(status?.state.waiting?.reason).toBe('CrashLoopBackOff');
    expect(status?.lastState.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    const logs = await harness().kubectl(['logs', pods.items[0]?.metadata.name ?? '', '-n', 'search', '--previous']);
    expect(logs.stdout).toContain('limit_mb=256');
  });
});

describeWith(['kubectl'], 'sandbox: failing probes', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('probes') });
  const pods = async (app: string) => (await harness().kubectlJson<List<Pod>>(['get', 'pods', '-n', 'payments', '-l', `app=${app}`])).items;

  it('readiness fails: Running, Ready=False and ContainersReady=False, Unhealthy events, endpoints not ready', async () => {
    const [pod] = await pods('checkout-api');
    expect(pod?.status.phase).toBe('Running');
    expect(pod?.status.containerStatuses?.[0]).toMatchObject({ ready: false, state: { running: {} } });
    expect(condition(pod as Pod, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [api]' });
    expect(condition(pod as Pod, 'ContainersReady')?.status).toBe('False');
    const events = await harness().kubectlJson<List<KubeEvent>>(['get', 'events', '-n', 'payments', '--field-selector', `involvedObject.name=${pod?.metadata.name},reason=Unhealthy`]);
    expect(events.items[0]).toMatchObject({ type: 'Warning', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', involvedObject: { fieldPath: 'spec.containers{api}' } });
    const endpoints = await harness().kubectlJson<{ subsets?: { addresses?: unknown[]; notReadyAddresses?: unknown[] }[] }>(['get', 'endpoints', 'checkout-api', '-n', 'payments']);
    expect(endpoints.subsets?.[0]?.addresses).toBeUndefined();
    expect(endpoints.subsets?.[0]?.notReadyAddresses).toHaveLength(2);
    const gateway = (await pods('gateway'))[0];
    const tcp = await harness().kubectlJson<List<KubeEvent>>(['get', 'events', '-n', 'payments', '--field-selector', `involvedObject.name=${gateway?.metadata.name},reason=Unhealthy`]);
    expect(tcp.items[0]?.message).toMatch(/^Readiness probe failed: dial tcp 10\.244\.\d+\.\d+:9443: connect: connection refused$/);
  });

  it('liveness fails: Killing events, restarts, lastState exit 137', async () => {
    const [pod] = await pods('session-store');
    const status = pod?.status.containerStatuses?.[0];
    expect(status?.restartCount).toBeGreaterThan(0);
    expect(status?.lastState.terminated).toMatchObject({ reason: 'Error', exitCode: 137 });
    const events = await harness().kubectlJson<List<KubeEvent>>(['get', 'events', '-n', 'payments', '--field-selector', `involvedObject.name=${pod?.metadata.name}`]);
    const messages = events.items.map((event) => `${event.reason}: ${event.message}`);
    expect(messages).toContain('Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500');
    expect(messages).toContain('Killing: Container store failed liveness probe, will be restarted');
  });
});
