/** `rk8s index build`: embeds the cards and persists the usearch index, with progress and timing. */
import type { Command } from 'commander';
import { ensureCardIndex } from '../../retrieve/create-retriever.js';
import type { IndexProgress } from '../../retrieve/card-index.js';
import { action, configFromOptions, printJson } from '../output.js';
import { style } from '../style.js';

interface IndexBuildOptions {
  ifStale?: boolean;
}

/** Adds `rk8s index build` to the program. */
export function registerIndexCommand(program: Command): void {
  const index = program.command('index').description('manage the card search index');
  index
    .command('build')
    .description('embed every card and write the usearch index under the cache folder (RK8S_CACHE_DIR, default .cache/)')
    .option('--if-stale', 'keep the persisted index when it is already current (what postinstall does)')
    .addHelpText('after', '\nExamples:\n  rk8s index build\n  rk8s index build --if-stale --json\n  RK8S_EMBEDDER=transformers rk8s index build')
    .action(
      action(async (globals, options: IndexBuildOptions) => {
        const config = configFromOptions(globals);
        const controller = new AbortController();
        const onInterrupt = () => controller.abort();
        process.on('SIGINT', onInterrupt);
        const interactive = process.stderr.isTTY === true && !globals.json;
        const onProgress = (progress: IndexProgress) => {
          if (globals.json) return;
          if (progress.stage === 'embed') {
            const line = `embedding cards ${progress.done}/${progress.total}`;
            if (interactive) process.stderr.write(`\r${line}`);
            else if (progress.done === progress.total) process.stderr.write(`${line}\n`);
            if (interactive && progress.done === progress.total) process.stderr.write('\n');
          } else if (progress.stage === 'save') {
            process.stderr.write('writing the index\n');
          }
        };
        const started = performance.now();
        try {
          const retriever = await ensureCardIndex(config, { rebuild: !options.ifStale, signal: controller.signal, onProgress });
          const status = retriever.status;
          const totalMs = performance.now() - started;
          if (globals.json) {
            printJson({
              cards: retriever.size,
              embedder: retriever.embedderId,
              source: status.source,
              refusal: status.refusal,
              directory: status.directory,
              persisted: status.persisted,
              persistError: status.persistError,
              buildMs: Math.round(status.buildMs * 100) / 100,
              totalMs: Math.round(totalMs * 100) / 100,
            });
          } else if (status.source === 'cache') {
            process.stdout.write(`${style.green('✔')} index is current: ${retriever.size} cards, ${retriever.embedderId}, ${status.directory} (${totalMs.toFixed(0)} ms)\n`);
          } else {
            const why = status.refusal && status.refusal.reason !== 'missing' && options.ifStale ? ` (previous index ${status.refusal.reason}: ${status.refusal.message})` : '';
            process.stdout.write(
              `${style.green('✔')} indexed ${retriever.size} cards with ${retriever.embedderId} in ${status.buildMs.toFixed(1)} ms (total ${totalMs.toFixed(0)} ms)${why}\n`,
            );
            if (status.persisted) process.stdout.write(`  written to ${status.directory}\n`);
            else process.stdout.write(`${style.yellow('  not persisted:')} ${status.persistError ?? 'no cache folder'}; searches will rebuild it in memory\n`);
          }
        } finally {
          process.off('SIGINT', onInterrupt);
        }
      }),
    );
}
