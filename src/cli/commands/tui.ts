/**
 * `rk8s tui`: the interactive front-end. The only module that loads components/ (and so React and
 * Ink), with a dynamic import, so every other command starts without parsing them.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { NamespaceNameSchema } from '../../schemas/vocabulary.js';
import { commandName } from '../command-names.js';
import { action, configFromOptions, type GlobalOptions } from '../output.js';
import { forceExitSeconds, installShutdown } from '../shutdown.js';

/** Flags of `rk8s tui`. */
interface TuiOptions {
  sandbox?: boolean;
  readOnly?: boolean;
  namespace?: string;
  /** A path, or false for --no-model. */
  model?: string | false;
}

/** What the sandbox module returns (src/sandbox/index.ts). */
interface SandboxHandle {
  kubeconfigPath: string;
  url: string;
  contextName: string;
  stop(): Promise<void>;
}

type TuiModule = typeof import('../../../components/run-tui.js');

/** The single-file build of the TUI (scripts/bundle-tui.mjs), when present: it loads ~3x faster. */
const TUI_BUNDLE = new URL('../../../components/run-tui.bundle.js', import.meta.url);

/** Loads the TUI, preferring the bundle and falling back to the compiled modules (e.g. under tsx). */
function loadTuiModule(): Promise<TuiModule> {
  // Ink renders only the final frame when it thinks it runs in CI (CI=true), decided once when it
  // loads. A terminal is interactive whatever CI says (a TUI test inside a CI job, a dev shell
  // that exports CI), so clear the markers before Ink reads them; kubectl ignores them anyway.
  if (process.stdout.isTTY === true && process.stdin.isTTY === true) {
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
  }
  return existsSync(fileURLToPath(TUI_BUNDLE)) ? (import(TUI_BUNDLE.href) as Promise<TuiModule>) : import('../../../components/run-tui.js');
}

const launchingTui = commandName(process.argv) === 'tui';
const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;

/** Leaves raw mode (idempotent); the terminal must never be left raw, whatever path the process exits by. */
function restoreTerminal(): void {
  if (process.stdin.isTTY === true && process.stdin.isRaw) process.stdin.setRawMode(false);
}

// Keys typed while Node, Ink and the UI load (a few hundred ms) would be echoed by the line
// discipline and held for a whole line; in raw mode the kernel keeps them as bytes, unechoed,
// until Ink reads stdin. The terminal is restored on exit, on errors before the UI starts, and by
// Ink itself when it unmounts.
if (launchingTui && interactive) {
  process.stdin.setRawMode(true);
  process.once('exit', restoreTerminal);
}

/**
 * When the command line is `rk8s tui`, start loading the UI (Ink, React: a few hundred ms) while the
 * rest of the CLI loads, so the first frame comes sooner. Other commands never pay for it.
 */
const tuiModule = launchingTui ? loadTuiModule() : undefined;
tuiModule?.catch(() => undefined);

/** Adds `rk8s tui` to the program. */
export function registerTuiCommand(program: Command): void {
  program
    .command('tui')
    .description('open the interactive TUI: pick an intent, resource, namespace and object; see the plan, the verdict and the dry-run; confirm; watch kubectl run')
    .option('--sandbox', 'start the simulated cluster in-process and use it (stopped on exit)')
    .option('--read-only', 'hide mutating intents and confirmation keys; nothing that changes the cluster can run')
    .option('-n, --namespace <name>', 'preselect a namespace (the namespace picker is skipped; Esc reaches it)')
    .option('--model <path>', 'GGUF model for the planner (default: RK8S_MODEL; loads in the background)')
    .option('--no-model', 'use the template planner only')
    .addHelpText(
      'after',
      '\nKeys: arrows move, typing filters, Enter selects, Esc goes back or cancels (aborting kubectl), ? help, Ctrl+C quits.\n' +
        '\nExamples:\n' +
        '  rk8s tui --sandbox                      try it on a simulated cluster\n' +
        '  rk8s tui --read-only -n prod            look, but never change anything\n' +
        '  rk8s tui --context staging --no-model   a real cluster, template planner',
    )
    .action(
      action(async (globals, options: TuiOptions) => {
        try {
          return await runTuiCommand(globals, options);
        } finally {
          // Before the error (if any) is printed: Ink has left raw mode already when it ran.
          restoreTerminal();
        }
      }),
    );
}

