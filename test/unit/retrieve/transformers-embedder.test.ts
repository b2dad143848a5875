import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ModelError } from '../../../src/errors.js';
import { createEmbedder } from '../../../src/retrieve/embedder.js';
import { createRetriever } from '../../../src/retrieve/create-retriever.js';
import { TransformersEmbedder } from '../../../src/retrieve/transformers-embedder.js';
import { sampleCards, tableValue, writeTinyModel } from './fixtures.js';


const DIMENSIONS = 8;

describe('TransformersEmbedder (real transformers.js + onnxruntime, tiny generated model)', () => {
  let root: string;
  let modelsDir: string;
  let embedder: TransformersEmbedder;
  let tokenize: (text: string) => number[];

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'rk8s-transformers-'));
    modelsDir = path.join(root, 'models');
    writeTinyModel(path.join(modelsDir, 'test', 'tiny-minilm'), DIMENSIONS);
    embedder = await TransformersEmbedder.load({ model: 'test/tiny-minilm', modelsDir, allowRemoteModels: false, batchSize: 2 });
    const { AutoTokenizer } = await import('@huggingface/transformers');
    const tokenizer = await AutoTokenizer.from_pretrained(path.join(modelsDir, 'test', 'tiny-minilm'));
    tokenize = (text) => tokenizer.encode(text);
  });
  afterAll(async () => {
    await embedder?.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  /** What mean pooling + L2 normalisation must give for a text, computed independently from the table. */
  function expectedVector(text: string): number[] {
    const ids = tokenize(text);
    const mean = Array.from({ length: DIMENSIONS }, (_, column) => ids.reduce((sum, id) => sum + tableValue(id, column), 0) / ids.length);
    const norm = Math.hypot(...mean);
    return mean.map((value) => value / norm);
  }

  it('loads the model from the models folder by id and reports its dimensions and id', () => {
    expect(embedder.dimensions).toBe(DIMENSIONS);
    expect(embedder.id).toMatch(/^transformers:test\/tiny-minilm@[0-9a-f]{12}$/);
  });

  it('mean-pools token vectors over the attention mask and L2-normalises', async () => {
    const [vector] = await embedder.embed(['restart the api deployment']);
    expect(vector).toBeInstanceOf(Float32Array);
    expect(vector).toHaveLength(DIMENSIONS);
    expect(Math.hypot(...vector!)).toBeCloseTo(1, 5);
    const expected = expectedVector('restart the api deployment');
    vector!.forEach((value, column) => expect(value).toBeCloseTo(expected[column]!, 5));
  });

  it('batches: padded batches give the same vectors as one text at a time', async () => {
    const texts = ['hi', 'bounce the payments deployment in prod please', 'logs', 'why is my pod pending', 'drain node-3'];
    const batched = await embedder.embed(texts);
    expect(batched).toHaveLength(texts.length);
    for (const [position, text] of texts.entries()) {
      const expected = expectedVector(text);
      batched[position]!.forEach((value, column) => expect(value).toBeCloseTo(expected[column]!, 5));
    }
  });

  it('counts tokens with the real tokenizer', () => {
    const text = 'kubectl rollout restart deployment/{{name}} -n {{namespace}}';
    expect(embedder.countTokens(text)).toBe(tokenize(text).length);
  });

  it('also loads from a folder path', async () => {
    const byPath = await TransformersEmbedder.load({ model: path.join(modelsDir, 'test', 'tiny-minilm'), modelsDir: path.join(root, 'elsewhere'), allowRemoteModels: false });
    try {
      const [a] = await byPath.embed(['scale api to 5']);
      const [b] = await embedder.embed(['scale api to 5']);
      expect(Array.from(a!)).toEqual(Array.from(b!));
    } finally {
      await byPath.dispose();
    }
  });

  it('feeds a retriever whose snippets are counted with the tokenizer', async () => {
    const retriever = await createRetriever({ cards: sampleCards(), embedder, cacheDir: path.join(root, 'cache') });
    const result = await retriever.retrieve({ query: 'bounce the api deployment' });
    expect(result.embedder).toBe(embedder.id);
    expect(result.matches.length).toBeGreaterThanOrEqual(2);
    for (const match of result.matches) expect(match.tokens).toBe(embedder.countTokens(match.snippet));
    const again = await createRetriever({ cards: sampleCards(), embedder, cacheDir: path.join(root, 'cache') });
    expect(again.status.source).toBe('cache');
  });

  it('refuses to download: a missing model is a ModelError saying how to get it', async () => {
    const error = await TransformersEmbedder.load({ model: 'Xenova/all-MiniLM-L6-v2', modelsDir, allowRemoteModels: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toContain('is not available locally');
    expect((error as ModelError).message).toContain(path.join(modelsDir, 'Xenova', 'all-MiniLM-L6-v2'));
    expect((error as ModelError).hint).toContain('RK8S_ALLOW_REMOTE_MODELS=true');
    expect((error as ModelError).hint).toContain('RK8S_EMBEDDER=lexical');
  });

  it('createEmbedder picks lexical by default and transformers when configured', async () => {
    const lexical = await createEmbedder(loadConfig({}, {}));
    expect(lexical.id).toMatch(/^lexical-/);
    const configured = await createEmbedder(loadConfig({ embedder: 'transformers', embeddingModel: 'test/tiny-minilm' }, { RK8S_MODELS_DIR: modelsDir }));
    expect(configured.id).toBe(embedder.id);
    await (configured as TransformersEmbedder).dispose();
    await expect(createEmbedder(loadConfig({ embedder: 'transformers', embeddingModel: 'nobody/nothing' }, { RK8S_MODELS_DIR: modelsDir }))).rejects.toThrow(ModelError);
  });
});
