/** What the pickers have chosen so far (intent › resource › ns › name), above the current screen. */
import { Text } from 'ink';
import type { TuiState } from './state/reducer.js';
import { useTheme } from './theme.js';

/** Props. */
export interface BreadcrumbProps {
  state: TuiState;
}

/** The breadcrumb; nothing before the first pick. */
export function Breadcrumb({ state }: BreadcrumbProps) {
  const theme = useTheme();
  const parts = [state.draft.intent, state.draft.resource, state.draft.namespace && `ns ${state.draft.namespace}`, state.draft.name].filter(Boolean);
  if (parts.length === 0) return null;
  return (
    <Text color={theme.color('muted')} wrap="truncate-end">
      {parts.join(' › ')}
    </Text>
  );
}
