/**
 * Planner benchmark: the template planner's median, and the LLM planner with stories260K (cold load,
 * time to first token, tokens per second, second-request TTFT relative to the first: prefix reuse).
 * Run: npx tsx scripts/bench/plan.ts   (bounded: a few seconds; loopback only, nothing downloaded)
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCards } from '../../src/corpus/load-cards.js';
import type { CardMatch } from '../../src/contracts/events.js';
import { createLlamaPlanner } from '../../src/plan/llama-planner.js';
import { planFromTemplate } from '../../src/plan/template-planner.js';

const root = path.resolve(import.meta.dirname, '../..');
const modelPath = process.env.RK8S_BENCH_MODEL ?? path.resolve(root, 'test/fixtures/models/stories260K/stories260K.gguf');
const threads = Number(process.env.RK8S_THREADS ?? 1);
const { cards } = loadCards(path.join(root, 'cards'));
const match = (id: string, rank: number): CardMatch => {
  const card = cards.find((candidate) => candidate.id === id);
  if (!card) throw new Error(`card ${id} missing`);
  const snippet = `${card.title}. ${card.description}`;
  return { id, card, score: 1 - rank / 10, why: ['bench'], snippet, tokens: Math.ceil(snippet.length / 4) };
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// Template planner.
const templateCases = [
  { request: { namespace: 'prod', name: 'api', query: 'scale to 5' }, ids: ['scale-deployment', 'restart-deployment', 'status-deployment'] },
  { request: { namespace: 'prod', name: 'api', query: 'last 200 lines of the envoy container since 15m' }, ids: ['logs-deployment', 'describe-deployment'] },
  { request: { namespace: 'prod', name: 'api', query: 'roll back to revision 3' }, ids: ['rollback-deployment', 'history-deployment'] },
].map(({ request, ids }) => ({ request, matches: ids.map(match) }));
const timings: number[] = [];
for (let index = 0; index < 3000; index += 1) {
  const testCase = templateCases[index % templateCases.length]!;
  const start = performance.now();
  planFromTemplate(testCase.request, testCase.matches, { currentReplicas: 3 });
  timings.push(performance.now() - start);
}
const sorted = [...timings].sort((a, b) => a - b);
console.log(`template planner: median ${median(timings).toFixed(4)} ms, p99 ${sorted[Math.floor(sorted.length * 0.99)]!.toFixed(4)} ms over ${timings.length} plans (goal < 2 ms)`);

// The template planner as propose() runs it: the request read against an inventory of the namespace
// (the one name-resolution read, recorded in test/data) and chosen among every card of the catalog.
{
  const { readFileSync } = await import('node:fs');
  const { parseInventory } = await import('../../src/cluster/name-resolver.js');
  const inventory = parseInventory(readFileSync(path.join(root, 'test/data/inventory-prod.txt'), 'utf8'), 'prod');
  const catalog = new Map(cards.map((card) => [card.id, card]));
  const queries = ['why is payments crashing', 'restart the worker', 'last 50 lines of the envoy container of api-5d8f7c9b6-2xkqp since 15m', 'scale web 5', 'describe node-2, do not drain it', 'exec into db-0'];
  const full: number[] = [];
  for (let index = 0; index < 3000; index += 1) {
    const start = performance.now();
    planFromTemplate({ namespace: 'prod', query: queries[index % queries.length]! }, [], { cards: catalog, inventory });
    full.push(performance.now() - start);
  }
  const fullSorted = [...full].sort((a, b) => a - b);
  console.log(`template planner with reading + inventory + ${cards.length}-card catalog: median ${median(full).toFixed(4)} ms, p99 ${fullSorted[Math.floor(fullSorted.length * 0.99)]!.toFixed(4)} ms over ${full.length} plans`);
}

// LLM planner.
if (!existsSync(modelPath)) {
  console.log(`LLM planner: skipped, ${modelPath} not found`);
  process.exit(0);
}
const planner = createLlamaPlanner({ modelPath, threads, temperature: 0.2, maxTokens: 160, timeoutSeconds: 60, contextSize: 2048 });
const loadStart = performance.now();
await planner.preload?.();
const coldLoad = performance.now() - loadStart;

async function timePlan(query: string, ids: string[]) {
  const start = performance.now();
  let firstToken = 0;
  let chunks = 0;
  let text = '';
  let planner_ = '';
  for await (const event of planner.plan({ namespace: 'prod', name: 'api', query }, ids.map(match), {})) {
    if (event.type === 'plan-delta') {
      if (chunks === 0) firstToken = performance.now() - start;
      chunks += 1;
      text += event.text;
    } else if (event.type === 'plan-end') planner_ = event.planner;
  }
  const total = performance.now() - start;
  const generationSeconds = (total - firstToken) / 1000;
  return { firstToken, total, chunks, tokensPerSecond: chunks > 1 ? (chunks - 1) / generationSeconds : 0, planner: planner_, text };
}

const cardsA = ['restart-deployment', 'get-deployment'];
const runs: { label: string; result: Awaited<ReturnType<typeof timePlan>> }[] = [];
runs.push({ label: 'first request (cards A)', result: await timePlan('restart api please', cardsA) });
runs.push({ label: 'second request (same cards, new text)', result: await timePlan('bounce the api deployment', cardsA) });
runs.push({ label: 'third request (same cards, new text)', result: await timePlan('restart it now', cardsA) });
runs.push({ label: 'other cards (prefix only partly shared)', result: await timePlan('show deployments wide', ['get-deployment', 'describe-deployment']) });
console.log(`LLM planner (${path.basename(modelPath)}, threads ${threads}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.availableParallelism()}, node ${process.version})`);
console.log(`  cold load (binding + model + context): ${coldLoad.toFixed(0)} ms`);
for (const { label, result } of runs) {
  console.log(`  ${label}: TTFT ${result.firstToken.toFixed(1)} ms, total ${result.total.toFixed(0)} ms, ${result.chunks} chunks, ${result.tokensPerSecond.toFixed(0)} tokens/s, answered by ${result.planner}`);
}
const ratio = runs[1]!.result.firstToken / runs[0]!.result.firstToken;
console.log(`  second-request TTFT / first-request TTFT: ${ratio.toFixed(3)} (goal < 0.5)`);
await planner.dispose?.();
