/** `rk8s serve`: the HTTP API (GET /health, POST /k8s-exec, POST /plan) over one core kept in memory. */
import type { Command } from 'commander';
import { ExitCode, InputError } from '../../errors.js';
import type { Core } from '../../contracts/core.js';
import { createCore } from '../../pipeline/create-core.js';
import { assertServerExposure } from '../../server/auth.js';
import { createHttpServer } from '../../server/http.js';
import { action, configFromOptions } from '../output.js';
import { forceExitSeconds, installShutdown } from '../shutdown.js';
import { style } from '../style.js';

/** Flags of `rk8s serve`. */
interface ServeOptions {
  host?: string;
  port?: string;
  preload?: boolean;
  /** A path, or false for --no-model. */
  model?: string | false;
}

/** The --port value as a number, or an InputError naming the flag. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InputError(`--port: "${value}" is not a port number (0-65535)`, { hint: 'e.g. --port 8000' });
  }
  return port;
}

function log(message: string): void {
  process.stderr.write(`${style.dim(new Date().toISOString())} ${message}\n`);
}

/** Adds `rk8s serve` to the program. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API: GET /health, POST /k8s-exec and POST /plan (NDJSON event stream with Accept: application/x-ndjson)')
    .option('--host <host>', 'address to listen on (default: RK8S_SERVER_HOST or 127.0.0.1); a non-loopback address needs RK8S_SERVER_TOKEN')
    .option('--port <port>', 'port to listen on (default: RK8S_SERVER_PORT or 8000; 0 picks a free one)')
    .option('--preload', 'load the card index and the model before listening (otherwise they load behind the first requests)')
    .option('--model <path>', 'GGUF model for the planner (default: RK8S_MODEL; without one the template planner answers)')
    .option('--no-model', 'use the template planner even when RK8S_MODEL is set')
    .addHelpText(
      'after',
      '\nThe bearer token comes from RK8S_SERVER_TOKEN only (never a flag: argv is visible to every user).\n' +
        '\nExamples:\n' +
        '  rk8s serve --preload\n' +
        '  rk8s serve --host 127.0.0.1 --port 8000 --no-model\n' +
        '  RK8S_SERVER_TOKEN=$(openssl rand -hex 32) rk8s serve --host 0.0.0.0 --preload\n' +
        '  curl -s localhost:8000/health\n' +
        `  curl -s localhost:8000/plan -H 'content-type: application/json' -d '{"intent":"restart","resource":"deployment","namespace":"prod","name":"api"}'`,
    )
    .action(
      action(async (globals, options: ServeOptions) => {
        const modelOverride = options.model === false ? { model: null } : typeof options.model === 'string' ? { model: options.model } : {};
        const config = configFromOptions(globals, modelOverride);
        const host = options.host ?? config.server.host;
        const port = options.port === undefined ? config.server.port : parsePort(options.port);
        // Refuse an exposed address before spending seconds loading a model.
        assertServerExposure(host, config.server.token);

        // From here on every SIGTERM/SIGINT goes through the shutdown (see src/cli/shutdown.ts).
        const shutdown = installShutdown({ graceSeconds: config.shutdownGraceSeconds, forceExitSeconds: forceExitSeconds(config), log });
        const loadStarted = performance.now();
        const corePromise = createCore(config, {}, { signal: shutdown.requested, strictModel: typeof options.model === 'string' });
        let core: Core | undefined;
        let modelPreloaded = false;
        if (options.preload) {
          core = await corePromise;
          log(`card index ready: ${core.retriever.size} cards, embedder ${core.retriever.embedderId}`);
          if (core.planner.preload) {
            log(`loading model ${core.planner.model ?? ''}`);
            await core.planner.preload({ signal: shutdown.requested });
            modelPreloaded = core.planner.kind === 'llm';
          }
          log(`preloaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s (planner: ${core.planner.kind}${core.planner.model ? ` ${core.planner.model}` : ''})`);
        }
        let loadError: unknown;
        corePromise.then(
          (loaded) => {
            core = loaded;
            if (!options.preload) log(`core ready: ${loaded.retriever.size} cards, planner ${loaded.planner.kind}`);
          },
          (error: unknown) => {
            // Nothing can be served without cards and policy: stop rather than answer 503 forever.
            if (shutdown.cause !== undefined) return;
            loadError = error;
            log('the core could not load');
            shutdown.request('startup-failed');
          },
        );
        const server = createHttpServer({ config, core: corePromise, host, port, modelPreloaded, onLog: log });
        await server.listen();
        await shutdown.started;
        const summary = await server.shutdown({ cancel: shutdown.cancel });
        log(
          `stopped: ${summary.inFlight} request(s) in flight, ${summary.runningCommands} running command(s), ${summary.aborted} cancelled` +
            (summary.deadlineReached ? ' (grace period over)' : '') +
            (summary.unwrittenOutcomes > 0 ? `; ${summary.unwrittenOutcomes} outcome record(s) could not be written` : ''),
        );
        const code = shutdown.finish({ cancelled: summary.deadlineReached });
        await core?.close();
        if (loadError !== undefined) throw loadError;
        if (summary.unwrittenOutcomes > 0) return ExitCode.failure;
        return code;
      }),
    );
}
