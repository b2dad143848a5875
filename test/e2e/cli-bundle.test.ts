/**
 * The CLI's single-file builds (scripts/bundle-cli.mjs, src/cli/cli-bundle.ts): one per command module,
 * run with a V8 code cache. They must do what the compiled modules do (same output, same exit code,
 * same audit records), write the cache on the first run and use it on the next, survive a cache that is
 * corrupt or not theirs, and step aside for RK8S_NO_BUNDLE=1, the TUI, help and unknown commands.
 */
import { accessSync, constants, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { COMMAND_MODULES } from '../../src/cli/command-names.js';
import { describeWith } from '../helpers/prerequisites.js';
import { RK8S_BIN, RK8S_ESM_BIN, useCliSandbox } from '../helpers/cli.js';

const bundles = path.join(path.dirname(RK8S_BIN), 'bundles');

describeWith(['kubectl'], 'the CLI from its single-file builds (sandbox, real kubectl)', () => {
  const cli = useCliSandbox({ prefix: 'rk8s-cli-bundle-' });
  const cacheFiles = (cacheDir: string) => {
    try {
      return readdirSync(path.join(cacheDir, 'cli-code-cache')).sort();
    } catch {
      return [];
    }
  };

  it('there is a bundle for every command module but the TUI', () => {
    const modules = [...new Set(Object.values(COMMAND_MODULES))].filter((module) => module !== 'tui').sort();
    expect(readdirSync(bundles).filter((file) => file.endsWith('.cjs')).map((file) => file.slice(0, -4)).sort()).toEqual(modules);
    // ASCII only: the loader reads them as latin1.
    expect(readFileSync(path.join(bundles, 'exec.cjs')).some((byte) => byte > 0x7f)).toBe(false);
  });

  it('the bin (rk8s.cjs, CommonJS) and the ES module entry (bin.js) start every kind of command alike', async () => {
    // What npm links as `rk8s`: an executable CommonJS file with a node shebang.
    expect(path.basename(RK8S_BIN)).toBe('rk8s.cjs');
    expect(readFileSync(RK8S_BIN, 'latin1').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(() => accessSync(RK8S_BIN, constants.X_OK)).not.toThrow();
    const volatile = (text: string) => text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>').replace(/\d{4}-\d{2}-\d{2}T[0-9:.]+Z/g, '<time>').replace(/\b[0-9a-f]{64}\b/g, '<sha256>').replace(/"(\w*(?:_ms|Ms|_at|token))":\s*("[^"]*"|[0-9.]+)/g, '"$1":_');
    const cases: Array<{ args: string[]; env?: Record<string, string> }> = [
      // From a bundle, with the API worker (exec) and without it (validate).
      { args: ['exec', '--dry-run', '--no-model', '--json', '-n', 'prod', '--intent', 'scale', '--resource', 'deployment', '--name', 'web', '--param', 'replicas=4'] },
      { args: ['validate', '--json', '--', 'delete', 'pod', 'web-1', '-n', 'prod'] },
      // From the compiled modules: help, the version, an unknown command, and RK8S_NO_BUNDLE=1.
      { args: ['--help'] },
      { args: ['--version'] },
      { args: ['no-such-command'] },
      { args: ['plan', '--no-model', '--json', '-n', 'prod', '--intent', 'get', '--resource', 'pod'], env: { RK8S_NO_BUNDLE: '1' } },
    ];
    for (const { args, env } of cases) {
      const bin = await cli.rk8s(args, { ...(env ? { env } : {}) });
      const esm = await cli.rk8s(args, { ...(env ? { env } : {}), entry: RK8S_ESM_BIN });
      expect(bin.exitCode, `${args.join(' ')}: ${bin.stderr}`).toBe(esm.exitCode);
      expect(volatile(bin.stdout), args.join(' ')).toBe(volatile(esm.stdout));
      expect(volatile(bin.stderr), args.join(' ')).toBe(volatile(esm.stderr));
    }
  });

  it('every command loads from its bundle: its --help is the one the modules print', async () => {
    for (const name of Object.keys(COMMAND_MODULES).filter((command) => command !== 'tui')) {
      const bundled = await cli.rk8s([name, '--help']);
      const modules = await cli.rk8s([name, '--help'], { env: { RK8S_NO_BUNDLE: '1' } });
      expect(bundled.exitCode, `${name} --help: ${bundled.stderr}`).toBe(0);
      expect(bundled.stdout, name).toBe(modules.stdout);
      expect(bundled.stdout, name).toContain(`rk8s ${name}`);
    }
  }, 120_000);

  it('writes the code cache on the first run, uses it on the next, and recompiles over a corrupt one, with the same answer each time', async () => {
    const cacheDir = path.join(cli.workDirectory, 'code-cache-check');
    const env = { RK8S_CACHE_DIR: cacheDir };
    const args = ['exec', '--dry-run', '--no-model', '--json', '-n', 'prod', '--intent', 'scale', '--resource', 'deployment', '--name', 'web', '--param', 'replicas=4'];
    const first = await cli.rk8s(args, { env });
    expect(first.exitCode, first.stderr).toBe(0);
    const [written] = cacheFiles(cacheDir).filter((file) => file.startsWith('exec-'));
    expect(written).toMatch(/^exec-[0-9a-f]{24}\.bin$/);
    const file = path.join(cacheDir, 'cli-code-cache', written!);
    const firstWrite = statSync(file).mtimeMs;
    const second = await cli.rk8s(args, { env });
    expect(second.exitCode).toBe(0);
    // Accepted: a rejected cache would have been written again at exit.
    expect(statSync(file).mtimeMs).toBe(firstWrite);
    writeFileSync(file, 'not a V8 code cache');
    const third = await cli.rk8s(args, { env });
    expect(third.exitCode, third.stderr).toBe(0);
    expect(readFileSync(file).length).toBeGreaterThan(1000);
    const plan = (result: { stdout: string }) => (JSON.parse(result.stdout) as { plan?: { args?: string[] } }).plan?.args;
    expect(plan(first)).toEqual(['scale', 'deployment/web', '-n', 'prod', '--replicas=4']);
    expect(plan(second)).toEqual(plan(first));
    expect(plan(third)).toEqual(plan(first));
  });

  it('loads what it imports on demand (the model planner) on every run, the ones from the code cache too', async () => {
    const cacheDir = path.join(cli.workDirectory, 'code-cache-model');
    const model = path.resolve(import.meta.dirname, '../fixtures/models/stories260K/stories260K.gguf');
    const args = ['plan', '--model', model, '-n', 'prod', '--intent', 'get', '--resource', 'pod'];
    for (const run of ['first run (compiled from source)', 'second run (from the code cache)']) {
      const result = await cli.rk8s(args, { env: { RK8S_CACHE_DIR: cacheDir }, timeout: 60_000 });
      expect(result.exitCode, `${run}: ${result.stderr}`).toBe(0);
      // The model answered (stories260K's answers are nonsense and rejected, which is beside the point here).
      const output = `${result.stdout}\n${result.stderr}`;
      expect(output, run).toMatch(/^model\s+\{/m);
      expect(output, run).not.toMatch(/cannot start llama\.cpp|dynamic import|ExperimentalWarning/);
    }
    expect(cacheFiles(cacheDir)).toEqual([expect.stringMatching(/^plan-[0-9a-f]{24}\.bin$/)]);
  }, 120_000);

  it('a damaged cache file is not handed to V8: the run compiles from source and writes a good one', async () => {
    const cacheDir = path.join(cli.workDirectory, 'code-cache-damaged');
    const args = ['validate', '--json', '--', 'get', 'pods', '-n', 'prod'];
    const first = await cli.rk8s(args, { env: { RK8S_CACHE_DIR: cacheDir } });
    expect(first.exitCode, first.stderr).toBe(0);
    const file = path.join(cacheDir, 'cli-code-cache', cacheFiles(cacheDir)[0]!);
    const good = readFileSync(file);
    // One flipped byte in the middle of V8's data: V8 would accept it (and may crash on it).
    const damaged = Buffer.from(good);
    damaged[Math.floor(damaged.length / 2)]! ^= 0xff;
    writeFileSync(file, damaged);
    const second = await cli.rk8s(args, { env: { RK8S_CACHE_DIR: cacheDir } });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(readFileSync(file).equals(damaged)).toBe(false);
    const third = await cli.rk8s(args, { env: { RK8S_CACHE_DIR: cacheDir } });
    expect(third.stdout).toBe(first.stdout);
  });

  it('answers as the compiled modules do (RK8S_NO_BUNDLE=1), which write no code cache', async () => {
    const cases: string[][] = [
      ['exec', '--dry-run', '--no-model', '--json', '-n', 'prod', '--intent', 'scale', '--resource', 'deployment', '--name', 'web', '--param', 'replicas=4'],
      ['exec', '--dry-run', '--no-model', '--json', '-n', 'prod', '--intent', 'scale', '--resource', 'deployment', '--name', 'wbe', '--param', 'replicas=4'],
      ['plan', '--no-model', '--json', '-n', 'prod', 'why is payments crashing'],
      ['validate', '--json', '--', 'delete', 'pod', 'web-1', '-n', 'prod'],
      ['check', '--json'],
      ['audit', 'verify', '--json'],
      ['exec', '--no-such-option'],
    ];
    // What differs between any two runs: ids, times, durations, hashes, approval tokens.
    const volatile = (text: string) =>
      text
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
        .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, '<time>')
        .replace(/\b[0-9a-f]{64}\b/g, '<sha256>')
        .replace(/"(\w*(?:_ms|Ms|_at|token))":\s*("[^"]*"|[0-9.]+)/g, '"$1":_')
        .replace(/\b\d+(?:\.\d+)? ?ms\b/g, '<ms>');
    const modulesCache = path.join(cli.workDirectory, 'modules-cache');
    for (const args of cases) {
      const bundled = await cli.rk8s(args);
      const modules = await cli.rk8s(args, { env: { RK8S_NO_BUNDLE: '1', RK8S_CACHE_DIR: modulesCache } });
      expect(bundled.exitCode, `${args.join(' ')}: ${bundled.stderr}`).toBe(modules.exitCode);
      expect(volatile(bundled.stdout), args.join(' ')).toBe(volatile(modules.stdout));
      expect(volatile(bundled.stderr), args.join(' ')).toBe(volatile(modules.stderr));
    }
    expect(cacheFiles(modulesCache)).toEqual([]);
  });
});
