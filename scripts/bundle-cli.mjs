// Bundles the CLI into one CommonJS file per command module, dist/src/cli/bundles/<module>.cjs:
// dist/src/cli/run.js with main.js and that one command (commands/exec.js for `rk8s exec`), and
// everything they import (zod, execa, commander, js-yaml...). src/cli/bin.ts runs the one a command
// line needs with a V8 code cache (src/cli/cli-bundle.ts). Node 20 spends most of a one-shot
// command's start resolving and compiling ~400 ES modules; one cached script skips both, and a
// bundle per command keeps what `rk8s exec` reads and deserializes to what it runs (no sandbox,
// MCP SDK or HTTP server in it).
// Left out of every bundle: native and heavy packages loaded on demand (node-llama-cpp,
// transformers, usearch), fastify (CommonJS already, only for `rk8s serve`), ink and react, and the
// TUI, which always runs from the modules (bin.ts sends `rk8s tui` there).
// The output is whitespace-minified (less to read and hash at every start; names are kept, so
// stack traces still name the functions) and ASCII only, so the loader can read it as latin1,
// which is several times faster than decoding UTF-8.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliDirectory = path.join(root, 'dist', 'src', 'cli');
const entry = path.join(cliDirectory, 'run.js');
const outDirectory = path.join(cliDirectory, 'bundles');

if (!existsSync(entry)) {
  console.error(`bundle-cli: ${entry} is missing (run tsc first)`);
  process.exit(1);
}

// The command modules; tui stays with the modules (see above).
const modules = readdirSync(path.join(cliDirectory, 'commands'))
  .filter((file) => file.endsWith('.js'))
  .map((file) => file.slice(0, -'.js'.length))
  .filter((name) => name !== 'tui');

/**
 * Leaves every command main.ts loads but `keep` out of a bundle: bin.ts loads a bundle only for its
 * own command. (Only main.ts's imports: a module that imports another command's module, as
 * exec-lifecycle.ts does commands/exec.js, gets it bundled.)
 */
function onlyCommand(keep) {
  const main = path.join(cliDirectory, 'main.js');
  return {
    name: 'only-command',
    setup(builder) {
      builder.onResolve({ filter: /^\.\/commands\/[a-z-]+\.js$/ }, (args) =>
        args.importer !== main || path.basename(args.path, '.js') === keep ? undefined : { path: args.path, external: true },
      );
    },
  };
}

rmSync(outDirectory, { recursive: true, force: true });
mkdirSync(outDirectory, { recursive: true });

await Promise.all(
  modules.map((name) =>
    build({
      entryPoints: [entry],
      outfile: path.join(outDirectory, `${name}.cjs`),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['node-llama-cpp', '@huggingface/transformers', 'onnxruntime-node', 'usearch', 'fastify', 'ink', 'react'],
      plugins: [onlyCommand(name)],
      // The modules find their files from import.meta.url; in a bundle that is the bundle's own URL
      // (dist/src/cli/bundles/), and src/config/paths.ts walks up from there to the package root.
      define: { 'import.meta.url': '__rk8sBundleUrl' },
      banner: { js: 'var __rk8sBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
      minifyWhitespace: true,
      charset: 'ascii',
      logLevel: 'warning',
      legalComments: 'none',
    }),
  ),
);

for (const name of modules) {
  const file = path.join(outDirectory, `${name}.cjs`);
  const bytes = readFileSync(file);
  const offset = bytes.findIndex((byte) => byte > 0x7f);
  if (offset >= 0) {
    console.error(`bundle-cli: ${file} has a non-ASCII byte at offset ${offset}; the loader reads bundles as latin1`);
    process.exit(1);
  }
}
