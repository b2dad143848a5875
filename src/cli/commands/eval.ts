/**
 * `rk8s eval`: scores the planner on a labelled set of requests against the sandbox cluster (so
 * names resolve), through the real pipeline with planOnly (nothing runs, nothing is recorded).
 * Prints accuracy per split, per kind and per intent, the probes and every failure; exits 0 at or
 * above the floor with no wrong mutation, 1 otherwise.
 */
import { existsSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../../config/paths.js';
import { ExitCode, InputError } from '../../errors.js';
import { createCore } from '../../pipeline/create-core.js';
import { loadEvalSet, type EvalItem } from '../../eval/eval-set.js';
import { formatReport, runEval } from '../../eval/run-eval.js';
import { startSandbox } from '../../sandbox/index.js';
import { action, configFromOptions, printJson } from '../output.js';
import { interruptSignal } from '../request-options.js';
import { exitCodesHelp } from '../exit-help.js';

interface EvalOptions {
  set?: string[];
  model?: string | false;
  scenario?: string;
  floor?: string;
}

/** The bundled sets: the tuning set and the dev-holdout. */
export function defaultEvalSets(): string[] {
  return ['eval-set.yaml', 'eval-holdout.yaml'].map((file) => path.join(packageRoot(), 'test', 'data', file));
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds `rk8s eval` to the program. */
export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('score the planner on a labelled set of requests against the sandbox cluster (plans only; nothing runs)')
    .option('--set <file>', 'a labelled set (YAML, repeatable; default: test/data/eval-set.yaml and eval-holdout.yaml)', collect)
    .option('--model <path>', 'score this GGUF model as the planner (default: the template planner)')
    .option('--no-model', 'the template planner (the default)')
    .option('--scenario <file>', 'sandbox scenario the names resolve against (default: the bundled default scenario)')
    .option('--floor <fraction>', 'exit 1 below this accuracy (0..1, default 0.95)', '0.95')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  rk8s eval                                   the bundled sets, template planner\n' +
        '  rk8s eval --model ~/models/qwen2.5-3b-instruct-q4_k_m.gguf --floor 0.8\n' +
        '  rk8s eval --set my-requests.yaml --json > report.json\n' +
        '\nSet format: docs/planner.md ("Scoring a planner").' +
        exitCodesHelp({ ok: 'at or above the floor with no wrong mutation', failure: 'otherwise', usage: 'bad flags' }),
    )
    .action(
      action(async (globals, options: EvalOptions) => {
        const floor = Number(options.floor ?? '0.95');
        if (!Number.isFinite(floor) || floor < 0 || floor > 1) throw new InputError(`--floor ${options.floor}: expected a fraction between 0 and 1, e.g. 0.95`);
        const files = options.set && options.set.length > 0 ? options.set : defaultEvalSets();
        for (const file of files) if (!existsSync(file)) throw new InputError(`--set ${file}: file not found`, { hint: 'give a YAML set (see test/data/eval-set.yaml)' });
        if (options.scenario !== undefined && !existsSync(options.scenario)) throw new InputError(`--scenario ${options.scenario}: file not found`);
        if (typeof options.model === 'string' && !existsSync(options.model)) throw new InputError(`--model ${options.model}: no such model file`, { hint: 'give the path of a .gguf file (rk8s model list)' });
        const items: EvalItem[] = files.flatMap((file) => loadEvalSet(file));
        const interrupt = interruptSignal();
        const sandbox = await startSandbox({ ...(options.scenario ? { scenarioPath: options.scenario } : {}), signal: interrupt.signal });
        // kubectl caches discovery per host:port; a fresh cache keeps runs independent.
        const cacheDirectory = mkdtempSync(path.join(tmpdir(), 'rk8s-eval-kubectl-'));
        process.env.KUBECACHEDIR = cacheDirectory;
        try {
          const config = configFromOptions({ ...globals, kubeconfig: sandbox.kubeconfigPath, context: sandbox.contextName }, options.model === false || options.model === undefined ? { model: null } : { model: options.model });
          const core = await createCore(config, {}, { signal: interrupt.signal, strictModel: typeof options.model === 'string' });
          try {
            const report = await runEval(items, core, {
              signal: interrupt.signal,
              onResult: globals.json ? undefined : (result) => {
                if (process.stderr.isTTY) process.stderr.write(`\r${result.item.id.padEnd(24)}`);
              },
            });
            if (process.stderr.isTTY && !globals.json) process.stderr.write('\r'.padEnd(26) + '\r');
            if (globals.json) printJson({ floor, ...report });
            else process.stdout.write(`${formatReport(report, floor)}\n`);
            return report.accuracy >= floor && report.wrongMutations === 0 ? ExitCode.ok : ExitCode.failure;
          } finally {
            await core.close();
          }
        } finally {
          interrupt.dispose();
          await sandbox.stop();
          rmSync(cacheDirectory, { recursive: true, force: true });
        }
      }),
    );
}
