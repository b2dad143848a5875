/**
 * Sandbox benchmark: start time (cold and warm median), the median of `kubectl get pods -n prod`
 * against it, kubectl's own start-up (`kubectl version --client`) for comparison, and the server's
 * own time for the same request over HTTPS without kubectl. Loopback only; bounded to ~90 s.
 *
 *   npx tsx scripts/bench/sandbox.ts [--runs 9]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Sandbox } from '../../src/sandbox/index.js';

const runsFlag = process.argv.indexOf('--runs');
const runs = Math.max(3, Math.min(50, Number(runsFlag >= 0 ? process.argv[runsFlag + 1] : 9) || 9));
const deadline = Date.now() + 90_000;
const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((candidate) => existsSync(candidate));

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] ?? 0 : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const format = (milliseconds: number) => `${milliseconds.toFixed(1)} ms`;

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

function rawGet(sandbox: Sandbox, path: string, certificateAuthority: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const outgoing = request(new URL(path, sandbox.url), {
      headers: { Authorization: `Bearer ${sandbox.token}`, Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
      ca: certificateAuthority,
      agent: false,
    }, (response) => {
      response.resume();
      response.on('end', () => resolve());
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const importStarted = performance.now();
const { startSandbox } = await import('../../src/sandbox/index.js');
const importMs = performance.now() - importStarted;
const startTimes: number[] = [];
let sandbox: Sandbox | undefined;
for (let index = 0; index < runs && Date.now() < deadline; index += 1) {
  let started: Sandbox | undefined;
  startTimes.push(await timed(async () => { started = await startSandbox(); }));
  if (index === runs - 1) sandbox = started;
  else await started?.stop();
}
const [cold = 0, ...warm] = startTimes;
console.log(`sandbox module import: ${format(importMs)} (includes tsx transpiling when run from source)`);
console.log(`sandbox start: cold ${format(cold)}, warm median ${format(median(warm))} (${warm.length} starts; goal < 300 ms)`);

if (!sandbox) throw new Error('no sandbox started');
const kubeconfig = readFileSync(sandbox.kubeconfigPath, 'utf8');
const certificateAuthority = Buffer.from(/certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1] ?? '', 'base64').toString('utf8');
const serverTimes: number[] = [];
for (let index = 0; index < runs * 5 && Date.now() < deadline; index += 1) {
  serverTimes.push(await timed(() => rawGet(sandbox as Sandbox, '/api/v1/namespaces/prod/pods?limit=500', certificateAuthority)));
}
console.log(`server only, GET pods as Table over a new HTTPS connection: median ${format(median(serverTimes))} (${serverTimes.length} requests)`);

if (!kubectl) {
  console.log('kubectl not installed: skipping the kubectl figures');
} else {
  const cacheDirectory = mkdtempSync(join(tmpdir(), 'rk8s-bench-cache-'));
  const env = { KUBECONFIG: sandbox.kubeconfigPath, KUBECACHEDIR: cacheDirectory };
  const discovery = await timed(() => execa(kubectl, ['get', 'pods', '-n', 'prod'], { env }));
  const getTimes: number[] = [];
  const clientTimes: number[] = [];
  for (let index = 0; index < runs && Date.now() < deadline; index += 1) {
    getTimes.push(await timed(() => execa(kubectl, ['get', 'pods', '-n', 'prod'], { env })));
    clientTimes.push(await timed(() => execa(kubectl, ['version', '--client'], { env })));
  }
  console.log(`kubectl get pods -n prod: first (fills the discovery cache) ${format(discovery)}, then median ${format(median(getTimes))} (${getTimes.length} runs)`);
  console.log(`kubectl version --client (kubectl start-up alone): median ${format(median(clientTimes))}`);
  console.log(`=> server share of a warm kubectl get: about ${format(Math.max(0, median(getTimes) - median(clientTimes)))} over kubectl's own start-up`);
  rmSync(cacheDirectory, { recursive: true, force: true });
}
await sandbox.stop();
