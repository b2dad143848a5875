/** Test fixtures for retrieval: cards built in code and a tiny ONNX embedding model written on the fly. */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { CardSchema, type Card } from '../../../src/schemas/card.js';
import { packageRoot } from '../../../src/config/paths.js';

/** A valid card with the given id/intent/resource and optional text. */
export function makeCard(fields: { id: string; intent: string; resource: string; title?: string; description?: string; keywords?: string[]; examples?: string[]; notes?: string[] }): Card {
  const requests = fields.examples ?? [`${fields.intent} the ${fields.resource}`];
  return CardSchema.parse({
    id: fields.id,
    title: fields.title ?? `${fields.intent} a ${fields.resource}`,
    intent: fields.intent,
    resource: fields.resource,
    description: fields.description ?? `Does ${fields.intent} on a ${fields.resource}.`,
    command_template: [fields.intent, fields.resource, '{{name}}', '-n', '{{namespace}}'],
    params: [
      { name: 'namespace', type: 'name', required: true, description: 'Namespace.' },
      { name: 'name', type: 'name', required: true, description: 'Name.' },
    ],
    risk_level: 'low',
    verbs: ['get'],
    dry_run: 'none',
    examples: requests.map((request) => ({ request, params: { namespace: 'prod', name: 'api' }, command: `kubectl ${fields.intent} ${fields.resource} api -n prod` })),
    notes: fields.notes ?? [],
    keywords: fields.keywords ?? [],
  });
}

/** A small corpus covering a few intents and resources. */
export function sampleCards(): Card[] {
  return [
    makeCard({ id: 'restart-deployment', intent: 'restart', resource: 'deployment', title: 'Rolling restart of a deployment', keywords: ['bounce', 'recycle', 'rolling restart'] }),
    makeCard({ id: 'restart-statefulset', intent: 'restart', resource: 'statefulset', title: 'Rolling restart of a statefulset', keywords: ['bounce', 'database'] }),
    makeCard({ id: 'scale-deployment', intent: 'scale', resource: 'deployment', title: 'Scale a deployment', keywords: ['replicas', 'scale up', 'scale down'] }),
    makeCard({ id: 'logs-pod', intent: 'logs', resource: 'pod', title: 'Logs of a pod', keywords: ['tail', 'stdout', 'output'] }),
    makeCard({ id: 'diagnose-pod', intent: 'diagnose', resource: 'pod', title: 'Diagnose a failing pod', keywords: ['crashloop', 'oomkilled', 'imagepullbackoff'] }),
    makeCard({ id: 'get-node', intent: 'get', resource: 'node', title: 'List nodes', keywords: ['nodes', 'ready'] }),
    makeCard({ id: 'drain-node', intent: 'drain', resource: 'node', title: 'Drain a node', keywords: ['evacuate', 'maintenance'] }),
  ];
}

/** The real all-MiniLM-L6-v2 tokenizer files shipped for tests (no weights). */
export const TOKENIZER_DIR = path.resolve(packageRoot(), 'test', 'fixtures', 'models', 'all-MiniLM-L6-v2-tokenizer');

/** The deterministic embedding table of the tiny model: row i, column d. */
export function tableValue(row: number, column: number): number {
  return Math.sin(row * 0.37 + column * 1.3) + (column === 0 ? 0.5 : 0);
}

/**
 * Writes a model folder transformers.js loads like any BERT sentence model: the real tokenizer
 * plus onnx/model.onnx, a one-node graph (Gather over an embedding table) whose
 * last_hidden_state is each token's table row. It declares attention_mask and token_type_ids
 * inputs (unused) as exported BERT models do, so the pipeline feeds them.
 */
export function writeTinyModel(folder: string, dimensions = 8): void {
  const { onnx } = onnxProto;
  const vocabularySize = 30522;
  const table = new Float32Array(vocabularySize * dimensions);
  for (let row = 0; row < vocabularySize; row++) for (let column = 0; column < dimensions; column++) table[row * dimensions + column] = tableValue(row, column);
  const tokenInput = (name: string) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: onnx.TensorProto.DataType.INT64, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }] } } },
    });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'rk8s-test',
    graph: {
      name: 'tiny-gather',
      node: [{ opType: 'Gather', input: ['embeddings', 'input_ids'], output: ['last_hidden_state'], attribute: [{ name: 'axis', i: 0, type: onnx.AttributeProto.AttributeType.INT }] }],
      initializer: [{ name: 'embeddings', dims: [vocabularySize, dimensions], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(table.buffer) }],
      input: [tokenInput('input_ids'), tokenInput('attention_mask'), tokenInput('token_type_ids')],
      output: [
        onnx.ValueInfoProto.create({
          name: 'last_hidden_state',
          type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }, { dimValue: dimensions }] } } },
        }),
      ],
    },
  });
  mkdirSync(path.join(folder, 'onnx'), { recursive: true });
  writeFileSync(path.join(folder, 'onnx', 'model.onnx'), onnx.ModelProto.encode(model).finish());
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt']) {
    copyFileSync(path.join(TOKENIZER_DIR, file), path.join(folder, file));
  }
}
