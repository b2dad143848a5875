/** Runs the built rk8s binary (npm test builds it first, in pretest). */
import { execa, type Options } from 'execa';
import path from 'node:path';
import { existsSync } from 'node:fs';

/** Absolute path of the built CLI entry. */
export const RK8S_BIN = path.resolve(import.meta.dirname, '../../dist/src/cli/bin.js');

/** Result of one CLI run. */
export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `rk8s <args>` with NO_COLOR, never throwing on a non-zero exit. */
export async function runCli(args: readonly string[], options: Options = {}): Promise<CliResult> {
  if (!existsSync(RK8S_BIN)) throw new Error(`${RK8S_BIN} is missing: run npm run build (npm test does it in pretest)`);
  const result = await execa(process.execPath, [RK8S_BIN, ...args], {
    reject: false,
    timeout: 60_000,
    ...options,
    env: { NO_COLOR: '1', ...options.env },
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
