/** The bottom line: the keys that work here, drawn from the keymap table. */
import { Text } from 'ink';
import type { KeyBinding } from './keymap.js';
import { useTheme } from './theme.js';

/** Props. */
export interface HelpBarProps {
  bindings: readonly KeyBinding[];
  /** Columns available: when the keys do not fit, the ones everybody knows (↑↓, typing) go first. */
  width?: number;
}

/** Keys an on-call engineer needs no hint for (by key, or key and label); dropped first when the bar is too wide. */
const OBVIOUS_KEYS: ReadonlySet<string> = new Set(['↑↓', 'Enter select', 'type filter']);

const barLength = (bindings: readonly KeyBinding[]) => bindings.reduce((total, binding, index) => total + (index > 0 ? 3 : 0) + binding.keys.length + 1 + binding.label.length, 0);

/** The bar. */
export function HelpBar({ bindings, width }: HelpBarProps) {
  const theme = useTheme();
  const seen = new Set<string>();
  let unique = bindings.filter((binding) => {
    const id = `${binding.keys} ${binding.label}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  if (width !== undefined && barLength(unique) > width) unique = unique.filter((binding) => !OBVIOUS_KEYS.has(binding.keys) && !OBVIOUS_KEYS.has(`${binding.keys} ${binding.label}`));
  return (
    <Text wrap="truncate-end">
      {unique.map((binding, index) => (
        <Text key={`${binding.action}-${index}`}>
          {index > 0 ? <Text color={theme.color('muted')}>{' · '}</Text> : null}
          <Text bold color={binding.dangerous ? theme.color('danger') : theme.color('key')}>
            {binding.keys}
          </Text>
          {` ${binding.label}`}
        </Text>
      ))}
    </Text>
  );
}
