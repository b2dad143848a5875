/**
 * Retrieval benchmark: index build time for the real corpus, warm retrieve() median and p95 with
 * the lexical embedder (goal < 5 ms), and at 10,000 synthetic cards the usearch search median
 * (goal < 2 ms) against a brute-force scan of the same vectors in the same run.
 * Run: npx tsx scripts/bench/retrieve.ts   (bounded: about 30 s on 2 cores)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { packageRoot } from '../../src/config/paths.js';
import { loadCards } from '../../src/corpus/load-cards.js';
import { CardSchema, type Card } from '../../src/schemas/card.js';
import { INTENTS, RESOURCES } from '../../src/schemas/vocabulary.js';
import { CardIndex } from '../../src/retrieve/card-index.js';
import { cardDocument } from '../../src/retrieve/card-document.js';
import { createRetriever } from '../../src/retrieve/create-retriever.js';
import { LabelledSetSchema } from '../../src/retrieve/evaluate.js';
import { LexicalEmbedder } from '../../src/retrieve/lexical-embedder.js';

const DEADLINE = performance.now() + 60_000;
const root = packageRoot();

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const ms = (value: number) => `${value.toFixed(3)} ms`;

/** A deterministic pseudo-random generator, so every run benches the same synthetic corpus. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const { cards } = loadCards(path.join(root, 'cards'));
const requests = LabelledSetSchema.parse(yaml.load(readFileSync(path.join(root, 'test', 'fixtures', 'retrieval-set.yaml'), 'utf8')));
const embedder = new LexicalEmbedder();
console.log(`corpus: ${cards.length} cards, ${requests.length} labelled requests, embedder ${embedder.id}, node ${process.version}, ${os.availableParallelism()} cores`);

// 1. Index build for the corpus (in memory), then persisted load.
const builds: number[] = [];
for (let run = 0; run < 20; run++) {
  const started = performance.now();
  await CardIndex.build(cards, embedder);
  builds.push(performance.now() - started);
}
const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'rk8s-bench-'));
const cold = performance.now();
await createRetriever({ cards, embedder, cacheDir });
const buildAndPersist = performance.now() - cold;
const loads: number[] = [];
for (let run = 0; run < 10; run++) {
  const started = performance.now();
  const loaded = await createRetriever({ cards, embedder, cacheDir });
  loads.push(performance.now() - started);
  if (loaded.status.source !== 'cache') throw new Error('expected the persisted index to load');
}
rmSync(cacheDir, { recursive: true, force: true });
console.log(`index build (${cards.length} cards, in memory): median ${ms(quantile(builds, 0.5))}, first ${ms(builds[0]!)}`);
console.log(`index build + persist: ${ms(buildAndPersist)}; load from cache (verify checksum + usearch load + text index): median ${ms(quantile(loads, 0.5))}`);

// 2. Warm retrieve() over the labelled requests.
const retriever = await createRetriever({ cards, embedder });
for (const request of requests) await retriever.retrieve({ query: request.query, intent: request.intent, resource: request.resource });
const latencies: number[] = [];
for (let pass = 0; pass < 20 && performance.now() < DEADLINE; pass++) {
  for (const request of requests) {
    const started = performance.now();
    await retriever.retrieve({ query: request.query, intent: request.intent, resource: request.resource });
    latencies.push(performance.now() - started);
  }
}
console.log(`warm retrieve() (${latencies.length} calls): median ${ms(quantile(latencies, 0.5))}, p95 ${ms(quantile(latencies, 0.95))}, max ${ms(Math.max(...latencies))}  [goal: < 5 ms]`);

// 3. Scale: 10,000 synthetic cards.
const random = mulberry32(42);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
const vocabulary = [...new Set(cards.flatMap((card) => [...card.keywords, ...card.title.toLowerCase().split(/\W+/)]).filter((word) => word.length > 2))];
const template = cards[0]!;
const synthetic: Card[] = [];
for (let index = 0; index < 10_000; index++) {
  const intent = pick(INTENTS);
  const resource = pick(RESOURCES);
  const words = Array.from({ length: 12 }, () => pick(vocabulary));
  synthetic.push(
    CardSchema.parse({
      ...template,
      id: `synthetic-${index}`,
      intent,
      resource,
      title: `${intent} ${resource} ${words.slice(0, 3).join(' ')}`,
      description: words.join(' '),
      keywords: words.slice(3, 8),
      follow_up: [],
    }),
  );
}
let started = performance.now();
const vectors = await embedder.embed(synthetic.map(cardDocument));
const embedMs = performance.now() - started;
started = performance.now();
const bigIndex = await CardIndex.build(synthetic, embedder);
const bigBuildMs = performance.now() - started;
const queries = await embedder.embed(requests.map((request) => request.query));
const K = 10;

const usearchTimes: number[] = [];
const usearchTop: number[][] = [];
for (let pass = 0; pass < 5; pass++) {
  for (const query of queries) {
    const begin = performance.now();
    const hits = bigIndex.search(query, K);
    usearchTimes.push(performance.now() - begin);
    if (pass === 0) usearchTop.push(hits.map((hit) => hit.index));
  }
}
const dimensions = embedder.dimensions;
const flat = new Float32Array(vectors.length * dimensions);
vectors.forEach((vector, row) => flat.set(vector, row * dimensions));
function bruteForce(query: Float32Array, k: number): number[] {
  const best: { index: number; score: number }[] = [];
  for (let row = 0; row < vectors.length; row++) {
    let score = 0;
    const offset = row * dimensions;
    for (let column = 0; column < dimensions; column++) score += flat[offset + column]! * query[column]!;
    if (best.length < k || score > best[best.length - 1]!.score) {
      best.push({ index: row, score });
      best.sort((a, b) => b.score - a.score);
      if (best.length > k) best.pop();
    }
  }
  return best.map((entry) => entry.index);
}
const bruteTimes: number[] = [];
let overlap = 0;
queries.forEach((query, position) => {
  if (performance.now() > DEADLINE) return;
  const begin = performance.now();
  const exact = bruteForce(query, K);
  bruteTimes.push(performance.now() - begin);
  const approximate = new Set(usearchTop[position]);
  overlap += exact.filter((index) => approximate.has(index)).length / K;
});
const usearchMedian = quantile(usearchTimes, 0.5);
const bruteMedian = quantile(bruteTimes, 0.5);
console.log(`10,000 synthetic cards: embed ${ms(embedMs)}, usearch build ${ms(bigBuildMs)}`);
console.log(`  usearch search (k=${K}, ${usearchTimes.length} queries): median ${ms(usearchMedian)}, p95 ${ms(quantile(usearchTimes, 0.95))}  [goal: < 2 ms]`);
console.log(`  brute-force scan of the same ${vectors.length} x ${dimensions} vectors (${bruteTimes.length} queries): median ${ms(bruteMedian)}`);
console.log(`  usearch is ${(bruteMedian / usearchMedian).toFixed(1)}x faster; recall@${K} of usearch vs exact: ${(overlap / bruteTimes.length).toFixed(3)}`);
