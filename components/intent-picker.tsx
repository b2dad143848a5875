/** Step 1: what do you want to do? Intents that have cards; mutating ones hidden in read-only mode. */
import { Box, Text } from 'ink';
import { INTENTS, MUTATING_INTENTS, type Intent } from '../src/schemas/vocabulary.js';
import type { CatalogEntry } from './services.js';
import { SelectList } from './select-list.js';

/** The intents offered, in vocabulary order. */
export function offeredIntents(catalog: readonly CatalogEntry[], readOnly: boolean): Intent[] {
  const present = new Set(catalog.map((entry) => entry.intent));
  return INTENTS.filter((intent) => present.has(intent) && !(readOnly && MUTATING_INTENTS.has(intent)));
}

/** Props. */
export interface IntentPickerProps {
  catalog: readonly CatalogEntry[];
  readOnly: boolean;
  active: boolean;
  limit: number;
  onSelect(intent: Intent): void;
}

/** The picker. */
export function IntentPicker(props: IntentPickerProps) {
  const intents = offeredIntents(props.catalog, props.readOnly);
  const items = intents.map((intent) => ({ value: intent, label: intent, hint: MUTATING_INTENTS.has(intent) ? 'changes the cluster' : undefined }));
  return (
    <Box flexDirection="column">
      <Text bold>What do you want to do?</Text>
      {items.length === 0 ? (
        <Text>No cards are loaded: check the cards directory (rk8s check).</Text>
      ) : (
        <SelectList items={items} active={props.active} limit={Math.max(3, props.limit)} onSelect={props.onSelect} />
      )}
    </Box>
  );
}
