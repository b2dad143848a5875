/** Step 5: anything else? Optional free text for the planner ("to 5 replicas", "last 100 lines"); Enter skips. */
import { Box, Text } from 'ink';
import { useState } from 'react';
import { MAX_QUERY_LENGTH } from '../src/schemas/request.js';
import { TextInput } from './text-input.js';
import { useTheme } from './theme.js';

/** Props. */
export interface FreeTextInputProps {
  active: boolean;
  /** `?` in the empty field opens help. */
  onHelp?(): void;
  initial?: string;
  onSubmit(text: string): void;
}

/** The panel. */
export function FreeTextInput(props: FreeTextInputProps) {
  const theme = useTheme();
  const [value, setValue] = useState(props.initial ?? '');
  return (
    <Box flexDirection="column">
      <Text bold>Anything to add? (optional)</Text>
      <Text color={theme.color('muted')}>e.g. "to 5 replicas", "previous container, last 200 lines". Enter skips.</Text>
      <Box>
        <Text color={theme.color('accent')}>› </Text>
        <TextInput value={value} onChange={setValue} onSubmit={props.onSubmit} active={props.active} maxLength={MAX_QUERY_LENGTH} onHelp={props.onHelp} />
      </Box>
    </Box>
  );
}
