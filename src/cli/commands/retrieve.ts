/** `rk8s retrieve`: shows which cards a request retrieves, with scores, reasons and the embedder that answered. */
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { ensureCardIndex } from '../../retrieve/create-retriever.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../retrieve/retrieve.js';
import { action, configFromOptions, printJson } from '../output.js';
import { style } from '../style.js';

interface RetrieveOptions {
  intent?: string;
  resource?: string;
  query?: string;
  k?: string;
  snippets?: boolean;
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InputError(`-k ${value} is not a number of cards from 1 to ${MAX_LIMIT}`, { hint: `use e.g. -k ${DEFAULT_LIMIT}` });
  }
  return limit;
}

/** Aborts on Ctrl-C so a long index build stops cleanly. */
function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.on('SIGINT', onInterrupt);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onInterrupt) };
}

/** Adds `rk8s retrieve` to the program. */
export function registerRetrieveCommand(program: Command): void {
  program
    .command('retrieve')
    .description('show the command cards that best fit a request (hybrid dense + BM25 search over the card index)')
    .argument('[words...]', 'the request in free text (same as --query)')
    .option('-i, --intent <intent>', 'only cards of this intent (relaxed with a note when none match)')
    .option('-r, --resource <resource>', 'only cards for this resource, any kubectl spelling (deploy, po, svc...)')
    .option('-q, --query <text>', 'the request in free text, e.g. "bounce the api, it is stuck"')
    .option('-k <n>', `how many cards, 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT})`)
    .option('--snippets', 'print each card\'s snippet as the planner sees it')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  rk8s retrieve --intent restart --resource deployment --query "safe restart"\n' +
        '  rk8s retrieve bounce the api pods\n' +
        '  rk8s retrieve -q "payments keeps crashing" -k 2 --json\n' +
        '\nThe embedder is chosen by RK8S_EMBEDDER (lexical, the default, or transformers).',
    )
    .action(
      action(async (globals, words: string[], options: RetrieveOptions) => {
        const query = [options.query, ...words].filter((part) => part !== undefined && part.trim() !== '').join(' ');
        const limit = parseLimit(options.k);
        const config = configFromOptions(globals);
        const interrupt = interruptSignal();
        try {
          const retriever = await ensureCardIndex(config, { signal: interrupt.signal });
          const result = await retriever.retrieve({ intent: options.intent, resource: options.resource, query: query === '' ? undefined : query, limit }, interrupt.signal);
          if (globals.json) {
            process.stderr.write(`embedder: ${result.embedder}\n`);
            for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
            printJson(
              result.matches.map((match) => ({
                id: match.id,
                score: match.score,
                intent: match.card.intent,
                resource: match.card.resource,
                title: match.card.title,
                snippet: match.snippet,
              })),
            );
            return;
          }
          const source = retriever.status.source === 'cache' ? 'index loaded from cache' : `index built in ${retriever.status.buildMs.toFixed(1)} ms`;
          process.stdout.write(`${style.dim(`embedder: ${result.embedder} (${retriever.size} cards, ${source})`)}\n`);
          for (const note of result.notes) process.stdout.write(`${style.yellow('note:')} ${note}\n`);
          if (result.matches.length === 0) process.stdout.write('no cards matched\n');
          result.matches.forEach((match, position) => {
            process.stdout.write(
              `${style.bold(`${position + 1}. ${match.id}`)}  ${style.cyan(match.score.toFixed(3))}  ${match.card.intent}/${match.card.resource}  ${match.card.title}\n`,
            );
            process.stdout.write(`   ${style.dim('kubectl')} ${match.card.command_template.join(' ')}\n`);
            if (match.why.length > 0) process.stdout.write(`   ${style.dim(`why: ${match.why.join('; ')}`)}\n`);
            if (options.snippets) process.stdout.write(`${match.snippet.replace(/^/gm, '     ')}\n   ${style.dim(`(${match.tokens} tokens)`)}\n`);
          });
        } finally {
          interrupt.dispose();
        }
      }),
    );
}
