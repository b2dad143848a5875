/** Step 2: on what? Only resources that have a card for the chosen intent. */
import { Box, Text } from 'ink';
import { CLUSTER_SCOPED_RESOURCES, RESOURCES, type Intent, type Resource } from '../src/schemas/vocabulary.js';
import type { CatalogEntry } from './services.js';
import { SelectList } from './select-list.js';

/** Resources with a card for the intent, in vocabulary order. */
export function offeredResources(catalog: readonly CatalogEntry[], intent: Intent | undefined): Resource[] {
  const present = new Set(catalog.filter((entry) => entry.intent === intent).map((entry) => entry.resource));
  return RESOURCES.filter((resource) => present.has(resource));
}

/** Props. */
export interface ResourcePickerProps {
  catalog: readonly CatalogEntry[];
  intent: Intent | undefined;
  active: boolean;
  limit: number;
  onSelect(resource: Resource): void;
}

/** The picker. */
export function ResourcePicker(props: ResourcePickerProps) {
  const items = offeredResources(props.catalog, props.intent).map((resource) => ({
    value: resource,
    label: resource,
    hint: CLUSTER_SCOPED_RESOURCES.has(resource) ? 'cluster-wide' : undefined,
  }));
  return (
    <Box flexDirection="column">
      <Text bold>{`${props.intent ?? ''}: which kind of resource?`}</Text>
      {items.length === 0 ? (
        <Text>No card covers this intent. Press Esc to go back.</Text>
      ) : (
        <SelectList items={items} active={props.active} limit={Math.max(3, props.limit)} onSelect={props.onSelect} />
      )}
    </Box>
  );
}
