#!/usr/bin/env node
/**
 * Entry point of the `rk8s` binary. A command runs from the single-file build of its command module when
 * there is one (src/cli/cli-bundle.ts: ~3x faster to start); the TUI, help, --version and unknown commands
 * load the compiled modules (the TUI shares them with its own bundle, see scripts/bundle-tui.mjs).
 * RK8S_NO_BUNDLE=1 always loads the modules.
 */
import { runCliBundle } from './cli-bundle.js';
import { COMMAND_MODULES, commandName } from './command-names.js';

const name = commandName(process.argv);
const bundled = name !== undefined && name !== 'tui' && process.env.RK8S_NO_BUNDLE !== '1' && runCliBundle(COMMAND_MODULES[name]);
if (!bundled) await import('./run.js');
