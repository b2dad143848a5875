/**
 * The approvals inbox (#17): what agents filed for a person (id, door, who asked, command, risk, age,
 * expiry), and one request opened with its verdict, the dry-run preview taken when it was filed, and
 * the same confirmation rule as everywhere (medium: y; high: the object's name typed). The decision
 * goes to the core's decideApproval(), which checks it and records it with the OS user.
 */
import { Box, Text } from 'ink';
import type { ApprovalRecord } from '../src/approvals/approval-store.js';
import { DryRunPreview } from './dry-run-preview.js';
import { RiskBadge } from './risk-badge.js';
import type { ApprovalsScreen, ApprovalsView } from './state/approvals-state.js';
import { PromptLine } from './prompt-line.js';
import { useTheme } from './theme.js';

/** Props. */
export interface ApprovalsPanelProps {
  screen: ApprovalsScreen;
  view: ApprovalsView;
  active: boolean;
  limit: number;
  width: number;
  /** The typed name or reason changed. */
  onInput(input: string): void;
}

/** "12s", "5m", "3h": how long ago / until, from the core's clock. */
export function shortDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.round(milliseconds / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds / 3600)}h`;
}

/** The age and expiry of a request at `now`. */
export function ageAndExpiry(record: ApprovalRecord, now: Date): string {
  const age = shortDuration(now.getTime() - Date.parse(record.createdAt));
  const left = Date.parse(record.expiresAt) - now.getTime();
  return `${age} ago · ${left <= 0 ? 'expired' : `expires in ${shortDuration(left)}`}`;
}

function nowOf(view: ApprovalsView): Date {
  return view.now ? new Date(view.now) : new Date();
}

function ListView({ view, limit }: { view: ApprovalsView; limit: number }) {
  const theme = useTheme();
  const now = nowOf(view);
  const rows = Math.max(1, Math.floor((limit - 3) / 2));
  const start = Math.max(0, Math.min(view.selected - Math.floor(rows / 2), view.records.length - rows));
  return (
    <Box flexDirection="column">
      <Text bold>
        {'Approvals inbox'}
        <Text color={theme.color('muted')}>{view.loaded ? ` · ${view.records.length} waiting for a person` : ' · listing…'}</Text>
      </Text>
      {view.result ? <Text color={theme.color(view.result.ok ? 'success' : 'danger')} wrap="wrap">{view.result.text}</Text> : null}
      {view.error ? <Text color={theme.color('danger')} wrap="wrap">{`cannot list the inbox: ${view.error}`}</Text> : null}
      {view.loaded && view.records.length === 0 && !view.error ? <Text color={theme.color('muted')}>nothing waits for approval (agents file requests here through MCP, HTTP or k8s_exec)</Text> : null}
      {view.records.slice(start, start + rows).map((record, index) => {
        const selected = start + index === view.selected;
        const { proposal } = record;
        return (
          <Box key={record.id} flexDirection="column">
            <Text wrap="truncate-end">
              <Text color={selected ? theme.color('highlight') : undefined} bold={selected}>{selected ? '❯ ' : '  '}</Text>
              <Text bold>{record.id}</Text>
              {'  '}
              <Text color={theme.riskColor(proposal.verdict.risk)} bold>{proposal.verdict.risk.toUpperCase().padEnd(6)}</Text>
              {` ${proposal.source.padEnd(4)} `}
              <Text color={theme.color('muted')}>{`by ${record.requestedBy} · ${ageAndExpiry(record, now)}`}</Text>
            </Text>
            <Text color={theme.color('accent')} wrap="truncate-end">{`    ${proposal.plan.command}`}</Text>
          </Box>
        );
      })}
      {view.records.length > rows ? <Text color={theme.color('muted')}>{`  ${view.records.length} requests, ↑↓ to move`}</Text> : null}
    </Box>
  );
}

function DetailView({ view, active, limit, onInput }: { view: ApprovalsView; active: boolean; limit: number; onInput(input: string): void }) {
  const theme = useTheme();
  const record = view.open;
  if (!record) return null;
  const { proposal } = record;
  const { verdict, confirmation } = proposal;
  const namespace = verdict.namespace ?? proposal.request.namespace;
  const word = confirmation.word ?? '';
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{`request ${record.id}`}</Text>
        <Text color={theme.color('muted')}>{` · door ${proposal.source} · asked by ${record.requestedBy} · ${ageAndExpiry(record, nowOf(view))}`}</Text>
      </Text>
      <Text bold wrap="wrap">
        <Text color={theme.color('accent')}>$ </Text>
        {proposal.plan.command}
      </Text>
      <Text wrap="wrap">
        <RiskBadge risk={verdict.risk} />
        {' '}
        <Text bold color={theme.color('warning')}>NEEDS APPROVAL</Text>
        {namespace ? ` · ns ${namespace}` : ''}
        {verdict.tier ? ` · tier ${verdict.tier}` : ''}
        {proposal.context ? ` · ctx ${proposal.context}` : ''}
        {verdict.mutating ? ' · changes the cluster' : ' · read-only'}
      </Text>
      {verdict.violations.map((violation, index) => (
        <Text key={`violation-${index}`} color={theme.color('danger')} wrap="wrap">{`✗ ${violation.message} (${violation.code})`}</Text>
      ))}
      {proposal.request.query ? <Text wrap="truncate-end" color={theme.color('muted')}>{`the agent asked: ${JSON.stringify(proposal.request.query)}`}</Text> : null}
      {record.preview ? (
        <DryRunPreview
          preview={{ status: 'done', output: record.preview.output, ...(record.preview.exitCode === undefined ? {} : { exitCode: record.preview.exitCode }), ...(record.preview.note ? { message: record.preview.note } : {}) }}
          height={Math.max(3, limit - 10)}
        />
      ) : (
        <Text color={theme.color('muted')}>no preview was taken when it was filed</Text>
      )}
      {view.mode === 'view' && confirmation.kind === 'typed-name' ? (
        <Text color={theme.color('danger')} wrap="wrap">
          {'High risk. Press '}
          <Text bold>y</Text>
          {', then type '}
          <Text bold>{word}</Text>
          {' to approve; n to deny (a reason is optional); Esc back.'}
        </Text>
      ) : null}
      {view.mode === 'view' && confirmation.kind !== 'typed-name' ? (
        <Text color={theme.color('warning')} wrap="wrap">
          {`${verdict.risk === 'medium' ? 'Medium risk. ' : ''}Press `}
          <Text bold>y</Text>
          {' to approve exactly this command (it runs once, at the agent\'s door), n to deny, Esc back.'}
        </Text>
      ) : null}
      {view.mode === 'typing-name' ? (
        <Box flexDirection="column">
          <Text color={theme.color('danger')}>
            {'Type '}
            <Text bold>{word}</Text>
            {' and press Enter to approve; Esc cancels.'}
          </Text>
          <PromptLine label="name › " tone="danger" value={view.input} onChange={onInput} active={active} maxLength={253} />
        </Box>
      ) : null}
      {view.mode === 'typing-reason' ? (
        <Box flexDirection="column">
          <Text color={theme.color('warning')}>Why deny it? The agent is shown the reason (optional). Enter denies; Esc cancels.</Text>
          <PromptLine label="reason › " tone="warning" value={view.input} onChange={onInput} active={active} maxLength={500} />
        </Box>
      ) : null}
      {view.mode === 'deciding' ? <Text color={theme.color('muted')}>deciding…</Text> : null}
      {view.refusal ? <Text color={theme.color('danger')} wrap="wrap">{view.refusal}</Text> : null}
    </Box>
  );
}

/** The panel for whichever approvals screen is current. */
export function ApprovalsPanel(props: ApprovalsPanelProps) {
  return props.screen === 'approvals' ? <ListView view={props.view} limit={props.limit} /> : <DetailView view={props.view} active={props.active} limit={props.limit} onInput={props.onInput} />;
}

/** The status bar badge: how many requests wait for a person (readable without colour). */
export function approvalsBadgeText(waiting: number): string {
  return waiting === 1 ? ' 1 APPROVAL ' : ` ${waiting} APPROVALS `;
}
