/** The session's operations, newest last, shown back at the start. */
import { Box, Text } from 'ink';
import type { HistoryEntry } from './state/reducer.js';
import { useTheme } from './theme.js';

/** Props. */
export interface HistoryPanelProps {
  history: readonly HistoryEntry[];
  /** Rows available. */
  limit: number;
  /** The operation the undo key would invert: marked in the list. */
  undoTarget?: string;
}

const MARK: Record<HistoryEntry['outcome'], string> = { ok: '✔', failed: '✗', cancelled: '■', 'timed-out': '⏱', denied: '⊘', error: '!' };

/** The panel. */
export function HistoryPanel({ history, limit, undoTarget }: HistoryPanelProps) {
  const theme = useTheme();
  if (history.length === 0 || limit < 2) return null;
  const shown = history.slice(-(limit - 1));
  return (
    <Box flexDirection="column">
      <Text bold>{`This session (${history.length})`}</Text>
      {shown.map((entry, index) => {
        const tone = entry.outcome === 'ok' ? 'success' : entry.outcome === 'denied' || entry.outcome === 'cancelled' ? 'warning' : 'danger';
        const facts = [entry.outcome, entry.exitCode !== undefined ? `exit ${entry.exitCode}` : undefined, entry.durationMs !== undefined ? `${(entry.durationMs / 1000).toFixed(1)}s` : undefined, entry.operationId ? `op ${entry.operationId.slice(0, 8)}` : undefined]
          .filter(Boolean)
          .join(' · ');
        return (
          <Text key={index} wrap="truncate-end">
            <Text color={theme.color(tone)}>{`${MARK[entry.outcome]} `}</Text>
            {entry.command}
            <Text color={theme.color('muted')}>{`  ${facts}`}</Text>
            {undoTarget !== undefined && entry.operationId === undoTarget ? <Text color={theme.color('accent')}>{'  · ^Z: undo'}</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}
