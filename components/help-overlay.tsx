/** `?`: every key binding, from the same table that drives dispatch. */
import { Box, Text } from 'ink';
import { KEYMAP } from './keymap.js';
import { useTheme } from './theme.js';

/** Props. */
export interface HelpOverlayProps {
  readOnly: boolean;
  width: number;
}

/** The overlay. */
export function HelpOverlay({ readOnly, width }: HelpOverlayProps) {
  const theme = useTheme();
  const bindings = KEYMAP.filter((binding) => !(readOnly && binding.dangerous));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.color('accent')} paddingX={1} width={Math.min(width, 100)}>
      <Text bold>rk8s keys</Text>
      {bindings.map((binding, index) => (
        <Text key={index} wrap="truncate-end">
          <Text bold color={binding.dangerous ? theme.color('danger') : theme.color('key')}>
            {binding.keys.padEnd(7)}
          </Text>
          {binding.label.padEnd(22)}
          <Text color={theme.color('muted')}>{binding.screens === 'all' ? 'everywhere' : binding.screens.join(', ')}</Text>
        </Text>
      ))}
      <Text color={theme.color('muted')}>Nothing runs until you have seen the command and confirmed it.</Text>
      {readOnly ? <Text color={theme.color('warning')}>read-only: mutating intents and confirm keys are hidden.</Text> : null}
      <Text color={theme.color('muted')}>Esc or ? closes this help.</Text>
    </Box>
  );
}
