/**
 * The LLM planner: a local GGUF model through node-llama-cpp, constrained by a JSON-schema grammar
 * built from the retrieved cards, streamed token by token. The model only chooses a card and
 * parameter values; code checks them and renders argv from the card (buildPlan). Invalid output is
 * retried once with the reason, then the fallback planner answers and a notice says why.
 */
import path from 'node:path';
import type { LlamaGrammar, LlamaText, Token } from 'node-llama-cpp';
import { z } from 'zod';
import { CancelledError, ModelError, PlanError } from '../errors.js';
import type { CardMatch } from '../contracts/events.js';
import type { Planner, PlanFacts, PlannerEvent } from '../contracts/ports.js';
import { ParamValueSchema, type ParamValue } from '../schemas/card.js';
import type { Plan } from '../schemas/plan.js';
import type { K8sExecPayload } from '../schemas/request.js';
import { buildPlanGrammarSchema } from './grammar.js';
import { acquireLlamaRuntime, raceAbort, releaseLlamaRuntime, type LlamaRuntime } from './llama-runtime.js';
import { buildPlan, cardsFittingRequest, explicitParamProblems, payloadParams } from './planner.js';
import { buildUserMessage, fitPrompt } from './prompt.js';
import { MUTATING_INTENTS } from '../schemas/vocabulary.js';

/** The cards the model may choose: those fitting the request, without mutations the words do not command. */
function offeredCards(request: K8sExecPayload, matches: readonly CardMatch[], facts: PlanFacts): CardMatch[] {
  const reading = facts.reading;
  const fitting = cardsFittingRequest(request, matches);
  if (!reading || reading.intentFrom === 'explicit' || reading.mood === 'command') return [...fitting];
  return fitting.filter((match) => !MUTATING_INTENTS.has(match.card.intent));
}

/** Tokens of the user message (the part the prompt budget must leave room for). */
function countUserTokens(runtime: LlamaRuntime, request: K8sExecPayload, facts: PlanFacts): number {
  // The retry adds a sentence; 64 tokens of headroom cover it and the chat template's wrapping.
  return runtime.model.tokenize(buildUserMessage(request, facts, {}, 'x'.repeat(120))).length + 64;
}
import { setOwnValue } from '../own-property.js';

/** Options of the LLM planner (config.planner supplies them). */
export interface LlamaPlannerOptions {
  modelPath: string;
  threads: number;
  temperature: number;
  maxTokens: number;
  timeoutSeconds: number;
  contextSize: number;
  /** Answers when the model's output stays invalid, times out or fails (usually the template planner). */
  fallback?: Planner;
}

/** What the model must answer (after the grammar): a card id, parameter values or null, a rationale. */
export const ModelAnswerSchema = z.object({
  card: z.string(),
  params: z.record(z.string(), z.union([ParamValueSchema, z.null()])).default({}),
  rationale: z.string().default(''),
});
/** A parsed model answer. */
export type ModelAnswer = z.infer<typeof ModelAnswerSchema>;

