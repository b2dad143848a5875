/** The validator's verdict: the exact command, a risk badge, violations, and suggestions accepted with one key. */
import { Box, Text } from 'ink';
import { formatCommand } from '../src/corpus/format-command.js';
import { RiskBadge } from './risk-badge.js';
import type { ProposalView } from './state/reducer.js';
import { useTheme } from './theme.js';

/** Props. */
export interface VerdictPanelProps {
  proposal: ProposalView;
  readOnly: boolean;
  width: number;
}

/** The panel. */
export function VerdictPanel({ proposal, readOnly }: VerdictPanelProps) {
  const theme = useTheme();
  const { plan, verdict, error } = proposal;
  const suggestionDiffers =
    proposal.fromSuggestion !== undefined && plan !== undefined && plan.args.length > 0 && JSON.stringify(plan.args) !== JSON.stringify(proposal.fromSuggestion);
  return (
    <Box flexDirection="column">
      {plan && plan.args.length > 0 ? (
        <Text bold wrap="wrap">
          <Text color={theme.color('accent')}>$ </Text>
          {plan.command}
        </Text>
      ) : null}
      {suggestionDiffers ? (
        <Text color={theme.color('warning')}>{`note: re-planned from the suggestion; the command above is what would run`}</Text>
      ) : null}
      {verdict ? (
        <Text wrap="wrap">
          <RiskBadge risk={verdict.risk} />
          {' '}
          <Text bold color={verdict.decision === 'deny' ? theme.color('danger') : verdict.decision === 'confirm' ? theme.color('warning') : theme.color('success')}>
            {verdict.decision === 'deny' ? 'DENIED' : verdict.decision === 'confirm' ? 'NEEDS CONFIRMATION' : 'ALLOWED'}
          </Text>
          {verdict.namespace ? ` · ns ${verdict.namespace}` : ''}
          {verdict.tier ? ` · tier ${verdict.tier}` : ''}
          {verdict.mutating ? ' · changes the cluster' : ' · read-only'}
        </Text>
      ) : null}
      {verdict?.violations.map((violation, index) => (
        <Text key={`violation-${index}`} color={theme.color('danger')} wrap="wrap">
          {`✗ ${violation.message}`}
          <Text color={theme.color('muted')}>{` (${violation.code})`}</Text>
        </Text>
      ))}
      {verdict && verdict.suggestions.length > 0 ? <Text bold>Suggestions</Text> : null}
      {verdict?.suggestions.slice(0, 9).map((suggestion, index) => (
        <Box key={`suggestion-${index}`} flexDirection="column">
          <Text wrap="wrap">
            <Text color={theme.color('key')} bold>{`[${index + 1}] `}</Text>
            {suggestion.message}
          </Text>
          <Text color={theme.color('success')} wrap="wrap">{`    ${formatCommand(suggestion.command)}`}</Text>
        </Box>
      ))}
      {plan && plan.missing.length > 0 ? <Text color={theme.color('warning')}>{`missing: ${plan.missing.join(', ')}`}</Text> : null}
      {proposal.approvalEnd ? (
        <Text color={theme.color('warning')} wrap="wrap">{`not run: ${proposal.approvalEnd.message ?? proposal.approvalEnd.outcome}`}</Text>
      ) : null}
      {error ? (
        <Text color={theme.color('danger')} wrap="wrap">
          {`error: ${error.message}`}
          {error.hint ? <Text color={theme.color('muted')}>{` (${error.hint})`}</Text> : null}
        </Text>
      ) : null}
      {readOnly && verdict?.mutating ? <Text color={theme.color('warning')}>read-only mode: this command changes the cluster and will not run.</Text> : null}
      {verdict && verdict.decision !== 'deny' && !proposal.proposal && !proposal.busy && !error ? (
        <Text color={theme.color('warning')}>no approval was issued for this plan; it cannot run.</Text>
      ) : null}
    </Box>
  );
}
