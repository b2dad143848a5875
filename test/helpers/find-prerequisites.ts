/**
 * The one place tests find their external programs (kubectl, tmux). No vitest import here: vitest's
 * globalSetup (check-prerequisites.ts) uses it too. Suites use describeWith() from prerequisites.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The programs end-to-end tests drive. */
export type Prerequisite = 'kubectl' | 'tmux' | 'script';

function onPath(name: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (directory === '') continue;
    const candidate = path.join(directory, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function locate(name: Prerequisite): string | undefined {
  const override = name === 'kubectl' ? process.env.RK8S_TEST_KUBECTL : undefined;
  const found = override ?? onPath(name) ?? [`/usr/bin/${name}`, `/usr/local/bin/${name}`, `/bin/${name}`].find((candidate) => existsSync(candidate));
  if (!found) return undefined;
  // Present but broken (wrong architecture, no permission) counts as missing.
  return spawnSync(found, name === 'kubectl' ? ['version', '--client'] : ['-V'], { stdio: 'ignore' }).status === 0 ? found : undefined;
}

const cache = new Map<Prerequisite, string | undefined>();

/** The path of a prerequisite, or undefined when it is not installed (looked up once per process). */
export function prerequisitePath(name: Prerequisite): string | undefined {
  if (!cache.has(name)) cache.set(name, locate(name));
  return cache.get(name);
}

/** Path of the real kubectl, or undefined. */
export const kubectlPath = prerequisitePath('kubectl');

/** True when CI=true: a missing prerequisite fails instead of skipping. */
export const inCi = process.env.CI === 'true';

/** The prerequisites of `names` that are missing. */
export function missingPrerequisites(...names: Prerequisite[]): Prerequisite[] {
  return names.filter((name) => prerequisitePath(name) === undefined);
}

