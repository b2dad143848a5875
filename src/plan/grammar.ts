/**
 * The JSON schema that constrains the model's answer, built per request from the retrieved cards:
 * one alternative per card (so a card's parameters come with its own id), the card id a constant,
 * each parameter typed (integers, booleans, enums as enums), optional ones nullable.
 * node-llama-cpp's JSON-schema grammar has no `pattern` and no numeric ranges, so those are written
 * into the parameter's description for the model and enforced afterwards by renderCard (an answer
 * that fails them is retried, then the template planner answers).
 */
import type { GbnfJsonSchema } from 'node-llama-cpp';
import type { CardMatch } from '../contracts/events.js';
import type { CardParam } from '../schemas/card.js';
import type { K8sExecPayload } from '../schemas/request.js';
import { payloadParams } from './planner.js';
import { ownValue, setOwnValue } from '../own-property.js';

/** Longest rationale the grammar allows (characters): keeps answers inside the token budget. */
export const MAX_RATIONALE_LENGTH = 160;

/** Longest string value per parameter type (Kubernetes names are at most 253, labels 63). */
const MAX_LENGTH: Readonly<Record<CardParam['type'], number>> = {
  string: 128,
  name: 63,
  duration: 12,
  integer: 0,
  enum: 0,
  boolean: 0,
};

/** A one-line description of a parameter's constraints (shown to the model and in the grammar). */
export function describeParam(param: CardParam): string {
  const parts: string[] = [param.type];
  if (param.required) parts.push('required');
  if (param.enum) parts.push(`one of ${param.enum.join('|')}`);
  if (param.minimum !== undefined) parts.push(`>= ${param.minimum}`);
  if (param.maximum !== undefined) parts.push(`<= ${param.maximum}`);
  if (param.pattern !== undefined) parts.push(`matches ${param.pattern}`);
  if (param.type === 'duration') parts.push('e.g. 30s, 15m, 1h');
  if (param.type === 'name') parts.push('lower-case DNS name');
  if (param.default !== undefined) parts.push(`default ${String(param.default)}`);
  return `${parts.join(', ')}: ${param.description}`;
}

function paramSchema(param: CardParam): GbnfJsonSchema {
  const description = describeParam(param);
  let schema: GbnfJsonSchema;
  switch (param.type) {
    case 'integer':
      schema = { type: 'integer', description };
      break;
    case 'boolean':
      schema = { type: 'boolean', description };
      break;
    case 'enum':
      schema = { enum: param.enum ?? [], description };
      break;
    default:
      schema = { type: 'string', minLength: 1, maxLength: MAX_LENGTH[param.type], description };
  }
  // The grammar always emits every property, so "not given" has to be an explicit null.
  return param.required ? schema : { oneOf: [schema, { type: 'null' }], description };
}

/**
 * The grammar schema for one request. Parameters the request already fixes (namespace, name) are
 * left out: the model cannot change them, and code fills them in.
 */
export function buildPlanGrammarSchema(matches: readonly CardMatch[], request?: K8sExecPayload): GbnfJsonSchema {
  const alternatives: GbnfJsonSchema[] = matches.map((match) => {
    const fixed = request ? payloadParams(match.card, request) : {};
    const params = match.card.params.filter((param) => ownValue(fixed, param.name) === undefined);
    const properties: Record<string, GbnfJsonSchema> = {};
    for (const param of params) setOwnValue(properties, param.name, paramSchema(param));
    return {
      type: 'object',
      properties: {
        card: { const: match.id },
        params: { type: 'object', properties, required: params.map((param) => param.name), additionalProperties: false },
        rationale: { type: 'string', maxLength: MAX_RATIONALE_LENGTH },
      },
      required: ['card', 'params', 'rationale'],
      additionalProperties: false,
    } satisfies GbnfJsonSchema;
  });
  return alternatives.length === 1 ? alternatives[0]! : { oneOf: alternatives };
}
