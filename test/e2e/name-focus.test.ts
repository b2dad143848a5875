/**
 * A request with no words that names a kind (and an object of it) has its names read from that kind
 * alone (src/cluster/name-resolver.ts, focusTypes): one API list instead of fifteen. That is only
 * sound if the request is understood as from the whole inventory. Against the sandbox with the real
 * kubectl: a focused read lists what the whole read lists of its kinds, in the same order, and for
 * every intent and every kind it focuses on, in every namespace, with no name and with each object of
 * the kind named, with and without the card's required parameters, the reading (object, owner,
 * replicas and containers, which become the planner's facts), the retrieval query and the plan
 * (command, question or refusal) from the kind's objects are the ones from the whole inventory.
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
import { understandRequest } from '../../src/plan/understand-request.js';
import type { K8sExecPayload } from '../../src/schemas/request.js';
import { INTENTS, RESOURCES, type Resource } from '../../src/schemas/vocabulary.js';
import { createSandboxHarness, kubectlPath, type SandboxHarness } from '../helpers/sandbox.js';

const NAMESPACES = ['prod', 'staging', 'dev'];

const KIND_OF_TYPE: Record<string, string> = {
  deployments: 'deployment', statefulsets: 'statefulset', daemonsets: 'daemonset', replicasets: 'replicaset', pods: 'pod', services: 'service', jobs: 'job',
  cronjobs: 'cronjob', horizontalpodautoscalers: 'hpa', persistentvolumeclaims: 'pvc', configmaps: 'configmap', ingresses: 'ingress', poddisruptionbudgets: 'poddisruptionbudget',
};

/** What a focused read of `resource` returns, taken from a whole inventory: the objects of the kinds it lists (in the same order: both follow one list of types). */
function focusedPart(inventory: ClusterInventory, namespace: string, resource: Resource): ClusterInventory {
  const kinds = new Set(focusTypes(namespace, resource)!.map((type) => KIND_OF_TYPE[type]));
  return { ...inventory, objects: inventory.objects.filter((object) => kinds.has(object.kind)) };
}

const namesOf = (inventory: ClusterInventory | undefined) => (inventory?.objects ?? []).map((object) => `${object.kind}/${object.name}`);

/** The objects without what the sandbox's crash loops change between two reads (restarts, state). */
const steadyPart = (inventory: ClusterInventory | undefined) =>
  (inventory?.objects ?? []).map(({ restarts: _restarts, waiting: _waiting, lastTerminated: _last, phase: _phase, ...steady }) => steady);

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
  let savedCacheDirectory: string | undefined;

  beforeAll(async () => {
    workDirectory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-name-focus-'));
    harness = await createSandboxHarness();
    savedCacheDirectory = process.env.KUBECACHEDIR;
    process.env.KUBECACHEDIR = harness.env.KUBECACHEDIR;
    core = await createCore(loadConfig({ kubectlPath: kubectlPath ?? 'kubectl', kubeconfig: harness.sandbox.kubeconfigPath, auditLog: path.join(workDirectory, 'agent.log'), cacheDir: path.join(workDirectory, 'cache'), model: null }, {}));
    for (const namespace of NAMESPACES) {
      const read = await resolveNames(core, namespace, { cacheMilliseconds: 0, timeoutSeconds: 30 });
      expect(read.inventory, read.notice).toBeDefined();
      whole.set(namespace, read.inventory!);
    }
  });
  afterAll(async () => {
    if (savedCacheDirectory === undefined) delete process.env.KUBECACHEDIR;
    else process.env.KUBECACHEDIR = savedCacheDirectory;
    await core?.close();
    await harness?.stop();
    if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
  });

  const focusable = RESOURCES.filter((resource) => focusTypes('prod', resource) !== undefined);

  it('a focused read lists, of its kinds, the objects the whole read lists, in the same order', async () => {
    const kinds = focusable;
    expect(kinds).toEqual(expect.arrayContaining(['deployment', 'pod', 'service', 'statefulset', 'job']));
    for (const namespace of NAMESPACES) {
      for (const resource of kinds) {
        const focused = await resolveNames(core, namespace, { focus: { resource }, cacheMilliseconds: 0, timeoutSeconds: 30 });
        expect(focused.reads, `${resource} in ${namespace}`).toEqual([expect.stringContaining(`get ${focusTypes(namespace, resource)!.join(',')} -n ${namespace}`)]);
        expect(namesOf(focused.inventory), `${resource} in ${namespace}`).toEqual(namesOf(focusedPart(whole.get(namespace)!, namespace, resource)));
        // Owners (a pod's Deployment through its ReplicaSet), containers and replicas as the whole read has them.
        expect(steadyPart(focused.inventory), `${resource} in ${namespace}`).toEqual(steadyPart(focusedPart(whole.get(namespace)!, namespace, resource)));
      }
    }
  });

  it('every intent and kind is understood and planned the same from the kind\'s objects as from the whole inventory, with no name and with each object named', async () => {
    let compared = 0;
    let planned = 0;
    const cards = [...core.cards.values()];
    for (const namespace of NAMESPACES) {
      const inventory = whole.get(namespace)!;
      for (const resource of focusable) {
        const part = focusedPart(inventory, namespace, resource);
        const names = [undefined, ...part.objects.filter((object) => object.kind === resource).map((object) => object.name)];
        for (const intent of INTENTS) {
          const card = cards.find((entry) => entry.intent === intent && entry.resource === resource);
          const params = card ? requiredParams(card) : {};
          for (const name of names) {
            for (const withParams of Object.keys(params).length > 0 ? [false, true] : [false]) {
              const request = { intent, resource, namespace, ...(name === undefined ? {} : { name }), ...(withParams ? { params } : {}) } as K8sExecPayload;
              const where = `${intent} ${resource} ${name ?? '(no name)'}${withParams ? ' with params' : ''} in ${namespace}`;
              const [fromWhole, fromPart] = await Promise.all([inventory, part].map((given) =>
                understandRequest(request, { cards: core.cards, nameResolver: { resolve: async () => ({ inventory: given, reads: [] }) } })));
              // The reading is what the planner gets (the object with its owner, replicas and containers); the inventory itself differs by design.
              expect(fromPart!.facts.reading, where).toEqual(fromWhole!.facts.reading);
              expect(fromPart!.facts.currentReplicas, where).toEqual(fromWhole!.facts.currentReplicas);
              expect(fromPart!.retrieveQuery, where).toEqual(fromWhole!.retrieveQuery);
              const planWhole = planFromTemplate(request, [], { cards: core.cards, inventory });
              expect(planFromTemplate(request, [], { cards: core.cards, inventory: part }), where).toEqual(planWhole);
              if (planWhole.plan.args.length > 0) planned++;
              compared++;
            }
          }
        }
      }
    }
    console.log(`name focus: ${compared} requests compared, ${planned} of them planned to a command`);
    expect(compared).toBeGreaterThan(1500);
    expect(planned).toBeGreaterThan(400);
  });

  it('an object named with another kind, or not there, is looked for in the whole inventory', async () => {
    const pod = whole.get('prod')!.objects.find((object) => object.kind === 'pod')!;
    const misnamed = await resolveNames(core, 'prod', { focus: { resource: 'deployment', name: pod.name }, cacheMilliseconds: 0, timeoutSeconds: 30 });
    expect(misnamed.reads).toEqual([expect.stringContaining('get deployments -n prod'), expect.stringContaining('get deployments,statefulsets,')]);
    expect(namesOf(misnamed.inventory)).toEqual(expect.arrayContaining([`pod/${pod.name}`, 'namespace/prod']));
  });
});
