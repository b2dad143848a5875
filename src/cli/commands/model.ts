/** `rk8s model list|pull`: the planner's GGUF models (configured and cached), and explicit downloads. */
import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import { listModels, pullModel, RECOMMENDED_MODELS, resolveModelUri } from '../../plan/model-store.js';
import { action, configFromOptions, printJson } from '../output.js';
import { style } from '../style.js';

function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '-';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function progressBar(downloaded: number, total: number, width = 30): string {
  const fraction = total > 0 ? Math.min(1, downloaded / total) : 0;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${formatBytes(downloaded)} / ${formatBytes(total)}`;
}

/** Adds `rk8s model` (list, pull) to the program. */
export function registerModelCommand(program: Command): void {
  const model = program
    .command('model')
    .description('manage the GGUF models of the LLM planner (without one, the template planner answers)');

  model
    .command('list')
    .description('show the configured model and the models cached in the models directory, with sizes and which is active')
    .addHelpText('after', '\nExamples:\n  rk8s model list\n  RK8S_MODEL=./models/llama-3.2-3b-instruct-q4_k_m.gguf rk8s model list --json')
    .action(
      action(async (options, _options: unknown) => {
        const config = configFromOptions(options);
        const models = listModels(config);
        const active = models.find((entry) => entry.active);
        if (options.json) {
          printJson({ modelsDir: config.planner.modelsDir, configured: config.planner.model ?? null, planner: active ? 'llm' : 'template', threads: config.planner.threads, models, recommended: RECOMMENDED_MODELS });
          return ExitCode.ok;
        }
        process.stdout.write(`${style.bold('models directory:')} ${config.planner.modelsDir}\n`);
        if (models.length === 0) process.stdout.write(style.dim('no models configured or cached\n'));
        for (const entry of models) {
          const marker = entry.active ? style.green('*') : ' ';
          const state = entry.exists ? '' : style.red(' (missing)');
          process.stdout.write(`${marker} ${entry.name.padEnd(48)} ${formatBytes(entry.sizeBytes).padStart(9)}  ${entry.sources.join(', ')}${state}\n`);
          if (entry.sources.includes('configured') || entry.active) process.stdout.write(style.dim(`    ${entry.path}\n`));
        }
        process.stdout.write(
          active
            ? `planner: ${style.green('llm')} (${active.name}, ${config.planner.threads} thread(s))\n`
            : `planner: ${style.yellow('template')} (set RK8S_MODEL or --model to a .gguf file to use the LLM planner)\n`,
        );
        process.stdout.write(style.dim(`\nrecommended (rk8s model pull <alias>):\n`));
        for (const recommended of RECOMMENDED_MODELS) {
          process.stdout.write(style.dim(`  ${recommended.alias.padEnd(8)} ${recommended.uri}  ~${formatBytes(recommended.approximateBytes)}\n`));
        }
        return ExitCode.ok;
      }),
    );

  model
    .command('pull')
    .description('download a GGUF model into the models directory (needs network access; never done implicitly)')
    .argument('<uri>', 'hf:<user>/<repo>:<quant>, hf:<user>/<repo>/<file>.gguf, an https:// URL, or an alias: default, fast, quality')
    .addHelpText(
      'after',
      '\nExamples:\n  rk8s model pull default\n  rk8s model pull hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M\n' +
        '\nThen: RK8S_MODEL=<the printed path> rk8s plan ...',
    )
    .action(
      action(async (options, reference: string, _options: unknown) => {
        const config = configFromOptions(options);
        const controller = new AbortController();
        const onSignal = () => controller.abort();
        process.on('SIGINT', onSignal);
        const interactive = process.stderr.isTTY === true && !options.json;
        let lastPrinted = 0;
        let finished = false;
        try {
          if (!options.json) process.stderr.write(`downloading ${resolveModelUri(reference)} into ${config.planner.modelsDir}\n`);
          const result = await pullModel(reference, {
            dirPath: config.planner.modelsDir,
            signal: controller.signal,
            onProgress: ({ downloadedBytes, totalBytes }) => {
              const now = Date.now();
              if (options.json || now - lastPrinted < 200) return;
              lastPrinted = now;
              const line = progressBar(downloadedBytes, totalBytes);
              process.stderr.write(interactive ? `\r${line}` : `${line}\n`);
            },
          });
          if (interactive) process.stderr.write('\n');
          if (options.json) printJson({ path: result.path, sizeBytes: result.sizeBytes });
          else process.stdout.write(`${style.green('✔')} ${result.path} (${formatBytes(result.sizeBytes)})\nuse it with: RK8S_MODEL=${result.path}\n`);
          finished = true;
          return ExitCode.ok;
        } finally {
          // node-llama-cpp's downloader keeps retrying a dead host in the background; once we have
          // reported the failure, do not let it hold the process open.
          if (!finished) setTimeout(() => process.exit(), 200).unref();
          if (interactive && lastPrinted > 0 && !finished) process.stderr.write('\n');
          process.off('SIGINT', onSignal);
        }
      }),
    );
}
