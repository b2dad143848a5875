/**
 * End-to-end: Services and their Endpoints/EndpointSlices, Ingresses, pending PersistentVolumeClaims
 * and the namespace policy objects (quota, LimitRange, NetworkPolicy, PDB) read with the real kubectl.
 */
import { expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import { scenarioFile, useSandbox } from '../helpers/sandbox.js';
import type { KubeEvent, List } from '../helpers/kube-objects.js';

interface Endpoints {
  subsets?: { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[]; ports?: { port: number }[] }[];
}
interface Slice {
  metadata: { name: string; labels: Record<string, string> };
  addressType: string;
  endpoints: { addresses: string[]; conditions: { ready: boolean; serving: boolean; terminating: boolean }; targetRef: { name: string } }[] | null;
  ports: { name: string; port: number; protocol: string }[] | null;
}

describeWith(['kubectl'], 'sandbox: Services and endpoints', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('services') });
  const slices = async (service: string) => (await harness().kubectlJson<List<Slice>>(['get', 'endpointslices', '-n', 'web', '-l', `kubernetes.io/service-name=${service}`])).items;

  it('a selector that matches no pods: Endpoints without subsets, a slice without endpoints', async () => {
    const endpoints = await harness().kubectlJson<Endpoints>(['get', 'endpoints', 'search', '-n', 'web']);
    expect(endpoints.subsets).toBeUndefined();
    const [slice] = await slices('search');
    expect(slice?.endpoints).toBeNull();
    const table = await harness().kubectl(['get', 'endpoints', 'search', '-n', 'web']);
    expect(table.stdout).toMatch(/search\s+<none>\s/);
    const sliceTable = await harness().kubectl(['get', 'endpointslices', '-n', 'web', '-l', 'kubernetes.io/service-name=search']);
    expect(sliceTable.stdout.split('\n')[0]).toMatch(/^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE$/);
    expect(sliceTable.stdout).toMatch(/search-\w+\s+IPv4\s+<unset>\s+<unset>\s+30d/);
  });

  it('a named targetPort the pods do not expose: no addresses; slice endpoints without ports', async () => {
    const endpoints = await harness().kubectlJson<Endpoints>(['get', 'endpoints', 'billing', '-n', 'web']);
    expect(endpoints.subsets).toBeUndefined();
    const [slice] = await slices('billing');
    expect(slice?.endpoints).toHaveLength(2);
    expect(slice?.ports).toEqual([]);
  });

  it('a numeric targetPort nothing declares still gets addresses (as on a real cluster)', async () => {
    const endpoints = await harness().kubectlJson<Endpoints>(['get', 'endpoints', 'metrics', '-n', 'web']);
    expect(endpoints.subsets?.[0]?.ports).toEqual([{ name: 'metrics', port: 9999, protocol: 'TCP' }]);
    expect(endpoints.subsets?.[0]?.addresses).toHaveLength(1);
  });

  it('ready and not-ready endpoints: notReadyAddresses, and conditions.ready in discovery.k8s.io/v1', async () => {
    const endpoints = await harness().kubectlJson<Endpoints>(['get', 'endpoints', 'catalog', '-n', 'web']);
    expect(endpoints.subsets?.[0]?.addresses).toHaveLength(2);
    expect(endpoints.subsets?.[0]?.notReadyAddresses).toHaveLength(1);
    const [slice] = await slices('catalog');
    expect(slice?.addressType).toBe('IPv4');
    expect(slice?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const byPod = Object.fromEntries((slice?.endpoints ?? []).map((endpoint) => [endpoint.targetRef.name, endpoint.conditions]));
    expect(byPod['catalog-6b5c4d3f2-x9y8z']).toEqual({ ready: false, serving: false, terminating: false });
    expect(byPod['catalog-6b5c4d3f2-a1b2c']).toEqual({ ready: true, serving: true, terminating: false });
    const describe = await harness().kubectl(['describe', 'service', 'catalog', '-n', 'web']);
    expect(describe.stdout).toMatch(/Endpoints:\s+10\.244\.\d+\.\d+:8080,10\.244\.\d+\.\d+:8080/);
  });
});

describeWith(['kubectl'], 'sandbox: Ingresses', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('ingress') });

  it('exist as written: a missing backend Service and TLS Secret, an unknown class, no class and no default', async () => {
    const table = await harness().kubectl(['get', 'ingress', '-n', 'edge']);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE$/);
    expect(table.stdout).toMatch(/shop\s+nginx\s+shop\.example\.com\s+k8s-edge-shop-\S+\s+80, 443\s+14d/);
    expect(table.stdout).toMatch(/admin\s+traefik\s+admin\.example\.com\s+80\s+2d/);
    expect(table.stdout).toMatch(/legacy\s+<none>\s+\*\s+80\s+400d/);
    const missingService = await harness().kubectl(['get', 'service', 'shop-api', '-n', 'edge']);
    expect(missingService.stderr).toContain('services "shop-api" not found');
    const missingSecret = await harness().kubectl(['get', 'secret', 'shop-tls', '-n', 'edge']);
    expect(missingSecret.stderr).toContain('secrets "shop-tls" not found');
    const classes = await harness().kubectl(['get', 'ingressclass']);
    expect(classes.stdout).toMatch(/nginx\s+k8s\.io\/ingress-nginx/);
    expect(classes.stdout).not.toContain('traefik');
    const describe = await harness().kubectl(['describe', 'ingress', 'shop', '-n', 'edge']);
    expect(describe.stdout).toMatch(/\/api\s+shop-api:http \(<error: services "shop-api" not found>\)/);
  });
});

