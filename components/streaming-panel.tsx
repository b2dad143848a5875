/** The retrieved cards with scores, then the plan as it streams from the model (or at once, labelled template). */
import { Box, Text } from 'ink';
import type { NoticeView, ProposalView } from './state/reducer.js';
import { useTheme } from './theme.js';

/** Props. */
export interface StreamingPanelProps {
  proposal: ProposalView;
  notices: readonly NoticeView[];
  /** Rows available; the plan text shows its tail when longer. */
  height: number;
  width: number;
  /** One line per part: used under the verdict, where space is short. */
  compact: boolean;
  modelName?: string;
}

/** Wraps text at a width into lines (the plan JSON has no newlines of its own). */
export function wrapLines(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    if (raw.length === 0) lines.push('');
    for (let index = 0; index < raw.length; index += width) lines.push(raw.slice(index, index + width));
  }
  return lines;
}

/**
 * Why the template planner answered although a model is configured (the planner's own notice, e.g.
 * "model qwen: answer was not JSON; the template planner answered"), or undefined when it did not fall back.
 */
export function fallbackReason(proposal: ProposalView, notices: readonly NoticeView[], modelName: string | undefined): string | undefined {
  if (proposal.planner !== 'template' || modelName === undefined || modelName === 'template' || modelName.startsWith('template')) return undefined;
  const said = [...notices].reverse().find((notice) => notice.level === 'warn' && (notice.stage === 'plan' || notice.stage === 'model'));
  return `fell back from ${modelName}${said ? `: ${said.message}` : ''}`;
}

/** The panel. */
export function StreamingPanel(props: StreamingPanelProps) {
  const theme = useTheme();
  const { proposal } = props;
  const cards = proposal.cards;
  const fallback = fallbackReason(proposal, props.notices, props.modelName);
  if (props.compact) {
    return (
      <Box flexDirection="column">
        <Text color={theme.color('muted')} wrap="truncate-end">
          {cards.length > 0 ? `cards: ${cards.map((match) => `${match.id} ${match.score.toFixed(2)}`).join(', ')}` : 'no cards matched'}
          {proposal.planner ? ` · planner: ${proposal.planner === 'llm' ? (props.modelName ?? 'model') : 'template'}` : ''}
          {fallback ? ` (${fallback})` : ''}
        </Text>
      </Box>
    );
  }
  const planWidth = Math.max(20, props.width - 2);
  const streamed = proposal.planText;
  const templateJson = proposal.plan && streamed === '' ? JSON.stringify({ card: proposal.plan.card, params: proposal.plan.params, rationale: proposal.plan.rationale }) : '';
  const planLines = wrapLines(streamed !== '' ? streamed : templateJson, planWidth);
  const budget = Math.max(2, props.height - Math.min(cards.length, 4) - 4 - Math.min(props.notices.length, 2));
  const shown = planLines.slice(-budget);
  const label =
    proposal.planner === 'template' || (proposal.plan && streamed === '')
      ? 'template'
      : streamed !== ''
        ? `model${props.modelName ? ` ${props.modelName}` : ''}${proposal.plan ? '' : ' (streaming…)'}`
        : proposal.cards.length > 0
          ? 'planning…'
          : 'retrieving cards…';
  return (
    <Box flexDirection="column">
      <Text bold>Cards</Text>
      {cards.length === 0 ? <Text color={theme.color('muted')}>{proposal.busy ? 'retrieving…' : 'no cards matched'}</Text> : null}
      {cards.slice(0, 4).map((match) => (
        <Text key={match.id} wrap="truncate-end">
          <Text color={theme.color('accent')}>{match.score.toFixed(2)}</Text>
          {` ${match.id}`}
          <Text color={theme.color('muted')}>{` ${match.card.title}`}</Text>
        </Text>
      ))}
      <Text>
        <Text bold>Plan </Text>
        <Text color={theme.color('muted')}>{`[${label}]`}</Text>
      </Text>
      {shown.map((line, index) => (
        <Text key={index} color={theme.color('info')}>
          {line}
        </Text>
      ))}
      {props.notices.slice(-2).map((notice, index) => (
        <Text key={`notice-${index}`} color={theme.color(notice.level === 'warn' ? 'warning' : 'muted')} wrap="truncate-end">
          {`${notice.level === 'warn' ? '! ' : 'i '}${notice.stage}: ${notice.message}`}
        </Text>
      ))}
    </Box>
  );
}
