/** One finished line of the session transcript (a command, its output, the summary, a notice), rendered once above the live frame. */
import { Text } from 'ink';
import type { TranscriptLine } from './state/reducer.js';
import { useTheme } from './theme.js';

/** Props. */
export interface TranscriptRowProps {
  line: TranscriptLine;
}

/** The row. */
export function TranscriptRow({ line }: TranscriptRowProps) {
  const theme = useTheme();
  switch (line.kind) {
    case 'command':
      return <Text bold color={theme.color('accent')}>{line.text}</Text>;
    case 'stdout':
      return <Text>{`  ${line.text}`}</Text>;
    case 'stderr':
      return <Text color={theme.color('stderr')}>{`! ${line.text}`}</Text>;
    case 'truncated':
      return <Text color={theme.color('warning')}>{line.text}</Text>;
    case 'summary':
      return <Text color={theme.color('muted')}>{`└ ${line.text}`}</Text>;
    case 'notice':
      return <Text color={theme.color('muted')}>{line.text}</Text>;
  }
}