/** The body of `rk8s tui`. */
async function runTuiCommand(globals: GlobalOptions, options: TuiOptions): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new InputError('rk8s tui needs an interactive terminal (stdin and stdout must be a TTY)', {
      hint: 'run it in a terminal; for scripts use rk8s plan / rk8s exec (add --json for machine-readable output)',
    });
  }
  if (options.namespace !== undefined) {
    const parsed = NamespaceNameSchema.safeParse(options.namespace);
    if (!parsed.success) throw new InputError(`--namespace ${parsed.error.issues[0]?.message ?? 'is invalid'}`, { hint: 'e.g. --namespace prod' });
  }
  const overrides = {
    ...(options.model === false ? { model: null } : options.model ? { model: options.model } : {}),
    ...(options.readOnly || globals.readOnly ? { readOnly: true } : {}),
  };
  const initialConfig = configFromOptions(globals, overrides);

  let sandboxStarted: Promise<SandboxHandle> | undefined;
  let kubeconfigDirectory: string | undefined;
  // Called by runTui after the first frame: starting the sandbox (certificates) takes a while.
  const boot = () => {
    if (!options.sandbox) return { config: Promise.resolve(initialConfig) };
    const started = (async (): Promise<SandboxHandle> => {
      const [{ startSandbox }, { mkdtemp }, os, path] = await Promise.all([
        import('../../sandbox/index.js'),
        import('node:fs/promises'),
        import('node:os'),
        import('node:path'),
      ]);
      kubeconfigDirectory = await mkdtemp(path.join(os.tmpdir(), 'rk8s-sandbox-'));
      return startSandbox({ kubeconfigPath: path.join(kubeconfigDirectory, 'kubeconfig') });
    })();
    started.catch(() => undefined);
    sandboxStarted = started;
    return {
      config: started.then((sandbox) => configFromOptions(globals, { ...overrides, kubeconfig: sandbox.kubeconfigPath, context: sandbox.contextName })),
      sandbox: started,
    };
  };

  // SIGTERM, SIGINT (kill; Ctrl+C is a key in the TUI) and SIGHUP (the terminal closed): the TUI
  // drains its running command and records the outcome before it closes (src/cli/shutdown.ts).
  // The screen belongs to Ink until it unmounts: progress lines wait until then (the status bar says
  // "stopping" meanwhile), unless the process must exit first.
  const held: string[] = [];
  let screenOpen = true;
  const flush = () => {
    for (const line of held.splice(0)) process.stderr.write(`rk8s: ${line}\n`);
  };
  const shutdown = installShutdown({
    graceSeconds: initialConfig.shutdownGraceSeconds,
    forceExitSeconds: forceExitSeconds(initialConfig),
    log: (message) => {
      held.push(message);
      if (!screenOpen) flush();
    },
    exit: (code) => {
      restoreTerminal();
      flush();
      process.exit(code);
    },
  });
  // A closed terminal fails every write (EIO): stop as for SIGHUP instead of crashing mid-command
  // (the CLI's own stdout handler rethrows anything but EPIPE).
  process.stdout.removeAllListeners('error');
  process.stdout.on('error', () => shutdown.request('output-closed'));
  const { runTui } = await (tuiModule ?? loadTuiModule());
  try {
    const code = await runTui({
      stop: { requested: shutdown.requested, cancel: shutdown.cancel },
      initialConfig,
      boot,
      sandbox: options.sandbox === true,
      readOnly: options.readOnly === true || globals.readOnly === true,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      color: globals.color !== false,
    });
    return shutdown.cause === undefined ? code : shutdown.finish({ cancelled: false });
  } finally {
    screenOpen = false;
    flush();
    if (sandboxStarted) await sandboxStarted.then((sandbox) => sandbox.stop(), () => undefined);
    if (kubeconfigDirectory) {
      const { rm } = await import('node:fs/promises');
      await rm(kubeconfigDirectory, { recursive: true, force: true });
    }
  }
}
