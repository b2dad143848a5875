/** `?`: every key binding, from the same table that drives dispatch. */
import { Box, Text } from 'ink';
import { KEYMAP, type KeyBinding } from './keymap.js';
import { isSideKeyAction } from './keymap-side.js';
import type { Screen } from './state/types.js';
import { isApprovalsScreen } from './state/approvals-state.js';
import { isDiagnoseScreen } from './state/diagnose-state.js';
import { useTheme } from './theme.js';

/** Props. */
export interface HelpOverlayProps {
  readOnly: boolean;
  width: number;
  /** The current screen: the diagnose and approvals rows show on their screens only (and the request flow's rows not there), so the overlay fits. */
  screen?: Screen;
}

/** Whether the overlay lists a row on `screen` (every row without a screen). */
export function listedOn(binding: KeyBinding, screen: Screen | undefined): boolean {
  if (screen === undefined || binding.screens === 'all') return true;
  const onSideScreen = isDiagnoseScreen(screen) || isApprovalsScreen(screen);
  if (isSideKeyAction(binding.action)) return onSideScreen || binding.screens.includes(screen);
  return !onSideScreen;
}

/** The overlay. */
export function HelpOverlay({ readOnly, width, screen }: HelpOverlayProps) {
  const theme = useTheme();
  const bindings = KEYMAP.filter((binding) => !(readOnly && binding.dangerous) && listedOn(binding, screen));
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
