/** The bottom line: the keys that work here, drawn from the keymap table. */
import { Text } from 'ink';
import type { KeyBinding } from './keymap.js';
import { useTheme } from './theme.js';

/** Props. */
export interface HelpBarProps {
  bindings: readonly KeyBinding[];
}

/** The bar. */
export function HelpBar({ bindings }: HelpBarProps) {
  const theme = useTheme();
  const seen = new Set<string>();
  const unique = bindings.filter((binding) => {
    const id = `${binding.keys} ${binding.label}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
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
