/** Where am I and with what: context, server, namespace, planner, embedder, audit log, and a SANDBOX badge. */
import { Box, Text } from 'ink';
import type { StatusInfo } from './services.js';
import { useTheme } from './theme.js';
import { approvalsBadgeText } from './approvals-panel.js';

/** Props. */
export interface StatusBarProps {
  status: StatusInfo;
  /** Set when the last plan fell back to the template planner (why). */
  fallback?: string;
  namespace?: string;
  width: number;
  /** Approval requests waiting in the inbox (#17): a badge when there are any. */
  approvalsWaiting?: number;
}

/** Shortens a path from the left so its file name stays visible. */
export function shortenPath(path: string, max: number): string {
  if (path.length <= max) return path;
  return `…${path.slice(path.length - max + 1)}`;
}

function plannerLabel(status: StatusInfo, fallback?: string): string {
  if (fallback && !status.modelError) return `template (${fallback})`;
  if (status.modelError) return `template (model failed: ${status.modelError})`;
  if (status.modelProgress !== undefined) return `${status.planner} loading ${Math.round(status.modelProgress * 100)}%`;
  return status.planner;
}

/** The bar: one line on wide terminals, two at 80 columns. */
export function StatusBar({ status, namespace, width, fallback, approvalsWaiting = 0 }: StatusBarProps) {
  const theme = useTheme();
  const wide = width >= 140;
  const badge = status.sandbox ? (
    <Text color={theme.color('sandbox')} bold inverse={theme.colorEnabled}>
      {' SANDBOX '}
    </Text>
  ) : null;
  const readOnly = status.readOnly ? (
    <Text color={theme.color('warning')} bold>
      {' READ-ONLY'}
    </Text>
  ) : null;
  const approvals = approvalsWaiting > 0 ? (
    <Text color={theme.color('warning')} bold inverse={theme.colorEnabled}>
      {approvalsBadgeText(approvalsWaiting)}
    </Text>
  ) : null;
  const cluster = (
    <Text wrap="truncate-end">
      {approvals}
      {approvals ? ' ' : ''}
      {badge}
      {badge ? ' ' : ''}
      <Text color={theme.color('muted')}>ctx </Text>
      {status.context ?? '(current)'}
      <Text color={theme.color('muted')}> server </Text>
      {status.server ?? '…'}
      <Text color={theme.color('muted')}> ns </Text>
      <Text bold>{namespace ?? '-'}</Text>
      {readOnly}
    </Text>
  );
  const auditWidth = Math.max(12, (wide ? width - 110 : width) - 48);
  const tools = (
    <Text wrap="truncate-end">
      <Text color={theme.color('muted')}>planner </Text>
      {plannerLabel(status, fallback)}
      <Text color={theme.color('muted')}> embedder </Text>
      {status.embedder ?? '…'}
      <Text color={theme.color('muted')}> audit </Text>
      {status.auditLogPath ? shortenPath(status.auditLogPath, auditWidth) : '…'}
    </Text>
  );
  return (
    <Box flexDirection="column" width={width}>
      {wide ? (
        <Box>
          {cluster}
          <Text color={theme.color('muted')}>{' │ '}</Text>
          {tools}
        </Box>
      ) : (
        <>
          {cluster}
          {tools}
        </>
      )}
      {status.starting ? <Text color={theme.color('muted')}>{status.starting}</Text> : null}
      {status.error ? (
        <Text color={theme.color('danger')} wrap="truncate-end">
          {status.error}
        </Text>
      ) : null}
    </Box>
  );
}
