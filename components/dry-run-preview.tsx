/** The server-side dry-run preview shown before a mutation is confirmed. */
import { Box, Text } from 'ink';
import type { Change } from '../src/schemas/change.js';
import type { PreviewView } from './state/reducer.js';
import { useTheme } from './theme.js';

/** Props. */
export interface DryRunPreviewProps {
  preview: PreviewView;
  height: number;
  /** Whether to print the failure warning here; off when the confirmation right below prints it. */
  showWarning?: boolean;
  /** Show kubectl's full dry-run output instead of the change summary (the `v` key). */
  full?: boolean;
}

/** One change as a line: `deployment/web replicas 2 → 5 (note)`. */
export function changeLine(change: Change): string {
  const values = change.from !== undefined || change.to !== undefined ? ` ${change.from ?? '(none)'} → ${change.to ?? '(none)'}` : '';
  return `${change.object} ${change.field}${values}${change.note ? ` (${change.note})` : ''}`;
}

/**
 * Why the previewed command will probably fail, when the preview's kubectl failed: a server-side
 * dry-run (or the current-state query shown instead) that exits non-zero means the server refused
 * (no rollout history, NotFound...). Undefined otherwise.
 */
export function previewFailure(preview: PreviewView): string | undefined {
  if (preview.status !== 'done' || preview.exitCode === undefined || preview.exitCode === 0) return undefined;
  // The pipeline's notice when kubectl cannot dry-run the command and the current state was queried instead.
  return preview.message?.includes('current state')
    ? `the current-state query failed (exit ${preview.exitCode}): the object may not exist; this command will probably fail too`
    : `the server-side dry-run failed (exit ${preview.exitCode}): this command will probably fail too`;
}

/** The panel. */
export function DryRunPreview({ preview, height, showWarning = true, full = false }: DryRunPreviewProps) {
  const theme = useTheme();
  if (preview.status === 'idle') return null;
  const changes = preview.changes ?? [];
  if (changes.length > 0 && !full) {
    const room = Math.max(1, height - 1 - (preview.message ? 2 : 0));
    return (
      <Box flexDirection="column">
        <Text bold>
          {'What changes '}
          <Text color={theme.color('muted')}>{`(from the dry-run; v shows its full output)`}</Text>
        </Text>
        {showWarning && previewFailure(preview) ? <Text bold color={theme.color('danger')} wrap="wrap">{`  ${previewFailure(preview)}`}</Text> : null}
        {changes.slice(0, room).map((change, index) => (
          <Text key={index} color={change.note?.includes('block') ? theme.color('danger') : undefined} wrap="wrap">{`  ${changeLine(change)}`}</Text>
        ))}
        {changes.length > room ? <Text color={theme.color('muted')}>{`  … ${changes.length - room} more changes`}</Text> : null}
        {preview.message ? <Text color={theme.color('muted')} wrap="wrap">{`  ${preview.message}`}</Text> : null}
      </Box>
    );
  }
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
      {showWarning && previewFailure(preview) ? <Text bold color={theme.color('danger')} wrap="wrap">{`  ${previewFailure(preview)}`}</Text> : null}
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
