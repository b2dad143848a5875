/** The run: kubectl's output streams into the transcript above; this panel shows progress, then exit code, duration and the audit id. */
import { Box, Text } from 'ink';
import { shownExitCode, type RunView } from './state/reducer.js';
import { useTheme } from './theme.js';

/** Props. */
export interface RunPanelProps {
  run: RunView;
  /** The TUI started this read itself: the rollout watch after a change. */
  watching?: boolean;
}

/** The panel. */
export function RunPanel({ run, watching = false }: RunPanelProps) {
  const theme = useTheme();
  const counts = `${run.stdoutLines} line${run.stdoutLines === 1 ? '' : 's'}${run.stderrLines > 0 ? `, ${run.stderrLines} on stderr` : ''}`;
  if (run.busy || !run.end) {
    return (
      <Box flexDirection="column">
        <Text wrap="truncate-end">
          <Text color={theme.color('accent')}>{run.cancelling ? '■ cancelling ' : watching ? '▶ watching the rollout ' : '▶ running '}</Text>
          {run.command}
        </Text>
        <Text color={theme.color('muted')}>{`${counts} so far · Esc cancels (kubectl is stopped and the audit log records it)`}</Text>
        {run.error ? <Text color={theme.color('danger')} wrap="wrap">{`error: ${run.error.message}`}</Text> : null}
      </Box>
    );
  }
  const end = run.end;
  const ok = end.exitCode === 0 && !end.cancelled && !end.timedOut;
  const verdict = end.cancelled ? 'cancelled' : end.timedOut ? 'timed out' : ok ? 'succeeded' : 'failed';
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold color={ok ? theme.color('success') : theme.color('danger')}>{ok ? '✔ ' : '✗ '}{verdict}</Text>
        {` ${run.command}`}
      </Text>
      <Text>
        {'exit code '}
        <Text bold>{String(shownExitCode(end))}</Text>
        {` · ${(end.durationMs / 1000).toFixed(2)}s · ${counts}`}
        {end.truncated ? <Text color={theme.color('warning')}> · output truncated</Text> : null}
      </Text>
      <Text>
        {'audit operation '}
        <Text color={theme.color('accent')}>{run.operationId ?? '(not recorded)'}</Text>
      </Text>
      {end.errorMessage ? <Text color={theme.color('danger')} wrap="wrap">{end.errorMessage}</Text> : null}
      {run.error ? <Text color={theme.color('danger')} wrap="wrap">{`error: ${run.error.message}`}</Text> : null}
    </Box>
  );
}
