/**
 * The core's pending question to the human (the TUI's `ask`): answered by a key, the typed name, or
 * Esc, and dropped when its stream is aborted. The TUI's own reads (the rollout watch) run without a
 * key when the core asks for none.
 */
import { useCallback, useRef, type Dispatch } from 'react';
import type { TuiAsk } from '../services.js';
import type { TuiAction } from '../state/reducer.js';

/** An answer to the core's question; undefined: no answer (the question is dropped). */
export type QuestionAnswer = { confirmed: boolean; text?: string } | undefined;

/** The question's two ends. */
export interface ApprovalQuestion {
  /** Handed to services.run: the core asks through it. */
  ask: TuiAsk;
  /** Answers the pending question, if any. */
  answer(value: QuestionAnswer): void;
}

/** The hook; `auto`: the current proposal was started by rk8s itself (the rollout watch). */
export function useApprovalQuestion(dispatch: Dispatch<TuiAction>, auto: boolean): ApprovalQuestion {
  const pendingAnswer = useRef<((answer: QuestionAnswer) => void) | undefined>(undefined);
  const answer = useCallback((value: QuestionAnswer) => {
    const resolve = pendingAnswer.current;
    pendingAnswer.current = undefined;
    if (!resolve) return;
    dispatch({ type: 'approval-answered' });
    resolve(value);
  }, []);
  const autoRun = useRef(false);
  autoRun.current = auto;
  const ask = useCallback<TuiAsk>((question, signal) => {
    if (autoRun.current && question.requirement.kind === 'none' && !question.proposal.verdict.mutating) return Promise.resolve({ confirmed: true });
    return new Promise((resolve) => {
      const onAbort = () => {
        if (pendingAnswer.current === settle) pendingAnswer.current = undefined;
        resolve(undefined);
      };
      const settle = (value: QuestionAnswer) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      pendingAnswer.current = settle;
      dispatch({ type: 'approval-asked', ...(question.refusal ? { refusal: question.refusal } : {}) });
    });
  }, []);
  return { ask, answer };
}
