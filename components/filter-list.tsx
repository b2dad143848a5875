/** A list that narrows as you type (namespaces, object names), with an optional free-entry row. */
import { Box, Text } from 'ink';
import { useKeys } from './hooks/use-keys.js';
import { useMemo, useState } from 'react';
import { useTheme } from './theme.js';

/** One row. */
export interface FilterItem {
  value: string;
  label: string;
  /** A second column: status, tier. */
  detail?: string;
  /** Colour role for the detail column. */
  detailTone?: 'success' | 'warning' | 'danger' | 'muted';
}

/** Props. */
export interface FilterListProps {
  items: readonly FilterItem[];
  onSelect(value: string | undefined): void;
  active: boolean;
  /** `?` with an empty filter opens help. */
  onHelp?(): void;
  /** How many rows fit. */
  limit: number;
  width: number;
  loading?: boolean;
  loadingLabel?: string;
  error?: string;
  /** Offer "use <typed text>" when the typed text is not an item. */
  allowFreeEntry?: boolean;
  /** Checks free entry; returns an error message or undefined. */
  validateFreeEntry?(text: string): string | undefined;
  /** A first row that selects nothing (e.g. "(all pods)"). */
  noneLabel?: string;
  emptyLabel?: string;
  /** The filter also matches the detail column (object status words). */
  matchDetail?: boolean;
  /** The row the cursor starts on (e.g. the namespace of the previous request), until a key moves it. */
  initialValue?: string;
}

/** The props every picker passes the same way: the async list's state and the screen's own. */
export function pickerListProps(
  list: { loading: boolean; error?: string },
  screen: { active: boolean; onHelp?(): void; width: number },
): Pick<FilterListProps, 'loading' | 'error' | 'active' | 'onHelp' | 'width' | 'allowFreeEntry'> {
  return { loading: list.loading, ...(list.error !== undefined ? { error: list.error } : {}), active: screen.active, ...(screen.onHelp ? { onHelp: screen.onHelp } : {}), width: screen.width, allowFreeEntry: true };
}

/** A free-entry check from a zod schema: "<what> <its first issue>", or undefined when valid. */
export function entryCheck(schema: { safeParse(text: string): { success: true } | { success: false; error: { issues: Array<{ message: string }> } } }, what: string): (text: string) => string | undefined {
  return (text) => {
    const parsed = schema.safeParse(text);
    return parsed.success ? undefined : `${what} ${parsed.error.issues[0]?.message ?? 'is invalid'}`;
  };
}

type Row = { kind: 'item'; item: FilterItem } | { kind: 'free'; text: string } | { kind: 'none' };

/** Items whose label (or, with `matchDetail`, the status column: "crash", "oom", "pending") contains the typed text, case-insensitive. */
export function filterItems(items: readonly FilterItem[], filter: string, matchDetail = false): FilterItem[] {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return [...items];
  return items.filter((item) => item.label.toLowerCase().includes(needle) || (matchDetail && (item.detail ?? '').toLowerCase().includes(needle)));
}

