/** Loads a list for a picker (namespaces, objects) with an AbortSignal; a new key aborts the old load. */
import { useEffect, useState } from 'react';

/** The state of a list load. */
export interface AsyncList<Item> {
  items: Item[];
  loading: boolean;
  error?: string;
}

/** Loads `load(signal)` whenever `key` changes; aborted on change and unmount. */
export function useAsyncList<Item>(key: string, load: (signal: AbortSignal) => Promise<Item[]>): AsyncList<Item> {
  const [state, setState] = useState<AsyncList<Item>>({ items: [], loading: true });
  useEffect(() => {
    const controller = new AbortController();
    setState({ items: [], loading: true });
    load(controller.signal).then(
      (items) => {
        if (!controller.signal.aborted) setState({ items, loading: false });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ items: [], loading: false, error: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => controller.abort();
    // `load` is recreated every render by callers; the key says when the query really changed.
  }, [key]);
  return state;
}
