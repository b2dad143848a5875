import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PUBLISHED_SCHEMAS, renderJsonSchema } from '../../../scripts/generate-schemas.js';

describe('published JSON Schemas', () => {
  it.each(Object.keys(PUBLISHED_SCHEMAS))('schemas/%s is up to date with the zod schema', (name) => {
    const committed = readFileSync(path.join(import.meta.dirname, '../../../schemas', name), 'utf8');
    expect(committed, 'run: npx tsx scripts/generate-schemas.ts').toBe(renderJsonSchema(name));
  });

  it('the card schema rejects unknown keys for editors too', () => {
    const schema = JSON.parse(renderJsonSchema('card.schema.json')) as { additionalProperties?: boolean; required?: string[] };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'intent', 'resource', 'command_template', 'risk_level']));
  });
});
