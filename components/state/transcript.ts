/** The session transcript and history: how a finished run is summed up in one line. */
import { ExitCode } from '../../src/errors.js';
import type { ExecEnd, HistoryEntry, RunView, TranscriptLine } from './types.js';

/** Appends lines with consecutive ids. */
export function appendLines(transcript: readonly TranscriptLine[], lines: ReadonlyArray<Omit<TranscriptLine, 'id'>>): TranscriptLine[] {
  const start = transcript.length;
  return [...transcript, ...lines.map((line, index) => ({ ...line, id: start + index }))];
}

function outcomeOf(run: RunView): HistoryEntry['outcome'] {
  if (run.end === undefined) return run.error ? 'error' : 'cancelled';
  if (run.end.cancelled) return 'cancelled';
  if (run.end.timedOut) return 'timed-out';
  return run.end.exitCode === 0 ? 'ok' : 'failed';
}

/** Exit code of a run as the CLI reports it: a cancelled run is 130 (SIGINT), whatever kubectl's end was. */
export function shownExitCode(end: ExecEnd): number {
  return end.cancelled ? ExitCode.cancelled : end.exitCode;
}

function formatSeconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(milliseconds < 10_000 ? 2 : 1)}s`;
}

/** The one-line summary of a finished run, as written to the transcript. */
export function runSummary(run: RunView): string {
  const outcome = outcomeOf(run);
  const parts = [outcome === 'ok' ? 'done' : outcome];
  if (run.end) parts.push(`exit ${shownExitCode(run.end)}`, formatSeconds(run.end.durationMs));
  else if (outcome === 'cancelled') parts.push(`exit ${ExitCode.cancelled}`);
  if (run.operationId) parts.push(`operation ${run.operationId}`);
  if (run.error && !run.end) parts.push(run.error.message);
  return parts.join(' · ');
}

/** The history entry of a finished run. */
export function historyEntryOf(run: RunView, namespace: string | undefined): HistoryEntry {
  const outcome = outcomeOf(run);
  return {
    operationId: run.operationId,
    command: run.command,
    namespace,
    outcome,
    exitCode: run.end ? shownExitCode(run.end) : outcome === 'cancelled' ? ExitCode.cancelled : undefined,
    durationMs: run.end?.durationMs,
  };
}
