// Bundles the TUI (components/ plus Ink, React and their dependencies) into one file next to the
// compiled components: Node 20 spends ~400 ms resolving and compiling Ink's many small modules,
// ~140 ms for one bundle, and that is most of the time before the first frame.
// rk8s's own core (dist/src) stays external, so the TUI and the CLI share one copy of it
// (one error class hierarchy, one model cache, one sandbox registry).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const componentsDirectory = path.join(root, 'dist', 'components');
const coreDirectory = path.join(root, 'dist', 'src');
const entry = path.join(componentsDirectory, 'run-tui.js');

if (!existsSync(entry)) {
  console.error(`bundle-tui: ${entry} is missing (run tsc first)`);
  process.exit(1);
}

const keepCoreExternal = {
  name: 'keep-core-external',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.?\// }, (args) => {
      const absolute = path.resolve(args.resolveDir, args.path);
      if (!absolute.startsWith(coreDirectory + path.sep)) return undefined;
      const fromBundle = path.relative(componentsDirectory, absolute).split(path.sep).join('/');
      return { path: fromBundle.startsWith('.') ? fromBundle : `./${fromBundle}`, external: true };
    });
  },
};

await build({
  entryPoints: [entry],
  outfile: path.join(componentsDirectory, 'run-tui.bundle.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Ink loads its devtools only when DEV=true; they need react-devtools-core, which is not installed.
  external: ['./devtools.js'],
  plugins: [keepCoreExternal],
  // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as rk8sCreateRequire } from 'node:module'; const require = rk8sCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
});
