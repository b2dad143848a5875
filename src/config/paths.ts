/** Where rk8s's own files (cards/, org/, schemas/) live: the package root, found from this module. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** The rk8s package root (works from src/ under tsx/vitest and from dist/src/ when built). */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(directory, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'rk8s') return (cachedRoot = directory);
      } catch {
        // not our manifest; keep walking up
      }
    }
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error('cannot find the rk8s package root');
    directory = parent;
  }
}

/** The package version from package.json. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}
