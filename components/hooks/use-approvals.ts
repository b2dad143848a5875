/**
 * The approvals inbox for the badge and the panel: lists the pending requests from the store every
 * `pollMs` (the file store is shared with the MCP and HTTP servers and `rk8s approve` in other
 * processes, so a request filed elsewhere shows up here), and hands a person's decision to the core.
 */
import { useCallback, useEffect, useMemo, useRef, type Dispatch } from 'react';
import type { ConfirmationAnswer } from '../../src/pipeline/confirmation.js';
import type { TuiServices } from '../services.js';
import type { TuiAction } from '../state/types.js';

/** How often the inbox is listed when nothing else asks (a modest interval: each listing reads the store's files). */
export const DEFAULT_APPROVALS_POLL_MS = 2000;

/** What the App does with the inbox. */
export interface ApprovalsControls {
  /** Lists now (opening the panel, after a decision). */
  refresh(): void;
  decide(id: string, decision: { outcome: 'approved' | 'denied'; reason?: string; answer?: ConfirmationAnswer }): void;
}

/** The hook. */
export function useApprovals(services: TuiServices, dispatch: Dispatch<TuiAction>, pollMs: number = DEFAULT_APPROVALS_POLL_MS): ApprovalsControls {
  const approvals = services.side?.approvals;
  const listing = useRef<Promise<void> | undefined>(undefined);
  const mounted = useRef(true);

  const refresh = useCallback(() => {
    if (!approvals || listing.current) return;
    listing.current = approvals
      .list()
      .then(
        (records) => {
          if (mounted.current) dispatch({ type: 'approvals-listed', records, now: approvals.now().toISOString() });
        },
        (error: unknown) => {
          if (mounted.current) dispatch({ type: 'approvals-list-failed', message: error instanceof Error ? error.message : String(error) });
        },
      )
      .finally(() => {
        listing.current = undefined;
      });
  }, [approvals, dispatch]);

  useEffect(() => {
    mounted.current = true;
    if (!approvals) return;
    refresh();
    const timer = setInterval(refresh, Math.max(100, pollMs));
    // The poll must not keep the process alive once the TUI has quit.
    timer.unref();
    return () => {
      mounted.current = false;
      clearInterval(timer);
    };
  }, [approvals, pollMs, refresh]);

  const decide = useCallback<ApprovalsControls['decide']>(
    (id, decision) => {
      if (!approvals) return;
      dispatch({ type: 'approval-deciding' });
      approvals.decide(id, decision).then(
        (result) => {
          if (!mounted.current) return;
          dispatch({ type: 'approval-decided', id, outcome: decision.outcome, result });
          refresh();
        },
        (error: unknown) => {
          if (mounted.current) dispatch({ type: 'approval-decided', id, outcome: decision.outcome, result: { ok: false, code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) } });
        },
      );
    },
    [approvals, dispatch, refresh],
  );
  return useMemo(() => ({ refresh, decide }), [refresh, decide]);
}
