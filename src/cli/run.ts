/**
 * Runs the rk8s command line with process.argv: the whole CLI behind the entry point. bin.ts loads it
 * from the single-file build of the command (scripts/bundle-cli.mjs) when it can, or as compiled modules.
 */
import { main } from './main.js';
import { reportError } from './output.js';

// `rk8s retrieve ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main().catch((error: unknown) => {
  process.exitCode = reportError(error, process.argv.includes('--json'));
});
