/**
 * The first screen: a request line and the intents. The rule, which never misfires: on an empty line
 * a digit picks that intent (1-9) and ↑↓ Enter pick from the list; any other character opens the
 * line, and from then on every key is text (digits too: "scale web to 5" never picks intent 5) until
 * Enter plans it, Esc clears it, or Backspace empties it.
 */
import { Box, Text } from 'ink';
import { useState } from 'react';
import { MUTATING_INTENTS, type Intent } from '../src/schemas/vocabulary.js';
import { useKeys } from './hooks/use-keys.js';
import { offeredIntents } from './intent-picker.js';
import type { CatalogEntry } from './services.js';
import { useTheme } from './theme.js';

/** Props. */
export interface RequestLineProps {
  catalog: readonly CatalogEntry[];
  readOnly: boolean;
  active: boolean;
  /** Rows available for the intent list. */
  limit: number;
  width: number;
  line: string;
  /** Clears the line. */
  onClear(): void;
  /** Characters typed; `pick` is the intent a digit picks if the line is empty when the key is applied. */
  onType(text: string, pick?: Intent): void;
  onErase(count: number): void;
  /** Enter on a non-empty line. */
  onSubmit(text: string): void;
  onPick(intent: Intent): void;
}

/** Strips control characters a paste may carry. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, '');
}

/** The intents whose name starts with a lone typed word: `e` is events, `dr` drain; more than one means the word is not an intent pick. */
export function intentsForWord(word: string, intents: readonly Intent[]): Intent[] {
  const text = word.trim().toLowerCase();
  if (text === '' || /\s/.test(text)) return [];
  const exact = intents.filter((intent) => intent === text);
  return exact.length > 0 ? exact : intents.filter((intent) => intent.startsWith(text));
}

/** The screen. */
export function RequestLine(props: RequestLineProps) {
  const theme = useTheme();
  const intents = offeredIntents(props.catalog, props.readOnly);
  const [cursor, setCursor] = useState(0);
  const count = intents.length;
  const position = Math.min(cursor, Math.max(0, count - 1));
  const line = props.line;
  useKeys(
    (input, key) => {
      if (key.upArrow || key.downArrow) {
        if (count > 0) setCursor(key.upArrow ? (position <= 0 ? count - 1 : position - 1) : position >= count - 1 ? 0 : position + 1);
        return;
      }
      if (key.return) {
        if (line.trim() !== '') props.onSubmit(line);
        else if (count > 0) props.onPick(intents[position]!);
        return;
      }
      if (key.escape) {
        props.onClear();
        return;
      }
      if (key.backspace || key.delete || /^[\u007f\b]+$/.test(input)) {
        props.onErase(key.backspace || key.delete ? 1 : input.length);
        return;
      }
      if (key.ctrl && input === 'u') {
        props.onClear();
        return;
      }
      if (key.ctrl || key.meta || key.tab || key.leftArrow || key.rightArrow) return;
      const text = printable(input);
      if (text === '') return;
      // Whether the line is empty is decided when the key is applied (the reducer), not here.
      props.onType(text, /^[1-9]$/.test(text) ? intents[Number(text) - 1] : undefined);
    },
    { isActive: props.active },
  );

  const columns = props.width >= 70 && count > Math.max(3, props.limit) ? 2 : 1;
  const rows = Math.max(1, Math.min(Math.ceil(count / columns), Math.max(3, props.limit)));
  const columnWidth = Math.floor(props.width / columns);
  const matches = new Set(intentsForWord(line, intents));
  const cell = (index: number) => {
    const intent = intents[index];
    if (!intent) return null;
    const selected = line === '' && index === position;
    const matched = matches.has(intent);
    const number = index < 9 ? `${index + 1}` : ' ';
    const hint = MUTATING_INTENTS.has(intent) ? 'changes the cluster' : '';
    return (
      <Box key={intent} width={columnWidth} flexShrink={0}>
        <Text wrap="truncate-end">
          <Text color={selected || matched ? theme.color('highlight') : undefined} bold={selected || matched}>
            {selected ? '❯ ' : matched ? '› ' : '  '}
          </Text>
          <Text color={theme.color('muted')}>{`${number} `}</Text>
          <Text color={selected || matched ? theme.color('highlight') : undefined} bold={selected || matched}>
            {intent.padEnd(10)}
          </Text>
          <Text color={theme.color('muted')}>{hint}</Text>
        </Text>
      </Box>
    );
  };
  // Column-major: 1-9 run down the first column.
  const perColumn = Math.ceil(count / columns);
  const visibleStart = Math.max(0, Math.min(position - Math.floor(rows / 2), perColumn - rows));
  return (
    <Box flexDirection="column">
      <Text bold>What do you want to do? Type a request, or pick:</Text>
      <Text wrap="truncate-start">
        <Text color={theme.color('accent')}>{'› '}</Text>
        {line === '' ? <Text color={theme.color('muted')}>e.g. why is payments crashing in prod</Text> : <Text>{line}</Text>}
        <Text inverse> </Text>
      </Text>
      {count === 0 ? <Text>No cards are loaded: check the cards directory (rk8s check).</Text> : null}
      {Array.from({ length: columns === 1 ? rows : Math.min(rows, perColumn) }, (_unused, row) => {
        const index = (columns === 1 ? visibleStart : 0) + row;
        return (
          <Box key={`row-${row}`}>
            {cell(index)}
            {columns === 2 ? cell(index + perColumn) : null}
          </Box>
        );
      })}
      {columns === 1 && count > rows ? <Text color={theme.color('muted')}>{`${count} intents, ↑↓ to scroll`}</Text> : null}
    </Box>
  );
}
