/** The pickers' kubectl queries, against a fake kubectl program generated per test (argv recorded). */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentCluster, listNamespaces, listObjects, statusOf } from '../../../src/cluster/list-objects.js';
import { KubectlError } from '../../../src/errors.js';

let directory: string;
let kubectlPath: string;
const argvFile = () => path.join(directory, 'argv.json');

beforeAll(() => {
  directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-list-'));
  kubectlPath = path.join(directory, 'kubectl');
  // A fake kubectl: records argv, answers by the resource asked for, fails for "broken", hangs for "slow".
  writeFileSync(
    kubectlPath,
    `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.writeFileSync(${JSON.stringify(path.join(directory, 'argv.json'))}, JSON.stringify(args));
const what = args.find((a) => !a.startsWith('-') && a !== 'get');
if (args.includes('view')) { console.log(JSON.stringify({ 'current-context': 'ctx-a', clusters: [{ cluster: { server: 'https://10.0.0.1:6443' } }] })); process.exit(0); }
if (what === 'broken') { console.error('error: the server doesn\\'t have a resource type "broken"'); process.exit(1); }
if (what === 'slow') { setTimeout(() => {}, 60000); return; }
if (what === 'namespaces') { console.log(JSON.stringify({ items: [{ metadata: { name: 'prod' }, status: { phase: 'Active' } }, { metadata: { name: 'dev' }, status: { phase: 'Terminating' } }] })); process.exit(0); }
console.log(JSON.stringify({ items: [{ metadata: { name: 'web' }, spec: { replicas: 3 }, status: { readyReplicas: 2 } }, { metadata: { name: 'api' }, spec: { replicas: 1 }, status: { readyReplicas: 1 } }] }));
`,
  );
  chmodSync(kubectlPath, 0o755);
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

const options = () => ({ kubectlPath, kubeconfig: '/tmp/kc', context: 'staging' });

describe('list-objects', () => {
  it('lists namespaces sorted, pinned to the configured kubeconfig and context', async () => {
    expect(await listNamespaces(options())).toEqual([
      { name: 'dev', status: 'Terminating' },
      { name: 'prod', status: 'Active' },
    ]);
    const argv = JSON.parse(readFileSync(argvFile(), 'utf8')) as string[];
    expect(argv.slice(0, 2)).toEqual(['--kubeconfig=/tmp/kc', '--context=staging']);
    expect(argv.slice(-4)).toEqual(['get', 'namespaces', '-o', 'json']);
  });

  it('lists objects of a resource in a namespace with a status column', async () => {
    expect(await listObjects('deployment', 'prod', options())).toEqual([
      { name: 'api', status: '1/1 ready' },
      { name: 'web', status: '2/3 ready' },
    ]);
    expect((JSON.parse(readFileSync(argvFile(), 'utf8')) as string[]).slice(-6)).toEqual(['get', 'deployment', '-n', 'prod', '-o', 'json']);
  });

  it('reads the current context and server', async () => {
    expect(await currentCluster(options())).toEqual({ context: 'ctx-a', server: 'https://10.0.0.1:6443' });
  });

  it("turns a kubectl failure into a KubectlError with kubectl's message", async () => {
    await expect(listObjects('broken' as never, 'prod', options())).rejects.toThrow(KubectlError);
    await expect(listObjects('broken' as never, 'prod', options())).rejects.toThrow(/doesn't have a resource type "broken"/);
  });

  it('is aborted by its signal', async () => {
    const controller = new AbortController();
    const pending = listObjects('slow' as never, 'prod', { ...options(), signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow();
  });

  it.each([
    ['pod', { status: { phase: 'Running', containerStatuses: [{ ready: true, restartCount: 0, state: {} }] } }, 'Running 1/1'],
    ['pod', { status: { phase: 'Running', containerStatuses: [{ ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'OOMKilled' } } }] } }, 'CrashLoopBackOff 0/1 5 restarts (last: OOMKilled)'],
    ['pod', { metadata: { deletionTimestamp: 'x' }, status: { phase: 'Running' } }, 'Terminating'],
    ['node', { spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }, 'Ready,SchedulingDisabled'],
    ['daemonset', { status: { numberReady: 2, desiredNumberScheduled: 3 } }, '2/3 ready'],
    ['job', { status: { succeeded: 1 } }, 'Complete'],
    ['pvc', { status: { phase: 'Bound' } }, 'Bound'],
    ['pod', { status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] } }, 'Pending (Unschedulable)'],
    ['pod', { status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }], containerStatuses: [{ ready: false, state: { waiting: { reason: 'ContainerCreating' } } }] } }, 'ContainerCreating 0/1'],
    ['deployment', { spec: { replicas: 2 }, status: { readyReplicas: 2, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } }, '2/2 ready · rollout stuck: ProgressDeadlineExceeded'],
    ['deployment', { spec: { replicas: 3 }, status: { readyReplicas: 3, conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] } }, '3/3 ready'],
  ] as const)('statusOf(%s) = %s', (resource, object, expected) => {
    expect(statusOf(resource, object as never)).toBe(expected);
  });
});
