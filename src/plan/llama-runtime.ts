/**
 * One node-llama-cpp model and context per process, shared by every LLM planner: loading a GGUF
 * costs seconds for a real model, and keeping one context sequence lets the evaluated prompt prefix
 * (instructions + cards) be reused by the next request instead of evaluated again.
 */
import os from 'node:os';
import path from 'node:path';
import type {
  ChatWrapper,
  GbnfJsonSchema,
  Llama,
  LlamaContext,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaModel,
  LlamaCompletion,
} from 'node-llama-cpp';
import { ModelError } from '../errors.js';
import { untilAborted } from '../abortable.js';

/** How to open a model. */
export interface LlamaRuntimeOptions {
  modelPath: string;
  threads: number;
  contextSize: number;
}

/** A loaded model with its one context sequence, a completion engine on it, and a lock. */
export interface LlamaRuntime {
  readonly key: string;
  readonly model: LlamaModel;
  readonly context: LlamaContext;
  readonly sequence: LlamaContextSequence;
  readonly completion: LlamaCompletion;
  readonly chatWrapper: ChatWrapper;
  /** Threads actually used (never above the core count). */
  readonly threads: number;
  /** Grammar for a schema, compiled once per distinct schema. */
  grammarFor(schema: GbnfJsonSchema): Promise<LlamaGrammar>;
  /** Waits for exclusive use of the sequence; call the returned function to release it. */
  lock(signal?: AbortSignal): Promise<() => void>;
}

let llamaPromise: Promise<Llama> | undefined;
const models = new Map<string, Promise<LlamaModel>>();
const runtimes = new Map<string, Promise<LlamaRuntime>>();
const references = new Map<string, number>();
let modelLoads = 0;
const progressListeners = new Map<string, Set<(progress: number) => void>>();

/** How many times a model file was actually loaded in this process (diagnostics and tests). */
export function llamaModelLoadCount(): number {
  return modelLoads;
}

/** node-llama-cpp itself, imported on first use: importing it costs ~0.8 s, which the template planner never pays. */
function nodeLlamaCpp(): Promise<typeof import('node-llama-cpp')> {
  return import('node-llama-cpp');
}

/** The llama.cpp binding, loaded once; logs are kept out of the terminal (errors surface as ModelError). */
function loadLlama(): Promise<Llama> {
  llamaPromise ??= nodeLlamaCpp().then(({ getLlama, LlamaLogLevel }) => getLlama({
    // No compiler or network at run time: use the prebuilt binaries or fail clearly.
    build: 'never',
    logLevel: LlamaLogLevel.error,
    logger: () => undefined,
  })).catch((error: unknown) => {
    llamaPromise = undefined;
    throw new ModelError(`cannot start llama.cpp: ${(error as Error).message}`, {
      hint: 'reinstall node-llama-cpp for this platform, or run with --no-model to use the template planner',
      cause: error,
    });
  });
  return llamaPromise;
}

function loadModel(llama: Llama, modelPath: string): Promise<LlamaModel> {
  let promise = models.get(modelPath);
  if (!promise) {
    promise = llama
      .loadModel({
        modelPath,
        onLoadProgress: (progress) => {
          for (const listener of progressListeners.get(modelPath) ?? []) listener(progress);
        },
      })
      .then((model) => {
        modelLoads += 1;
        return model;
      })
      .catch((error: unknown) => {
        models.delete(modelPath);
        throw new ModelError(`cannot load model ${path.basename(modelPath)}: ${(error as Error).message}`, {
          hint: 'check that the file is a complete GGUF model (rk8s model list), or run with --no-model',
          cause: error,
        });
      });
    models.set(modelPath, promise);
  }
  return promise;
}

function createLock(): (signal?: AbortSignal) => Promise<() => void> {
  let tail: Promise<void> = Promise.resolve();
  return async (signal) => {
    let release!: () => void;
    const previous = tail;
    tail = new Promise<void>((resolve) => (release = resolve));
    await raceAbort(previous, signal).catch((error: unknown) => {
      // Give our turn back once the queue reaches it, so later waiters are not stuck behind us.
      void previous.then(release);
      throw error;
    });
    return release;
  };
}

