/** The files of one audit log (agent.log, agent.log.1, agent.log.2 ... newest to oldest) and reading their tails. */
import { statSync } from 'node:fs';
import fs from 'node:fs/promises';

/** Whether a file exists; unlike existsSync, a permission or I/O error is thrown, not read as "absent". */
export function fileExists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw error;
  }
}

/** `agent.log` for 0, `agent.log.N` for the N-th most recent rotated file. */
export function rotatedPath(file: string, index: number): string {
  return index === 0 ? file : `${file}.${index}`;
}

/** Indexes of the rotated files that exist (1, 2, ... contiguous from 1). */
export function rotatedIndexes(file: string): number[] {
  const indexes: number[] = [];
  for (let index = 1; fileExists(rotatedPath(file, index)); index++) indexes.push(index);
  return indexes;
}

/** Every file of the chain, oldest first, ending with `file` itself (if it exists). */
export function chainFiles(file: string): string[] {
  const files = rotatedIndexes(file)
    .reverse()
    .map((index) => rotatedPath(file, index));
  if (fileExists(file)) files.push(file);
  return files;
}

/**
 * Reads complete lines from the end of a file, newest last, without loading the whole file:
 * at most `limit` lines. A final line without its newline (a torn write) is included as is.
 */
export async function readTailLines(file: string, limit: number): Promise<string[]> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const chunkSize = 64 * 1024;
    let position = size;
    let text = '';
    let pending = Buffer.alloc(0);
    while (position > 0) {
      const length = Math.min(chunkSize, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, position);
      pending = Buffer.concat([chunk, pending]);
      // Only decode from a newline on, so a multi-byte character is never split.
      const firstNewline = position === 0 ? -1 : pending.indexOf(0x0a);
      if (position > 0 && firstNewline === -1) continue;
      text = pending.subarray(firstNewline + 1).toString('utf8') + text;
      pending = pending.subarray(0, firstNewline + 1);
      const lines = text.split('\n').filter((line) => line.trim() !== '');
      if (lines.length > limit || position === 0) return lines.slice(-limit);
    }
    if (pending.length > 0) text = pending.toString('utf8') + text;
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .slice(-limit);
  } finally {
    await handle.close();
  }
}

/** The last parseable record of a file, or undefined when it has none. */
export async function lastRecord(file: string): Promise<Record<string, unknown> | undefined> {
  // A few lines back, in case the very last one is torn.
  const lines = await readTailLines(file, 8);
  for (let index = lines.length - 1; index >= 0; index--) {
    let value: unknown;
    try {
      value = JSON.parse(lines[index]!);
    } catch {
      // A torn or edited line: the writer continues from the last record it can read, verify reports the line.
      continue;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { hash?: unknown }).hash === 'string') return value as Record<string, unknown>;
  }
  return undefined;
}

/** The `hash` of the last parseable record of a file, or undefined when it has none. */
export async function lastRecordHash(file: string): Promise<string | undefined> {
  return (await lastRecord(file))?.hash as string | undefined;
}
