/**
 * The CLI's own cost: `rk8s exec --dry-run` (and a read) side by side with the bare kubectl command it
 * ends up running, against the sandbox, interleaved so both see the same machine load. Prints the
 * medians, the overhead (rk8s minus kubectl) and the goal (issue #13: overhead under 150 ms median),
 * and the same rk8s command from the compiled modules (RK8S_NO_BUNDLE=1), the way it started before
 * the per-command bundles (scripts/bundle-cli.mjs), as the baseline; with `--baseline <checkout>`, also
 * another built checkout's CLI (an earlier commit, say) interleaved with the rest. rk8s runs as `rk8s` does:
 * the file package.json names as its bin (dist/src/cli/rk8s.cjs).
 * Needs a build (npm run build). Run: npx tsx scripts/bench/cli.ts [iterations] [--baseline <dir>]   (default 15, ~1 min)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../src/sandbox/index.js';

const baselineAt = process.argv.indexOf('--baseline');
const baselineRoot = baselineAt > 0 ? process.argv[baselineAt + 1] : undefined;
const positional = process.argv.slice(2).filter((argument, index, all) => argument !== '--baseline' && all[index - 1] !== '--baseline');
const iterations = Number(positional[0] ?? 15);
if (!Number.isInteger(iterations) || iterations < 1) {
  console.error(`cli bench: iterations must be a positive integer, got "${positional[0]}"`);
  process.exit(2);
}
if (baselineAt > 0 && !baselineRoot) {
  console.error('cli bench: --baseline needs the directory of a built checkout (its package.json bin is run)');
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The file a checkout's `rk8s` runs: its package.json `bin` (what npm links; dist/src/cli/rk8s.cjs, earlier bin.js). */
function packageBin(checkout: string): string {
  const { bin } = JSON.parse(readFileSync(path.join(checkout, 'package.json'), 'utf8')) as { bin: { rk8s: string } };
  return path.resolve(checkout, bin.rk8s);
}
const bin = packageBin(root);
const baselineBin = baselineRoot ? packageBin(path.resolve(baselineRoot)) : undefined;
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
    const modules: number[] = [];
    const earlier: number[] = [];
    const modulesEnv = { ...env, RK8S_NO_BUNDLE: '1' };
    const kinds = baselineBin ? [bare, wrapped, modules, earlier] : [bare, wrapped, modules];
    if (baselineBin) for (let index = 0; index < 2; index++) await run(process.execPath, [baselineBin, ...entry.rk8s], env);
    for (let index = 0; index < iterations; index++) {
      // Rotate the order, so no variant always runs right after another.
      const order = kinds.map((_, offset) => kinds[(index + offset) % kinds.length]!);
      for (const samples of order) {
        if (samples === bare) samples.push(await run('/usr/bin/kubectl', entry.kubectl, env));
        else if (samples === earlier) samples.push(await run(process.execPath, [baselineBin!, ...entry.rk8s], env));
        else samples.push(await run(process.execPath, [bin, ...entry.rk8s], samples === modules ? modulesEnv : env));
      }
    }
    const overhead = median(wrapped) - median(bare);
    console.log(
      `${entry.label.padEnd(36)} kubectl median ${median(bare).toFixed(0).padStart(4)} ms   rk8s median ${median(wrapped).toFixed(0).padStart(4)} ms   ` +
        `overhead ${overhead.toFixed(0).padStart(4)} ms (goal < ${GOAL_MS}: ${overhead < GOAL_MS ? 'met' : 'NOT met'})`,
    );
    console.log(`${''.padEnd(36)} from the modules (RK8S_NO_BUNDLE=1): median ${median(modules).toFixed(0)} ms, overhead ${(median(modules) - median(bare)).toFixed(0)} ms`);
    if (baselineBin) console.log(`${''.padEnd(36)} baseline ${baselineRoot}: median ${median(earlier).toFixed(0)} ms, overhead ${(median(earlier) - median(bare)).toFixed(0)} ms`);
  }
  const started = performance.now();
  const nodeOnly: number[] = [];
  for (let index = 0; index < 5; index++) nodeOnly.push(await run(process.execPath, ['-e', '0'], env));
  console.log(`for scale: node -e 0 median ${median(nodeOnly).toFixed(0)} ms (the floor any Node CLI pays), measured in ${(performance.now() - started).toFixed(0)} ms`);
} finally {
  await sandbox.stop();
  rmSync(scratch, { recursive: true, force: true });
}
