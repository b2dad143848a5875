/** Step 4: which object? The live objects of that resource in that namespace, with status; free entry allowed. */
import { Box, Text } from 'ink';
import { ObjectNameSchema, type Resource } from '../src/schemas/vocabulary.js';
import { FilterList, entryCheck, pickerListProps, type FilterItem } from './filter-list.js';
import { useAsyncList } from './hooks/use-async-list.js';
import type { ObjectItem, TuiServices } from './services.js';

/** Props. */
export interface NamePickerProps {
  services: TuiServices;
  resource: Resource;
  namespace: string | undefined;
  /** False when a card for this intent/resource works without a name (e.g. list all pods). */
  nameRequired: boolean;
  active: boolean;
  /** `?` with an empty filter opens help. */
  onHelp?(): void;
  limit: number;
  width: number;
  onSelect(name: string | undefined): void;
}

const BAD = /crash|backoff|error|oom|fail|evicted|notready|unknown|imagepull/i;
const WAITING = /pending|creating|terminating|progressing|0\//i;

/** An object row, its status coloured by how worrying it looks. */
export function objectRow(object: ObjectItem): FilterItem {
  const detailTone: FilterItem['detailTone'] = BAD.test(object.status) ? 'danger' : WAITING.test(object.status) ? 'warning' : 'success';
  return { value: object.name, label: object.name, detail: object.status, detailTone };
}

/** The picker. */
export function NamePicker(props: NamePickerProps) {
  const key = `${props.resource}/${props.namespace ?? ''}`;
  const list = useAsyncList(key, (signal) => props.services.listObjects(props.resource, props.namespace, signal));
  const where = props.namespace ? ` in ${props.namespace}` : '';
  return (
    <Box flexDirection="column">
      <Text bold>{`Which ${props.resource}${where}?`}</Text>
      <FilterList
        items={list.items.map(objectRow)}
        {...pickerListProps(list, props)}
        loadingLabel={`listing ${props.resource}s…`}
        limit={props.limit - 2}
        matchDetail
        noneLabel={props.nameRequired ? undefined : `(no name: all ${props.resource}s)`}
        emptyLabel={`no ${props.resource}s found${where}; type a name`}
        validateFreeEntry={entryCheck(ObjectNameSchema, 'name')}
        onSelect={props.onSelect}
      />
    </Box>
  );
}
