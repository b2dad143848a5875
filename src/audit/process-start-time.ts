/**
 * When a process started, so a lock owner can be told apart from a later process that reuses its pid.
 * Linux only (/proc/<pid>/stat); elsewhere the answer is "unknown" and lock recovery falls back to age.
 */
import { readFileSync } from 'node:fs';

/**
 * The start time of `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined when it
 * cannot be read: no procfs (macOS), a hidden /proc (hidepid), or no such process.
 */
export function processStartTime(pid: number): string | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // Unknown, not an error: the caller treats an unconfirmed owner by the age of its lock.
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const startTime = fields[19];
  return startTime !== undefined && /^\d+$/.test(startTime) ? startTime : undefined;
}
