/**
 * Key handling without lost keys. Ink subscribes each useInput handler in a passive effect, a few
 * milliseconds after the frame is drawn: a key typed (or sent by tmux) right after a screen appears
 * could reach nobody. The App owns one Ink subscription (KeyRouter) and components register their
 * handlers in a layout effect, which runs before the next key can be read.
 */
import { useInput, type Key } from 'ink';
import { createContext, useContext, useLayoutEffect, useMemo, useRef } from 'react';

type Handler = (input: string, key: Key) => void;

interface Registration {
  handler: Handler;
  active: boolean;
}

/** Fans one Ink input subscription out to every registered handler, in registration order. */
export interface KeyRouter {
  register(registration: Registration): () => void;
  dispatch(input: string, key: Key): void;
  /** Called on every commit of a component with keys: the handlers now see the latest state. */
  committed(): void;
}

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** One character of a burst as the key Ink would have reported had it arrived alone. */
function keyOf(character: string): [string, Key] {
  if (character === '\r' || character === '\n') return ['', { ...NO_KEY, return: true }];
  if (character === '\u007f' || character === '\b') return ['', { ...NO_KEY, backspace: true }];
  if (character === '\t') return ['', { ...NO_KEY, tab: true }];
  if (character === '\u001b') return ['', { ...NO_KEY, escape: true, meta: true }];
  const code = character.codePointAt(0) ?? 0;
  // Ctrl+letter arrives as 0x01-0x1a; Ink reports it as the letter with ctrl set.
  if (code >= 1 && code <= 26) return [String.fromCharCode(code + 96), { ...NO_KEY, ctrl: true }];
  return [character, { ...NO_KEY, shift: /^[A-Z]$/.test(character) }];
}

/**
 * Splits what Ink hands over as one `input` into the keys it holds. Ink separates escape sequences
 * but passes a run of plain characters read at once (fast typing, a paste, `tmux send-keys 1 2`)
 * as one string, Enter included: a picker would not see `12` as two digits, a text field would eat
 * the `\r` of `why\r`.
 */
export function splitKeys(input: string, key: Key): Array<[string, Key]> {
  const characters = Array.from(input);
  const modified = key.ctrl || key.meta || key.escape || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end;
  if (characters.length <= 1 || modified || input.startsWith('\u001b')) return [[input, key]];
  return characters.map(keyOf);
}

/** How long a key waits for the render of the previous one before it is delivered anyway (a key that changed nothing renders nothing). */
const SETTLE_MS = 30;

/**
 * Creates a router. Keys are delivered one at a time, each once the previous one's state update has
 * been committed (the handlers re-register in a layout effect, so they see the new screen), so a
 * burst `1 2` picks an intent and then a resource on the resource screen, and `why\r` types then
 * submits. React renders an update asynchronously (a microtask, then a scheduler task): delivering
 * the next key right away would hand it the previous screen's handlers and stale values.
 */
export function createKeyRouter(): KeyRouter {
  const registrations: Registration[] = [];
  const queue: Array<[string, Key]> = [];
  let draining = false;
  let commits = 0;
  const deliver = (input: string, key: Key) => {
    for (const registration of [...registrations]) if (registration.active) registration.handler(input, key);
  };
  const settle = (commitsBefore: number, since: number) => {
    if (commits !== commitsBefore || Date.now() - since >= SETTLE_MS) {
      drain();
      return;
    }
    // setImmediate first (the render is a tick or two away), then a short timer so an inert key does not spin.
    if (Date.now() - since < 2) setImmediate(() => settle(commitsBefore, since));
    else setTimeout(() => settle(commitsBefore, since), 2);
  };
  const drain = () => {
    const next = queue.shift();
    if (!next) {
      draining = false;
      return;
    }
    const commitsBefore = commits;
    deliver(next[0], next[1]);
    settle(commitsBefore, Date.now());
  };
  return {
    register(registration) {
      registrations.push(registration);
      return () => {
        const index = registrations.indexOf(registration);
        if (index >= 0) registrations.splice(index, 1);
      };
    },
    dispatch(input, key) {
      queue.push(...splitKeys(input, key));
      if (draining) return;
      draining = true;
      // The first key goes now; the next ones after each render.
      drain();
    },
    committed() {
      commits++;
    },
  };
}

/** The router of the enclosing App; undefined when a panel is rendered alone (tests). */
export const KeyRouterContext = createContext<KeyRouter | undefined>(undefined);

/** Subscribes the router to Ink's input once, for the App's lifetime. */
export function useKeyRouterInput(router: KeyRouter): void {
  useInput((input, key) => router.dispatch(input, key));
}

/** Like Ink's useInput, but registered synchronously on commit, always calling the latest handler, and fed one key at a time. */
export function useKeys(handler: Handler, options: { isActive?: boolean } = {}): void {
  const router = useContext(KeyRouterContext);
  const active = options.isActive !== false;
  const registration = useRef<Registration>({ handler, active });
  // Without a router (a panel rendered alone) fall back to Ink's own subscription, through a
  // private router so bursts are split the same way.
  const ownRouter = useMemo(() => {
    const created = createKeyRouter();
    created.register({
      get handler() {
        return registration.current.handler;
      },
      active: true,
    });
    return created;
  }, []);
  useLayoutEffect(() => {
    registration.current.handler = handler;
    registration.current.active = active;
    (router ?? ownRouter).committed();
  });
  useLayoutEffect(() => router?.register(registration.current), [router]);
  useInput((input, key) => ownRouter.dispatch(input, key), { isActive: router === undefined && active });
}