describeWith(['kubectl'], 'sandbox: pending PersistentVolumeClaims', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('storage') });
  const events = async (name: string) => (await harness().kubectlJson<List<KubeEvent>>(['get', 'events', '-n', 'data', '--field-selector', `involvedObject.name=${name}`])).items;

  it('an unknown StorageClass: Pending, Warning ProvisioningFailed from the persistentvolume-controller', async () => {
    const claim = await harness().kubectlJson<{ status: { phase: string } }>(['get', 'pvc', 'uploads', '-n', 'data']);
    expect(claim.status.phase).toBe('Pending');
    const [event] = await events('uploads');
    expect(event).toMatchObject({ type: 'Warning', reason: 'ProvisioningFailed', message: 'storageclass.storage.k8s.io "fast-ssd" not found', source: { component: 'persistentvolume-controller' } });
    expect(event?.count).toBeGreaterThan(1);
  });

  it('no class and no default class: FailedBinding; a WaitForFirstConsumer claim waits', async () => {
    const [binding] = await events('archive');
    expect(binding).toMatchObject({ type: 'Normal', reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set' });
    const [waiting] = await events('scratch');
    expect(waiting).toMatchObject({ type: 'Normal', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding' });
    const table = await harness().kubectl(['get', 'pvc', '-n', 'data']);
    expect(table.stdout).toMatch(/archive\s+Pending\s+/);
  });

  it('pods using an unbound or missing claim stay Pending with the scheduler\'s reason', async () => {
    const pods = await harness().kubectlJson<List<{ metadata: { name: string; labels: Record<string, string> }; status: { conditions: { type: string; message?: string }[] } }>>(['get', 'pods', '-n', 'data']);
    const message = (app: string) => pods.items.find((pod) => pod.metadata.labels['app'] === app)?.status.conditions.find((entry) => entry.type === 'PodScheduled')?.message;
    expect(message('uploader')).toBe('0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
    expect(message('pg')).toBe('0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
    expect(message('archiver')).toBe('0/2 nodes are available: persistentvolumeclaim "archive-v2" not found. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
  });
});

describeWith(['kubectl'], 'sandbox: quota, LimitRange, NetworkPolicy, PDB and EndpointSlice reads', () => {
  const harness = useSandbox({ scenarioPath: scenarioFile('policies') });

  it.each([
    [['get', 'quota', '-n', 'finance'], /^NAME\s+AGE\s+REQUEST\s+LIMIT$/, /finance-quota\s+100d\s+persistentvolumeclaims: 0\/4, pods: 2\/8, requests\.cpu: 1\/2, requests\.memory: 2Gi\/4Gi, services: 1\/5\s+limits\.cpu: 2\/4, limits\.memory: 4Gi\/8Gi/],
    [['get', 'limitrange', '-n', 'finance'], /^NAME\s+CREATED AT$/, /container-limits\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/],
    [['get', 'netpol', '-n', 'finance'], /^NAME\s+POD-SELECTOR\s+AGE$/, /default-deny\s+<none>\s+100d[\s\S]*ledger-from-api\s+app=ledger\s+50d/],
    [['get', 'pdb', '-n', 'finance'], /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE$/, /ledger\s+1\s+N\/A\s+1\s+50d/],
    [['get', 'endpointslices', '-n', 'finance'], /^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE$/, /ledger-\w+\s+IPv4\s+8080\s+10\.244\.\d+\.\d+,10\.244\.\d+\.\d+\s+50d/],
  ])('kubectl %j prints kubectl\'s columns', async (args, header, row) => {
    const result = await harness().kubectl(args);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(header);
    expect(result.stdout).toMatch(row);
  });

  it.each([
    [['describe', 'quota', 'finance-quota', '-n', 'finance'], /requests\.cpu\s+1\s+2/],
    [['describe', 'limitrange', 'container-limits', '-n', 'finance'], /Container\s+cpu\s+50m\s+2\s+100m\s+500m/],
    [['describe', 'netpol', 'ledger-from-api', '-n', 'finance'], /PodSelector:\s+app=ledger/],
    [['describe', 'pdb', 'ledger', '-n', 'finance'], /Min available:\s+1/],
    [['describe', 'endpointslices', '-n', 'finance', '-l', 'kubernetes.io/service-name=ledger'], /AddressType:\s+IPv4/],
  ])('kubectl %j describes it', async (args, pattern) => {
    const result = await harness().kubectl(args);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(pattern);
  });
});
