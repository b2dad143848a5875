/** `rk8s mcp`: the MCP server on stdio, so Claude Code and other agents can plan and run kubectl through rk8s. */
import type { Command } from 'commander';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ExitCode } from '../../errors.js';
import { createCore } from '../../pipeline/create-core.js';
import { createMcpServer } from '../../server/mcp.js';
import { action, configFromOptions, globalOptions } from '../output.js';

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
      '\nMedium/high-risk commands are confirmed by a human through MCP elicitation; clients without it get\n' +
        'needs-confirmation and nothing runs (RK8S_MCP_ALLOW_AGENT_CONFIRM=true lets agents confirm: not recommended).\n' +
        '\nExamples:\n' +
        '  claude mcp add rk8s -- rk8s mcp --no-model\n' +
        '  claude mcp add rk8s -e KUBECONFIG=$HOME/.kube/config -- rk8s mcp',
    )
    .action(
      action(async (options: McpOptions, command: Command) => {
        keepStdoutForTheProtocol();
        const globals = globalOptions(command);
        const modelOverride = options.model === false ? { model: null } : typeof options.model === 'string' ? { model: options.model } : {};
        const config = configFromOptions(globals, modelOverride);
        const corePromise = createCore(config, {}, { strictModel: typeof options.model === 'string' });
        let loadError: unknown;
        corePromise.then(
          (core) => log(`ready: ${core.retriever.size} cards, planner ${core.planner.kind}${core.planner.model ? ` (${core.planner.model})` : ''}, audit log ${core.auditLog.path}`),
          (error: unknown) => {
            loadError = error;
            log(`the core could not load: ${(error as Error).message}`);
          },
        );
        const server = createMcpServer({ config, core: corePromise, onLog: log });
        const transport = new StdioServerTransport();
        const closed = new Promise<void>((resolve) => {
          server.server.onclose = () => resolve();
          process.stdin.once('end', () => resolve());
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        await server.connect(transport);
        await closed;
        await server.close().catch(() => undefined);
        await corePromise.then((core) => core.close()).catch(() => undefined);
        if (loadError !== undefined) throw loadError;
        return ExitCode.ok;
      }),
    );
}
