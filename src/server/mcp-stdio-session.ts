/**
 * One MCP session over stdio, as `rk8s mcp` runs it: the MCP server on a drainable core, behind the
 * strict stdio transport. Its shutdown stops taking calls, lets the running kubectl commands finish
 * (or be cancelled when `cancel` aborts), waits for their outcome records, answers every call still
 * pending, and only then closes: the SDK drops the answer of any call still running at close.
 */
import type { Readable, Writable } from 'node:stream';
import type { Core } from '../contracts/core.js';
import type { Config } from '../schemas/config.js';
import { createCoreDrain, type CoreDrain } from '../lifecycle/core-drain.js';
import { createMcpServer } from './mcp.js';
import { McpStdioTransport } from './mcp-stdio-transport.js';

/** After the last command and outcome record, how long handlers get to send their answers before the rest are answered for them. */
const SETTLE_MS = 250;

/** Options of a session. */
export interface McpStdioSessionOptions {
  config: Config;
  /** The core, or a promise of it (initialize is answered before the core has loaded). */
  core: Core | Promise<Core>;
  input?: Readable;
  output?: Writable;
  /** Diagnostics for stderr. */
  log?: (message: string) => void;
  /** Aborting it cancels every kubectl command still running (the shutdown's grace period is over). */
  cancel?: AbortSignal;
  /** How long a human has to answer a confirmation request. */
  elicitationTimeoutMs?: number;
}

/** What a session's shutdown did. */
export interface McpShutdownSummary {
  /** Calls waiting for an answer when the shutdown began. */
  pendingCalls: number;
  /** kubectl commands running when the shutdown began. */
  runningCommands: number;
  /** Calls the shutdown answered with an error because their handler had not answered (nothing of theirs was running). */
  answeredByShutdown: number;
  /** True when `cancel` aborted while commands still ran (their outcome is `cancelled`). */
  cancelled: boolean;
  /** Outcome records that could not be written. */
  unwrittenOutcomes: number;
}

/** A running session. */
export interface McpStdioSession {
  /** Resolves when the client closed stdin or stdout broke: time to shut down. */
  readonly ended: Promise<'input-closed' | 'output-closed'>;
  /** Drains and closes (see the module comment). Idempotent. */
  shutdown(): Promise<McpShutdownSummary>;
}

/** Connects the MCP server to stdio (or the given streams) and starts serving. */
export async function startMcpStdioSession(options: McpStdioSessionOptions): Promise<McpStdioSession> {
  const log = options.log ?? (() => undefined);
  let drain: CoreDrain | undefined;
  let closing = false;
  const core = Promise.resolve(options.core).then((loaded) => {
    drain = createCoreDrain(loaded, options.cancel ? { cancel: options.cancel } : {});
    if (closing) drain.close();
    return drain.core;
  });
  core.catch(() => undefined);
  const server = createMcpServer({ config: options.config, core, onLog: log, ...(options.elicitationTimeoutMs ? { elicitationTimeoutMs: options.elicitationTimeoutMs } : {}) });
  const transport = new McpStdioTransport({
    ...(options.input ? { input: options.input } : {}),
    ...(options.output ? { output: options.output } : {}),
    maxMessageBytes: options.config.mcpMaxMessageBytes,
    log,
  });
  const ended = new Promise<'input-closed' | 'output-closed'>((resolve) => (transport.onend = resolve));
  await server.connect(transport);

  let shuttingDown: Promise<McpShutdownSummary> | undefined;
  const shutdown = async (): Promise<McpShutdownSummary> => {
    closing = true;
    transport.beginDrain();
    drain?.close();
    const summary: McpShutdownSummary = {
      pendingCalls: transport.pendingRequests,
      runningCommands: drain?.runningCommands ?? 0,
      answeredByShutdown: 0,
      cancelled: false,
      unwrittenOutcomes: 0,
    };
    if (summary.runningCommands > 0) log(`waiting for ${summary.runningCommands} running kubectl command(s) to finish`);
    // Every call answers on its own, or nothing of theirs runs any more (the gate refuses new runs).
    const quiet = (async () => {
      await drain?.idle();
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    })();
    await Promise.race([transport.idle(), quiet]);
    await drain?.idle();
    summary.cancelled = summary.runningCommands > 0 && options.cancel?.aborted === true;
    if (transport.pendingRequests > 0) {
      summary.answeredByShutdown = await transport.answerPending('the server shut down before this call finished; nothing of it is running (see the audit log)');
    }
    summary.unwrittenOutcomes = drain?.unwrittenOutcomes ?? 0;
    await server.close().catch(() => undefined);
    return summary;
  };

  return {
    ended,
    shutdown() {
      shuttingDown ??= shutdown();
      return shuttingDown;
    },
  };
}
