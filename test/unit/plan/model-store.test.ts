import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../../src/errors.js';
import { assertModelFile, listModels, pullModel, resolveModelUri } from '../../../src/plan/model-store.js';

function fixtureDir(): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-models-'));
  mkdirSync(path.join(directory, 'models'));
  writeFileSync(path.join(directory, 'models', 'a.gguf'), Buffer.alloc(1024));
  writeFileSync(path.join(directory, 'models', 'b.gguf'), Buffer.alloc(10));
  writeFileSync(path.join(directory, 'models', 'notes.txt'), 'not a model');
  return directory;
}

const planner = (modelsDir: string, model?: string) => ({ planner: { model, modelsDir, threads: 1, temperature: 0.2, maxTokens: 160, timeoutSeconds: 60, contextSize: 2048 } });

describe('listModels', () => {
  it('lists cached .gguf files with sizes; none is active without a configured model', () => {
    const directory = fixtureDir();
    const models = listModels(planner(path.join(directory, 'models')));
    expect(models.map((model) => [model.name, model.sizeBytes, model.active, model.sources])).toEqual([
      ['a.gguf', 1024, false, ['cached']],
      ['b.gguf', 10, false, ['cached']],
    ]);
  });

  it('marks the configured model active, merging it with its cached entry', () => {
    const directory = fixtureDir();
    const models = listModels(planner(path.join(directory, 'models'), path.join(directory, 'models', 'b.gguf')));
    expect(models[0]).toMatchObject({ name: 'b.gguf', active: true, exists: true, sources: ['configured', 'cached'] });
    expect(models).toHaveLength(2);
  });

  it('shows a configured model that is missing as missing and inactive', () => {
    const models = listModels(planner('/nonexistent-dir', '/nonexistent/x.gguf'));
    expect(models).toEqual([{ name: 'x.gguf', path: '/nonexistent/x.gguf', sizeBytes: undefined, sources: ['configured'], active: false, exists: false }]);
  });
});

describe('model files and URIs', () => {
  it('assertModelFile names the flag and the fix', () => {
    expect(() => assertModelFile('/nonexistent/x.gguf')).toThrow(/--model \/nonexistent\/x\.gguf: no such model file/);
  });

  it.each([
    ['default', 'hf:bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M'],
    ['fast', 'hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M'],
    ['hf:me/repo:Q8_0', 'hf:me/repo:Q8_0'],
  ])('resolves %s', (reference, uri) => {
    expect(resolveModelUri(reference)).toBe(uri);
  });

  it('rejects something that is not a URI before touching the network', async () => {
    await expect(pullModel('llama', { dirPath: os.tmpdir() })).rejects.toThrow(/"llama" is not a model URI/);
  });

  it('fails with a clear ModelError when the host never answers (offline)', async () => {
    // A loopback server that accepts connections and never replies: what a dead network looks like.
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const error = await pullModel(`http://127.0.0.1:${port}/model.gguf`, { dirPath: mkdtempSync(path.join(os.tmpdir(), 'rk8s-pull-')), stallSeconds: 0.5 }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ModelError);
      expect((error as ModelError).message).toMatch(/cannot download http:\/\/127\.0\.0\.1:\d+\/model\.gguf/);
      expect((error as ModelError).hint).toMatch(/RK8S_MODEL/);
    } finally {
      server.close();
    }
  });
});
