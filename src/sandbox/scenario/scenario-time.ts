/** Scenario ages: durations before the moment the sandbox started. */
import type { SandboxCluster } from '../cluster.js';
import { parseDuration } from '../duration.js';

/** The moment `age` before the sandbox started (or `fallback` when the scenario gives none). */
export function ago(cluster: SandboxCluster, age: string | number | undefined, fallback: string): Date {
  return new Date(cluster.startedAt.getTime() - parseDuration(age ?? fallback));
}
