/**
 * Runs the investigation the diagnose screens ask for: one stream at a time, its events fed to the
 * reducer, Esc aborts it (the core records the cancellation), a newer investigation or unmount aborts
 * the old one. Quitting waits (bounded) for the aborted stream to write its audit record.
 */
import { useCallback, useEffect, useMemo, useRef, type Dispatch } from 'react';
import { isAbortError, serializeError } from '../../src/errors.js';
import type { TuiServices } from '../services.js';
import type { DiagnoseView } from '../state/diagnose-state.js';
import type { TuiAction } from '../state/types.js';

/** What the App does with an investigation. */
export interface DiagnoseControls {
  cancel(): void;
  /** Aborts a running investigation and waits (at most `timeoutMs`) for it to finish its audit record. */
  shutdown(timeoutMs: number): Promise<void>;
}

/** The hook: starts an investigation whenever `view.runId` changes and the view is busy. */
export function useDiagnose(services: TuiServices, view: DiagnoseView, dispatch: Dispatch<TuiAction>): DiagnoseControls {
  const running = useRef<{ controller: AbortController; done: Promise<void> } | undefined>(undefined);

  useEffect(() => {
    const investigate = services.side?.investigate;
    if (view.runId === 0 || !view.busy || !view.namespace || !investigate) return;
    const runId = view.runId;
    const controller = new AbortController();
    const payload = { namespace: view.namespace, ...(view.target ? { target: view.target } : {}) };
    const done = (async () => {
      try {
        for await (const event of investigate(payload, controller.signal)) dispatch({ type: 'investigation-event', runId, event });
      } catch (error) {
        if (!isAbortError(error)) dispatch({ type: 'investigation-event', runId, event: { type: 'error', error: serializeError(error) } });
      } finally {
        dispatch({ type: 'investigation-finished', runId });
      }
    })();
    const entry = { controller, done };
    running.current = entry;
    return () => {
      controller.abort();
      if (running.current === entry) running.current = undefined;
    };
    // A new investigation is a new runId; its other fields are set together with it.
  }, [view.runId]);

  const cancel = useCallback(() => running.current?.controller.abort(), []);
  const shutdown = useCallback(async (timeoutMs: number) => {
    const current = running.current;
    if (!current) return;
    current.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([current.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }, []);
  return useMemo(() => ({ cancel, shutdown }), [cancel, shutdown]);
}
