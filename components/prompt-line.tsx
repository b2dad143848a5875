/** One line of typed input after a label ("name › ", "reason › "), in the colour of what it decides. */
import { Box, Text } from 'ink';
import { TextInput } from './text-input.js';
import { useTheme } from './theme.js';

/** Props. */
export interface PromptLineProps {
  label: string;
  tone: 'danger' | 'warning';
  value: string;
  onChange(value: string): void;
  active: boolean;
  maxLength: number;
}

/** The line. */
export function PromptLine({ label, tone, value, onChange, active, maxLength }: PromptLineProps) {
  const theme = useTheme();
  return (
    <Box>
      <Text color={theme.color(tone)}>{label}</Text>
      <TextInput value={value} onChange={onChange} active={active} maxLength={maxLength} />
    </Box>
  );
}
