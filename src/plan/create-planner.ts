/**
 * Chooses the planner for a configuration: the LLM planner (with the template planner as its
 * fallback) when a model file is configured and present, else the template planner.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Planner } from '../contracts/ports.js';
import type { Config } from '../schemas/config.js';
import { createLlamaPlanner } from './llama-planner.js';
import { assertModelFile } from './model-store.js';
import { createTemplatePlanner } from './template-planner.js';

/** How to treat a configured model file that does not exist. */
export interface CreatePlannerOptions {
  /**
   * true: throw a ModelError (for an explicit --model, a typo should stop the command);
   * false (default): the template planner answers and every plan starts with a warning notice
   * (for RK8S_MODEL pointing at a file that went away, the tool stays useful).
   */
  strictModel?: boolean;
}

/** The planner for this configuration (see CreatePlannerOptions for a missing model file). */
export function createPlanner(config: Config, options: CreatePlannerOptions = {}): Planner {
  const template = createTemplatePlanner();
  const modelPath = config.planner.model;
  if (modelPath === undefined) return template;
  if (!existsSync(modelPath)) {
    if (options.strictModel) assertModelFile(modelPath);
    return withWarning(template, `model file ${modelPath} not found (RK8S_MODEL or config); the template planner answers. Fix the path or \`rk8s model pull default\``);
  }
  return createLlamaPlanner({
    modelPath: path.resolve(modelPath),
    threads: config.planner.threads,
    temperature: config.planner.temperature,
    maxTokens: config.planner.maxTokens,
    timeoutSeconds: config.planner.timeoutSeconds,
    contextSize: config.planner.contextSize,
    fallback: template,
  });
}

function withWarning(planner: Planner, message: string): Planner {
  return {
    kind: planner.kind,
    async *plan(request, matches, facts, signal) {
      yield { type: 'notice', level: 'warn', stage: 'model', message };
      yield* planner.plan(request, matches, facts, signal);
    },
  };
}
