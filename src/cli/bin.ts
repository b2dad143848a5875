#!/usr/bin/env node
/** Entry point of the `rk8s` binary. */
import { main } from './main.js';
import { reportError } from './output.js';

main().catch((error: unknown) => {
  process.exitCode = reportError(error, process.argv.includes('--json'));
});
