#!/usr/bin/env node
/**
 * The ES module entry point (`node dist/src/cli/bin.js`). The package's `bin` is dist/src/cli/rk8s.cjs,
 * which does the same from CommonJS (see launch.ts). A command runs from the single-file build of its
 * command module when there is one (src/cli/cli-bundle.ts: ~3x faster to start); the TUI, help,
 * --version and unknown commands load the compiled modules (the TUI shares them with its own bundle,
 * see scripts/bundle-tui.mjs). RK8S_NO_BUNDLE=1 always loads the modules.
 */
import { launch } from './launch.js';

if (!launch(process.argv)) await import('./run.js');
