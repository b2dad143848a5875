/**
 * The vector index behind CardIndex: usearch's native index, reached directly when possible.
 *
 * `require('usearch')` costs ~7 ms at every start (resolving the package, node-gyp-build picking a
 * prebuild, `bindings`, and compiling usearch's JavaScript wrapper), of which loading the native addon
 * itself is under 1 ms. So this module finds the addon that node-gyp-build would load, when its choice
 * is plain (the one prebuild for this platform and architecture, no local build, no override: see
 * plainPrebuild), in the usearch package that Node would resolve, and speaks to its `CompiledIndex` directly, with the same arguments
 * usearch's wrapper passes. It does so only for the usearch version whose native API it was written
 * against (USEARCH_NATIVE_VERSIONS; test/unit/retrieve/usearch-binding.test.ts holds both paths to the
 * same answers); anything else (another version, a choice that is not plain, an addon without
 * CompiledIndex) goes through `require('usearch')`, as before.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The operations CardIndex needs: inner product over float32 vectors, one key per vector. */
export interface VectorIndex {
  /** Adds vectors (each `dimensions()` long) under their keys. */
  add(keys: readonly bigint[], vectors: readonly Float32Array[]): void;
  /** The k nearest keys to one vector and their distances (1 - dot product), nearest first. */
  search(vector: Float32Array, k: number): { keys: ArrayLike<bigint>; distances: ArrayLike<number> };
  save(file: string): void;
  load(file: string): void;
  size(): number;
  dimensions(): number;
}

/** Which way the index was reached: the addon directly, or usearch's own wrapper. */
export type UsearchBinding = 'native' | 'package';

/** usearch versions whose native CompiledIndex this module speaks to (its constructor and search arguments, search's answer). */
export const USEARCH_NATIVE_VERSIONS = /^2\.25\./;

/** The addon's index, as usearch 2.25's wrapper uses it. */
interface CompiledIndex {
  add(keys: BigUint64Array, vectors: Float32Array, threads: number): void;
  search(vectors: Float32Array, k: number, threads: number): [BigUint64Array, Float32Array, ArrayLike<number | bigint>];
  save(file: string): void;
  load(file: string): void;
  size(): number;
  dimensions(): number;
}
interface NativeAddon {
  CompiledIndex: new (
    dimensions: number, metric: string, quantization: string, connectivity: number, expansionAdd: number, expansionSearch: number, multi: boolean,
  ) => CompiledIndex;
}

type UsearchPackage = typeof import('usearch');

const requireHere = createRequire(import.meta.url);
let addon: NativeAddon | null | undefined;
let wrapper: UsearchPackage | undefined;

/** The usearch package folder Node would resolve from here (the nearest node_modules/usearch up the tree), if any. */
function usearchFolder(): string | undefined {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(directory, 'node_modules', 'usearch');
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    const parent = path.dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/**
 * The prebuild node-gyp-build would pick, when the choice is plain: no override in the environment
 * (USEARCH_PREBUILD, PREBUILDS_ONLY), no local build (build/Release or build/Debug, which it prefers;
 * their choice is left to it), one prebuild folder for this platform and architecture (`linux-x64`,
 * `darwin-arm64+x64`) holding only usearch.node (no tagged variants to choose between).
 */
export function plainPrebuild(
  folder: string,
  environment: NodeJS.ProcessEnv = process.env,
  platform: string = process.platform,
  architecture: string = process.arch,
): string | undefined {
  if (environment.USEARCH_PREBUILD || environment.PREBUILDS_ONLY) return undefined;
  if (existsSync(path.join(folder, 'build'))) return undefined;
  const prebuilds = path.join(folder, 'prebuilds');
  const matching = readdirSync(prebuilds).filter((name) => {
    const [named, architectures] = name.split('-');
    return named === platform && (architectures ?? '').split('+').includes(architecture);
  });
  if (matching.length !== 1) return undefined;
  const files = readdirSync(path.join(prebuilds, matching[0]!));
  return files.length === 1 && files[0] === 'usearch.node' ? path.join(prebuilds, matching[0]!, 'usearch.node') : undefined;
}

/** The native addon of a supported usearch version, or null when usearch's own loader should decide. */
function nativeAddon(): NativeAddon | null {
  try {
    const folder = usearchFolder();
    if (folder === undefined) return null;
    const { version } = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as { version?: unknown };
    if (typeof version !== 'string' || !USEARCH_NATIVE_VERSIONS.test(version)) return null;
    const file = plainPrebuild(folder);
    if (file === undefined) return null;
    const loaded = requireHere(file) as Partial<NativeAddon>;
    return typeof loaded.CompiledIndex === 'function' ? (loaded as NativeAddon) : null;
  } catch {
    // Anything unexpected (an unreadable package.json, an addon that will not load): usearch's own loader decides.
    return null;
  }
}

/** An empty index of `dimensions` with inner product, float32, usearch's default graph; `binding` forces a way (tests). */
export function newVectorIndex(dimensions: number, binding?: UsearchBinding): VectorIndex {
  if (binding !== 'package') {
    addon ??= nativeAddon();
    if (addon !== null) return nativeIndex(new addon.CompiledIndex(dimensions, 'ip', 'f32', 0, 0, 0, false));
    if (binding === 'native') throw new Error('the usearch addon cannot be loaded directly here');
  }
  // usearch's ESM entry recurses forever on Node 20; its CommonJS build is fine.
  wrapper ??= requireHere('usearch') as UsearchPackage;
  const usearch = wrapper;
  const index = new usearch.Index({
    dimensions, metric: usearch.MetricKind.IP, quantization: usearch.ScalarKind.F32, connectivity: 0, expansion_add: 0, expansion_search: 0, multi: false,
  });
  return {
    add: (keys, vectors) => index.add([...keys], [...vectors]),
    search: (vector, k) => index.search(vector, k, 1),
    save: (file) => index.save(file),
    load: (file) => index.load(file),
    size: () => index.size(),
    dimensions: () => index.dimensions(),
  };
}

function nativeIndex(compiled: CompiledIndex): VectorIndex {
  return {
    add(keys, vectors) {
      const dimensions = compiled.dimensions();
      if (keys.length !== vectors.length) throw new Error(`${keys.length} keys for ${vectors.length} vectors`);
      const flat = new Float32Array(vectors.length * dimensions);
      vectors.forEach((vector, position) => {
        if (vector.length !== dimensions) throw new Error(`a vector of ${vector.length} dimensions in an index of ${dimensions}`);
        flat.set(vector, position * dimensions);
      });
      compiled.add(BigUint64Array.from(keys), flat, 0);
    },
    search(vector, k) {
      if (vector.length !== compiled.dimensions()) throw new Error(`a query of ${vector.length} dimensions in an index of ${compiled.dimensions()}`);
      const [keys, distances, counts] = compiled.search(vector, k, 1);
      const count = Number(counts[0] ?? 0);
      return { keys: keys.slice(0, count), distances: distances.slice(0, count) };
    },
    save: (file) => compiled.save(file),
    load: (file) => compiled.load(file),
    size: () => compiled.size(),
    dimensions: () => compiled.dimensions(),
  };
}
