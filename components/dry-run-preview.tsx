/** The server-side dry-run preview shown before a mutation is confirmed. */
import { Box, Text } from 'ink';
import type { PreviewView } from './state/reducer.js';
import { useTheme } from './theme.js';

/** Props. */
export interface DryRunPreviewProps {
  preview: PreviewView;
  height: number;
}

/** The panel. */
export function DryRunPreview({ preview, height }: DryRunPreviewProps) {
  const theme = useTheme();
  if (preview.status === 'idle') return null;
  const lines = preview.status === 'done' && preview.output.trim() !== '' ? preview.output.trimEnd().split('\n') : [];
  const budget = Math.max(1, height - 2);
  return (
    <Box flexDirection="column">
      <Text bold>
        {'Dry-run preview '}
        {preview.status === 'done' && preview.exitCode !== undefined ? (
          <Text color={preview.exitCode === 0 ? theme.color('success') : theme.color('danger')}>{`(exit ${preview.exitCode})`}</Text>
        ) : null}
      </Text>
      {preview.status === 'loading' ? <Text color={theme.color('muted')}>running the server-side dry-run…</Text> : null}
      {lines.slice(0, budget).map((line, index) => (
        <Text key={index} color={theme.color('muted')} wrap="truncate-end">{`  ${line}`}</Text>
      ))}
      {lines.length > budget ? <Text color={theme.color('muted')}>{`  … ${lines.length - budget} more lines`}</Text> : null}
      {preview.message ? <Text color={theme.color(preview.status === 'failed' ? 'danger' : 'muted')} wrap="wrap">{`  ${preview.message}`}</Text> : null}
      {preview.status === 'unavailable' && !preview.message ? <Text color={theme.color('muted')}>  no dry-run for this command</Text> : null}
    </Box>
  );
}
