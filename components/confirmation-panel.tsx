/** The confirmation: Enter for allowed commands, `y` for medium risk, the typed name for high risk; Esc cancels. */
import { Box, Text } from 'ink';
import { TextInput } from './text-input.js';
import { useTheme } from './theme.js';
import type { ConfirmationKind } from './state/reducer.js';

/** Props. */
export interface ConfirmationPanelProps {
  kind: ConfirmationKind;
  /** The name a high-risk confirmation must type. */
  target: string;
  input: string;
  refusal?: string;
  /** Why the command will probably fail (a failed dry-run), shown above the prompt. */
  warning?: string;
  /** False while the dry-run preview is still running. */
  ready: boolean;
  readOnly: boolean;
  active: boolean;
  onInput(value: string): void;
}

/** The panel. */
export function ConfirmationPanel(props: ConfirmationPanelProps) {
  const theme = useTheme();
  if (props.readOnly) return <Text color={theme.color('warning')}>read-only mode: nothing will run. Esc goes back.</Text>;
  if (!props.ready) return <Text color={theme.color('muted')}>waiting for the dry-run preview… (Esc cancels)</Text>;
  return (
    <Box flexDirection="column">
      {props.warning ? <Text bold color={theme.color('danger')} wrap="wrap">{`⚠ ${props.warning}`}</Text> : null}
      {props.kind === 'enter' ? <Text>{'Press '}<Text bold color={theme.color('key')}>Enter</Text>{' to run it, Esc to cancel.'}</Text> : null}
      {props.kind === 'key' ? (
        <Text color={theme.color('warning')}>
          {'Medium risk. Press '}
          <Text bold>y</Text>
          {' to run exactly this command, n or Esc to cancel.'}
        </Text>
      ) : null}
      {props.kind === 'typed-name' ? (
        <Box flexDirection="column">
          <Text color={theme.color('danger')}>
            {'High risk. Type '}
            <Text bold>{props.target}</Text>
            {' and press Enter to run it; Esc cancels.'}
          </Text>
          <Box>
            <Text color={theme.color('danger')}>{'name › '}</Text>
            <TextInput value={props.input} onChange={props.onInput} active={props.active} maxLength={253} />
          </Box>
        </Box>
      ) : null}
      {props.refusal ? <Text color={theme.color('danger')}>{props.refusal}</Text> : null}
    </Box>
  );
}
