/** The embedder seam: the interface (from the pipeline ports) and the factory that picks one from config. */
import type { Embedder } from '../contracts/ports.js';
import type { Config } from '../schemas/config.js';
import { LexicalEmbedder } from './lexical-embedder.js';

export type { Embedder } from '../contracts/ports.js';
export { LexicalEmbedder } from './lexical-embedder.js';

/** Options of createEmbedder. */
export interface CreateEmbedderOptions {
  signal?: AbortSignal;
  /** Model load progress (0..1) for the transformers embedder. */
  onProgress?: (progress: number) => void;
}

/**
 * The embedder the configuration asks for: lexical by default; transformers when
 * `embedder.kind` is 'transformers' (a ModelError explains how to get the model when it is
 * missing and downloads are not allowed: nothing is ever downloaded implicitly).
 */
export async function createEmbedder(config: Config, options: CreateEmbedderOptions = {}): Promise<Embedder> {
  if (config.embedder.kind === 'lexical') return new LexicalEmbedder();
  // Loaded lazily: transformers.js and onnxruntime cost ~200 ms to import, and the lexical path never needs them.
  const { TransformersEmbedder } = await import('./transformers-embedder.js');
  return TransformersEmbedder.load({
    model: config.embedder.model,
    modelsDir: config.planner.modelsDir,
    allowRemoteModels: config.embedder.allowRemoteModels,
    signal: options.signal,
    onProgress: options.onProgress,
  });
}
