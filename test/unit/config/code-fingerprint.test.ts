/** codeFingerprint: a hash of rk8s's own module files, found from the package root. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeFingerprint } from '../../../src/config/code-fingerprint.js';
import { packageRoot } from '../../../src/config/paths.js';

describe('codeFingerprint', () => {
  it('hashes the bytes of the named modules (the sources, when running from them)', () => {
    const modules = ['retrieve/bm25', 'retrieve/text-analysis'];
    const expected = createHash('sha256');
    for (const module of modules) {
      const bytes = readFileSync(path.join(packageRoot(), 'src', `${module}.ts`));
      expected.update(`${module}.ts ${bytes.length}\n`);
      expected.update(bytes);
    }
    expect(codeFingerprint(modules)).toBe(expected.digest('hex'));
    expect(codeFingerprint(modules)).toBe(codeFingerprint([...modules]));
  });

  it('tells module lists apart, order included', () => {
    const one = codeFingerprint(['retrieve/bm25', 'retrieve/text-analysis']);
    expect(codeFingerprint(['retrieve/text-analysis', 'retrieve/bm25'])).not.toBe(one);
    expect(codeFingerprint(['retrieve/bm25'])).not.toBe(one);
  });

  it('is undefined when a module cannot be read (a cache of unidentified code is never trusted)', () => {
    expect(codeFingerprint(['retrieve/bm25', 'retrieve/no-such-module'])).toBeUndefined();
  });
});
