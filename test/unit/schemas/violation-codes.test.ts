/** The violation-code union (src/schemas/verdict.ts; the type system keeps every code in it) is documented code by code. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ViolationCodeSchema } from '../../../src/schemas/verdict.js';

const root = path.resolve(import.meta.dirname, '../../..');
const security = readFileSync(path.join(root, 'docs/security.md'), 'utf8');
const table = security.slice(security.indexOf('## Violation codes'), security.indexOf('\n## ', security.indexOf('## Violation codes') + 1));

describe('violation codes', () => {
  it('docs/security.md has a row for every code', () => {
    expect(table.length).toBeGreaterThan(0);
    const documented = new Set([...table.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]));
    expect(ViolationCodeSchema.options.filter((code) => !documented.has(code))).toEqual([]);
  });

});
