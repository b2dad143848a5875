/**
 * Loads the single-file build of a command (dist/src/cli/bundles/<module>.cjs, made by
 * scripts/bundle-cli.mjs) with a V8 code cache, so a one-shot command does not pay Node's ES module
 * loader and V8's compile of ~400 modules on every run (Node 20 has no module.enableCompileCache;
 * that is Node 22).
 *
 * The cache lives in the rk8s cache directory (RK8S_CACHE_DIR, default .cache/ in the package root),
 * one file per bundle under a key of the bundle's path, size and mtime and Node's version and
 * architecture; V8 checks it again itself (a stale or foreign cache is rejected and the bundle
 * compiled from source). The cache is (re)written at exit when it was missing or rejected, with the
 * functions that ran compiled in. Only node: built-ins here: this runs before anything else is loaded.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** Where the bundles are, next to this module in dist/src/cli/. */
export const CLI_BUNDLE_DIRECTORY = 'bundles';

const CACHE_SUBDIRECTORY = 'cli-code-cache';

/** The bundle as a CommonJS module function (the wrapper Node's own loader puts around a .cjs file). */
type CommonJsEntry = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;

/** The cache directory, as src/config/load-config.ts finds it (this module is dist/src/cli/cli-bundle.js). */
function cacheDirectory(here: string): string {
  const configured = process.env.RK8S_CACHE_DIR;
  const base = configured !== undefined && configured !== '' ? path.resolve(configured) : path.resolve(here, '..', '..', '..', '.cache');
  return path.join(base, CACHE_SUBDIRECTORY);
}

function cacheKey(bundle: string, size: number, mtimeMs: number): string {
  return createHash('sha256').update(`${bundle}\n${size}\n${mtimeMs}\n${process.version}\n${process.arch}\n${process.versions.v8}`).digest('hex').slice(0, 24);
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    // No cache yet (or unreadable): the bundle is compiled from source and the cache written at exit.
    return undefined;
  }
}

function writeCache(directory: string, file: string, script: vm.Script): void {
  try {
    const data = script.createCachedData();
    mkdirSync(directory, { recursive: true });
    // Older caches of the same bundle (an earlier build or Node) are of no more use.
    const prefix = `${path.basename(file).split('-')[0]}-`;
    for (const entry of readdirSync(directory)) {
      if (entry.startsWith(prefix) && path.join(directory, entry) !== file) rmSync(path.join(directory, entry), { force: true });
    }
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch {
    // A read-only or full cache directory only costs speed: the next run compiles from source again.
  }
}

/**
 * Runs the CLI from the bundle of a command module (`exec` for `rk8s exec`) and returns true, or
 * returns false when there is no such bundle (running from src/ under tsx, a build without it) or
 * this Node cannot give it dynamic import(); the caller then loads the compiled modules. Errors of
 * the CLI itself are not caught here.
 */
export function runCliBundle(commandModule: string): boolean {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const bundle = path.join(here, CLI_BUNDLE_DIRECTORY, `${commandModule}.cjs`);
  const loader = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (loader === undefined) return false;
  let source: string;
  let stat: { size: number; mtimeMs: number };
  try {
    stat = statSync(bundle);
    // latin1: the bundles are ASCII only (scripts/bundle-cli.mjs checks), and latin1 decodes ~10x faster than UTF-8.
    source = readFileSync(bundle, 'latin1');
  } catch {
    return false;
  }
  const directory = cacheDirectory(here);
  const cacheFile = path.join(directory, `${commandModule}-${cacheKey(bundle, stat.size, stat.mtimeMs)}.bin`);
  const cachedData = readCache(cacheFile);
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: loader,
  });
  if (cachedData === undefined || script.cachedDataRejected === true) process.once('exit', () => writeCache(directory, cacheFile, script));
  const entry = script.runInThisContext() as CommonJsEntry;
  const module = { exports: {} };
  entry.call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  return true;
}
