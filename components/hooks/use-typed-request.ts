/**
 * The request line's two ways out: a picked intent (its resource step skipped when it has one), or
 * a typed request, whose scope the core reads first (the namespace its words name) before it is
 * planned or the namespace asked for. A newer line, or unmount, aborts the read.
 */
import { useCallback, useEffect, useRef, type Dispatch } from 'react';
import type { Intent } from '../../src/schemas/vocabulary.js';
import { offeredIntents } from '../intent-picker.js';
import { intentsForWord } from '../request-line.js';
import { offeredResources } from '../resource-picker.js';
import type { TuiServices } from '../services.js';
import type { TuiAction, TuiState } from '../state/reducer.js';

/** The request line's callbacks. */
export interface TypedRequest {
  pickIntent(intent: Intent): void;
  submitLine(text: string): void;
}

/** The hook. */
export function useTypedRequest(services: TuiServices, state: Pick<TuiState, 'readOnly' | 'replan'>, dispatch: Dispatch<TuiAction>): TypedRequest {
  const scopeRead = useRef<AbortController | undefined>(undefined);
  const pickIntent = useCallback(
    (intent: Intent) => {
      const resources = offeredResources(services.catalog, intent);
      dispatch({ type: 'intent-picked', intent, ...(resources.length === 1 ? { onlyResource: resources[0]! } : {}) });
    },
    [services],
  );
  const submitLine = useCallback(
    (text: string) => {
      // A lone word that begins exactly one intent's name is that intent's guided pickers (`e` is events).
      const named = state.replan ? [] : intentsForWord(text, offeredIntents(services.catalog, state.readOnly));
      if (named.length === 1) {
        pickIntent(named[0]!);
        return;
      }
      scopeRead.current?.abort();
      const controller = new AbortController();
      scopeRead.current = controller;
      services.scopeOf(text, controller.signal).then(
        (scope) => {
          if (!controller.signal.aborted) dispatch({ type: 'line-submitted', query: text, scope });
        },
        () => {
          if (!controller.signal.aborted) dispatch({ type: 'line-submitted', query: text, scope: {} });
        },
      );
    },
    [services, state.readOnly, state.replan, pickIntent],
  );
  useEffect(() => () => scopeRead.current?.abort(), []);
  return { pickIntent, submitLine };
}
