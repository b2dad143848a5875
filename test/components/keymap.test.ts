/** The keymap table: one source for dispatch, the help bar and read-only mode. */
import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { KEYMAP, bindingsFor, findBinding, helpBarText } from '../../components/keymap.js';

const key = (patch: Partial<Key> = {}): Key => ({ upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false, ...patch }) as Key;

describe('keymap', () => {
  it('marks exactly the keys that lead to a mutation as dangerous (the confirmations, approving an inbox request, and undo, which proposes one)', () => {
    expect(KEYMAP.filter((binding) => binding.dangerous).map((binding) => `${binding.action}:${binding.label}`).sort()).toEqual([
      'approvals-approve:approve',
      'approvals-submit:approve typed name',
      'confirm-key:confirm and run',
      'confirm-typed:confirm typed name',
      'undo:undo that change',
      'undo:undo the last change',
    ]);
  });

  it('read-only hides and disables dangerous bindings', () => {
    const options = { readOnly: true, confirmAction: 'confirm-key' as const };
    expect(bindingsFor('confirm', options).some((binding) => binding.dangerous)).toBe(false);
    expect(findBinding('confirm', 'y', key(), options)).toBeUndefined();
    expect(findBinding('confirm', 'y', key(), { ...options, readOnly: false })?.action).toBe('confirm-key');
  });

  it('on the confirm screen only the binding the verdict demands is active', () => {
    expect(findBinding('confirm', '', key({ return: true }), { readOnly: false, confirmAction: 'confirm-typed' })?.action).toBe('confirm-typed');
    expect(findBinding('confirm', '', key({ return: true }), { readOnly: false, confirmAction: 'confirm-key' })).toBeUndefined();
    expect(findBinding('verdict', '', key({ return: true }), { readOnly: false, canRun: true })?.action).toBe('proceed');
    expect(findBinding('verdict', '', key({ return: true }), { readOnly: false, canRetry: true })?.action).toBe('retry');
  });

  it('Esc cancels while streaming and goes back elsewhere; Ctrl+C quits everywhere', () => {
    expect(findBinding('running', '', key({ escape: true }), { readOnly: false })?.action).toBe('cancel');
    expect(findBinding('name', '', key({ escape: true }), { readOnly: false })?.action).toBe('back');
    for (const screen of ['intent', 'query', 'running', 'confirm'] as const) {
      expect(findBinding(screen, 'c', key({ ctrl: true }), { readOnly: false })?.action).toBe('quit');
    }
  });

  it('draws the help bar from the same table', () => {
    const text = helpBarText(bindingsFor('verdict', { readOnly: false, hasSuggestions: true, canRun: false }));
    expect(text).toBe('1-9 choose · Esc back · ? help · Ctrl+C quit');
  });
});
