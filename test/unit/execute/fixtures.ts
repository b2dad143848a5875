/** Paths to the executable fixture programs, and helpers to run execute() and inspect processes. */
import { vi } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execute, type ExecuteEvent, type ExecuteOptions, type ExecEndEvent } from '../../../src/execute/execute.js';

const binDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/bin');

/** Absolute path of a fixture program in test/fixtures/bin. */
export function fixture(name: string): string {
  return path.join(binDirectory, name);
}

/** The real kubectl, when installed (the one locator: test/helpers/find-prerequisites.ts). */
export { kubectlPath } from '../../helpers/find-prerequisites.js';

/** Everything one run yielded, split by kind. */
export interface Collected {
  events: ExecuteEvent[];
  stdout: string[];
  stderr: string[];
  end: ExecEndEvent;
}

/** Runs execute() to the end; `onLine` may abort or inspect as lines arrive. */
export async function collect(
  args: readonly string[],
  options: ExecuteOptions,
  signal?: AbortSignal,
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void,
): Promise<Collected> {
  const events: ExecuteEvent[] = [];
  for await (const event of execute(args, options, signal)) {
    events.push(event);
    if (event.type === 'exec-output') onLine?.(event.line, event.stream);
  }
  const end = events.at(-1);
  if (end?.type !== 'exec-end') throw new Error('the stream did not end with exec-end');
  const lines = (stream: 'stdout' | 'stderr') =>
    events.flatMap((event) => (event.type === 'exec-output' && event.stream === stream ? [event.line] : []));
  return { events, stdout: lines('stdout'), stderr: lines('stderr'), end };
}

/** True while a process exists (a zombie counts until it is reaped). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** vi.waitFor until a condition holds; false (not a throw) when it never did, for `expect(...).toBe(true)`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<boolean> {
  try {
    return await vi.waitFor(() => {
      if (!condition()) throw new Error('not yet');
      return true;
    }, { timeout: timeoutMs, interval: 20 });
  } catch {
    return condition();
  }
}
