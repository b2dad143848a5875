/** Finds a program the way execa would (PATH lookup, no shell), for /health's "kubectl found". */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of `command` (a path, or a name searched on PATH), or undefined when absent. */
export async function findExecutable(command: string, searchPath: string = process.env.PATH ?? ''): Promise<string | undefined> {
  if (command.includes('/')) return (await isExecutable(command)) ? path.resolve(command) : undefined;
  for (const directory of searchPath.split(path.delimiter)) {
    if (directory === '') continue;
    const candidate = path.join(directory, command);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}
