/**
 * Name resolution lists straight from the API server (src/cluster/api-lister.ts) instead of starting
 * kubectl. That is only sound if it reads what kubectl reads. Against the sandbox with the real
 * kubectl, for every scenario the sandbox ships and every namespace in it (and the cluster-scoped
 * read): the inventory from the API equals the inventory from kubectl's custom-columns answer, object
 * for object and field for field; pages are followed; a read the API cannot make (a rejected token)
 * is left to kubectl, whose message the user then gets, exactly as with API reads off.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import { createApiLister, listThrough } from '../../src/cluster/api-lister.js';
import { createClusterReader } from '../../src/cluster/cluster-reader.js';
import { dryRunArgs } from '../../src/execute/dry-run.js';
import { previewChanges } from '../../src/preview/preview-changes.js';
import { parseKubectlArgs } from '../../src/validate/kubectl-argv.js';
import { resolveApiConnection } from '../../src/cluster/api-connection.js';
import { startApiWorker } from '../../src/cluster/api-worker.js';
import { inventoryTypes, resolveNames, type NameResolverCore } from '../../src/cluster/name-resolver.js';
import { loadConfig } from '../../src/config/load-config.js';
import { packageRoot } from '../../src/config/paths.js';
import { createKubectlRunner } from '../../src/execute/kubectl-runner.js';
import { createPolicyValidator } from '../../src/pipeline/policy-validator.js';
import { loadPolicyOrThrow } from '../../src/pipeline/create-core.js';
import type { Config } from '../../src/schemas/config.js';
import { scenarioDirectory } from '../../src/sandbox/scenario-loader.js';
import { createSandboxHarness, kubectlPath, type SandboxHarness } from '../helpers/sandbox.js';

const SCENARIOS = readdirSync(scenarioDirectory()).filter((file) => file.endsWith('.yaml')).sort();

describeWith(['kubectl'], 'name resolution from the API server (sandbox, real kubectl)', () => {
  let workDirectory: string;
  let savedCacheDirectory: string | undefined;

  beforeAll(() => {
    workDirectory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-api-lister-'));
    savedCacheDirectory = process.env.KUBECACHEDIR;
  });
  afterAll(() => {
    if (savedCacheDirectory === undefined) delete process.env.KUBECACHEDIR;
    else process.env.KUBECACHEDIR = savedCacheDirectory;
    if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
  });

  /** The shipped org policy with every other namespace read-only, so each scenario's own namespaces are compared too. */
  function readAnywhere(): string {
    const directory = path.join(workDirectory, 'org');
    if (!existsSync(directory)) {
      cpSync(path.join(packageRoot(), 'org'), directory, { recursive: true });
      const file = path.join(directory, 'namespaces.yaml');
      // Prefix patterns (a bare "*" is not one): every name starts with a letter or a digit.
      const patterns = [...'abcdefghijklmnopqrstuvwxyz0123456789'].map((first) => `  ${first}*: { tier: read-only }`);
      writeFileSync(file, `${readFileSync(file, 'utf8').trimEnd()}\n${patterns.join('\n')}\n`);
    }
    return directory;
  }

  /** The two read paths of one sandbox: kubectl only, and the API first. */
  function cores(harness: SandboxHarness, kubeconfig = harness.sandbox.kubeconfigPath): { config: Config; kubectlOnly: NameResolverCore; withApi: NameResolverCore & { close(): Promise<void> } } {
    process.env.KUBECACHEDIR = harness.env.KUBECACHEDIR;
    const config = loadConfig({ kubectlPath: kubectlPath ?? 'kubectl', kubeconfig, auditLog: path.join(workDirectory, 'agent.log'), cacheDir: path.join(workDirectory, 'cache'), orgDir: readAnywhere(), model: null }, {});
    const validator = createPolicyValidator(loadPolicyOrThrow(config.orgDir), config);
    const kubectl = createKubectlRunner(config);
    const api = createApiLister(config, {});
    return { config, kubectlOnly: { validator, kubectl }, withApi: { validator, kubectl, api, close: () => api.close!() } };
  }

  it.each(SCENARIOS)('%s: the API inventory of every namespace is the one kubectl reads', async (file) => {
    const harness = await createSandboxHarness({ scenarioPath: path.join(scenarioDirectory(), file) });
    const { kubectlOnly, withApi } = cores(harness);
    try {
      const namespaces = (await harness.kubectlJson<{ items: Array<{ metadata: { name: string } }> }>(['get', 'namespaces'])).items.map((item) => item.metadata.name);
      expect(namespaces.length).toBeGreaterThan(0);
      let objects = 0;
      for (const namespace of [undefined, ...namespaces]) {
        const where = `${file} ${namespace ?? '(cluster)'}`;
        // kubectl before and after the API read: the sandbox's controllers may change a pod between reads, never both ways at once.
        const before = await resolveNames(kubectlOnly, namespace, { cacheMilliseconds: 0, timeoutSeconds: 30 });
        const fromApi = await resolveNames(withApi, namespace, { cacheMilliseconds: 0, timeoutSeconds: 30 });
        const after = await resolveNames(kubectlOnly, namespace, { cacheMilliseconds: 0, timeoutSeconds: 30 });
        expect(before.notice, where).toBeUndefined();
        expect(fromApi.notice, where).toBeUndefined();
        expect(fromApi.reads, where).toEqual([expect.stringMatching(/ \(API\)$/)]);
        expect(before.reads, where).toEqual([expect.not.stringMatching(/\(API\)/)]);
        expect(fromApi.reads[0]!.replace(/ \(API\)$/, ''), where).toBe(before.reads[0]);
        const matches = [before.inventory, after.inventory].some((inventory) => JSON.stringify(inventory) === JSON.stringify(fromApi.inventory));
        if (!matches) expect(fromApi.inventory, where).toEqual(before.inventory);
        objects += fromApi.inventory!.objects.length;
      }
      expect(objects).toBeGreaterThan(0);
    } finally {
      await withApi.close();
      await harness.stop();
    }
  }, 120_000);

  it('follows the pages of a list, and a focused read lists the types asked for', async () => {
    const harness = await createSandboxHarness();
    const { config, withApi } = cores(harness);
    const answer = resolveApiConnection(config, {});
    if (!('connection' in answer)) throw new Error(answer.fallback);
    const worker = startApiWorker({ host: answer.connection.server.hostname, port: Number(answer.connection.server.port), hostHeader: answer.connection.server.host, ca: answer.connection.ca });
    try {
      const types = inventoryTypes('prod');
      const whole = await listThrough(worker, answer.connection, types, 'prod', { timeoutMs: 30_000, maxBytes: 64 * 1024 * 1024 });
      const paged = await listThrough(worker, answer.connection, types, 'prod', { timeoutMs: 30_000, maxBytes: 64 * 1024 * 1024, pageSize: 2 });
      if (!('items' in whole) || !('items' in paged)) throw new Error(JSON.stringify({ whole, paged }));
      const names = (items: object[]) => items.map((item) => `${(item as { kind: string }).kind}/${(item as { metadata: { name: string } }).metadata.name}`);
      expect(names(whole.items).filter((name) => name.startsWith('Pod/')).length).toBeGreaterThan(2);
      expect(names(paged.items)).toEqual(names(whole.items));
      const focused = await resolveNames(withApi, 'prod', { focus: { resource: 'deployment' }, cacheMilliseconds: 0, timeoutSeconds: 30 });
      expect(focused.reads).toEqual([expect.stringMatching(/^kubectl get deployments -n prod .* \(API\)$/)]);
      expect(focused.inventory!.objects.map((object) => object.kind)).toEqual(expect.arrayContaining(['deployment']));
      expect(new Set(focused.inventory!.objects.map((object) => object.kind))).toEqual(new Set(['deployment']));
      // Too large for the budget: kubectl reads it instead.
      expect(await listThrough(worker, answer.connection, types, 'prod', { timeoutMs: 30_000, maxBytes: 100 })).toEqual({ fallback: expect.stringMatching(/passed 100 bytes/) });
    } finally {
      await worker.close();
      await withApi.close();
      await harness.stop();
    }
  }, 60_000);

  it('the preview reads the live object from the API, and summarizes each change as from kubectl\'s read', async () => {
    const harness = await createSandboxHarness();
    const { config, kubectlOnly, withApi } = cores(harness);
    try {
      const commands = [
        ['scale', 'deployment/web', '-n', 'prod', '--replicas=5'],
        ['set', 'image', 'deployment/api', 'api=registry.example.com/api:v9', '-n', 'prod'],
        ['rollout', 'restart', 'deployment/web', '-n', 'staging'],
        ['scale', 'statefulset/db', '-n', 'prod', '--replicas=1'],
        ['cordon', 'node-1'],
        ['delete', 'pod', 'db-1', '-n', 'prod'],
        ['scale', 'deployment/no-such-deployment', '-n', 'prod', '--replicas=2'],
      ];
      let fromApiReads = 0;
      for (const args of commands) {
        const dryArgs = dryRunArgs(args, 'server') ?? args;
        const dryRun = await harness.kubectl(dryArgs);
        const output = { stdout: dryRun.stdout, stderr: dryRun.stderr };
        const viaKubectl = createClusterReader(kubectlOnly, { maxReads: 6, timeoutSeconds: 30 });
        const viaApi = createClusterReader(withApi, { maxReads: 6, timeoutSeconds: 30 });
        const expected = await previewChanges(parseKubectlArgs(args), viaKubectl, output);
        const actual = await previewChanges(parseKubectlArgs(args), viaApi, output);
        expect(actual, args.join(' ')).toEqual(expected);
        fromApiReads += viaApi.reads.filter((read) => read.command.endsWith(' (API)')).length;
        // A read the API cannot answer (no such object) is made by kubectl, as before.
        expect(viaApi.reads.map((read) => read.command.replace(/ \(API\)$/, ''))).toEqual(viaKubectl.reads.map((read) => read.command));
      }
      expect(fromApiReads).toBeGreaterThanOrEqual(4);
      expect(config.kubectl.apiReads).toBe(true);
    } finally {
      await withApi.close();
      await harness.stop();
    }
  }, 120_000);

  it('a token the API server rejects is left to kubectl, whose message the user gets as with API reads off', async () => {
    const harness = await createSandboxHarness();
    const rejected = path.join(workDirectory, 'rejected-kubeconfig');
    writeFileSync(rejected, readFileSync(harness.sandbox.kubeconfigPath, 'utf8').replace(/token: \S+/, 'token: not-the-token'));
    const { kubectlOnly, withApi } = cores(harness, rejected);
    try {
      const fromApi = await resolveNames(withApi, 'prod', { cacheMilliseconds: 0, timeoutSeconds: 30 });
      const fromKubectl = await resolveNames(kubectlOnly, 'prod', { cacheMilliseconds: 0, timeoutSeconds: 30 });
      expect(fromKubectl.inventory).toBeUndefined();
      expect(fromKubectl.notice).toMatch(/^names not checked against the cluster/);
      expect(fromApi).toEqual(fromKubectl);
    } finally {
      await withApi.close();
      await harness.stop();
    }
  }, 60_000);

  it('RK8S_API_READS=0 turns API reads off: kubectl reads', async () => {
    const harness = await createSandboxHarness();
    try {
      process.env.KUBECACHEDIR = harness.env.KUBECACHEDIR;
      const config = loadConfig({ kubectlPath: kubectlPath ?? 'kubectl', kubeconfig: harness.sandbox.kubeconfigPath, cacheDir: path.join(workDirectory, 'cache'), model: null }, { RK8S_API_READS: '0' });
      expect(config.kubectl.apiReads).toBe(false);
      const api = createApiLister(config, {});
      const core: NameResolverCore = { validator: createPolicyValidator(loadPolicyOrThrow(config.orgDir), config), kubectl: createKubectlRunner(config), api };
      const read = await resolveNames(core, 'prod', { cacheMilliseconds: 0, timeoutSeconds: 30 });
      expect(read.inventory?.objects.length).toBeGreaterThan(0);
      expect(read.reads).toEqual([expect.not.stringMatching(/\(API\)/)]);
      expect(await api.list(['pods'], 'prod', { timeoutMs: 1000, maxBytes: 1000 })).toEqual({ fallback: 'API reads are off (RK8S_API_READS)' });
    } finally {
      await harness.stop();
    }
  }, 60_000);
});