/** Checks a model answer against the offered cards and renders it; returns the plan or why it was rejected. */
export function interpretModelAnswer(
  text: string,
  matches: readonly CardMatch[],
  request: K8sExecPayload,
  model: string,
): { plan: Plan } | { rejection: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { rejection: text.trim() === '' ? 'the answer was empty' : 'the answer was not complete JSON' };
  }
  const parsed = ModelAnswerSchema.safeParse(json);
  if (!parsed.success) return { rejection: `the answer does not have the expected shape (${parsed.error.issues[0]?.message ?? 'invalid'})` };
  const match = matches.find((candidate) => candidate.id === parsed.data.card);
  if (!match) return { rejection: `card "${parsed.data.card}" was not offered` };
  const values: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(parsed.data.params)) if (value !== null) setOwnValue(values, name, value);
  // The request's own namespace and name always win over anything the model wrote.
  Object.assign(values, payloadParams(match.card, request));
  const rationale = parsed.data.rationale.trim() || match.card.title;
  const explicit = explicitParamProblems(match.card, request);
  if (explicit.length > 0) {
    // The request's own params do not fit this card. If another offered card takes them, the model
    // chose badly (retry); otherwise no answer can fix the user's value, so the plan stays empty and
    // the pipeline denies it with PARAMS_INVALID.
    const fitting = matches.find((candidate) => explicitParamProblems(candidate.card, request).length === 0);
    if (fitting) return { rejection: `${explicit.map((problem) => problem.message).join('; ')}; card ${fitting.id} takes them` };
  }
  const { plan, invalid } = buildPlan({ card: match.card, values, rationale, planner: 'llm', model });
  const modelProblems = invalid.filter((problem) => !explicit.some((fixed) => fixed.param === problem.param));
  if (modelProblems.length > 0) return { rejection: modelProblems.map((problem) => problem.message).join('; ') };
  return { plan };
}

interface Generation {
  text: string;
  stopReason: string;
}

/** Runs one grammar-constrained completion, yielding its text chunks as plan-delta events as they come. */
async function* generate(
  runtime: LlamaRuntime,
  input: Token[] | LlamaText,
  grammar: LlamaGrammar,
  options: { temperature: number; maxTokens: number; signal: AbortSignal; attempt: number },
): AsyncGenerator<PlannerEvent, Generation> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal.reason);
  options.signal.addEventListener('abort', onAbort, { once: true });
  if (options.signal.aborted) onAbort();
  const chunks: string[] = [];
  let wake: (() => void) | undefined;
  let settled = false;
  const running = runtime.completion
    .generateCompletionWithMeta(input, {
      grammar,
      temperature: options.temperature,
      maxTokens: options.maxTokens,
      signal: controller.signal,
      onTextChunk: (text) => {
        chunks.push(text);
        wake?.();
      },
    })
    .finally(() => {
      settled = true;
      wake?.();
    });
  running.catch(() => undefined);
  try {
    for (;;) {
      while (chunks.length > 0) yield { type: 'plan-delta', text: chunks.shift()!, attempt: options.attempt };
      if (settled) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (chunks.length > 0 || settled) resolve();
      });
      wake = undefined;
    }
    const result = await running;
    return { text: result.response, stopReason: result.metadata.stopReason };
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    // A consumer that stops listening must not leave the model generating into the shared sequence.
    if (!settled) {
      controller.abort(new CancelledError('planning cancelled'));
      await running.catch(() => undefined);
    }
  }
}

/**
 * Creates the LLM planner. The model is loaded on first use (or preload) and shared by every
 * planner of this process that names the same file.
 */
