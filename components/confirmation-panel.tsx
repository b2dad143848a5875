/** The confirmation the core asks for: `y` for medium risk, the typed name for high risk; Esc cancels. */
import { Box, Text } from 'ink';
import type { Confirmation } from '../src/schemas/approval.js';
import { PromptLine } from './prompt-line.js';
import { useTheme } from './theme.js';

/** Props. */
export interface ConfirmationPanelProps {
  /** What the core requires (never computed here). */
  confirmation: Confirmation;
  input: string;
  /** Why the core refused the previous answer (a mistyped name). */
  refusal?: string;
  /** Why the command will probably fail (a failed dry-run), shown above the prompt. */
  warning?: string;
  /** False while the dry-run preview is still running, or before the core asks. */
  ready: boolean;
  active: boolean;
  onInput(value: string): void;
}

/** The panel. */
export function ConfirmationPanel(props: ConfirmationPanelProps) {
  const theme = useTheme();
  if (!props.ready) return <Text color={theme.color('muted')}>waiting for the dry-run preview… (Esc cancels)</Text>;
  const { confirmation } = props;
  return (
    <Box flexDirection="column">
      {props.warning ? <Text bold color={theme.color('danger')} wrap="wrap">{`⚠ ${props.warning}`}</Text> : null}
      {confirmation.kind === 'key' ? (
        <Text color={theme.color('warning')}>
          {'Medium risk. Press '}
          <Text bold>y</Text>
          {' to run exactly this command, n or Esc to cancel.'}
        </Text>
      ) : null}
      {confirmation.kind === 'typed-name' ? (
        <Box flexDirection="column">
          <Text color={theme.color('danger')}>
            {'High risk. Type '}
            <Text bold>{confirmation.word ?? ''}</Text>
            {' and press Enter to run it; Esc cancels.'}
          </Text>
          <PromptLine label="name › " tone="danger" value={props.input} onChange={props.onInput} active={props.active} maxLength={253} />
        </Box>
      ) : null}
      {props.refusal ? <Text color={theme.color('danger')}>{props.refusal}</Text> : null}
    </Box>
  );
}
