/**
 * A fingerprint of some of rk8s's own modules, for caches whose content is computed by that code
 * (the card cache, the persisted BM25 index): a changed module must not be answered from a cache it
 * did not write. It hashes the modules' bytes (not their mtimes: npm gives every file of a package
 * the same mtime, so two versions could not be told apart when a change keeps a file's size).
 *
 * The files are found from the package root: `src/<module>.ts` when running from the sources (tsx,
 * vitest), `dist/src/<module>.js` otherwise. The CLI's single-file builds (scripts/bundle-cli.mjs) are
 * made from those same compiled modules and see `import.meta.url` as the bundle's own URL (a `.cjs`
 * file), so a bundle and the modules compute the same fingerprint and share one cache.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from './paths.js';

/** Computed once per process: the code that runs is the code that was loaded, whatever happens on disk later. */
const computed = new Map<string, string | undefined>();

/**
 * The SHA-256 of the given modules (paths under src/ without extension, e.g. `retrieve/bm25`), or
 * undefined when any of them cannot be read: a cache whose code cannot be identified must not be trusted.
 */
export function codeFingerprint(modules: readonly string[]): string | undefined {
  const key = modules.join('\n');
  if (computed.has(key)) return computed.get(key);
  const fromSource = path.extname(fileURLToPath(import.meta.url)) === '.ts';
  const base = fromSource ? path.join(packageRoot(), 'src') : path.join(packageRoot(), 'dist', 'src');
  const extension = fromSource ? '.ts' : '.js';
  const hash = createHash('sha256');
  let fingerprint: string | undefined;
  try {
    for (const module of modules) {
      const bytes = readFileSync(path.join(base, `${module}${extension}`));
      hash.update(`${module}${extension} ${bytes.length}\n`);
      hash.update(bytes);
    }
    fingerprint = hash.digest('hex');
  } catch {
    fingerprint = undefined;
  }
  computed.set(key, fingerprint);
  return fingerprint;
}
