/**
 * The names of rk8s's commands and how to find the one a command line runs, with no imports: the
 * entry point (launch.ts) reads them before it decides which build of the CLI to load.
 */
export const COMMAND_NAMES = [
  'tui', 'plan', 'exec', 'undo', 'validate', 'retrieve', 'index', 'model', 'audit', 'serve', 'mcp',
  'sandbox', 'check', 'approvals', 'approve', 'deny', 'eval', 'diagnose', 'timeline',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

/** The module in cli/commands/ that holds each command (and names its bundle, see scripts/bundle-cli.mjs). */
export const COMMAND_MODULES: Readonly<Record<CommandName, string>> = {
  tui: 'tui', plan: 'plan', exec: 'exec', undo: 'undo', validate: 'validate', retrieve: 'retrieve', index: 'index',
  model: 'model', audit: 'audit', serve: 'serve', mcp: 'mcp', sandbox: 'sandbox', check: 'check',
  approvals: 'approvals', approve: 'approvals', deny: 'approvals', eval: 'eval', diagnose: 'diagnose', timeline: 'timeline',
};

/** Global options that take a value (so the value is not mistaken for the command name). */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--kubeconfig', '--context', '--cards', '--org', '--audit-log']);

const KNOWN: ReadonlySet<string> = new Set(COMMAND_NAMES);

/** The command a command line runs, or undefined for help, version or an unknown command. */
export function commandName(argv: readonly string[]): CommandName | undefined {
  for (let index = 2; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--') return undefined;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(argument)) {
      index++;
      continue;
    }
    if (argument.startsWith('-')) continue;
    return KNOWN.has(argument) ? (argument as CommandName) : undefined;
  }
  return undefined;
}
