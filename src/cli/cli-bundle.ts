/**
 * Loads the single-file build of a command (dist/src/cli/bundles/<module>.cjs, made by
 * scripts/bundle-cli.mjs) with a V8 code cache, so a one-shot command does not pay Node's ES module
 * loader and V8's compile of ~400 modules on every run (Node 20 has no module.enableCompileCache;
 * that is Node 22).
 *
 * The cache lives in the rk8s cache directory (RK8S_CACHE_DIR, default .cache/ in the package root),
 * one file per bundle under a key of the bundle file's stat (of its bytes when it changed in the last few
 * seconds) and Node's version and architecture, with a
 * checksum of its data (a damaged file is not handed to V8, which trusts what it deserializes); V8
 * rejects a cache made with other flags. The cache is (re)written at exit when it was missing, damaged
 * or rejected, with the functions that ran compiled in. Only node: built-ins here: this runs before
 * anything else is loaded.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, type BigIntStats } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** Where the bundles are, next to this module in dist/src/cli/. */
export const CLI_BUNDLE_DIRECTORY = 'bundles';

/**
 * The name a bundle calls import() by (scripts/bundle-cli.mjs rewrites its dynamic imports to it).
 * V8 drops a script's dynamic-import callback when its functions come from a code cache (Node 20),
 * so the bundle never uses import() itself: this ES module does it for it.
 */
export const BUNDLE_IMPORT = '__rk8sImport';

const CACHE_SUBDIRECTORY = 'cli-code-cache';
/** A cache file is the SHA-256 of its V8 data, then the data: V8 does not check the data itself, and a damaged cache can crash it. */
const CHECKSUM_BYTES = 32;

/** The bundle as a CommonJS module function (the wrapper Node's own loader puts around a .cjs file, and the import function). */
type CommonJsEntry = (
  exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string, importModule: (specifier: string) => Promise<unknown>,
) => void;

/** The cache directory, as src/config/load-config.ts finds it (this module is dist/src/cli/cli-bundle.js), from the environment only. */
function cacheDirectory(here: string): string {
  const configured = process.env.RK8S_CACHE_DIR?.trim();
  const base = configured !== undefined && configured !== '' ? path.resolve(configured) : path.resolve(here, '..', '..', '..', '.cache');
  return path.join(base, CACHE_SUBDIRECTORY);
}

/**
 * How long after its last change a file's stat is trusted to say whether its bytes changed: a file
 * system with coarse timestamps (1 s on ext3 and HFS+, 2 s on FAT) gives two writes within one tick
 * the same times, so a bundle rewritten in place with the same length would look unchanged (git's
 * "racily clean" problem). A bundle changed more recently than this is keyed by its bytes instead.
 */
const SETTLED_MS = 3_000n;

/**
 * The cache's key, and the Node that compiled it. V8 checks only a script's length against its cache,
 * so the key must change whenever the bundle does. A settled bundle is keyed by its stat (size, inode,
 * device, modification and change times in nanoseconds): a rebuild or an upgrade writes a new file
 * or moves its change time, which no tool can set back, so it misses; that spares hashing the 1 MB
 * bundle at every start (~1.5 ms). A bundle changed in the last few seconds is keyed by its bytes.
 */
export function bundleCacheKey(
  stats: Pick<BigIntStats, 'size' | 'ino' | 'dev' | 'mtimeNs' | 'ctimeNs'>,
  bytes: Buffer,
  nowMs: number = Date.now(),
): string {
  const now = BigInt(Math.floor(nowMs));
  const settled = now - stats.ctimeNs / 1_000_000n > SETTLED_MS && now - stats.mtimeNs / 1_000_000n > SETTLED_MS;
  const hash = createHash('sha256');
  if (settled) hash.update(`stat ${stats.size}:${stats.ino}:${stats.dev}:${stats.mtimeNs}:${stats.ctimeNs}`);
  else hash.update('bytes ').update(bytes);
  return hash.update(`\n${process.version}\n${process.arch}\n${process.versions.v8}`).digest('hex').slice(0, 24);
}

/** The bundle's bytes and its key, from one open file: undefined key when the file changed while it was read (no cache then). */
function readBundle(bundle: string): { bytes: Buffer; key: string | undefined } | undefined {
  let descriptor: number;
  try {
    descriptor = openSync(bundle, 'r');
  } catch {
    return undefined;
  }
  try {
    const before = fstatSync(descriptor, { bigint: true });
    const bytes = readFileSync(descriptor);
    const after = fstatSync(descriptor, { bigint: true });
    const unchanged = before.size === after.size && before.mtimeNs === after.mtimeNs && before.ctimeNs === after.ctimeNs && BigInt(bytes.length) === after.size;
    return { bytes, key: unchanged ? bundleCacheKey(after, bytes) : undefined };
  } finally {
    closeSync(descriptor);
  }
}

function readCache(file: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    // No cache yet (or unreadable): the bundle is compiled from source and the cache written at exit.
    return undefined;
  }
  const data = bytes.subarray(CHECKSUM_BYTES);
  if (bytes.length <= CHECKSUM_BYTES || !createHash('sha256').update(data).digest().equals(bytes.subarray(0, CHECKSUM_BYTES))) return undefined;
  return data;
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
    writeFileSync(temporary, Buffer.concat([createHash('sha256').update(data).digest(), data]));
    renameSync(temporary, file);
  } catch {
    // A read-only or full cache directory only costs speed: the next run compiles from source again.
  }
}

/**
 * Runs the CLI from the bundle of a command module (`exec` for `rk8s exec`) and returns true, or
 * returns false when there is no such bundle (running from src/ under tsx, a build without it); the
 * caller then loads the compiled modules. Errors of the CLI itself are not caught here.
 */
export function runCliBundle(commandModule: string, here = path.dirname(fileURLToPath(import.meta.url))): boolean {
  const bundle = path.join(here, CLI_BUNDLE_DIRECTORY, `${commandModule}.cjs`);
  const read = readBundle(bundle);
  if (read === undefined) return false;
  const { bytes, key } = read;
  // latin1: the bundles are ASCII only (scripts/bundle-cli.mjs checks), and latin1 decodes ~10x faster than UTF-8.
  const source = bytes.toString('latin1');
  const directory = cacheDirectory(here);
  const cacheFile = key === undefined ? undefined : path.join(directory, `${commandModule}-${key}.bin`);
  const cachedData = cacheFile === undefined ? undefined : readCache(cacheFile);
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, ${BUNDLE_IMPORT}) {${source}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) process.once('exit', () => writeCache(directory, cacheFile, script));
  const entry = script.runInThisContext() as CommonJsEntry;
  const module = { exports: {} };
  // Bare specifiers resolve from here as from the bundle (the same node_modules); the bundle imports no relative path it runs.
  entry.call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle), (specifier) => import(specifier));
  return true;
}
