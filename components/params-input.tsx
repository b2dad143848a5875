/** Asks, inline, for a required plan parameter the planner could not fill; the request is then re-planned. */
import { Box, Text } from 'ink';
import { useState } from 'react';
import type { Card } from '../src/schemas/card.js';
import { TextInput } from './text-input.js';
import { useTheme } from './theme.js';

/** Props. */
export interface ParamsInputProps {
  param: string;
  card?: Card;
  active: boolean;
  /** `?` in the empty field opens help. */
  onHelp?(): void;
  onSubmit(name: string, value: string): void;
}

/** The panel. */
export function ParamsInput(props: ParamsInputProps) {
  const theme = useTheme();
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const declared = props.card?.params.find((param) => param.name === props.param);
  return (
    <Box flexDirection="column">
      <Text bold>
        {'The plan needs '}
        <Text color={theme.color('accent')}>{props.param}</Text>
        {props.card ? <Text color={theme.color('muted')}>{` (card ${props.card.id})`}</Text> : null}
      </Text>
      {declared ? <Text color={theme.color('muted')}>{`${declared.description}${declared.enum ? ` One of: ${declared.enum.join(', ')}.` : ''}`}</Text> : null}
      <Box>
        <Text color={theme.color('accent')}>{`${props.param} = `}</Text>
        <TextInput
          value={value}
          onChange={(next) => {
            setValue(next);
            setProblem(undefined);
          }}
          onSubmit={(text) => {
            const trimmed = text.trim();
            if (trimmed === '' || /\s/.test(trimmed)) {
              setProblem(`${props.param} needs one value without spaces`);
              return;
            }
            props.onSubmit(props.param, trimmed);
            setValue('');
          }}
          active={props.active}
          maxLength={200}
          onHelp={props.onHelp}
        />
      </Box>
      {problem ? <Text color={theme.color('danger')}>{problem}</Text> : null}
    </Box>
  );
}
