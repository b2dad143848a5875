/**
 * The one way component tests render Ink: ink-testing-library plus `waitFor`, which polls the latest
 * frame until a predicate holds or a deadline passes (never a fixed sleep), and named keys.
 */
import { vi } from 'vitest';
import type { ReactElement } from 'react';
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';

/** Raw bytes of the keys tests press. */
export const KEYS = {
  enter: '\r',
  escape: '\u001b',
  up: '\u001b[A',
  down: '\u001b[B',
  backspace: '\u007f',
  tab: '\t',
  ctrlC: '\u0003',
} as const;

/** A rendered tree with helpers. */
export interface InkHarness {
  /** The latest frame without ANSI codes ('' before the first). */
  frame(): string;
  /** Every frame so far, without ANSI codes. */
  frames(): string[];
  /** The latest frame with ANSI codes (to check colour is on or off). */
  rawFrame(): string;
  /** Writes to stdin (a key from KEYS, or text). */
  press(input: string): void;
  /** Waits until the latest frame satisfies the predicate (a string means "contains"); returns that frame. */
  waitFor(predicate: string | RegExp | ((frame: string) => boolean), options?: { timeoutMs?: number; message?: string }): Promise<string>;
  /** Waits for a condition outside the frame (audit records, calls). */
  waitUntil(condition: () => boolean, options?: { timeoutMs?: number; message?: string }): Promise<void>;
  rerender(tree: ReactElement): void;
  unmount(): void;
}

function toPredicate(predicate: string | RegExp | ((frame: string) => boolean)): (frame: string) => boolean {
  if (typeof predicate === 'string') return (frame) => frame.includes(predicate);
  if (predicate instanceof RegExp) return (frame) => predicate.test(frame);
  return predicate;
}

async function poll(check: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  // Let React flush effects from the last key first, so the next key reaches the new handlers.
  await new Promise((resolve) => setTimeout(resolve, 0));
  try {
    // A condition poll that yields to Ink's render and input handling, not a sleep for an assumed delay.
    await vi.waitFor(() => {
      if (!check()) throw new Error('not yet');
    }, { timeout: timeoutMs, interval: 5 });
  } catch {
    throw new Error(describe());
  }
}

/** Renders a tree for a test. */
export function renderInk(tree: ReactElement): InkHarness {
  const instance = render(tree);
  const frame = () => stripVTControlCharacters(instance.lastFrame() ?? '');
  return {
    frame,
    frames: () => instance.frames.map((item) => stripVTControlCharacters(item)),
    rawFrame: () => instance.lastFrame() ?? '',
    press: (input) => instance.stdin.write(input),
    async waitFor(predicate, options = {}) {
      const test = toPredicate(predicate);
      await poll(() => test(frame()), options.timeoutMs ?? 5000, () => `${options.message ?? `frame never matched ${String(predicate)}`}\n--- last frame ---\n${frame()}`);
      return frame();
    },
    async waitUntil(condition, options = {}) {
      await poll(condition, options.timeoutMs ?? 5000, () => `${options.message ?? 'condition never held'}\n--- last frame ---\n${frame()}`);
    },
    rerender: (next) => instance.rerender(next),
    unmount: () => instance.unmount(),
  };
}
