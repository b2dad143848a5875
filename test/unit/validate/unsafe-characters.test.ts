import { describe, expect, it } from 'vitest';
import { escapeUnsafe, findUnsafeCharacter, isSafeText } from '../../../src/validate/unsafe-characters.js';

describe('unsafe characters', () => {
  it.each([
    ['pods', undefined],
    ['app in (a, b)', undefined],
    ['redémarre', undefined],
    ['日本語', undefined],
    ['pods\u00a0', 'U+00A0'],
    ['a\u0085b', 'U+0085'],
    ['\u202epods', 'U+202E'],
    ['x\u{e0001}', 'U+E0001'],
    ['\ud800', 'U+D800'],
    ['tab\there', 'U+0009'],
  ])('findUnsafeCharacter(%j) = %s', (text, expected) => {
    expect(findUnsafeCharacter(text)).toBe(expected);
    expect(isSafeText(text)).toBe(expected === undefined);
  });

  it('escapes every unsafe character for display and leaves the rest', () => {
    expect(escapeUnsafe('a\u202eb\u00a0c é')).toBe('a<U+202E>b<U+00A0>c é');
    expect(escapeUnsafe('plain ascii')).toBe('plain ascii');
    expect(findUnsafeCharacter(escapeUnsafe('\u2066\u2069\u200b\ufeff'))).toBeUndefined();
  });
});
