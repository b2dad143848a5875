/** The rk8s command line: one commander program; each command registers itself from commands/<name>.ts. */
import { Command, CommanderError, Option } from 'commander';
import { packageVersion } from '../config/paths.js';
import { ExitCode } from '../errors.js';
import { registerCheckCommand } from './commands/check.js';

/** Builds the program with the global options every command shares. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('rk8s')
    .description(
      'A Kubernetes copilot for on-call engineers: pick an intent, say what you want, and rk8s plans\n' +
        'a kubectl command from curated cards, checks it against RBAC and guardrails, asks you to\n' +
        'confirm risky actions, previews with a dry-run, runs it and records it in an audit log.',
    )
    .version(packageVersion(), '-V, --version', 'print the rk8s version')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kube context to use (plans can never switch it)')
    .option('--cards <dir>', 'command-card directory (default: the bundled cards/)')
    .option('--org <dir>', 'org policy directory with namespaces.yaml, rbac-allowlist.yaml, guardrails.yaml')
    .option('--audit-log <path>', 'audit log file (default: logs/agent.log)')
    .option('--json', 'machine-readable JSON output')
    .addOption(new Option('--no-color', 'disable colour (NO_COLOR is honoured too)'))
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  rk8s tui --sandbox                       open the TUI on a simulated cluster\n' +
        '  rk8s plan -n prod --intent restart --resource deploy --name api\n' +
        '  rk8s exec -n staging --intent scale --resource deploy --name api --query "to 5" --confirm\n' +
        '  rk8s validate -- kubectl delete pod api-123 -n prod\n' +
        '  rk8s check                               validate cards and policy files\n' +
        '\nExit codes: 0 ok, 1 failure, 2 usage, 3 needs confirmation, 4 denied, 5 config, 6 kubectl, 130 cancelled.',
    );
  program.exitOverride((error: CommanderError) => {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      process.exit(ExitCode.ok);
    }
    process.exit(ExitCode.usage);
  });

  registerCheckCommand(program);
  return program;
}

/** Runs the CLI with process.argv. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = buildProgram();
  if (argv.length <= 2) {
    program.outputHelp();
    return;
  }
  await program.parseAsync([...argv]);
}
