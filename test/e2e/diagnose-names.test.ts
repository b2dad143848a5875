/**
 * An investigation plans its remediations against the names in its snapshot instead of reading the
 * namespace again per remediation (src/diagnose/snapshot-names.ts). Against the sandbox with the real
 * kubectl: the snapshot's inventory is what the resolver's own custom-columns read gives, and every
 * preview is what planning the remediation on its own (names read fresh) gives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import { createClusterReader } from '../../src/cluster/cluster-reader.js';
import { resolveNames, type ClusterInventory } from '../../src/cluster/name-resolver.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Core } from '../../src/contracts/core.js';
import type { NameResolver } from '../../src/contracts/ports.js';
import { readNamespace } from '../../src/diagnose/snapshot.js';
import { snapshotInventory } from '../../src/diagnose/snapshot-names.js';
import { createCore } from '../../src/pipeline/create-core.js';
import { propose } from '../../src/pipeline/propose.js';
import type { K8sExecPayload } from '../../src/schemas/request.js';
import { k8s_diagnose } from '../../src/tool/k8s-diagnose.js';
import { createSandboxHarness, kubectlPath, type SandboxHarness } from '../helpers/sandbox.js';

describeWith(['kubectl'], 'diagnose: remediations planned against the snapshot\'s names (sandbox, real kubectl)', () => {
  let harness: SandboxHarness;
  let core: Core;
  let workDirectory: string;
  const asked: Array<string | undefined> = [];

  beforeAll(async () => {
    workDirectory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-diagnose-names-'));
    harness = await createSandboxHarness();
    process.env.KUBECACHEDIR = harness.env.KUBECACHEDIR;
    core = await createCore(loadConfig({ kubectlPath: kubectlPath ?? 'kubectl', kubeconfig: harness.sandbox.kubeconfigPath, auditLog: path.join(workDirectory, 'agent.log'), cacheDir: path.join(workDirectory, 'cache'), model: null }, {}));
    const resolver = core.nameResolver!;
    const counting: NameResolver = { resolve: (namespace, signal) => (asked.push(namespace), resolver.resolve(namespace, signal)) };
    Object.assign(core, { nameResolver: counting });
  });
  afterAll(async () => {
    await core?.close();
    await harness?.stop();
    if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
  });

  it('the snapshot\'s inventory is the one the resolver\'s custom-columns read gives, for the namespace and for cluster-scoped requests', async () => {
    // Read both at once, a few times if need be: the sandbox's crash loops move restart counts between two reads.
    let pair: { fromSnapshot: [ClusterInventory | undefined, ClusterInventory | undefined]; fromRead: [ClusterInventory | undefined, ClusterInventory | undefined] } | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const reader = createClusterReader(core, { maxReads: 16 });
      const [phaseOne, namespaced, clusterScoped] = await Promise.all([
        readNamespace(reader, core.validator, 'prod', () => undefined, () => core.clock.now()),
        resolveNames(core, 'prod', { cacheMilliseconds: 0, timeoutSeconds: 30 }),
        resolveNames(core, undefined, { cacheMilliseconds: 0, timeoutSeconds: 30 }),
      ]);
      const names = { snapshot: phaseOne.snapshot, ...(phaseOne.namespaceObjects ? { namespaceObjects: phaseOne.namespaceObjects } : {}) };
      pair = { fromSnapshot: [snapshotInventory(names, 'prod'), snapshotInventory(names, undefined)], fromRead: [namespaced.inventory, clusterScoped.inventory] };
      if (JSON.stringify(pair.fromSnapshot) === JSON.stringify(pair.fromRead)) break;
    }
    expect(pair!.fromRead[0]).toBeDefined();
    expect(pair!.fromSnapshot).toEqual(pair!.fromRead);
    const objects = pair!.fromSnapshot[0]!.objects;
    // Every kind of the read is there (the sandbox's DaemonSet is in kube-system), with the states the planner reads.
    expect(new Set(objects.map((object) => object.kind))).toEqual(new Set(['deployment', 'statefulset', 'replicaset', 'pod', 'service', 'job', 'cronjob', 'hpa', 'pvc', 'configmap', 'ingress', 'poddisruptionbudget', 'node', 'namespace']));
    expect(objects.some((object) => object.kind === 'pod' && object.waiting?.includes('CrashLoopBackOff') && (object.restarts ?? 0) > 0 && object.owner?.kind === 'deployment')).toBe(true);
    expect(objects.some((object) => object.kind === 'pod' && object.lastTerminated?.includes('OOMKilled'))).toBe(true);
  }, 60_000);

  it('previews every remediation as planning it on its own would, without asking the core\'s resolver', async () => {
    asked.length = 0;
    const document = await k8s_diagnose({ namespace: 'prod' }, { core });
    expect(asked).toEqual([]);
    const previewed = document.findings.flatMap((finding) => finding.remediations).filter((remediation) => remediation.preview);
    expect(previewed.length).toBeGreaterThan(5);
    for (const remediation of previewed) {
      let alone: Record<string, unknown> = {};
      for await (const event of propose(remediation.request as K8sExecPayload, core, { source: 'tool', planOnly: true })) {
        if (event.type === 'plan-end') alone = { ...alone, command: event.plan.command, card: event.plan.card };
        else if (event.type === 'validate-end') {
          const violations = event.verdict.violations.map((violation) => violation.message);
          alone = { ...alone, risk: event.verdict.risk, decision: event.verdict.decision, ...(violations.length > 0 ? { violations } : {}) };
        }
      }
      expect({ title: remediation.title, preview: remediation.preview }).toEqual({ title: remediation.title, preview: alone });
    }
    // Planned on their own, the remediations did ask the core's resolver (one read, then its cache).
    expect(asked.length).toBe(previewed.length);
  }, 120_000);
});
