/**
 * The pids of a process and all its descendants, read from /proc on Linux, so a timeout or cancel can
 * signal every process kubectl (or a plugin it runs) started. kubectl is not started in its own
 * process group: a new session makes it measurably slower to start (see scripts/bench/execute.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** `pid` followed by its descendants (depth first). Just `[pid]` where /proc has no children lists. */
export function processTree(pid: number): number[] {
  const result: number[] = [];
  const pending = [pid];
  const seen = new Set<number>();
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    result.push(current);
    let threads: string[];
    try {
      threads = readdirSync(`/proc/${current}/task`);
    } catch {
      continue;
    }
    for (const thread of threads) {
      try {
        for (const child of readFileSync(`/proc/${current}/task/${thread}/children`, 'utf8').split(' ')) {
          if (child.trim() !== '') pending.push(Number(child));
        }
      } catch {
        // the thread exited, or the kernel has no children list
      }
    }
  }
  return result;
}