/** Resolves with the promise, or rejects as soon as the signal aborts (the promise keeps running). */
export const raceAbort = untilAborted;

async function openRuntime(options: LlamaRuntimeOptions, key: string): Promise<LlamaRuntime> {
  const llama = await loadLlama();
  const model = await loadModel(llama, options.modelPath);
  // More threads than cores made a tiny model 40x slower on 2-core machines: never exceed the cores.
  const threads = Math.max(1, Math.min(options.threads, os.availableParallelism()));
  const contextSize = Math.min(options.contextSize, model.trainContextSize);
  let context: LlamaContext;
  try {
    context = await model.createContext({ contextSize, threads, sequences: 1 });
  } catch (error) {
    throw new ModelError(`cannot create a ${contextSize}-token context for ${path.basename(options.modelPath)}: ${(error as Error).message}`, {
      hint: 'lower RK8S_CONTEXT_SIZE, or use a smaller model',
      cause: error,
    });
  }
  const { LlamaCompletion, resolveChatWrapper } = await nodeLlamaCpp();
  const sequence = context.getSequence();
  const grammars = new Map<string, Promise<LlamaGrammar>>();
  return {
    key,
    model,
    context,
    sequence,
    threads,
    completion: new LlamaCompletion({ contextSequence: sequence }),
    chatWrapper: resolveChatWrapper(model),
    lock: createLock(),
    grammarFor(schema) {
      const id = JSON.stringify(schema);
      let grammar = grammars.get(id);
      if (!grammar) {
        // Card sets repeat (same intent, same resource): keep a handful of compiled grammars.
        if (grammars.size >= 32) grammars.delete(grammars.keys().next().value!);
        grammar = llama.createGrammarForJsonSchema<GbnfJsonSchema>(schema) as Promise<LlamaGrammar>;
        grammars.set(id, grammar);
        grammar.catch(() => grammars.delete(id));
      }
      return grammar;
    },
  };
}

/**
 * The shared runtime for a model file (memoised by path, threads and context size). `onProgress`
 * gets load progress 0..1; a caller that finds the model already loaded gets 1 at once.
 */
export async function acquireLlamaRuntime(options: LlamaRuntimeOptions, onProgress?: (progress: number) => void): Promise<LlamaRuntime> {
  const key = `${options.modelPath}|${options.threads}|${options.contextSize}`;
  let promise = runtimes.get(key);
  if (!promise) {
    if (onProgress) addProgressListener(options.modelPath, onProgress);
    promise = openRuntime(options, key).catch((error: unknown) => {
      runtimes.delete(key);
      throw error;
    });
    runtimes.set(key, promise);
    references.set(key, 0);
    try {
      await promise;
    } finally {
      if (onProgress) progressListeners.get(options.modelPath)?.delete(onProgress);
    }
  }
  const runtime = await promise;
  references.set(key, (references.get(key) ?? 0) + 1);
  onProgress?.(1);
  return runtime;
}

function addProgressListener(modelPath: string, listener: (progress: number) => void): void {
  let listeners = progressListeners.get(modelPath);
  if (!listeners) progressListeners.set(modelPath, (listeners = new Set()));
  listeners.add(listener);
}

/** Drops one reference; the last one disposes the context (and the model when no context uses it). */
export async function releaseLlamaRuntime(runtime: LlamaRuntime): Promise<void> {
  const count = (references.get(runtime.key) ?? 1) - 1;
  if (count > 0) {
    references.set(runtime.key, count);
    return;
  }
  references.delete(runtime.key);
  runtimes.delete(runtime.key);
  await runtime.context.dispose();
  const modelPath = runtime.key.split('|')[0]!;
  const stillUsed = [...runtimes.keys()].some((key) => key.startsWith(`${modelPath}|`));
  if (!stillUsed) {
    models.delete(modelPath);
    await runtime.model.dispose();
  }
}
