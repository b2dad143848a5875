/**
 * Runs the request stream for the TUI: one AbortController per stream, events fed to the reducer,
 * Esc aborts (kubectl is killed and the pipeline audits the cancellation), unmount aborts everything.
 */
import { useCallback, useEffect, useMemo, useRef, type Dispatch } from 'react';
import { isAbortError, serializeError } from '../../src/errors.js';
import type { PipelineEvent } from '../../src/contracts/events.js';
import type { TuiAction } from '../state/reducer.js';

/** The streams a session runs: one request at a time. */
export type StreamStage = 'request';

interface RunningStream {
  controller: AbortController;
  /** Replaced by a newer stream of the same stage: its events are stale and dropped. */
  superseded: boolean;
  done: Promise<void>;
}

/** Starts, cancels and awaits the pipeline streams of a session. */
export interface PipelineControls {
  start(stage: StreamStage, open: (signal: AbortSignal) => AsyncIterable<PipelineEvent>): void;
  /** Aborts a stage; its stream still reports how it ended (exec-end cancelled, audit-end). */
  cancel(stage: StreamStage): void;
  isRunning(stage: StreamStage): boolean;
  /** Aborts everything and waits (at most `timeoutMs`) for the streams to finish their audit records. */
  shutdown(timeoutMs: number): Promise<void>;
}

/** The hook. */
export function usePipeline(dispatch: Dispatch<TuiAction>): PipelineControls {
  const streams = useRef(new Map<StreamStage, RunningStream>());

  const start = useCallback(
    (stage: StreamStage, open: (signal: AbortSignal) => AsyncIterable<PipelineEvent>) => {
      const previous = streams.current.get(stage);
      if (previous) {
        previous.superseded = true;
        previous.controller.abort();
      }
      const controller = new AbortController();
      const entry: RunningStream = { controller, superseded: false, done: Promise.resolve() };
      // A cancelled request still reports how it ended (exec-end cancelled, audit-end): the reducer shows it.
      const deliver = (event: PipelineEvent) => {
        if (entry.superseded) return;
        dispatch({ type: 'pipeline-event', event });
      };
      entry.done = (async () => {
        try {
          for await (const event of open(controller.signal)) deliver(event);
        } catch (error) {
          if (!isAbortError(error)) deliver({ type: 'error', error: serializeError(error) });
        } finally {
          if (streams.current.get(stage) === entry) streams.current.delete(stage);
          if (!entry.superseded) dispatch({ type: 'stream-finished' });
        }
      })();
      streams.current.set(stage, entry);
    },
    [dispatch],
  );

  const cancel = useCallback((stage: StreamStage) => {
    streams.current.get(stage)?.controller.abort();
  }, []);

  const isRunning = useCallback((stage: StreamStage) => streams.current.has(stage), []);

  const shutdown = useCallback(async (timeoutMs: number) => {
    const pending = [...streams.current.values()];
    for (const stream of pending) stream.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled(pending.map((stream) => stream.done)), deadline]);
    clearTimeout(timer);
  }, []);

  useEffect(() => {
    const current = streams.current;
    return () => {
      for (const stream of current.values()) stream.controller.abort();
    };
  }, []);

  return useMemo(() => ({ start, cancel, isRunning, shutdown }), [start, cancel, isRunning, shutdown]);
}
