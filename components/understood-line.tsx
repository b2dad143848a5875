/** What the core understood of the request, each part behind the key that changes it: `[i] scale · [r] deployment · [s] ns staging · [o] web · [w] replicas=5`. */
import { Text } from 'ink';
import type { Plan } from '../src/schemas/plan.js';
import type { Draft } from './state/types.js';
import { understoodItems } from './state/understood.js';
import { useTheme } from './theme.js';

/** Props. */
export interface UnderstoodLineProps {
  plan: Plan | undefined;
  draft: Draft;
  /** Whether the keys work here (they do not while a name is typed). */
  keys: boolean;
}

/** The line. */
export function UnderstoodLine({ plan, draft, keys }: UnderstoodLineProps) {
  const theme = useTheme();
  const items = understoodItems(plan, draft);
  if (items.length === 0) return null;
  return (
    <Text wrap="wrap">
      {items.map((item, index) => (
        <Text key={item.part}>
          {index > 0 ? <Text color={theme.color('muted')}>{' · '}</Text> : null}
          {keys ? <Text color={theme.color('key')} bold>{`[${item.key}] `}</Text> : null}
          {item.part === 'namespace' ? <Text color={theme.color('muted')}>{`${item.label} `}</Text> : null}
          <Text>{item.value}</Text>
          {item.from === 'cluster' && item.part === 'name' ? <Text color={theme.color('muted')}>{' (cluster)'}</Text> : null}
        </Text>
      ))}
    </Text>
  );
}
