/** Test helper: a temporary directory for a describe block (or file), made before its tests and removed after them. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** Makes `rk8s-<prefix>-XXXXXX` in beforeAll and removes it in afterAll; returns a getter (the directory exists only once beforeAll has run). */
export function useTempDirectory(prefix: string): () => string {
  let directory: string | undefined;
  beforeAll(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), `rk8s-${prefix}-`));
  });
  afterAll(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
  });
  return () => {
    if (!directory) throw new Error('useTempDirectory must be called in a describe block (or at the top of a file), and tests run after beforeAll');
    return directory;
  };
}
