/**
 * A request with no words that names a kind (and an object of it) has its names read from that kind
 * alone (src/cluster/name-resolver.ts, focusTypes): one API list instead of fifteen. That is only
 * sound if the plan is the one the whole inventory gives. Against the sandbox with the real kubectl:
 * a focused read lists what the whole read lists of its kind, and for every card, in every namespace,
 * with no name and with each object of the card's kind named, planning from the kind's objects gives
 * the plan (command, question or refusal, and what was understood) that planning from the whole
 * inventory gives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import { focusTypes, resolveNames, type ClusterInventory } from '../../src/cluster/name-resolver.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Core } from '../../src/contracts/core.js';
import { createCore } from '../../src/pipeline/create-core.js';
import { planFromTemplate } from '../../src/plan/template-planner.js';
import type { K8sExecPayload } from '../../src/schemas/request.js';
import type { Resource } from '../../src/schemas/vocabulary.js';
import { createSandboxHarness, kubectlPath, type SandboxHarness } from '../helpers/sandbox.js';

const NAMESPACES = ['prod', 'staging', 'dev'];

/** What a focused read of `resource` returns, taken from a whole inventory: the objects of the kinds it lists. */
function focusedPart(inventory: ClusterInventory, resource: Resource): ClusterInventory {
  const kinds = new Set<string>([resource, ...(resource === 'pod' ? ['replicaset'] : [])]);
  return { ...inventory, objects: inventory.objects.filter((object) => kinds.has(object.kind)) };
}

const namesOf = (inventory: ClusterInventory | undefined) => (inventory?.objects ?? []).map((object) => `${object.kind}/${object.name}`).sort();

/** The objects without what the sandbox's crash loops change between two reads (restarts, state). */
const steadyPart = (inventory: ClusterInventory | undefined) =>
  (inventory?.objects ?? []).map(({ restarts: _restarts, waiting: _waiting, lastTerminated: _last, phase: _phase, ...steady }) => steady).sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));

/** A value for each required parameter a card takes besides the namespace and the name (so a change plans, not asks). */
function requiredParams(card: { params: ReadonlyArray<{ name: string; type: string; required: boolean; enum?: string[] | undefined; default?: unknown }> }): Record<string, string> {
  const values: Record<string, string> = {};
  for (const param of card.params) {
    if (!param.required || param.name === 'namespace' || param.name === 'name' || param.type === 'name') continue;
    values[param.name] = param.enum?.[0] ?? (param.type === 'integer' ? '3' : param.type === 'duration' ? '5m' : param.type === 'boolean' ? 'true' : String(param.default ?? 'x'));
  }
  return values;
}

describeWith(['kubectl'], 'name resolution focused on the kind a request names (sandbox, real kubectl)', () => {
  let harness: SandboxHarness;
  let core: Core;
  let workDirectory: string;
  const whole = new Map<string, ClusterInventory>();

  beforeAll(async () => {
    workDirectory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-name-focus-'));
    harness = await createSandboxHarness();
    process.env.KUBECACHEDIR = harness.env.KUBECACHEDIR;
    core = await createCore(loadConfig({ kubectlPath: kubectlPath ?? 'kubectl', kubeconfig: harness.sandbox.kubeconfigPath, auditLog: path.join(workDirectory, 'agent.log'), cacheDir: path.join(workDirectory, 'cache'), model: null }, {}));
    for (const namespace of NAMESPACES) {
      const read = await resolveNames(core, namespace, { cacheMilliseconds: 0, timeoutSeconds: 30 });
      expect(read.inventory, read.notice).toBeDefined();
      whole.set(namespace, read.inventory!);
    }
  });
  afterAll(async () => {
    await core?.close();
    await harness?.stop();
    if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
  });

  it('a focused read lists, of its kind, the objects the whole read lists', async () => {
    const kinds = [...new Set([...core.cards.values()].map((card) => card.resource))].filter((resource) => focusTypes('prod', resource) !== undefined);
    expect(kinds).toEqual(expect.arrayContaining(['deployment', 'pod', 'service', 'statefulset', 'job']));
    for (const namespace of NAMESPACES) {
      for (const resource of kinds) {
        const focused = await resolveNames(core, namespace, { focus: { resource }, cacheMilliseconds: 0, timeoutSeconds: 30 });
        expect(focused.reads, `${resource} in ${namespace}`).toEqual([expect.stringContaining(`get ${focusTypes(namespace, resource)!.join(',')} -n ${namespace}`)]);
        expect(namesOf(focused.inventory), `${resource} in ${namespace}`).toEqual(namesOf(focusedPart(whole.get(namespace)!, resource)));
        // Owners (a pod's Deployment through its ReplicaSet), containers and replicas as the whole read has them.
        expect(steadyPart(focused.inventory), `${resource} in ${namespace}`).toEqual(steadyPart(focusedPart(whole.get(namespace)!, resource)));
      }
    }
  });

  it('every card plans the same from the objects of its kind as from the whole inventory, with no name and with each object named', () => {
    let compared = 0;
    let planned = 0;
    for (const namespace of NAMESPACES) {
      const inventory = whole.get(namespace)!;
      for (const card of core.cards.values()) {
        if (focusTypes(namespace, card.resource) === undefined) continue;
        const part = focusedPart(inventory, card.resource);
        const names = [undefined, ...part.objects.filter((object) => object.kind === card.resource).map((object) => object.name).slice(0, 6)];
        const params = requiredParams(card);
        for (const name of names) {
          for (const withParams of Object.keys(params).length > 0 ? [false, true] : [false]) {
            const request = { intent: card.intent, resource: card.resource, namespace, ...(name === undefined ? {} : { name }), ...(withParams ? { params } : {}) } as K8sExecPayload;
            const fromWhole = planFromTemplate(request, [], { cards: core.cards, inventory });
            const fromPart = planFromTemplate(request, [], { cards: core.cards, inventory: part });
            expect(fromPart, `${card.id} ${name ?? '(no name)'}${withParams ? ' with params' : ''} in ${namespace}`).toEqual(fromWhole);
            if (fromWhole.plan.args.length > 0) planned++;
            compared++;
          }
        }
      }
    }
    console.log(`name focus: ${compared} plans compared, ${planned} of them commands`);
    expect(compared).toBeGreaterThan(300);
    expect(planned).toBeGreaterThan(200);
  });

  it('an object named with another kind, or not there, is looked for in the whole inventory', async () => {
    const pod = whole.get('prod')!.objects.find((object) => object.kind === 'pod')!;
    const misnamed = await resolveNames(core, 'prod', { focus: { resource: 'deployment', name: pod.name }, cacheMilliseconds: 0, timeoutSeconds: 30 });
    expect(misnamed.reads).toEqual([expect.stringContaining('get deployments -n prod'), expect.stringContaining('get deployments,statefulsets,')]);
    expect(namesOf(misnamed.inventory)).toEqual(expect.arrayContaining([`pod/${pod.name}`, 'namespace/prod']));
  });
});
