/**
 * Class guard for invisible and control characters (issue #12 item 7): every code point of the
 * Unicode categories Cc (controls, C0 and C1), Cf (format: bidi overrides, zero-width, BOM, U+180E)
 * and Z (separators) except the ASCII space is denied in every argv position, and refused in every
 * payload field that feeds an argv. The categories are enumerated over all of 0..0x10FFFF with the
 * engine's own \p{…} tables, so a character added to a category by a newer Unicode is covered too.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { K8sExecPayloadSchema } from '../../src/schemas/request.js';
import { loadPolicy } from '../../src/validate/load-policy.js';
import { findUnsafeCharacter } from '../../src/validate/unsafe-characters.js';
import { validate } from '../../src/validate/validate.js';

const policy = loadPolicy(path.resolve(import.meta.dirname, '../../org')).policy!;

const CATEGORIES: ReadonlyArray<[string, RegExp]> = [
  ['Cc', /^\p{Cc}$/u],
  ['Cf', /^\p{Cf}$/u],
  ['Z', /^\p{Z}$/u],
];

/** Every code point of the categories (U+0020 excepted), with its category. */
const UNSAFE_CODE_POINTS: Array<{ label: string; character: string; category: string }> = [];
for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
  const character = String.fromCodePoint(codePoint);
  const category = CATEGORIES.find(([, pattern]) => pattern.test(character))?.[0];
  if (category === undefined || codePoint === 0x20) continue;
  UNSAFE_CODE_POINTS.push({ label: `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`, character, category });
}

/** Where a character is put: `@` marks the spot, in an argv that is allowed without it. */
const POSITIONS: ReadonlyArray<readonly string[]> = [
  ['get', 'pods@', '-n', 'dev'],
  ['@get', 'pods', '-n', 'dev'],
  ['get', 'pods', '-n', 'dev@'],
  ['get', 'pods', '--namespace=@dev'],
  ['get', 'pod', 'api@-1', '-n', 'dev'],
  ['get', 'pod/api@', '-n', 'dev'],
  ['get', 'pods', '-n', 'dev', '-l', 'app=@api'],
  ['get', 'pods', '-n', 'dev', '--selector@=app'],
  ['get', 'pods', '-n', 'dev', '-o', 'wide@'],
  ['logs', 'api-1', '-n', 'dev', '--since=5m@'],
  ['rollout', 'status@', 'deployment/api', '-n', 'dev'],
  ['describe', 'pod', 'api-1', 'api-2@', '-n', 'dev'],
  ['create', 'job', 'manual-1', '--from=cronjob/nightly@', '-n', 'dev'],
  ['patch', 'cronjob', 'nightly', '-n', 'dev', '--type=merge', '-p', '{"spec":{"suspend":true}}@'],
];

describe('Unicode control, format and separator characters', () => {
  it('enumerates the whole categories', () => {
    const counts = new Map<string, number>();
    for (const { category } of UNSAFE_CODE_POINTS) counts.set(category, (counts.get(category) ?? 0) + 1);
    // Cc is exactly C0 + DEL + C1; Cf and Z grow with Unicode versions, so only floors.
    expect(counts.get('Cc')).toBe(65);
    expect(counts.get('Cf')).toBeGreaterThanOrEqual(160);
    expect(counts.get('Z')).toBeGreaterThanOrEqual(18);
    for (const required of ['\u0085', '\u009b', '\u00a0', '\u180e', '\u200b', '\u200d', '\u202e', '\u2066', '\u2028', '\u2029', '\ufeff', '\u3000']) {
      expect(UNSAFE_CODE_POINTS.some((entry) => entry.character === required), `U+${required.codePointAt(0)!.toString(16)}`).toBe(true);
    }
  });

  it.each(POSITIONS.map((args) => ({ args })))('the position $args is allowed with a plain character', ({ args }) => {
    expect(validate(args.map((argument) => argument.replace('@', '')), { policy }).decision).not.toBe('deny');
  });

  it.each(UNSAFE_CODE_POINTS)('$label ($category) denies in every argv position and every payload field', ({ label, character }) => {
    for (const args of POSITIONS) {
      const withCharacter = args.map((argument) => argument.replace('@', character));
      const verdict = validate(withCharacter, { policy });
      expect(verdict.decision, `${label} in ${JSON.stringify(withCharacter)}`).toBe('deny');
      expect(verdict.violations.map((violation) => violation.code)).toContain('ARG_CONTROL_CHARACTER');
      // The message names the character and never carries it raw (a bidi override would reorder the text).
      for (const violation of verdict.violations) expect(findUnsafeCharacter(violation.message), violation.message).toBeUndefined();
    }
    const payloads = [
      { namespace: 'dev', query: `restart api${character} now` },
      { intent: 'restart', resource: 'deployment', namespace: 'dev', name: `api${character}` },
      { intent: 'restart', resource: 'deployment', namespace: `dev${character}`, name: 'api' },
      { intent: 'logs', resource: 'pod', namespace: 'dev', name: 'api-1', params: { container: `envoy${character}` } },
      { intent: 'restart', resource: 'deployment', namespace: 'dev', name: 'api', constraints: { confirm: true, expectArgs: ['rollout', 'restart', `deployment/api${character}`, '-n', 'dev'] } },
    ];
    for (const payload of payloads) expect(K8sExecPayloadSchema.safeParse(payload).success, `${label} in ${JSON.stringify(payload)}`).toBe(false);
  });

  it.each([
    ['a lone surrogate', '\ud800'],
    ['private use', '\ue000'],
    ['an unassigned code point', '\u0378'],
    ['a Hangul filler', '\u3164'],
    ['the braille blank', '\u2800'],
  ])('also denies %s', (_label, character) => {
    expect(validate(['get', `pods${character}`, '-n', 'dev'], { policy }).decision).toBe('deny');
    expect(K8sExecPayloadSchema.safeParse({ namespace: 'dev', query: `get pods${character}` }).success).toBe(false);
  });

  it.each([
    ['a Cyrillic а in a name', ['get', 'pod', 'аpi', '-n', 'dev']],
    ['a fullwidth letter in a verb', ['ｇet', 'pods', '-n', 'dev']],
    ['a Kelvin sign that lower-cases to k', ['get', 'networ\u212Apolicy', '-n', 'dev']],
    ['a dotted capital I in a type', ['get', '\u0130ngress', '-n', 'dev']],
  ])('denies homoglyphs: %s', (_label, args) => {
    expect(validate(args, { policy }).decision).toBe('deny');
  });

  it('keeps ordinary non-ASCII free text in a query', () => {
    expect(K8sExecPayloadSchema.safeParse({ namespace: 'dev', query: 'redémarre api, s\'il te plaît' }).success).toBe(true);
  });
});
