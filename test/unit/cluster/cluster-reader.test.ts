import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '../../helpers/prerequisites.js';
import { createClusterReader, readFailure } from '../../../src/cluster/cluster-reader.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { PolicyDeniedError } from '../../../src/errors.js';
import { createKubectlRunner } from '../../../src/execute/kubectl-runner.js';
import { loadPolicyOrThrow } from '../../../src/pipeline/create-core.js';
import { createPolicyValidator } from '../../../src/pipeline/policy-validator.js';
import type { KubectlRunner } from '../../../src/contracts/ports.js';
import { createSandboxHarness, kubectlPath, type SandboxHarness } from '../../helpers/sandbox.js';

describeWith(['kubectl'], 'createClusterReader against the sandbox', () => {
  let harness: SandboxHarness;
  let kubectl: KubectlRunner;
  let validator: ReturnType<typeof createPolicyValidator>;

  beforeAll(async () => {
    harness = await createSandboxHarness();
    const config = loadConfig({ kubectlPath: kubectlPath ?? 'kubectl', kubeconfig: harness.sandbox.kubeconfigPath });
    kubectl = createKubectlRunner(config);
    validator = createPolicyValidator(loadPolicyOrThrow(config.orgDir), config);
  });
  afterAll(() => harness?.stop());

  it('reads a whole namespace as JSON in one batched call and records the read', async () => {
    const reader = createClusterReader({ validator, kubectl });
    const list = await reader.json<{ items: Array<{ kind: string }> }>(['get', 'pods,deployments', '-n', 'prod', '-o', 'json']);
    const kinds = new Set(list.items.map((item) => item.kind));
    expect(kinds).toEqual(new Set(['Pod', 'Deployment']));
    expect(reader.reads).toHaveLength(1);
    expect(reader.reads[0]).toMatchObject({ command: 'kubectl get pods,deployments -n prod -o json', exitCode: 0 });
    expect(reader.reads[0]!.bytes).toBeGreaterThan(1000);
  });

  it('refuses a read the policy does not allow as a read, before running anything', async () => {
    const reader = createClusterReader({ validator, kubectl });
    await expect(reader.text(['get', 'secrets', '-n', 'prod', '-o', 'json'])).rejects.toBeInstanceOf(PolicyDeniedError);
    await expect(reader.text(['rollout', 'restart', 'deployment/api', '-n', 'prod'])).rejects.toBeInstanceOf(PolicyDeniedError);
    expect(reader.reads).toHaveLength(0);
  });

  it('reports a missing object as a failed read marked notFound', async () => {
    const reader = createClusterReader({ validator, kubectl });
    const error = await reader.json(['get', 'deployment', 'nope', '-n', 'prod', '-o', 'json']).catch((caught: unknown) => caught);
    expect(readFailure(error)?.notFound).toBe(true);
    expect(reader.reads[0]?.error).toMatch(/not found/i);
  });

  it('stops at the read budget', async () => {
    const reader = createClusterReader({ validator, kubectl }, { maxReads: 1 });
    await reader.text(['get', 'namespaces', '-o', 'name']);
    await expect(reader.text(['get', 'namespaces', '-o', 'name'])).rejects.toThrow(/too many cluster reads/);
  });
});