/** The list. */
export function FilterList(props: FilterListProps) {
  const theme = useTheme();
  const [filter, setFilter] = useState('');
  // undefined until a key moves the cursor: it sits on initialValue (once listed) or the first row.
  const [cursor, setCursor] = useState<number | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>();

  const rows = useMemo<Row[]>(() => {
    const result: Row[] = [];
    const typed = filter.trim();
    if (props.noneLabel && typed === '') result.push({ kind: 'none' });
    for (const item of filterItems(props.items, filter, props.matchDetail)) result.push({ kind: 'item', item });
    if (props.allowFreeEntry && typed !== '' && !props.items.some((item) => item.value === typed)) result.push({ kind: 'free', text: typed });
    return result;
  }, [props.items, props.noneLabel, props.allowFreeEntry, props.matchDetail, filter]);

  const initialIndex = props.initialValue === undefined ? -1 : rows.findIndex((row) => row.kind === 'item' && row.item.value === props.initialValue);
  const position = Math.min(cursor ?? Math.max(0, initialIndex), Math.max(0, rows.length - 1));

  useKeys(
    (input, key) => {
      if (key.upArrow) {
        setCursor(position <= 0 ? Math.max(0, rows.length - 1) : position - 1);
        return;
      }
      if (key.downArrow) {
        setCursor(position >= rows.length - 1 ? 0 : position + 1);
        return;
      }
      if (key.return) {
        const row = rows[position];
        if (!row) return;
        if (row.kind === 'none') props.onSelect(undefined);
        else if (row.kind === 'item') props.onSelect(row.item.value);
        else {
          const error = props.validateFreeEntry?.(row.text);
          if (error) setProblem(error);
          else props.onSelect(row.text);
        }
        return;
      }
      if (key.backspace || key.delete || /^[\u007f\b]+$/.test(input)) {
        const count = key.backspace || key.delete ? 1 : input.length;
        setFilter(filter.slice(0, Math.max(0, filter.length - count)));
        setCursor(0);
        setProblem(undefined);
        return;
      }
      if (key.ctrl || key.meta || key.escape || key.tab || key.leftArrow || key.rightArrow) return;
      if (filter === '' && input === '?') {
        props.onHelp?.();
        return;
      }
      const text = input.replace(/[\u0000-\u001f\u007f]/g, '');
      if (text === '') return;
      setFilter(filter + text);
      setCursor(0);
      setProblem(undefined);
    },
    { isActive: props.active },
  );

  // Keep the cursor row visible: a window of `limit` rows around it.
  const limit = Math.max(1, props.limit);
  const start = Math.max(0, Math.min(position - Math.floor(limit / 2), rows.length - limit));
  const visible = rows.slice(start, start + limit);
  const labelWidth = Math.min(Math.max(12, ...props.items.map((item) => item.label.length)) + 4, Math.floor(props.width * 0.6));

  return (
    <Box flexDirection="column">
      <Text>
        <Text color={theme.color('muted')}>filter: </Text>
        {filter === '' ? <Text color={theme.color('muted')}>(type to filter)</Text> : <Text>{filter}</Text>}
        <Text inverse> </Text>
      </Text>
      {props.loading ? <Text color={theme.color('muted')}>{props.loadingLabel ?? 'loading…'}</Text> : null}
      {props.error ? <Text color={theme.color('warning')} wrap="truncate-end">{`cannot list: ${props.error}`}</Text> : null}
      {!props.loading && rows.length === 0 ? <Text color={theme.color('muted')}>{props.emptyLabel ?? 'nothing matches'}</Text> : null}
      {visible.map((row, index) => {
        const selected = start + index === position;
        const pointer = selected ? '❯ ' : '  ';
        const color = selected ? theme.color('highlight') : undefined;
        if (row.kind === 'none') {
          return (
            <Text key="(none)" color={color} bold={selected}>
              {pointer}
              {props.noneLabel}
            </Text>
          );
        }
        if (row.kind === 'free') {
          return (
            <Text key={`free:${row.text}`} color={color} bold={selected} wrap="truncate-end">
              {pointer}
              {`use "${row.text}"`}
            </Text>
          );
        }
        return (
          <Box key={row.item.value}>
            <Box width={labelWidth} flexShrink={0}>
              <Text color={color} bold={selected} wrap="truncate-end">
                {pointer}
                {row.item.label}
              </Text>
            </Box>
            {row.item.detail ? (
              <Text color={row.item.detailTone ? theme.color(row.item.detailTone) : theme.color('muted')} wrap="truncate-end">
                {row.item.detail}
              </Text>
            ) : null}
          </Box>
        );
      })}
      {rows.length > limit ? <Text color={theme.color('muted')}>{`${rows.length} rows, ↑↓ to scroll`}</Text> : null}
      {problem ? <Text color={theme.color('danger')}>{problem}</Text> : null}
    </Box>
  );
}
