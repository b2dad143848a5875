#!/usr/bin/env node
/**
 * Entry point of the `rk8s` binary. A command runs from the single-file build of its command module when
 * there is one (src/cli/cli-bundle.ts: ~3x faster to start); the TUI, help, --version and unknown commands
 * load the compiled modules (the TUI shares them with its own bundle, see scripts/bundle-tui.mjs).
 * RK8S_NO_BUNDLE=1 always loads the modules.
 */
import { prestartApiWorker } from '../cluster/api-worker.js';
import { runCliBundle } from './cli-bundle.js';
import { COMMAND_MODULES, commandName } from './command-names.js';

const name = commandName(process.argv);
// The commands that resolve names: the API lister's worker boots on the second core while the CLI loads
// (it connects to nothing until the core gives it a connection; see cluster/api-worker.ts).
if ((name === 'exec' || name === 'plan') && !/^(0|false|no|off)$/i.test(process.env.RK8S_API_READS?.trim() ?? '')) prestartApiWorker();
const bundled = name !== undefined && name !== 'tui' && process.env.RK8S_NO_BUNDLE !== '1' && runCliBundle(COMMAND_MODULES[name]);
if (!bundled) await import('./run.js');
