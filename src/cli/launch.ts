/**
 * What the `rk8s` entry points do before anything else is loaded: start the API lister's worker for
 * the commands that resolve names (it boots on the second core while the CLI loads and connects to
 * nothing until the core gives it a connection, see cluster/api-worker.ts), then run the command from
 * the single-file build of its command module when there is one (cli-bundle.ts). Returns false when
 * the caller must load the compiled modules instead: the TUI, help, --version, an unknown command, a
 * build without bundles, or RK8S_NO_BUNDLE=1.
 *
 * Two entry points call it: dist/src/cli/rk8s.cjs, the package's `bin` (built by
 * scripts/bundle-cli.mjs; a CommonJS entry skips Node's ES module loader, ~10 ms a run), and bin.ts,
 * the ES module one (`node dist/src/cli/bin.js`, the same behaviour).
 */
import { prestartApiWorker } from '../cluster/api-worker.js';
import { runCliBundle } from './cli-bundle.js';
import { COMMAND_MODULES, commandName } from './command-names.js';

/** Whether RK8S_API_READS turns the API reads off (config/load-config.ts reads the same words). */
function apiReadsOff(value: string | undefined): boolean {
  return /^(0|false|no|off)$/i.test(value?.trim() ?? '');
}

/** Starts the command from its bundle and returns true, or returns false (see above). `here` is dist/src/cli/. */
export function launch(argv: readonly string[], here?: string): boolean {
  const name = commandName(argv);
  if ((name === 'exec' || name === 'plan') && !apiReadsOff(process.env.RK8S_API_READS)) prestartApiWorker();
  return name !== undefined && name !== 'tui' && process.env.RK8S_NO_BUNDLE !== '1' && runCliBundle(COMMAND_MODULES[name], here);
}
