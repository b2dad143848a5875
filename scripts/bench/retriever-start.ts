/**
 * What a cached one-shot start spends getting a retriever: each run is a fresh `node` process (cold
 * JIT, as for `rk8s exec`) that loads the cards through the card cache and calls createRetriever on a
 * persisted index, over the real cards with the lexical embedder. Prints the median and p90 of
 * loadCardsCached, createRetriever (wall and CPU time) and the first retrieve(); with
 * `--baseline <checkout>`, the same for another built checkout (an earlier commit, say), interleaved
 * run by run so both see the same machine load, side by side.
 * Needs the compiled modules (npx tsc -p tsconfig.build.json, or npm run build) in each checkout.
 * Run: npx tsx scripts/bench/retriever-start.ts [runs] [--baseline <dir>]   (default 30 runs, ~10 s each side)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const baselineAt = process.argv.indexOf('--baseline');
const baselineRoot = baselineAt > 0 ? process.argv[baselineAt + 1] : undefined;
const positional = process.argv.slice(2).filter((argument, index, all) => argument !== '--baseline' && all[index - 1] !== '--baseline');
const runs = Number(positional[0] ?? 30);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`retriever-start bench: runs must be a positive integer, got "${positional[0]}"`);
  process.exit(2);
}
if (baselineAt > 0 && !baselineRoot) {
  console.error('retriever-start bench: --baseline needs the directory of a built checkout');
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** One start, in the child: argv[1] is the checkout, argv[2] its cache folder. Prints one JSON line. */
const CHILD = `
import { pathToFileURL } from 'node:url';
const [root, cacheDir] = process.argv.slice(1);
const load = (module) => import(pathToFileURL(root + '/dist/src/' + module + '.js').href);
const { loadCardsCached } = await load('corpus/card-cache');
const { createRetriever } = await load('retrieve/create-retriever');
const { LexicalEmbedder } = await load('retrieve/lexical-embedder');
const cpu = () => { const usage = process.cpuUsage(); return (usage.user + usage.system) / 1000; };
let wall = performance.now();
const corpus = loadCardsCached(root + '/cards', cacheDir);
const cardsMs = performance.now() - wall;
const embedder = new LexicalEmbedder();
wall = performance.now();
let cpuStart = cpu();
const retriever = await createRetriever({ cards: corpus.cards, embedder, cacheDir });
const retrieverMs = performance.now() - wall;
const retrieverCpuMs = cpu() - cpuStart;
wall = performance.now();
await retriever.retrieve({ query: 'bounce the api pods in prod' });
const retrieveMs = performance.now() - wall;
console.log(JSON.stringify({ cards: corpus.cache, index: retriever.status.source, text: retriever.status.textIndex?.source ?? '-', cardsMs, retrieverMs, retrieverCpuMs, retrieveMs }));
`;

interface Sample {
  cards: string;
  index: string;
  text: string;
  cardsMs: number;
  retrieverMs: number;
  retrieverCpuMs: number;
  retrieveMs: number;
}

function start(checkout: string, cacheDir: string): Sample {
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', CHILD, checkout, cacheDir], { encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').at(-1)!) as Sample;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const sides = [{ label: 'this checkout', root }, ...(baselineRoot ? [{ label: 'baseline', root: path.resolve(baselineRoot) }] : [])];
for (const side of sides) {
  if (!existsSync(path.join(side.root, 'dist', 'src', 'retrieve', 'create-retriever.js'))) {
    console.error(`retriever-start bench: ${side.root}/dist is missing (run npx tsc -p tsconfig.build.json there)`);
    process.exit(1);
  }
}
const caches = sides.map(() => mkdtempSync(path.join(os.tmpdir(), 'rk8s-bench-start-')));
try {
  // The first start builds and persists everything (card cache, index); the second checks it loads.
  sides.forEach((side, index) => start(side.root, caches[index]!));
  sides.forEach((side, index) => {
    const sample = start(side.root, caches[index]!);
    console.log(`${side.label} (${side.root}): cards ${sample.cards}, index ${sample.index}, text index ${sample.text}`);
  });
  const samples: Sample[][] = sides.map(() => []);
  for (let run = 0; run < runs; run++) sides.forEach((side, index) => samples[index]!.push(start(side.root, caches[index]!)));

  console.log(`\ncached start, ${runs} fresh processes per side (node ${process.version}, ${os.availableParallelism()} cores), ms: median / p90`);
  const rows: Array<[string, keyof Sample]> = [
    ['loadCardsCached (hit)', 'cardsMs'],
    ['createRetriever (wall)', 'retrieverMs'],
    ['createRetriever (CPU)', 'retrieverCpuMs'],
    ['first retrieve()', 'retrieveMs'],
  ];
  console.log(`${''.padEnd(26)}${sides.map((side) => side.label.padStart(20)).join('')}`);
  for (const [label, key] of rows) {
    const cells = samples.map((list) => {
      const values = list.map((sample) => sample[key] as number);
      return `${quantile(values, 0.5).toFixed(2)} / ${quantile(values, 0.9).toFixed(2)}`.padStart(20);
    });
    console.log(`${label.padEnd(26)}${cells.join('')}`);
  }
} finally {
  for (const cache of caches) rmSync(cache, { recursive: true, force: true });
}
