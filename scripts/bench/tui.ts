/**
 * TUI latency benchmark, in a real terminal (tmux 80x24) with the built binary and the sandbox:
 *  - time from process start to the first frame (goal < 400 ms; the sandbox, index and model load
 *    in the background), median of several starts;
 *  - keypress-to-frame latency: send ↓ in the intent picker, poll the screen until the cursor moved.
 * Both include tmux's own round-trip (send-keys / capture-pane process spawns), printed separately.
 *  - keys per task: scripted on-call tasks driven through the real TUI over the sandbox, counting the
 *    keys pressed (Enter, Esc, digits, letters used as keys) and, separately, the characters typed as
 *    a request. Goal: the crash-loop task (start -> the previous container's logs) in at most 8 keys plus typing.
 * Run: npm run build && npx tsx scripts/bench/tui.ts [--starts 5] [--keys 20]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { packageRoot } from '../../src/config/paths.js';

const root = packageRoot();
const bin = path.join(root, 'dist', 'src', 'cli', 'rk8s.cjs');
const socket = `rk8s-bench-${process.pid}`;
const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const starts = argument('--starts', 5);
const keys = argument('--keys', 20);
const deadline = Date.now() + 400_000;

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function waitFor(test: (screen: string) => boolean, timeoutMs: number): { screen: string; at: number } {
  const until = Math.min(Date.now() + timeoutMs, deadline);
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-t', 'bench');
    const at = performance.now();
    if (test(screen)) return { screen, at };
    if (Date.now() > until) throw new Error(`timed out; last screen:\n${screen}`);
  }
}

/** One step of a task: keys (counted), a typed request (counted as typing), or a screen to wait for. */
type Step = { keys: string[] } | { typed: string } | { until: string | RegExp };

/** The scripted on-call tasks, each from the first screen to its end state. */
const TASKS: ReadonlyArray<{ name: string; steps: Step[] }> = [
  { name: 'crash-loop cause (previous logs)', steps: [{ typed: 'why is payments crashing in prod' }, { keys: ['Enter'] }, { until: 'READ-ONLY' }, { keys: ['Enter'] }, { until: 'PAYMENTS_DB_URL' }] },
  { name: 'OOM / crash of worker', steps: [{ typed: 'why is the worker pod crashing in prod' }, { keys: ['Enter'] }, { until: 'READ-ONLY' }, { keys: ['Enter'] }, { until: 'Enter new request' }] },
  { name: 'image pull (web in staging)', steps: [{ typed: 'why is web failing to pull its image in staging' }, { keys: ['Enter'] }, { until: /READ-ONLY|Choices/ }, { keys: ['Enter'] }, { until: /Enter new request|Choices/ }] },
  { name: 'pending pod (ml-trainer)', steps: [{ typed: 'why is ml-trainer pending in staging' }, { keys: ['Enter'] }, { until: /READ-ONLY|Choices/ }, { keys: ['Enter'] }, { until: /Enter new request|Choices/ }] },
  { name: 'restart (api in staging, watched)', steps: [{ typed: 'restart api in staging' }, { keys: ['Enter'] }, { until: 'Press y' }, { keys: ['y'] }, { until: 'rollout status' }, { until: /Enter new request|watching the rollout/ }] },
  { name: 'scale and back (web in staging)', steps: [{ typed: 'scale web to 4 in staging' }, { keys: ['Enter'] }, { until: 'Press y' }, { keys: ['y'] }, { until: 'rollout status' }, { keys: ['Escape'] }, { until: 'Enter new request' }, { keys: ['Enter'] }, { until: 'Type a request' }, { typed: 'scale web to 2 in staging' }, { keys: ['Enter'] }, { until: 'Press y' }, { keys: ['y'] }, { until: 'rollout status' }] },
  { name: 'rollback (api in staging)', steps: [{ typed: 'roll back api in staging' }, { keys: ['Enter'] }, { until: /Press y|DENIED|Choices/ }] },
  { name: 'drain and uncordon (node-3)', steps: [{ typed: 'drain node-3' }, { keys: ['Enter'] }, { until: 'Type node-3' }, { typed: 'node-3' }, { keys: ['Enter'] }, { until: 'Enter new request' }, { keys: ['Enter'] }, { until: 'Type a request' }, { typed: 'uncordon node-3' }, { keys: ['Enter'] }, { until: 'Press y' }, { keys: ['y'] }, { until: 'Enter new request' }] },
  { name: 'live logs (api in staging, Esc)', steps: [{ typed: 'follow the logs of api in staging' }, { keys: ['Enter'] }, { until: 'Enter run' }, { keys: ['Enter'] }, { until: '▶ running' }, { keys: ['Escape'] }, { until: 'cancelled' }] },
];

