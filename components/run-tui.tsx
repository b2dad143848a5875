/**
 * Entry point of the TUI: renders the App at once (the first frame never waits for the sandbox, the
 * index or the model), boots the core in the background, and returns when the user quits.
 */
import { render } from 'ink';
import type { Core } from '../src/contracts/core.js';
import type { Config } from '../src/schemas/config.js';
import { createCoreDrain, type CoreDrain } from '../src/lifecycle/core-drain.js';
import { App } from './App.js';
import { catalogFromCards, catalogFromFileNames, createCoreServices, createStatusStore, describeCore, modelLabel } from './core-services.js';
import type { CatalogEntry } from './services.js';
import { createTheme, shouldUseColor } from './theme.js';

/** What `rk8s tui` hands over. */
export interface RunTuiOptions {
  /** The configuration as known at start (cards, audit path, model): enough for the first frame. */
  initialConfig: Config;
  /**
   * Called right after the first frame: starts what is slow (the sandbox) and resolves the
   * configuration to build the core from.
   */
  boot(): { config: Promise<Config>; sandbox?: Promise<{ url: string; contextName: string }> };
  /** Running against the in-process sandbox (the badge shows from the first frame). */
  sandbox: boolean;
  readOnly: boolean;
  namespace?: string;
  /** --no-color. */
  color: boolean;
  /**
   * The process's shutdown (src/cli/shutdown.ts): `requested` starts a drain (nothing new runs; the
   * running kubectl finishes, or is cancelled when `cancel` aborts; its outcome is recorded), then
   * the TUI closes.
   */
  stop?: { requested: AbortSignal; cancel: AbortSignal };
}

/** Runs the TUI until the user quits; returns the process exit code. */
export async function runTui(options: RunTuiOptions): Promise<number> {
  const { initialConfig } = options;
  const abort = new AbortController();
  // Card file names give the pickers their intents at once; the parsed cards replace them when the core is ready.
  let catalog: readonly CatalogEntry[] = catalogFromFileNames(initialConfig.cardsDir);
  const status = createStatusStore({
    planner: initialConfig.planner.model ? modelLabel(initialConfig.planner.model) : 'template',
    auditLogPath: initialConfig.audit.path,
    sandbox: options.sandbox,
    readOnly: options.readOnly,
    ...(initialConfig.kubectl.context ? { context: initialConfig.kubectl.context } : {}),
    starting: options.sandbox ? 'starting the sandbox cluster…' : 'loading cards and policy…',
  });
  let resolveCore!: (core: Promise<Core>) => void;
  let drain: CoreDrain | undefined;
  // The core the screens use: drainable, so a signal never cuts a command short of its outcome record.
  const core: Promise<Core> = new Promise<Promise<Core>>((resolve) => (resolveCore = resolve))
    .then((pending) => pending)
    .then((loaded) => {
      drain = createCoreDrain(loaded, options.stop ? { cancel: options.stop.cancel } : {});
      if (options.stop?.requested.aborted) drain.close();
      return drain.core;
    });
  core.catch(() => undefined);

  const services = createCoreServices({ catalog: () => catalog, core, status });
  // 130 when the user quit with Ctrl+C while kubectl ran (it was cancelled), as `rk8s exec` exits.
  let exitCode = 0;
  const instance = render(<App services={services} onExitCode={(code) => (exitCode = code)} readOnly={options.readOnly} defaultNamespace={options.namespace} theme={createTheme(shouldUseColor(process.env, options.color))} />, {
    exitOnCtrlC: false,
    patchConsole: true,
    // Keys feel instant at 60 fps. (Ink's incrementalRendering garbles the picker's cursor rows; left off.)
    maxFps: 60,
  });
  const onStop = () => {
    drain?.close();
    abort.abort();
    if ((drain?.runningCommands ?? 0) > 0) status.update({ starting: 'stopping: waiting for kubectl to finish (a second signal cancels it)' });
    void (drain?.idle() ?? Promise.resolve()).then(() => instance.unmount());
  };
  if (options.stop?.requested.aborted) onStop();
  else options.stop?.requested.addEventListener('abort', onStop, { once: true });

  // After the first frame is out: start the sandbox, then build the core.
  setImmediate(() => {
    const booted = options.boot();
    booted.sandbox?.then(
      (sandbox) => status.update({ server: sandbox.url, context: sandbox.contextName, starting: 'building the card index…' }),
      (error: unknown) => status.update({ starting: undefined, error: `sandbox did not start: ${(error as Error).message}` }),
    );
    resolveCore(
      Promise.all([booted.config, import('../src/pipeline/create-core.js')]).then(([config, { createCore }]) => createCore(config, {}, { signal: abort.signal })),
    );
  });

  core.then(
    async (ready) => {
      catalog = catalogFromCards(ready.cards.values());
      status.update({ starting: undefined });
      await describeCore(ready, status, abort.signal);
      if (ready.planner.preload) {
        status.update({ modelProgress: 0 });
        ready.planner
          .preload({ signal: abort.signal, onProgress: (progress) => status.update({ modelProgress: progress }) })
          .then(
            () => status.update({ modelProgress: undefined }),
            (error: unknown) => {
              if (!abort.signal.aborted) status.update({ modelProgress: undefined, modelError: (error as Error).message });
            },
          );
      }
    },
    (error: unknown) => {
      if (!abort.signal.aborted) status.update({ starting: undefined, error: `cannot start: ${(error as Error).message}` });
    },
  );

  try {
    await instance.waitUntilExit();
  } finally {
    options.stop?.requested.removeEventListener('abort', onStop);
    abort.abort();
    const ready = await core.catch(() => undefined);
    // Quitting stops a running command (the screens abort it): wait for its outcome record, for as
    // long as stopping kubectl can take (SIGTERM, then SIGKILL after the kill grace).
    if (drain) {
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([drain.idle(), new Promise<void>((resolve) => (bound = setTimeout(resolve, initialConfig.exec.killGraceMs + 3000)))]);
      clearTimeout(bound);
    }
    await services.side?.close();
    await ready?.close();
  }
  return exitCode;
}
