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
// which is several times faster than decoding UTF-8. Its dynamic import()s (node-llama-cpp,
// transformers) call the loader's import function instead (BUNDLE_IMPORT in cli-bundle.ts): Node 20
// loses a script's dynamic-import callback for functions that come from a V8 code cache.
import { build } from 'esbuild';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * zod's `locales` namespace (error messages in 40-odd languages, every one initialised when the bundle
 * starts, ~3 ms) reduced to English, the only one rk8s uses (zod sets it itself; nothing calls
 * z.locales). The compiled modules (the TUI, RK8S_NO_BUNDLE=1) keep the whole namespace.
 */
function englishZod() {
  return {
    name: 'english-zod',
    setup(builder) {
      builder.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        args.importer.includes(`${path.sep}node_modules${path.sep}zod${path.sep}`) ? { path: path.resolve(path.dirname(args.importer), '../locales/en.js'), namespace: 'zod-english' } : undefined,
      );
      builder.onLoad({ filter: /.*/, namespace: 'zod-english' }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.path)};`, loader: 'js', resolveDir: path.dirname(args.path) }));
    },
  };
}

rmSync(outDirectory, { recursive: true, force: true });
mkdirSync(outDirectory, { recursive: true });

/** The name the loader passes its import function by (src/cli/cli-bundle.ts, BUNDLE_IMPORT). */
const BUNDLE_IMPORT = '__rk8sImport';

const outputs = await Promise.all(
  modules.map(async (name) => {
    const result = await build({
      entryPoints: [entry],
      outfile: path.join(outDirectory, `${name}.cjs`),
      write: false,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['node-llama-cpp', '@huggingface/transformers', 'onnxruntime-node', 'usearch', 'fastify', 'ink', 'react'],
      plugins: [onlyCommand(name), englishZod()],
      // The modules find their files from import.meta.url; in a bundle that is the bundle's own URL
      // (dist/src/cli/bundles/), and src/config/paths.ts walks up from there to the package root.
      // "use strict" first: the modules are strict, and the directive only counts as the first statement.
      define: { 'import.meta.url': '__rk8sBundleUrl' },
      banner: { js: '"use strict";var __rk8sBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
      minifyWhitespace: true,
      charset: 'ascii',
      logLevel: 'warning',
      legalComments: 'none',
    });
    return { name, text: result.outputFiles[0].text };
  }),
);

for (const { name, text } of outputs) {
  const file = path.join(outDirectory, `${name}.cjs`);
  const offset = [...text].findIndex((character) => character.charCodeAt(0) > 0x7f);
  if (offset >= 0) {
    console.error(`bundle-cli: ${file} would have a non-ASCII character at ${offset} (${JSON.stringify(text.slice(offset - 40, offset + 10))}); the loader reads bundles as latin1: write it as a \\u escape`);
    process.exit(1);
  }
  const rewritten = text.replace(/(?<![\w$.])import\(/g, `${BUNDLE_IMPORT}(`);
  const unexpected = [...rewritten.matchAll(new RegExp(`${BUNDLE_IMPORT}\\((?!")`, 'g'))];
  if (unexpected.length > 0) {
    const at = unexpected[0].index;
    console.error(`bundle-cli: ${file}: an import( that is not import("a string literal") at ${at}: ${JSON.stringify(rewritten.slice(at - 60, at + 60))}`);
    process.exit(1);
  }
  writeFileSync(file, rewritten);
}

// The package's `bin`, dist/src/cli/rk8s.cjs: src/cli/launch.ts (and the few modules it imports) as one
// CommonJS file, so a command starts without Node's ES module loader (~10 ms a run). When launch()
// declines (the TUI, help, --version), it loads dist/src/cli/run.js as bin.js does.
const launcher = path.join(cliDirectory, 'rk8s.cjs');
await build({
  stdin: {
    contents: "#!/usr/bin/env node\nimport { launch } from './launch.js';\nif (!launch(process.argv, __dirname)) import('./run.js');\n",
    resolveDir: cliDirectory,
    sourcefile: 'rk8s-entry.js',
    loader: 'js',
  },
  outfile: launcher,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['./run.js'],
  // launch() is given __dirname, so nothing reads import.meta.url; defined so esbuild does not warn about it.
  define: { 'import.meta.url': 'undefined' },
  banner: { js: '"use strict";' },
  logLevel: 'warning',
  legalComments: 'none',
});
chmodSync(launcher, 0o755);