/** Runs the tasks in the open session; returns keys and typed characters per task (undefined where a screen never came). */
function runTasks(): Array<{ name: string; keys: number; typed: number; reached: boolean }> {
  const results: Array<{ name: string; keys: number; typed: number; reached: boolean }> = [];
  for (const task of TASKS) {
    let keys = 0;
    let typed = 0;
    let reached = true;
    try {
      for (const step of task.steps) {
        if ('keys' in step) {
          for (const key of step.keys) tmux('send-keys', '-t', 'bench', key);
          keys += step.keys.length;
        } else if ('typed' in step) {
          tmux('send-keys', '-t', 'bench', '-l', step.typed);
          typed += step.typed.length;
          waitFor((screen) => screen.includes(`› ${step.typed}`), 30_000);
        } else {
          const wanted = step.until;
          waitFor((screen) => (typeof wanted === 'string' ? screen.includes(wanted) : wanted.test(screen)), 20_000);
        }
      }
    } catch (error) {
      reached = false;
      if (process.env.RK8S_BENCH_DEBUG) console.error(`${task.name}: ${(error as Error).message}`);
    }
    results.push({ name: task.name, keys, typed, reached });
    // Clear what a failed task left on the request line (Esc clears it; not counted), and let the Esc
    // be read alone: an Esc followed at once by text reads as Alt+key in a terminal.
    tmux('send-keys', '-t', 'bench', 'Escape');
    try {
      waitFor((screen) => screen.includes('› e.g.'), 5_000);
    } catch {
      // not on the first screen: the next task reports it
    }
    // Back to the first screen (not counted): stop what runs, leave every screen.
    for (let attempt = 0; attempt < 8 && !tmux('capture-pane', '-p', '-t', 'bench').includes('Type a request, or pick'); attempt++) {
      const screen = tmux('capture-pane', '-p', '-t', 'bench');
      tmux('send-keys', '-t', 'bench', screen.includes('Enter new request') ? 'Enter' : 'Escape');
      try {
        waitFor((next) => next !== screen, 3_000);
      } catch {
        // the screen did not change: try again
      }
    }
    // Esc from a verdict can land on the first screen with the words kept on the line: clear it (Ctrl+U).
    if (!tmux('capture-pane', '-p', '-t', 'bench').includes('› e.g.')) {
      tmux('send-keys', '-t', 'bench', 'C-u');
      try {
        waitFor((screen) => screen.includes('› e.g.'), 3_000);
      } catch {
        // the next task reports it
      }
    }
  }
  return results;
}

function cursorRow(screen: string): string | undefined {
  return screen.split('\n').find((line) => line.startsWith('❯ '));
}

function main(): void {
  if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux is required');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build first`);
  const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-bench-tui-'));
  const command = `cd ${JSON.stringify(root)} && exec node ${JSON.stringify(bin)} tui --sandbox --audit-log ${JSON.stringify(path.join(directory, 'audit.log'))}`;
  const firstFrames: number[] = [];
  const latencies: number[] = [];
  const roundTrips: number[] = [];
  let tasks: ReturnType<typeof runTasks> = [];
  try {
    for (let run = 0; run < starts; run++) {
      const started = performance.now();
      tmux('new-session', '-d', '-s', 'bench', '-x', '80', '-y', '24', command);
      const { at } = waitFor((screen) => screen.includes('What do you want to do?'), 15_000);
      firstFrames.push(at - started);
      if (run === starts - 1) {
        // Let the sandbox and index finish so key latency is measured in the steady state.
        waitFor((screen) => screen.includes('embedder lexical') || screen.includes('embedder transformers'), 20_000);
        for (let index = 0; index < 10; index++) {
          const before = performance.now();
          tmux('capture-pane', '-p', '-t', 'bench');
          roundTrips.push(performance.now() - before);
        }
        for (let press = 0; press < keys; press++) {
          const before = cursorRow(tmux('capture-pane', '-p', '-t', 'bench'));
          const sent = performance.now();
          tmux('send-keys', '-t', 'bench', 'Down');
          const { at: seen } = waitFor((screen) => cursorRow(screen) !== before, 5_000);
          latencies.push(seen - sent);
        }
        tasks = runTasks();
      }
      tmux('send-keys', '-t', 'bench', 'C-c');
      // The session ends when rk8s exits (exec): wait for that, bounded.
      const until = Date.now() + 10_000;
      while (spawnSync('tmux', ['-L', socket, 'has-session', '-t', 'bench'], { stdio: 'ignore' }).status === 0 && Date.now() < until);
      spawnSync('tmux', ['-L', socket, 'kill-session', '-t', 'bench'], { stdio: 'ignore' });
    }
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    rmSync(directory, { recursive: true, force: true });
  }
  const format = (value: number) => `${value.toFixed(0)} ms`;
  console.log(`first frame (process start -> intent picker on screen), ${starts} starts: median ${format(median(firstFrames))}, min ${format(Math.min(...firstFrames))}, max ${format(Math.max(...firstFrames))} (goal < 400 ms)`);
  console.log(`keypress -> frame (↓ in the intent picker), ${keys} presses: median ${format(median(latencies))}, max ${format(Math.max(...latencies))}`);
  console.log(`tmux capture-pane round-trip (included above): median ${median(roundTrips).toFixed(1)} ms`);
  console.log('keys per task (keys pressed + characters typed as a request), from the first screen:');
  for (const task of tasks) console.log(`  ${task.name.padEnd(36)} ${task.reached ? `${task.keys} keys + ${task.typed} typed` : `not reached after ${task.keys} keys`}`);
  const crash = tasks.find((task) => task.name.startsWith('crash-loop'));
  if (crash) console.log(`goals: crash-loop task ${crash.reached ? crash.keys : 'not reached'} keys + typing (goal <= 8) · first frame median ${format(median(firstFrames))} (goal < 400 ms)`);
}

main();
