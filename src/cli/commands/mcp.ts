/** `rk8s mcp`: the MCP server on stdio, so Claude Code and other agents can plan and run kubectl through rk8s. */
import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import { createCore } from '../../pipeline/create-core.js';
import { startMcpStdioSession } from '../../server/mcp-stdio-session.js';
import { action, configFromOptions } from '../output.js';
import { forceExitSeconds, installShutdown } from '../shutdown.js';

/** Flags of `rk8s mcp`. */
interface McpOptions {
  /** A path, or false for --no-model. */
  model?: string | false;
}

/** stdout carries the protocol: anything a library prints with console.log must go to stderr instead. */
function keepStdoutForTheProtocol(): void {
  const toStderr = (...parts: unknown[]) => console.error(...parts);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

function log(message: string): void {
  process.stderr.write(`rk8s mcp: ${message}\n`);
}

/** Adds `rk8s mcp` to the program. */
export function registerMcpCommand(program: Command): void {
  program
    .command('mcp')
    .description('run the MCP server on stdio (tools k8s_retrieve, k8s_plan, k8s_exec, k8s_diagnose) for Claude Code and other agents')
    .option('--model <path>', 'GGUF model for the planner (default: RK8S_MODEL; without one the template planner answers)')
    .option('--no-model', 'use the template planner even when RK8S_MODEL is set')
    .addHelpText(
      'after',
      '\nA change needs a person: by default it is filed in the approvals inbox (rk8s approvals, rk8s approve ID)\n' +
        'and the agent is told needs-approval; org/approvals.yaml says which risks the agent or the client\'s own\n' +
        'prompt (elicitation) may confirm, and which changes no agent gets run.\n' +
        '\nWhen stdin closes, or on SIGTERM/SIGINT, no new call is taken; running kubectl commands get\n' +
        'RK8S_SHUTDOWN_GRACE_SECONDS (10) to finish, then are cancelled; every pending call is answered and\n' +
        'every outcome recorded before exit (0; 130 after SIGINT or a cancel). Messages over\n' +
        'RK8S_MCP_MAX_MESSAGE_BYTES (4 MiB) are answered with an error and skipped.\n' +
        '\nExamples:\n' +
        '  claude mcp add rk8s -- rk8s mcp --no-model\n' +
        '  claude mcp add rk8s -e KUBECONFIG=$HOME/.kube/config -- rk8s mcp',
    )
    .action(
      action(async (globals, options: McpOptions) => {
        keepStdoutForTheProtocol();
        const modelOverride = options.model === false ? { model: null } : typeof options.model === 'string' ? { model: options.model } : {};
        const config = configFromOptions(globals, modelOverride);
        const shutdown = installShutdown({ graceSeconds: config.shutdownGraceSeconds, forceExitSeconds: forceExitSeconds(config), log });
        const corePromise = createCore(config, {}, { signal: shutdown.requested, strictModel: typeof options.model === 'string' });
        let loadError: unknown;
        corePromise.then(
          (core) => log(`ready: ${core.retriever.size} cards, planner ${core.planner.kind}${core.planner.model ? ` (${core.planner.model})` : ''}, audit log ${core.auditLog.path}`),
          (error: unknown) => {
            if (shutdown.cause !== undefined) return;
            loadError = error;
            log(`the core could not load: ${(error as Error).message}`);
          },
        );
        // stdout is the protocol channel: a broken pipe there means the client is gone, which the
        // session handles (drain, record, exit), instead of the CLI's exit-at-once on EPIPE.
        process.stdout.removeAllListeners('error');
        const session = await startMcpStdioSession({ config, core: corePromise, log, cancel: shutdown.cancel });
        void session.ended.then((why) => shutdown.request(why));
        await shutdown.started;
        const summary = await session.shutdown();
        if (summary.pendingCalls > 0 || summary.runningCommands > 0) {
          log(
            `stopped: ${summary.pendingCalls} call(s) pending, ${summary.runningCommands} running command(s)` +
              (summary.cancelled ? ' (cancelled at the end of the grace period)' : '') +
              (summary.answeredByShutdown > 0 ? `, ${summary.answeredByShutdown} answered with a shutdown error` : '') +
              (summary.unwrittenOutcomes > 0 ? `; ${summary.unwrittenOutcomes} outcome record(s) could not be written` : ''),
          );
        }
        const code = shutdown.finish({ cancelled: summary.cancelled });
        await corePromise.then((core) => core.close()).catch(() => undefined);
        if (loadError !== undefined) throw loadError;
        if (summary.unwrittenOutcomes > 0) return ExitCode.failure;
        return code;
      }),
    );
}
