/**
 * Starts the request stream whenever the reducer asks for a new request (a new requestId; never on
 * draft edits alone), and after a restart, scale or rollback watches the rollout to the end through
 * the same pipeline (a new request, started by rk8s itself).
 */
import { useEffect, useRef, type Dispatch } from 'react';
import type { K8sExecPayload } from '../../src/schemas/request.js';
import type { TuiAsk, TuiServices } from '../services.js';
import { rolloutWatch, runTarget } from '../state/follow-ups.js';
import { requestFromDraft, type TuiAction, type TuiState } from '../state/reducer.js';
import type { QuestionAnswer } from './use-approval-question.js';
import type { PipelineControls } from './use-pipeline.js';

/** What starting a request needs. */
export interface RequestStreamOptions {
  state: TuiState;
  services: TuiServices;
  pipeline: PipelineControls;
  ask: TuiAsk;
  answer(value: QuestionAnswer): void;
}

/** The request stream of the current requestId. */
export function useRequestStream({ state, services, pipeline, ask, answer }: RequestStreamOptions): void {
  useEffect(() => {
    if (state.proposal.requestId === 0) return;
    // An undo runs the request the core prepared (with its link to the undone operation), never a rebuilt one.
    const undo = state.undo;
    const request = undo ? undo.request : (requestFromDraft(state.draft, state.extraParams) as K8sExecPayload);
    answer(undefined);
    pipeline.start('request', (signal) => (undo ? services.run(request, ask, signal, { undo: undo.context, reads: undo.reads }) : services.run(request, ask, signal)));
  }, [state.proposal.requestId]);
}

/** After a change that rolls out, one watch request per run (never for a watch itself). */
export function useRolloutWatch(state: TuiState, services: TuiServices, dispatch: Dispatch<TuiAction>): void {
  const watchedRun = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (state.screen !== 'result' || state.proposal.auto || !state.run.operationId || watchedRun.current === state.run.operationId) return;
    watchedRun.current = state.run.operationId;
    const watch = rolloutWatch(runTarget(state.proposal), state.run, services.catalog);
    if (watch) dispatch({ type: 'request-started', draft: watch, auto: true });
  }, [state.screen, state.run.operationId]);
}
