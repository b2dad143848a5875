/** The rk8s command line: one commander program; each command registers itself from commands/<name>.ts. */
import { Command, CommanderError, Option } from 'commander';
import { packageVersion } from '../config/paths.js';
import { ExitCode } from '../errors.js';
import { ownValue } from '../own-property.js';
import { exitCodesHelp } from './exit-help.js';
import { commandName, type CommandName } from './command-names.js';

export { commandName } from './command-names.js';

type Register = (program: Command) => void;

/**
 * Every command, loaded on demand: a run imports only the module of the command it runs, so
 * `rk8s validate` never parses fastify, the MCP SDK or the pipeline, and `rk8s tui` gets its first
 * frame sooner. Help and unknown commands load them all (for the listing and suggestions).
 */
const COMMANDS: Record<CommandName, () => Promise<Register>> = {
  tui: async () => (await import('./commands/tui.js')).registerTuiCommand,
  plan: async () => (await import('./commands/plan.js')).registerPlanCommand,
  exec: async () => (await import('./commands/exec.js')).registerExecCommand,
  undo: async () => (await import('./commands/undo.js')).registerUndoCommand,
  validate: async () => (await import('./commands/validate.js')).registerValidateCommand,
  retrieve: async () => (await import('./commands/retrieve.js')).registerRetrieveCommand,
  index: async () => (await import('./commands/index.js')).registerIndexCommand,
  model: async () => (await import('./commands/model.js')).registerModelCommand,
  audit: async () => (await import('./commands/audit.js')).registerAuditCommand,
  serve: async () => (await import('./commands/serve.js')).registerServeCommand,
  mcp: async () => (await import('./commands/mcp.js')).registerMcpCommand,
  sandbox: async () => (await import('./commands/sandbox.js')).registerSandboxCommand,
  check: async () => (await import('./commands/check.js')).registerCheckCommand,
  approvals: async () => (await import('./commands/approvals.js')).registerApprovalsCommand,
  approve: async () => (await import('./commands/approvals.js')).registerApproveCommand,
  deny: async () => (await import('./commands/approvals.js')).registerDenyCommand,
  eval: async () => (await import('./commands/eval.js')).registerEvalCommand,
  diagnose: async () => (await import('./commands/diagnose.js')).registerDiagnoseCommand,
  timeline: async () => (await import('./commands/timeline.js')).registerTimelineCommand,
};

/** Builds the program with the global options and the given commands (default: all of them). */
export async function buildProgram(only?: readonly string[]): Promise<Command> {
  const program = createRootProgram();
  const names = only ?? Object.keys(COMMANDS);
  const registers = await Promise.all(names.map((name) => {
    const load = ownValue(COMMANDS, name);
    if (!load) throw new Error(`unknown command module "${name}"`);
    return load();
  }));
  for (const register of registers) register(program);
  return program;
}

function createRootProgram(): Command {
  const program = new Command();
  program
    .name('rk8s')
    .description(
      'A Kubernetes copilot for on-call engineers: pick an intent, say what you want, and rk8s plans a kubectl ' +
        'command from curated cards, checks it against RBAC and guardrails, asks you to confirm risky actions, ' +
        'previews it with a dry-run, runs it and records it in an audit log.',
    )
    .version(packageVersion(), '-V, --version', 'print the rk8s version')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kube context to use (plans can never switch it)')
    .option('--cards <dir>', 'command-card directory (default: the bundled cards/)')
    .option('--org <dir>', 'org policy directory with namespaces.yaml, rbac-allowlist.yaml, guardrails.yaml')
    .option('--audit-log <path>', 'audit log file (default: logs/agent.log in the rk8s directory; RK8S_AUDIT_LOG)')
    .option('--json', 'machine-readable JSON output')
    .option('--read-only', 'refuse every command that changes the cluster, in every command (plan, exec, serve, mcp, tui); same as RK8S_READ_ONLY=1')
    .addOption(new Option('--no-color', 'disable colour (NO_COLOR is honoured too)'))
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  rk8s tui --sandbox                       open the TUI on a simulated cluster\n' +
        '  rk8s plan -n prod --intent restart --resource deploy --name api\n' +
        '  rk8s exec -n staging --intent scale --resource deploy --name api --query "to 5" --confirm\n' +
        '  rk8s undo                                undo your newest change (scale back, roll back, uncordon...)\n' +
        '  rk8s validate -- kubectl delete pod api-123 -n prod\n' +
        '  rk8s diagnose -n prod                     what is broken in prod, with evidence and fixes\n' +
        '  rk8s check                               validate cards and policy files\n' +
        exitCodesHelp({ ok: 'ok', failure: 'failure', needsConfirmation: 'needs confirmation', denied: 'denied', usage: 'usage', config: 'config', kubectl: 'kubectl', auditWriteFailed: 'audit log not written', cancelled: 'cancelled' }),
    );
  program.exitOverride((error: CommanderError) => {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      process.exit(ExitCode.ok);
    }
    process.exit(ExitCode.usage);
  });
  return program;
}

/** Runs the CLI with process.argv. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const name = commandName(argv);
  const versionOnly = name === undefined && (argv.includes('--version') || argv.includes('-V'));
  const program = await buildProgram(name !== undefined ? [name] : versionOnly ? [] : undefined);
  if (argv.length <= 2) {
    program.outputHelp();
    return;
  }
  await program.parseAsync([...argv]);
}
