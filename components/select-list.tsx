/**
 * A pick list (resources): ↑↓ move, 1-9 pick directly, Enter selects (letters never move: see
 * docs/tui.md, "typing is never navigation"). The same
 * behaviour as ink-select-input, but its keys go through the KeyRouter so none is lost on mount.
 */
import { Box, Text } from 'ink';
import { useState } from 'react';
import { useKeys } from './hooks/use-keys.js';
import { useTheme } from './theme.js';

/** One row. */
export interface SelectListItem<Value extends string> {
  value: Value;
  label: string;
  /** Shown dimmed after the label. */
  hint?: string;
}

/** Props. */
export interface SelectListProps<Value extends string> {
  items: ReadonlyArray<SelectListItem<Value>>;
  onSelect(value: Value): void;
  active: boolean;
  limit: number;
}

/** The list. */
export function SelectList<Value extends string>(props: SelectListProps<Value>) {
  const theme = useTheme();
  const [cursor, setCursor] = useState(0);
  const count = props.items.length;
  const position = Math.min(cursor, Math.max(0, count - 1));
  useKeys(
    (input, key) => {
      if (count === 0) return;
      if (key.upArrow) setCursor(position <= 0 ? count - 1 : position - 1);
      else if (key.downArrow) setCursor(position >= count - 1 ? 0 : position + 1);
      else if (key.return) props.onSelect(props.items[position]!.value);
      else if (/^[1-9]$/.test(input)) {
        const item = props.items[Number(input) - 1];
        if (item) props.onSelect(item.value);
      }
    },
    { isActive: props.active },
  );
  const limit = Math.max(1, props.limit);
  const start = Math.max(0, Math.min(position - Math.floor(limit / 2), count - limit));
  const width = Math.max(...props.items.map((item) => item.label.length), 4) + 2;
  return (
    <Box flexDirection="column">
      {props.items.slice(start, start + limit).map((item, index) => {
        const selected = start + index === position;
        const number = start + index < 9 ? `${start + index + 1}` : ' ';
        return (
          <Text key={item.value} wrap="truncate-end">
            <Text color={selected ? theme.color('highlight') : undefined} bold={selected}>
              {selected ? '❯ ' : '  '}
            </Text>
            <Text color={theme.color('muted')}>{`${number} `}</Text>
            <Text color={selected ? theme.color('highlight') : undefined} bold={selected}>
              {item.label.padEnd(width)}
            </Text>
            {item.hint ? <Text color={theme.color('muted')}>{item.hint}</Text> : null}
          </Text>
        );
      })}
      {count > limit ? <Text color={theme.color('muted')}>{`${count} choices, ↑↓ to scroll`}</Text> : null}
    </Box>
  );
}
