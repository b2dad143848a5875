/** Runs the built rk8s binary (npm test builds it first, in pretest), alone or against a sandbox with a private audit log and cache. */
import { execa, type Options } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { SandboxOptions } from '../../src/sandbox/index.js';
import { createSandboxHarness, kubectlPath, type SandboxHarness } from './sandbox.js';
import { useTempDirectory } from './temp-directory.js';

const packageRoot = path.resolve(import.meta.dirname, '../..');
/** Absolute path of the built CLI entry that `rk8s` runs: package.json's bin (dist/src/cli/rk8s.cjs). */
export const RK8S_BIN = path.resolve(packageRoot, (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { bin: { rk8s: string } }).bin.rk8s);
/** The ES module entry point, `node dist/src/cli/bin.js`, which must behave as the bin does. */
export const RK8S_ESM_BIN = path.join(packageRoot, 'dist/src/cli/bin.js');

/** Result of one CLI run. */
export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `rk8s <args>` with NO_COLOR, never throwing on a non-zero exit; `entry` is the file node runs (default: the bin). */
export async function runCli(args: readonly string[], options: Options = {}, entry: string = RK8S_BIN): Promise<CliResult> {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build (npm test does it in pretest)`);
  const result = await execa(process.execPath, [entry, ...args], {
    reject: false,
    timeout: 60_000,
    ...options,
    env: { NO_COLOR: '1', ...options.env },
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** A describe block's (or file's) CLI setup: a work directory, its audit log and cache, and a sandbox when kubectl is installed. */
export interface CliSandbox {
  /** The block's temporary directory (removed after it): the audit log and the cache are in it. */
  readonly workDirectory: string;
  readonly auditLog: string;
  /** The sandbox; throws when kubectl is not installed (no sandbox was started). */
  harness(): SandboxHarness;
  /** The global flags every run gets: the audit log, and the sandbox's kubeconfig when there is one. */
  globalArgs(): string[];
  /** The environment rk8s runs with: a private cache, the sandbox's KUBECONFIG/KUBECACHEDIR, the template planner; then `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Runs `rk8s <global flags> <args>` (stdin ignored unless `input` is given), never throwing on a non-zero exit. */
  rk8s(args: readonly string[], options?: { input?: string; env?: Record<string, string>; timeout?: number; entry?: string }): Promise<CliResult>;
  /** Runs kubectl against the sandbox; its stdout without the final newline, or throws with stderr. */
  kubectl(...args: string[]): Promise<string>;
}

/**
 * Sets up `CliSandbox` in beforeAll and tears it down in afterAll of the enclosing describe block (or
 * file). The sandbox starts only when kubectl is installed; `sandbox` gives its options (a function
 * gets the work directory first, to write a scenario file there); `timeout` is each run's, in ms.
 */
export function useCliSandbox(options: { prefix: string; sandbox?: SandboxOptions | ((workDirectory: string) => SandboxOptions); timeout?: number }): CliSandbox {
  const directory = useTempDirectory(options.prefix);
  let harness: SandboxHarness | undefined;
  beforeAll(async () => {
    if (kubectlPath) harness = await createSandboxHarness(typeof options.sandbox === 'function' ? options.sandbox(directory()) : options.sandbox);
  });
  afterAll(async () => {
    await harness?.stop();
  });
  const cli: CliSandbox = {
    get workDirectory() {
      return directory();
    },
    get auditLog() {
      return path.join(directory(), 'agent.log');
    },
    harness() {
      if (!harness) throw new Error('no sandbox: kubectl is not installed');
      return harness;
    },
    globalArgs: () => ['--audit-log', cli.auditLog, ...(harness ? ['--kubeconfig', harness.sandbox.kubeconfigPath] : [])],
    env: (extra = {}) => ({ RK8S_CACHE_DIR: path.join(directory(), 'cache'), ...harness?.env, RK8S_MODEL: '', ...extra }),
    rk8s(args, runOptions = {}) {
      const timeout = runOptions.timeout ?? options.timeout;
      return runCli([...cli.globalArgs(), ...args], {
        env: cli.env(runOptions.env),
        ...(runOptions.input !== undefined ? { input: runOptions.input } : { stdin: 'ignore' }),
        ...(timeout !== undefined ? { timeout } : {}),
      }, runOptions.entry);
    },
    async kubectl(...args) {
      const result = await cli.harness().kubectl(args);
      if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
      return result.stdout.trimEnd();
    },
  };
  return cli;
}