export function createLlamaPlanner(options: LlamaPlannerOptions): Planner {
  const modelName = path.basename(options.modelPath);
  let runtime: Promise<LlamaRuntime> | undefined;
  const runtimeOptions = { modelPath: options.modelPath, threads: options.threads, contextSize: options.contextSize };

  const acquire = (onProgress?: (progress: number) => void): Promise<LlamaRuntime> => {
    runtime ??= acquireLlamaRuntime(runtimeOptions, onProgress).catch((error: unknown) => {
      runtime = undefined;
      throw error;
    });
    return runtime;
  };

  async function* fallBack(reason: string, request: K8sExecPayload, matches: readonly CardMatch[], facts: PlanFacts, signal?: AbortSignal): AsyncGenerator<PlannerEvent> {
    if (!options.fallback) throw new PlanError(`the model could not plan: ${reason}`, { hint: 'rephrase the request, or run with --no-model' });
    yield { type: 'notice', level: 'warn', stage: 'plan', message: `model ${modelName}: ${reason}; the ${options.fallback.kind} planner answered` };
    yield* options.fallback.plan(request, matches, facts, signal);
  }

  return {
    kind: 'llm',
    model: modelName,

    async preload(preloadOptions = {}) {
      await raceAbort(acquire(preloadOptions.onProgress), preloadOptions.signal);
    },

    async *plan(request, matches, facts, signal) {
      signal?.throwIfAborted();
      if (matches.length === 0) {
        yield* fallBack('no card was retrieved', request, matches, facts, signal);
        return;
      }
      // A question to ask or a refusal is decided from the words and the cluster, not by the model.
      if (facts.reading && facts.reading.outcome.kind !== 'plan' && options.fallback) {
        yield { type: 'notice', level: 'info', stage: 'plan', message: `answered without the model: the request ${facts.reading.outcome.kind === 'ask' ? 'needs a clarification' : 'is out of scope'}` };
        yield* options.fallback.plan(request, matches, facts, signal);
        return;
      }
      // Only a commanded change may select a mutating card ("why is node-1 cordoned" never cordons).
      const offered = offeredCards(request, matches, facts);
      if (offered.length === 0) {
        yield* fallBack('no offered card fits what the words command', request, matches, facts, signal);
        return;
      }
      const timeout = AbortSignal.timeout(options.timeoutSeconds * 1000);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let failure: string;
      try {
        const loaded = await raceAbort(acquire(), combined);
        const release = await loaded.lock(combined);
        try {
          const grammar = await raceAbort(loaded.grammarFor(buildPlanGrammarSchema(offered, request)), combined);
          const budget = loaded.context.contextSize - options.maxTokens;
          const fitted = fitPrompt(offered, (text) => loaded.model.tokenize(text).length, budget - countUserTokens(loaded, request, facts));
          if (fitted.note) yield { type: 'notice', level: 'info', stage: 'plan', message: fitted.note };
          const system = fitted.system;
          const fixed: Record<string, ParamValue> = {};
          if (request.namespace) fixed.namespace = request.namespace;
          if (request.name) fixed.name = request.name;
          Object.assign(fixed, request.params ?? {});
          let rejection: string | undefined;
          for (let attempt = 0; attempt < 2; attempt += 1) {
            const history = [
              { type: 'system' as const, text: system },
              { type: 'user' as const, text: buildUserMessage(request, facts, fixed, rejection) },
              { type: 'model' as const, response: [] },
            ];
            const { contextText } = loaded.chatWrapper.generateContextState({ chatHistory: history });
            const tokens = contextText.tokenize(loaded.model.tokenizer);
            if (tokens.length + options.maxTokens > loaded.context.contextSize) {
              throw new ModelError(`the prompt (${tokens.length} tokens) does not fit the ${loaded.context.contextSize}-token context`);
            }
            const generation = yield* generate(loaded, tokens, grammar, {
              temperature: options.temperature,
              maxTokens: options.maxTokens,
              signal: combined,
              attempt: attempt + 1,
            });
            const outcome = interpretModelAnswer(generation.text, offered, request, modelName);
            if ('plan' in outcome) {
              yield { type: 'plan-end', plan: outcome.plan, planner: 'llm' };
              return;
            }
            rejection = generation.stopReason === 'maxTokens' ? `the answer was cut off at ${options.maxTokens} tokens` : outcome.rejection;
            if (attempt === 0) yield { type: 'notice', level: 'info', stage: 'plan', message: `model answer rejected (${rejection}); retrying once` };
          }
          failure = `invalid answer twice (${rejection ?? 'unknown'})`;
        } finally {
          release();
        }
      } catch (error) {
        if (signal?.aborted) throw new CancelledError('planning cancelled', { cause: error });
        if (timeout.aborted) failure = `no answer within ${options.timeoutSeconds}s`;
        else if (error instanceof ModelError) failure = error.message;
        else failure = `model error: ${(error as Error).message}`;
      }
      yield* fallBack(failure, request, matches, facts, signal);
    },

    async dispose() {
      const pending = runtime;
      runtime = undefined;
      const loaded = await pending?.catch(() => undefined);
      if (loaded) await releaseLlamaRuntime(loaded);
    },
  };
}
