/**
 * Key handling without lost keys. Ink subscribes each useInput handler in a passive effect, a few
 * milliseconds after the frame is drawn: a key typed (or sent by tmux) right after a screen appears
 * could reach nobody. The App owns one Ink subscription (KeyRouter) and components register their
 * handlers in a layout effect, which runs before the next key can be read.
 */
import { useInput, type Key } from 'ink';
import { createContext, useContext, useLayoutEffect, useRef } from 'react';

type Handler = (input: string, key: Key) => void;

interface Registration {
  handler: Handler;
  active: boolean;
}

/** Fans one Ink input subscription out to every registered handler, in registration order. */
export interface KeyRouter {
  register(registration: Registration): () => void;
  dispatch(input: string, key: Key): void;
}

/** Creates a router. */
export function createKeyRouter(): KeyRouter {
  const registrations: Registration[] = [];
  return {
    register(registration) {
      registrations.push(registration);
      return () => {
        const index = registrations.indexOf(registration);
        if (index >= 0) registrations.splice(index, 1);
      };
    },
    dispatch(input, key) {
      for (const registration of [...registrations]) if (registration.active) registration.handler(input, key);
    },
  };
}

/** The router of the enclosing App; undefined when a panel is rendered alone (tests). */
export const KeyRouterContext = createContext<KeyRouter | undefined>(undefined);

/** Subscribes the router to Ink's input once, for the App's lifetime. */
export function useKeyRouterInput(router: KeyRouter): void {
  useInput((input, key) => router.dispatch(input, key));
}

/** Like Ink's useInput, but registered synchronously on commit and always calling the latest handler. */
export function useKeys(handler: Handler, options: { isActive?: boolean } = {}): void {
  const router = useContext(KeyRouterContext);
  const active = options.isActive !== false;
  const registration = useRef<Registration>({ handler, active });
  useLayoutEffect(() => {
    registration.current.handler = handler;
    registration.current.active = active;
  });
  useLayoutEffect(() => router?.register(registration.current), [router]);
  // Without a router (a panel rendered alone) fall back to Ink's own subscription.
  useInput((input, key) => registration.current.handler(input, key), { isActive: router === undefined && active });
}
