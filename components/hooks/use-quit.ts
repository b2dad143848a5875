/**
 * Quitting the session (Ctrl+C, q): the pending question is dropped, running streams are aborted and
 * given a grace period to write their audit records, then Ink exits. Ctrl+C while kubectl runs
 * cancels it, and the session exits 130, as `rk8s exec` does.
 */
import { useApp } from 'ink';
import { useCallback, useState } from 'react';
import type { QuestionAnswer } from './use-approval-question.js';
import type { DiagnoseControls } from './use-diagnose.js';
import type { PipelineControls } from './use-pipeline.js';

/** What quitting needs. */
export interface QuitOptions {
  pipeline: PipelineControls;
  diagnose: DiagnoseControls;
  answer(value: QuestionAnswer): void;
  /** kubectl is running: quitting cancels it (exit code 130). */
  runBusy: boolean;
  /** How long a cancelled run may take to write its audit record. */
  quitGraceMs: number;
  onExitCode?(code: number): void;
}

/** Quitting, and whether it has begun. */
export interface QuitControls {
  quitting: boolean;
  quit(): void;
}

/** The hook. */
export function useQuit({ pipeline, diagnose, answer, runBusy, quitGraceMs, onExitCode }: QuitOptions): QuitControls {
  const { exit } = useApp();
  const [quitting, setQuitting] = useState(false);
  const quit = useCallback(() => {
    if (quitting) return;
    setQuitting(true);
    // Ctrl+C while kubectl runs cancels it: the session exits 130, as `rk8s exec` does.
    onExitCode?.(runBusy ? 130 : 0);
    answer(undefined);
    void Promise.all([pipeline.shutdown(quitGraceMs), diagnose.shutdown(quitGraceMs)]).then(() => exit());
  }, [quitting, pipeline, diagnose, quitGraceMs, exit, answer, onExitCode, runBusy]);
  return { quitting, quit };
}
