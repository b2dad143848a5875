/**
 * Object.prototype names through the sandbox (the dynamic half of test/security/static-lookups.test.ts
 * for src/sandbox): a label key, a container name, a resource name, a priorityClassName, a cron
 * schedule, a Secret key, a LimitRange default or a quota resource named "constructor", "__proto__",
 * "toString"... behaves exactly like a meaningless word of the same shape ("bbbbbbbbbbb" for
 * "constructor", "__qqqqq__" for "__proto__"): the same answer, with the word in place of the name. The control words'
 * answers are pinned too, so two equally wrong answers cannot pass.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import type { Pod, ResourceQuota, Secret } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownValue } from '../../../src/own-property.js';
import { generateServingCertificate } from '../../../src/sandbox/certificate.js';
import { SandboxCluster } from '../../../src/sandbox/cluster.js';
import { loadScenario } from '../../../src/sandbox/scenario-loader.js';
import { startApiServer, type ApiServer } from '../../../src/sandbox/server.js';
import { waitFor } from '../../helpers/sandbox.js';

/** Every name a plain object inherits, and the accessor that replaces its prototype. */
const PROTOTYPE_NAMES = [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__'])];

/** The same shape without meaning: letters become one consonant (one per case, so no two controls collide). */
function control(name: string, index: number): string {
  const letter = 'bdfghjkmnpqrstvwz'.charAt(index);
  return name.replace(/[a-z]/g, letter).replace(/[A-Z]/g, letter.toUpperCase());
}

/** Each case: the prototype name (object names p<i>-…) and its control word (c<i>-…). */
const CASES = PROTOTYPE_NAMES.map((name, index) => ({ name, word: control(name, index), index }));
const WORDS = CASES.flatMap(({ name, word, index }) => [{ word: name, id: `p${index}` }, { word, id: `c${index}` }]);

/** Scenario objects per word: a labelled pod pinned by node affinity on that key, one that runs, one that requests it. */
function scenarioObjects(word: string, id: string): unknown[] {
  const container = (name: string, resources?: unknown) => ({ name, image: 'nginx:1.27', ...(resources ? { resources } : {}) });
  const affinity = (operator: string) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: word, operator }] }] } } });
  return [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${id}-labels`, namespace: 'proto', labels: { [word]: 'x', case: id } }, spec: { affinity: affinity('Exists'), containers: [container('app')] } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${id}-runs`, namespace: 'proto' }, spec: { priorityClassName: word, affinity: affinity('DoesNotExist'), containers: [container(word)] } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${id}-requests`, namespace: 'proto' }, spec: { containers: [container('app', { requests: { cpu: '100m', [word]: '1' } })] } },
  ];
}

const allWords = (value: string) => Object.fromEntries(WORDS.map(({ word }) => [word, value]));
const scenario = {
  nodes: [{ name: 'n1', cpu: '64', memory: '256Gi', pods: 500 }],
  namespaces: [{ name: 'proto' }, { name: 'limits' }, { name: 'quota' }],
  objects: [
    ...WORDS.flatMap(({ word, id }) => scenarioObjects(word, id)),
    { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'words', namespace: 'limits' }, spec: { limits: [{ type: 'Container', default: allWords('1') }] } },
    { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'words', namespace: 'quota' }, spec: { hard: { ...allWords('3'), pods: '10' } } },
  ],
};

const directory = mkdtempSync(join(tmpdir(), 'rk8s-prototype-'));
let cluster: SandboxCluster;
let server: ApiServer;
let certificateAuthority: string;
const token = 'rk8s-sandbox-prototype-test';

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

function call(method: string, path: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = request(new URL(path, server.url), { method, ca: certificateAuthority, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    });
    outgoing.on('error', reject);
    if (body !== undefined) outgoing.write(JSON.stringify(body));
    outgoing.end();
  });
}

const getPod = async (name: string) => (await call('GET', `/api/v1/namespaces/proto/pods/${name}`)).body as Pod;

/** A prototype name's answer as its control word's would read: the name and the object names swapped. */
function asControl(name: string, index: number, value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).split(name).join(control(name, index)).split(`p${index}-`).join(`c${index}-`).split(`"p${index}"`).join(`"c${index}"`));
}

beforeAll(async () => {
  const file = join(directory, 'prototype.yaml');
  writeFileSync(file, JSON.stringify(scenario));
  cluster = new SandboxCluster({ timings: { podStartMs: 20, podTerminationMs: 20 } });
  loadScenario(cluster, file);
  const certificate = generateServingCertificate(['127.0.0.1']);
  certificateAuthority = certificate.certificatePem;
  server = await startApiServer({ cluster, token, host: '127.0.0.1', port: 0, certificatePem: certificate.certificatePem, privateKeyPem: certificate.privateKeyPem });
  cluster.requestReconcile();
});

afterAll(async () => {
  cluster.stop();
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('Object.prototype names in the sandbox behave like any other word', () => {
  it.each(CASES)('$name as a label key, node-affinity key, container name, priorityClassName and resource name', async ({ name, word, index }) => {
    const observe = async (id: string) => {
      const labelled = await getPod(`${id}-labels`);
      const running = await waitFor(async () => {
        const pod = await getPod(`${id}-runs`);
        return pod.status?.phase === 'Running' && pod.status.containerStatuses?.[0]?.ready ? pod : undefined;
      }, { what: `pod ${id}-runs Running and ready` });
      const requesting = await getPod(`${id}-requests`);
      const selected = (await call('GET', `/api/v1/namespaces/proto/pods?labelSelector=${encodeURIComponent(`${id.startsWith('p') ? name : word}=x`)}`)).body as { items: Pod[] };
      return {
        labels: labelled.metadata?.labels,
        selected: selected.items.map((pod) => pod.metadata?.name),
        labelledScheduling: labelled.status?.conditions?.find((condition) => condition.type === 'PodScheduled')?.message,
        runningNode: running.spec?.nodeName,
        container: running.status?.containerStatuses?.map((status) => [status.name, status.ready, status.restartCount]),
        priority: running.spec?.priority ?? 'unset',
        requests: requesting.spec?.containers[0]?.resources?.requests,
        requestScheduling: requesting.status?.conditions?.find((condition) => condition.type === 'PodScheduled')?.message,
      };
    };
    const controlAnswer = await observe(`c${index}`);
    expect(controlAnswer).toEqual({
      labels: { [word]: 'x', case: `c${index}` },
      selected: [`c${index}-labels`],
      labelledScheduling: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
      runningNode: 'n1',
      container: [[word, true, 0]],
      priority: 0,
      requests: { cpu: '100m', [word]: '1' },
      requestScheduling: `0/1 nodes are available: 1 Insufficient ${word}. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.`,
    });
    expect(asControl(name, index, await observe(`p${index}`))).toEqual(controlAnswer);
    expect(cluster.lastControllerError).toBeUndefined();
  });

  it.each(CASES)('$name in a CronJob schedule is refused like any unknown word', async ({ name, word, index }) => {
    const refuse = async (id: string, text: string) => {
      const answers = [];
      for (const [suffix, schedule] of [['at', `@${text}`], ['month', `0 0 1 ${text} *`], ['weekday', `0 0 * * ${text}`]]) {
        const created = await call('POST', '/apis/batch/v1/namespaces/proto/cronjobs', {
          apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: `${id}-${suffix}` },
          spec: { schedule, jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'busybox:1.36' }] } } } } },
        });
        answers.push([created.status, (created.body as { message?: string; spec?: CronJob['spec'] }).message]);
      }
      return answers;
    };
    const controlAnswer = await refuse(`c${index}`, word);
    expect(controlAnswer).toEqual([
      [422, `CronJob.batch "c${index}-at" is invalid: spec.schedule: Invalid value: "@${word}": unrecognized descriptor: @${word}`],
      [422, `CronJob.batch "c${index}-month" is invalid: spec.schedule: Invalid value: "0 0 1 ${word} *": failed to parse int from ${word}: strconv.Atoi: parsing "${word}": invalid syntax`],
      [422, `CronJob.batch "c${index}-weekday" is invalid: spec.schedule: Invalid value: "0 0 * * ${word}": failed to parse int from ${word}: strconv.Atoi: parsing "${word}": invalid syntax`],
    ]);
    expect(asControl(name, index, await refuse(`p${index}`, name))).toEqual(controlAnswer);
  });

  it.each(CASES)('$name as a Secret key and a priorityClassName on create, and as a LimitRange default', async ({ name, word, index }) => {
    const create = async (id: string, text: string) => {
      const secret = await call('POST', '/api/v1/namespaces/proto/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${id}-secret` }, stringData: { [text]: 'v' } });
      const pod = await call('POST', '/api/v1/namespaces/proto/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${id}-priority` }, spec: { priorityClassName: text, containers: [{ name: 'app', image: 'nginx:1.27' }] } });
      const limited = await call('POST', '/api/v1/namespaces/limits/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${id}-limited` }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } });
      const resources = (limited.body as Pod).spec?.containers[0]?.resources;
      return {
        secret: [secret.status, Object.entries((secret.body as Secret).data ?? {})],
        priority: [pod.status, (pod.body as Pod).spec?.priority ?? 'unset'],
        limited: [limited.status, ownValue(resources?.limits, text) ?? 'unset', ownValue(resources?.requests, text) ?? 'unset'],
      };
    };
    const controlAnswer = await create(`c${index}`, word);
    expect(controlAnswer).toEqual({ secret: [201, [[word, 'dg==']]], priority: [201, 0], limited: [201, '1', '1'] });
    expect(asControl(name, index, await create(`p${index}`, name))).toEqual(controlAnswer);
  });

  it('counts a quota resource named after a prototype member like any other', async () => {
    const created = await call('POST', '/api/v1/namespaces/quota/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'counted' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } });
    expect(created.status).toBe(201);
    const quota = await waitFor(async () => {
      const answer = (await call('GET', '/api/v1/namespaces/quota/resourcequotas/words')).body as ResourceQuota;
      return answer.status?.used?.['pods'] === '1' ? answer : undefined;
    }, { what: 'the quota controller counting the pod' });
    expect(quota.status?.hard).toEqual({ ...allWords('3'), pods: '10' });
    expect(quota.status?.used).toEqual({ ...allWords('0'), pods: '1' });
    expect(cluster.lastControllerError).toBeUndefined();
  });
});
