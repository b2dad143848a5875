/**
 * TUI latency benchmark, in a real terminal (tmux 80x24) with the built binary and the sandbox:
 *  - time from process start to the first frame (goal < 400 ms; the sandbox, index and model load
 *    in the background), median of several starts;
 *  - keypress-to-frame latency: send ↓ in the intent picker, poll the screen until the cursor moved.
 * Both include tmux's own round-trip (send-keys / capture-pane process spawns), printed separately.
 * Run: npm run build && npx tsx scripts/bench/tui.ts [--starts 5] [--keys 20]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { packageRoot } from '../../src/config/paths.js';

const root = packageRoot();
const bin = path.join(root, 'dist', 'src', 'cli', 'bin.js');
const socket = `rk8s-bench-${process.pid}`;
const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const starts = argument('--starts', 5);
const keys = argument('--keys', 20);
const deadline = Date.now() + 90_000;

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
}

main();
