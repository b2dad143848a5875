/**
 * Model management: the recommended GGUF models, the models a user has (configured and cached in
 * the models directory), and downloads on explicit request only (`rk8s model pull`). Nothing here
 * runs implicitly: rk8s never downloads a model by itself.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CancelledError, ModelError } from '../errors.js';
import type { Config } from '../schemas/config.js';
import { raceAbort } from './llama-runtime.js';

/** A model we document and test the prompt shape with. */
export interface RecommendedModel {
  alias: 'default' | 'fast' | 'quality';
  uri: string;
  description: string;
  approximateBytes: number;
}

/** The documented choices: a 3B instruct Q4 default, a 1B for speed, an 8B for quality. */
export const RECOMMENDED_MODELS: readonly RecommendedModel[] = [
  {
    alias: 'default',
    uri: 'hf:bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M',
    description: 'Llama 3.2 3B Instruct, Q4_K_M: the balance of speed and judgement rk8s is tuned for',
    approximateBytes: 2.02e9,
  },
  {
    alias: 'fast',
    uri: 'hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M',
    description: 'Llama 3.2 1B Instruct, Q4_K_M: for laptops without a GPU; weaker at picking among similar cards',
    approximateBytes: 0.81e9,
  },
  {
    alias: 'quality',
    uri: 'hf:bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q4_K_M',
    description: 'Llama 3.1 8B Instruct, Q4_K_M: best choices, needs ~6 GB of RAM and a GPU to feel fast',
    approximateBytes: 4.92e9,
  },
];

/** One model rk8s knows about. */
export interface ModelEntry {
  name: string;
  path: string;
  /** Bytes on disk, or undefined when the file does not exist. */
  sizeBytes?: number;
  /** configured: RK8S_MODEL / --model; cached: a .gguf file in the models directory. */
  sources: ('configured' | 'cached')[];
  /** The model the planner would use. */
  active: boolean;
  exists: boolean;
}

function fileSize(file: string): number | undefined {
  try {
    const stats = statSync(file);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    return undefined;
  }
}

/** Configured and cached models, the active one first. */
export function listModels(config: Pick<Config, 'planner'>): ModelEntry[] {
  const entries = new Map<string, ModelEntry>();
  const configured = config.planner.model;
  if (configured !== undefined) {
    const sizeBytes = fileSize(configured);
    entries.set(configured, { name: path.basename(configured), path: configured, sizeBytes, sources: ['configured'], active: sizeBytes !== undefined, exists: sizeBytes !== undefined });
  }
  const directory = config.planner.modelsDir;
  if (existsSync(directory)) {
    for (const file of readdirSync(directory).sort()) {
      if (!file.endsWith('.gguf')) continue;
      const full = path.join(directory, file);
      const existing = entries.get(full);
      if (existing) {
        existing.sources.push('cached');
        continue;
      }
      const sizeBytes = fileSize(full);
      if (sizeBytes === undefined) continue;
      entries.set(full, { name: file, path: full, sizeBytes, sources: ['cached'], active: false, exists: true });
    }
  }
  return [...entries.values()].sort((a, b) => Number(b.active) - Number(a.active));
}

/** Throws a clear ModelError when a model path given explicitly (e.g. --model) is not a readable file. */
export function assertModelFile(modelPath: string, origin = '--model'): void {
  if (fileSize(modelPath) !== undefined) return;
  throw new ModelError(`${origin} ${modelPath}: no such model file`, {
    hint: 'give the path of a .gguf file, `rk8s model pull default` to download one, or --no-model for the template planner',
  });
}

/** Maps an alias ("default", "fast", "quality") to its URI; anything else is taken as a URI. */
export function resolveModelUri(reference: string): string {
  return RECOMMENDED_MODELS.find((model) => model.alias === reference)?.uri ?? reference;
}

/** Download progress. */
export interface PullProgress {
  downloadedBytes: number;
  totalBytes: number;
}

/** Downloads a model (hf:user/repo:quant, hf:user/repo/file.gguf or https://...) into the models directory. */
export async function pullModel(
  reference: string,
  options: {
    dirPath: string;
    signal?: AbortSignal;
    onProgress?: (progress: PullProgress) => void;
    /** Give up when no byte arrives for this long (the downloader retries a dead host forever). Default 30. */
    stallSeconds?: number;
  },
): Promise<{ path: string; sizeBytes: number }> {
  const uri = resolveModelUri(reference);
  if (!/^(hf:|huggingface:|https?:\/\/)/.test(uri)) {
    throw new ModelError(`"${reference}" is not a model URI`, {
      hint: `use hf:<user>/<repo>:<quant>, hf:<user>/<repo>/<file>.gguf, an https:// URL, or one of: ${RECOMMENDED_MODELS.map((model) => model.alias).join(', ')}`,
    });
  }
  const stallMs = (options.stallSeconds ?? 30) * 1000;
  const stalled = new AbortController();
  let watchdog: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => stalled.abort(new Error(`no data received for ${stallMs / 1000}s`)), stallMs);
  };
  const signal = options.signal ? AbortSignal.any([options.signal, stalled.signal]) : stalled.signal;
  try {
    options.signal?.throwIfAborted();
    arm();
    const { createModelDownloader } = await import('node-llama-cpp');
    const downloader = await raceAbort(
      createModelDownloader({
        modelUri: uri,
        dirPath: options.dirPath,
        showCliProgress: false,
        skipExisting: true,
        onProgress: (status) => {
          arm();
          options.onProgress?.({ downloadedBytes: status.downloadedSize, totalBytes: status.totalSize });
        },
      }),
      signal,
    );
    const file = await downloader.download({ signal });
    return { path: file, sizeBytes: fileSize(file) ?? downloader.totalSize };
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError('download cancelled', { cause: error });
    const message = stalled.signal.aborted ? (stalled.signal.reason as Error).message : ((error as Error).message ?? String(error));
    throw new ModelError(`cannot download ${uri}: ${message.split('\n')[0]}`, {
      hint: 'check the network connection and the URI; offline, copy a .gguf file by hand and set RK8S_MODEL=/path/to/model.gguf',
      cause: error,
    });
  } finally {
    clearTimeout(watchdog);
  }
}
