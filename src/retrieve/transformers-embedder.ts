/**
 * The transformers.js embedder: a sentence-embedding model (default Xenova/all-MiniLM-L6-v2) run
 * with onnxruntime through @huggingface/transformers' feature-extraction pipeline, mean-pooled
 * and L2-normalised. Loaded once; never downloads unless the configuration allows it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CancelledError, ModelError } from '../errors.js';
import type { Embedder } from '../contracts/ports.js';

/** Where to find the model and whether it may be fetched. */
export interface TransformersEmbedderOptions {
  /** A Hugging Face model id ("Xenova/all-MiniLM-L6-v2") looked up under modelsDir, or a path to a model folder. */
  model: string;
  /** Folder holding models by id (<modelsDir>/<owner>/<name>/{config.json,tokenizer.json,onnx/model.onnx}). */
  modelsDir: string;
  /** Allow a one-time download from the Hugging Face hub into modelsDir. */
  allowRemoteModels: boolean;
  /** Texts per forward pass (default 16). */
  batchSize?: number;
  signal?: AbortSignal;
  /** Load progress, 0..1, when transformers.js reports it. */
  onProgress?: (progress: number) => void;
}

/** The model files transformers.js needs, by precision, in order of preference. */
const MODEL_FILES = [
  { file: 'onnx/model.onnx', dtype: 'fp32' },
  { file: 'onnx/model_quantized.onnx', dtype: 'q8' },
] as const;
const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** True when a model setting names a folder rather than a hub id. */
export function isModelPath(model: string): boolean {
  return path.isAbsolute(model) || model.startsWith('./') || model.startsWith('../') || model.startsWith('~');
}

/** Where a model lives locally: its folder and which ONNX file (if any) is present. */
export function locateModel(model: string, modelsDir: string): { folder: string; modelFile?: (typeof MODEL_FILES)[number]; missing: string[] } {
  const folder = isModelPath(model) ? path.resolve(model.replace(/^~(?=$|\/)/, process.env.HOME ?? '~')) : path.join(modelsDir, model);
  const missing: string[] = REQUIRED_FILES.filter((file) => !existsSync(path.join(folder, file)));
  const modelFile = MODEL_FILES.find((candidate) => existsSync(path.join(folder, candidate.file)));
  if (!modelFile) missing.push(MODEL_FILES.map((candidate) => candidate.file).join(' or '));
  return { folder, modelFile, missing };
}

/** A short fingerprint of the model files, so an index built with other weights at the same path is not trusted. */
function fingerprint(folder: string, modelFile: string): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(path.join(folder, 'config.json')));
  const stats = statSync(path.join(folder, modelFile));
  hash.update(`${modelFile}:${stats.size}`);
  return hash.digest('hex').slice(0, 12);
}

// The pipeline's types are a deep union in transformers.js; these are the parts used here.
interface FeatureTensor {
  dims: number[];
  data: ArrayLike<number>;
}
interface FeatureExtractor {
  (texts: string[], options: { pooling: 'mean'; normalize: boolean }): Promise<FeatureTensor>;
  tokenizer: { encode(text: string): number[] };
  dispose(): Promise<void>;
}

/** Sentence embeddings from a transformers.js model. */
export class TransformersEmbedder implements Embedder {
  private constructor(
    readonly id: string,
    readonly dimensions: number,
    readonly model: string,
    private readonly extractor: FeatureExtractor,
    private readonly batchSize: number,
  ) {}

  /** Loads the model once. Throws ModelError saying how to get the model when it is not available. */
  static async load(options: TransformersEmbedderOptions): Promise<TransformersEmbedder> {
    options.signal?.throwIfAborted();
    const located = locateModel(options.model, options.modelsDir);
    if (located.missing.length > 0 && (!options.allowRemoteModels || isModelPath(options.model))) {
      throw new ModelError(`embedding model "${options.model}" is not available locally: ${located.folder} lacks ${located.missing.join(', ')}`, {
        hint:
          `put the model folder there (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx), ` +
          `or allow a one-time download with RK8S_ALLOW_REMOTE_MODELS=true, or use RK8S_EMBEDDER=lexical`,
        details: { folder: located.folder, missing: located.missing },
      });
    }
    const transformers = await import('@huggingface/transformers');
    const { env } = transformers;
    env.allowLocalModels = true;
    env.allowRemoteModels = options.allowRemoteModels;
    // Downloads (when allowed) land where the next offline run looks for them.
    env.localModelPath = `${options.modelsDir}${path.sep}`;
    env.cacheDir = options.modelsDir;
    const dtype = located.modelFile?.dtype ?? 'q8';
    const modelReference = isModelPath(options.model) ? located.folder : options.model;
    let extractor: FeatureExtractor;
    try {
      const loaded: unknown = await transformers.pipeline('feature-extraction', modelReference, {
        dtype,
        device: 'cpu',
        local_files_only: !options.allowRemoteModels,
        progress_callback: (info: { status?: string; progress?: number }) => {
          if (info.status === 'progress' && typeof info.progress === 'number') options.onProgress?.(info.progress / 100);
        },
      });
      extractor = loaded as FeatureExtractor;
    } catch (error) {
      throw new ModelError(`cannot load embedding model "${options.model}": ${(error as Error).message}`, {
        hint: options.allowRemoteModels
          ? 'check the model id and your network, or use RK8S_EMBEDDER=lexical'
          : 'check the model folder, allow a one-time download with RK8S_ALLOW_REMOTE_MODELS=true, or use RK8S_EMBEDDER=lexical',
        cause: error,
      });
    }
    if (options.signal?.aborted) {
      await extractor.dispose();
      throw new CancelledError('cancelled while loading the embedding model');
    }
    const probe = await extractor(['dimension probe'], { pooling: 'mean', normalize: true });
    const dimensions = probe.dims[probe.dims.length - 1]!;
    const after = locateModel(options.model, options.modelsDir);
    const print = after.modelFile ? `@${fingerprint(after.folder, after.modelFile.file)}` : '';
    return new TransformersEmbedder(`transformers:${options.model}${print}`, dimensions, options.model, extractor, options.batchSize ?? 16);
  }

  /** Embeds texts in batches (abort is honoured between batches). */
  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      signal?.throwIfAborted();
      const batch = texts.slice(start, start + this.batchSize);
      const output = await this.extractor([...batch], { pooling: 'mean', normalize: true });
      const width = output.dims[output.dims.length - 1]!;
      if (width !== this.dimensions) throw new ModelError(`embedding model returned ${width} dimensions, expected ${this.dimensions}`);
      for (let row = 0; row < batch.length; row++) {
        vectors.push(Float32Array.from(Array.prototype.slice.call(output.data, row * width, (row + 1) * width) as number[]));
      }
    }
    return vectors;
  }

  /** Counts tokens with the model's own tokenizer ([CLS] and [SEP] included). */
  countTokens(text: string): number {
    return this.extractor.tokenizer.encode(text).length;
  }

  /** Releases the onnxruntime session. */
  async dispose(): Promise<void> {
    await this.extractor.dispose();
  }
}
