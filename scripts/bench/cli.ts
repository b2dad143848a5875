/**
 * The CLI's own cost: `rk8s exec --dry-run` (and a read) side by side with the bare kubectl command it
 * ends up running, against the sandbox, interleaved so both see the same machine load. Prints the
 * medians, the overhead (rk8s minus kubectl) and the goal (issue #13: overhead under 150 ms median).
 * Needs a build (npm run build). Run: npx tsx scripts/bench/cli.ts [iterations]   (default 15, ~1 min)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../src/sandbox/index.js';

const iterations = Number(process.argv[2] ?? 15);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'dist/src/cli/bin.js');
const GOAL_MS = 150;

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stderr = '';
    child.stdout.on('data', () => {});
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${path.basename(file)} ${args.join(' ')} exited ${code}: ${stderr.slice(-400)}`))));
  });
}

const sandbox = await startSandbox({});
const scratch = mkdtempSync(path.join(os.tmpdir(), 'rk8s-bench-cli-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  KUBECONFIG: sandbox.kubeconfigPath,
  KUBECACHEDIR: path.join(scratch, 'kube-cache'),
  RK8S_AUDIT_LOG: path.join(scratch, 'agent.log'),
  NO_COLOR: '1',
};
delete env.RK8S_MODEL;

const cases: Array<{ label: string; kubectl: string[]; rk8s: string[] }> = [
  {
    label: 'scale --dry-run (mutation preview)',
    kubectl: ['scale', 'deployment/web', '-n', 'prod', '--replicas=5', '--dry-run=server', '-o', 'yaml'],
    rk8s: ['exec', '--dry-run', '--no-model', '-n', 'prod', '--intent', 'scale', '--resource', 'deployment', '--name', 'web', '--param', 'replicas=5'],
  },
  {
    label: 'get pods (read, runs kubectl)',
    kubectl: ['get', 'pods', '-n', 'prod'],
    rk8s: ['exec', '--no-model', '-n', 'prod', '--intent', 'get', '--resource', 'pod'],
  },
];

try {
  console.log(`rk8s CLI overhead over bare kubectl (sandbox, ${iterations} runs each, interleaved; goal: overhead < ${GOAL_MS} ms median)`);
  for (const entry of cases) {
    // Warm the discovery cache and the OS page cache for both.
    for (let index = 0; index < 2; index++) {
      await run('/usr/bin/kubectl', entry.kubectl, env);
      await run(process.execPath, [bin, ...entry.rk8s], env);
    }
    const bare: number[] = [];
    const wrapped: number[] = [];
    for (let index = 0; index < iterations; index++) {
      const order = index % 2 ? [bare, wrapped] : [wrapped, bare];
      for (const samples of order) {
        samples.push(samples === bare ? await run('/usr/bin/kubectl', entry.kubectl, env) : await run(process.execPath, [bin, ...entry.rk8s], env));
      }
    }
    const overhead = median(wrapped) - median(bare);
    console.log(
      `${entry.label.padEnd(36)} kubectl median ${median(bare).toFixed(0).padStart(4)} ms   rk8s median ${median(wrapped).toFixed(0).padStart(4)} ms   ` +
        `overhead ${overhead.toFixed(0).padStart(4)} ms (goal < ${GOAL_MS}: ${overhead < GOAL_MS ? 'met' : 'NOT met'})`,
    );
  }
  const started = performance.now();
  const nodeOnly: number[] = [];
  for (let index = 0; index < 5; index++) nodeOnly.push(await run(process.execPath, ['-e', '0'], env));
  console.log(`for scale: node -e 0 median ${median(nodeOnly).toFixed(0)} ms (the floor any Node CLI pays), measured in ${(performance.now() - started).toFixed(0)} ms`);
} finally {
  await sandbox.stop();
  rmSync(scratch, { recursive: true, force: true });
}
