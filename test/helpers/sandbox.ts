/**
 * Test helper: a sandbox cluster per test file (or per describe block) and a kubectl runner bound to
 * it with its own KUBECONFIG and discovery cache directory, so parallel files never share state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, vi } from 'vitest';
import { prerequisitePath } from './find-prerequisites.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { scenarioDirectory } from '../../src/sandbox/scenario-loader.js';

/** Path of the real kubectl, or undefined when it is not installed (the one locator: find-prerequisites.ts). */
export const kubectlPath = prerequisitePath('kubectl');

/** True when the real kubectl is available (end-to-end tests skip, and say why, without it). */
export const hasKubectl = kubectlPath !== undefined;

/** The path of a scenario file the sandbox ships (src/sandbox/scenarios/<name>.yaml). */
export const scenarioFile = (name: string): string => join(scenarioDirectory(), `${name}.yaml`);

/** The result of one kubectl run. */
export interface KubectlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A running sandbox plus helpers bound to it. */
export interface SandboxHarness {
  sandbox: Sandbox;
  /** Runs kubectl (argv without the leading "kubectl") against the sandbox. Never throws on a non-zero exit. */
  kubectl(args: string[], options?: { timeoutMs?: number; env?: Record<string, string> }): Promise<KubectlResult>;
  /** Runs kubectl with `-o json` and parses stdout; throws with stderr when kubectl fails. */
  kubectlJson<T = Record<string, unknown>>(args: string[]): Promise<T>;
  /** Environment (KUBECONFIG, KUBECACHEDIR) for running other programs against the sandbox. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts a sandbox and returns a harness; callers must `stop()` it. */
export async function createSandboxHarness(options: SandboxOptions = {}): Promise<SandboxHarness> {
  const sandbox = await startSandbox(options);
  const cacheDirectory = mkdtempSync(join(tmpdir(), 'rk8s-kubectl-cache-'));
  const env = { KUBECONFIG: sandbox.kubeconfigPath, KUBECACHEDIR: cacheDirectory };
  const kubectl: SandboxHarness['kubectl'] = async (args, runOptions = {}) => {
    if (!kubectlPath) throw new Error('kubectl is not installed');
    const result = await execa(kubectlPath, args, {
      env: { ...env, ...runOptions.env },
      reject: false,
      timeout: runOptions.timeoutMs ?? 60_000,
      stripFinalNewline: false,
    });
    return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? 1 };
  };
  const kubectlJson = async <T>(args: string[]): Promise<T> => {
    const result = await kubectl([...args, '-o', 'json']);
    if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.exitCode}): ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  };
  return {
    sandbox, kubectl, kubectlJson, env,
    stop: async () => {
      await sandbox.stop();
      rmSync(cacheDirectory, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a sandbox in beforeAll and stops it in afterAll of the enclosing describe block (or file).
 * Returns a getter, because the harness exists only once beforeAll has run.
 */
export function useSandbox(options: SandboxOptions = {}): () => SandboxHarness {
  let harness: SandboxHarness | undefined;
  beforeAll(async () => {
    harness = await createSandboxHarness(options);
  });
  afterAll(async () => {
    await harness?.stop();
  });
  return () => {
    if (!harness) throw new Error('the sandbox is not running (useSandbox must be called in a describe block, and tests run after beforeAll)');
    return harness;
  };
}

/** vi.waitFor until `condition` returns a truthy value (no fixed sleeps in tests); the error says what was awaited. */
export async function waitFor<T>(condition: () => Promise<T | undefined | false> | T | undefined | false, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  let last: unknown;
  try {
    return await vi.waitFor(
      async () => {
        let value: T | undefined | false;
        try {
          value = await condition();
        } catch (error) {
          last = error;
          throw error;
        }
        if (!value) throw new Error('not yet');
        return value;
      },
      { timeout: options.timeoutMs ?? 20_000, interval: options.intervalMs ?? 100 },
    );
  } catch {
    throw new Error(`timed out waiting for ${options.what ?? 'a condition'}${last ? `: ${String(last)}` : ''}`);
  }
}
