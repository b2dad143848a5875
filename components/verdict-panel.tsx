/** The validator's verdict: the exact command, a risk badge, violations, and suggestions accepted with one key. */
import { Box, Text } from 'ink';
import { formatCommand } from '../src/corpus/format-command.js';
import { verdictHeadline as headlineOf } from '../src/output/verdict-headline.js';
import { RiskBadge } from './risk-badge.js';
import type { ProposalView } from './state/reducer.js';
import { verdictChoices } from './state/understood.js';
import { useTheme } from './theme.js';

/** Props. */
export interface VerdictPanelProps {
  proposal: ProposalView;
  readOnly: boolean;
  width: number;
}

/**
 * How a verdict is headlined (the core's verdictHeadline, src/output/verdict-headline.ts); `badge` only
 * for plans that are not a command (INCOMPLETE, QUESTION, OUT OF SCOPE): RiskBadge shows risk or READ-ONLY.
 */
export function verdictHeadline(proposal: ProposalView): { badge?: string; word: string; tone: 'danger' | 'warning' | 'success' } | undefined {
  if (!proposal.verdict) return undefined;
  const headline = headlineOf(proposal.verdict, proposal.plan);
  const notACommand = !headline.riskBadge && headline.badge !== 'READ-ONLY';
  return { ...(notACommand ? { badge: headline.badge } : {}), word: headline.word, tone: headline.tone };
}

/** The panel. */
export function VerdictPanel({ proposal, readOnly }: VerdictPanelProps) {
  const theme = useTheme();
  const { plan, verdict, error } = proposal;
  const headline = verdictHeadline(proposal);
  const choices = verdictChoices(proposal);
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
      {verdict && headline ? (
        <Text wrap="wrap">
          <RiskBadge risk={verdict.risk} mutating={verdict.mutating} {...(headline.badge ? { label: headline.badge } : {})} />
          {' '}
          <Text bold color={theme.color(headline.tone)}>
            {headline.word}
          </Text>
          {verdict.namespace ? ` · ns ${verdict.namespace}` : ''}
          {verdict.tier ? ` · tier ${verdict.tier}` : ''}
          {headline.badge ? '' : verdict.mutating ? ' · changes the cluster' : ''}
        </Text>
      ) : null}
      {verdict?.violations.map((violation, index) => (
        <Text key={`violation-${index}`} color={theme.color('danger')} wrap="wrap">
          {`✗ ${violation.message}`}
          <Text color={theme.color('muted')}>{` (${violation.code})`}</Text>
        </Text>
      ))}
      {choices.length > 0 ? <Text bold>{plan?.clarification ? 'Choices' : plan?.refusal ? 'Instead' : 'Suggestions'}</Text> : null}
      {choices.map((choice, index) => (
        <Box key={`suggestion-${index}`} flexDirection="column">
          <Text wrap="wrap">
            <Text color={theme.color('key')} bold>{`[${index + 1}] `}</Text>
            {choice.label}
          </Text>
          {choice.args ? <Text color={theme.color('success')} wrap="wrap">{`    ${formatCommand(choice.args)}`}</Text> : null}
        </Box>
      ))}
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
