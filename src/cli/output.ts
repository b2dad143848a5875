/** Shared CLI plumbing: global options, JSON output, and turning errors into one clear line and an exit code. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ExitCode, InputError, Rk8sError, isAbortError, serializeError } from '../errors.js';
import { loadConfig, loadDotEnv, type ConfigOverrides } from '../config/load-config.js';
import type { Config } from '../schemas/config.js';
import { setColor, style } from './style.js';

/** Options every command shares (declared on the root program). */
export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  cards?: string;
  org?: string;
  auditLog?: string;
  json?: boolean;
  color?: boolean;
  /** --read-only: the core refuses mutations (config.readOnly), whatever the command. */
  readOnly?: boolean;
}

/** The global options as seen from inside a subcommand's action. */
export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** Loads the package root's .env (never the working directory's) and the configuration with the global flags applied. */
export function configFromOptions(options: GlobalOptions, extra: ConfigOverrides = {}): Config {
  if (options.kubeconfig !== undefined && !existsSync(options.kubeconfig)) {
    throw new InputError(`--kubeconfig ${options.kubeconfig}: file not found`, {
      hint: 'pass the path of an existing kubeconfig, or omit --kubeconfig to use $KUBECONFIG / ~/.kube/config',
    });
  }
  loadDotEnv();
  return loadConfig({
    kubeconfig: options.kubeconfig,
    context: options.context,
    cardsDir: options.cards,
    orgDir: options.org,
    auditLog: options.auditLog,
    ...(options.readOnly ? { readOnly: true } : {}),
    ...extra,
  });
}

/** Prints a value as pretty JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints an error as one line (plus a hint) and returns its exit code. No stack trace unless RK8S_DEBUG is set. */
export function reportError(error: unknown, json = false): number {
  if (isAbortError(error)) {
    if (json) printJson({ error: { code: 'CANCELLED', message: 'cancelled' } });
    else process.stderr.write(`${style.yellow('cancelled')}\n`);
    return ExitCode.cancelled;
  }
  const serialized = serializeError(error);
  if (json) {
    printJson({ error: serialized });
  } else {
    const label = error instanceof Rk8sError ? 'error' : 'internal error';
    process.stderr.write(`${style.red(`${label}:`)} ${serialized.message}\n`);
    if (serialized.hint) process.stderr.write(`${style.dim(`hint: ${serialized.hint}`)}\n`);
  }
  if (process.env.RK8S_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return error instanceof Rk8sError ? error.exitCode : ExitCode.failure;
}

/**
 * Wraps an async command action: reads the global options (given to the action first), sets colour,
 * runs it, and maps errors to exit codes. commander passes the Command last; an action that needs it
 * declares it as its last parameter.
 */
export function action<Arguments extends unknown[]>(
  run: (globals: GlobalOptions, ...parameters: Arguments) => Promise<number | void>,
): (...parameters: Arguments) => Promise<void> {
  return async (...parameters: Arguments) => {
    const command = parameters[parameters.length - 1] as Command;
    const options = globalOptions(command);
    if (options.color === false) setColor(false);
    try {
      const code = await run(options, ...parameters);
      process.exitCode = code ?? ExitCode.ok;
    } catch (error) {
      process.exitCode = reportError(error, options.json === true);
    }
  };
}
