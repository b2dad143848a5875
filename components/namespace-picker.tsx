/** Step 3: which namespace? The cluster's namespaces with their policy tier; typing filters. */
import { Box, Text } from 'ink';
import { NamespaceNameSchema } from '../src/schemas/vocabulary.js';
import { FilterList, entryCheck, pickerListProps, type FilterItem } from './filter-list.js';
import { useAsyncList } from './hooks/use-async-list.js';
import type { NamespaceItem, TuiServices } from './services.js';

/** Props. */
export interface NamespacePickerProps {
  services: TuiServices;
  active: boolean;
  /** `?` with an empty filter opens help. */
  onHelp?(): void;
  limit: number;
  width: number;
  onSelect(namespace: string): void;
  /** Where the cursor starts: the namespace of the previous request. */
  initialValue?: string;
}

function tone(tier: string | undefined): FilterItem['detailTone'] {
  if (tier === 'prod' || tier === 'production') return 'danger';
  if (tier === 'staging') return 'warning';
  if (tier === undefined) return 'muted';
  return 'success';
}

/** A namespace row: the tier first (it decides how careful to be), then the phase. */
export function namespaceRow(namespace: NamespaceItem): FilterItem {
  const tier = namespace.tier ? `tier ${namespace.tier}` : 'no tier (denied by policy)';
  return { value: namespace.name, label: namespace.name, detail: `${tier}${namespace.status && namespace.status !== 'Active' ? ` · ${namespace.status}` : ''}`, detailTone: tone(namespace.tier) };
}

/** The picker. */
export function NamespacePicker(props: NamespacePickerProps) {
  const list = useAsyncList('namespaces', (signal) => props.services.listNamespaces(signal));
  return (
    <Box flexDirection="column">
      <Text bold>In which namespace?</Text>
      <FilterList
        items={list.items.map(namespaceRow)}
        {...pickerListProps(list, props)}
        loadingLabel="listing namespaces…"
        limit={props.limit - 2}
        initialValue={props.initialValue}
        validateFreeEntry={entryCheck(NamespaceNameSchema, 'namespace')}
        onSelect={(value) => {
          if (value) props.onSelect(value);
        }}
      />
    </Box>
  );
}
