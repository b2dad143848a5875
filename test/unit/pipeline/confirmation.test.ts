import { describe, expect, it } from 'vitest';
import { checkConfirmation, confirmationFor, confirmationWord, typedNameMismatch } from '../../../src/pipeline/confirmation.js';
import type { Verdict } from '../../../src/schemas/verdict.js';

const verdict = (patch: Partial<Verdict>): Verdict => ({ decision: 'allow', risk: 'none', violations: [], suggestions: [], mutating: false, ...patch });

describe('confirmationFor: the one rule every door follows', () => {
  it.each([
    [verdict({}), 'none'],
    [verdict({ risk: 'low', mutating: true }), 'none'],
    [verdict({ decision: 'confirm', risk: 'low', mutating: true }), 'key'],
    [verdict({ decision: 'confirm', risk: 'medium', mutating: true }), 'key'],
    [verdict({ decision: 'confirm', risk: 'high', mutating: true }), 'typed-name'],
    [verdict({ decision: 'deny', risk: 'high', mutating: true }), 'none'],
  ] as const)('%o needs %s', (input, expected) => {
    expect(confirmationFor(input, { verb: 'delete', resource: 'pod', name: 'api-1', namespace: 'prod' }, { intent: 'delete' }).kind).toBe(expected);
  });

  it('the word to type is the object the argv names, else the request name, else the namespace', () => {
    const high = verdict({ decision: 'confirm', risk: 'high', mutating: true, namespace: 'prod' });
    expect(confirmationWord({ verb: 'drain', resource: 'node', name: 'node-1' }, high, {})).toBe('node-1');
    expect(confirmationWord({ verb: 'delete', resource: 'pod' }, high, { name: 'api' })).toBe('api');
    expect(confirmationWord({ verb: 'delete', resource: 'pod', namespace: 'staging' }, high, {})).toBe('staging');
    expect(confirmationWord(undefined, high, {})).toBe('prod');
  });

  it('a change whose intent came from free text only must be pinned by a scripted confirmation', () => {
    const change = verdict({ decision: 'confirm', risk: 'medium', mutating: true });
    expect(confirmationFor(change, undefined, { intent: 'scale' }).expectRequired).toBe(false);
    expect(confirmationFor(change, undefined, {}).expectRequired).toBe(true);
  });
});

describe('checkConfirmation', () => {
  const typed = { kind: 'typed-name', word: 'api', expectRequired: false } as const;
  it('needs a yes for a key, the exact name for typed-name, nothing for none', () => {
    expect(checkConfirmation({ kind: 'none', expectRequired: false }, { confirmed: false })).toBeUndefined();
    expect(checkConfirmation({ kind: 'key', expectRequired: false }, { confirmed: true })).toBeUndefined();
    expect(checkConfirmation({ kind: 'key', expectRequired: false }, { confirmed: false })?.code).toBe('NOT_CONFIRMED');
    expect(checkConfirmation(typed, { confirmed: true, text: 'api' })).toBeUndefined();
    expect(checkConfirmation(typed, { confirmed: true })?.code).toBe('CONFIRM_TEXT_MISMATCH');
    expect(checkConfirmation(typed, { confirmed: true, text: 'api ' })?.code).toBe('CONFIRM_TEXT_MISMATCH');
  });

  it.each([
    ['api', 'api', undefined],
    ['', 'api', 'nothing was typed'],
    [' api ', 'api', 'spaces around'],
    ['API', 'api', 'letter case differs'],
    ['ap', 'api', 'incomplete (1 more character)'],
    ['web', 'api', 'a different name'],
  ])('typed %j for %j is refused because: %s', (text, target, why) => {
    const refusal = typedNameMismatch(text, target);
    if (why === undefined) expect(refusal).toBeUndefined();
    else expect(refusal).toContain(why);
  });
});
