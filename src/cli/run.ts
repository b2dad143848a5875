/**
 * Runs the rk8s command line with process.argv: the whole CLI behind the entry point. The entry point (launch.ts) loads it
 * from the single-file build of the command (scripts/bundle-cli.mjs) when it can, or as compiled modules.
 */
import { z } from 'zod';
import { commandName } from './command-names.js';
import { main } from './main.js';
import { reportError } from './output.js';

// A one-shot command parses each schema once or twice: zod's compiled fast path (a generated function
// per object schema, built on the first parse) costs more than it saves there (~6 ms of `rk8s exec`).
// The servers and the TUI parse the same schemas for hours and keep it.
if (!['serve', 'mcp', 'tui'].includes(commandName(process.argv) ?? 'tui')) z.config({ jitless: true });

// `rk8s retrieve ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main().catch((error: unknown) => {
  process.exitCode = reportError(error, process.argv.includes('--json'));
});
