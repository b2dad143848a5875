/**
 * What a change changes, in a few lines a person reads before confirming ("replicas 2 → 5", "image
 * api:1.9 → api:1.8", "evicts 4 pods; 1 blocked by PodDisruptionBudget api"), computed from the live
 * objects and the server's dry-run answer. Pure: the reads are made by preview-reads.ts.
 */
import yaml from 'js-yaml';
import type { Change } from '../schemas/change.js';
import { flagValue, type ParsedCommand } from '../validate/parsed-command.js';


/** What the summary is computed from. */
export interface ChangeInputs {
  parsed: ParsedCommand;
  /** The live target object (get -o json), when it could be read. */
  live?: KubeObject;
  /** Related live objects: the ReplicaSets or ControllerRevisions of a rollback, the PDBs of a drain. */
  related?: KubeObject[];
  /** The dry-run's stdout (YAML of the object as it would be, or drain's "evicting pod" lines). */
  dryRunOutput?: string;
  /** The dry-run's stderr lines, which carry drain's eviction errors. */
  dryRunErrors?: string;
}

/** The loose shape of any Kubernetes object the summary reads. */
export interface KubeObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: Array<{ kind?: string; name?: string }> };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  revision?: number;
  data?: { spec?: { template?: PodTemplate } };
}

interface PodTemplate {
  spec?: { containers?: Array<{ name?: string; image?: string }>; initContainers?: Array<{ name?: string; image?: string }> };
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function objectName(parsed: ParsedCommand): string {
  const target = parsed.targets[0];
  if (!target) return parsed.command ?? 'object';
  return target.name ? `${target.resource}/${target.name}` : target.resource;
}

function imagesOf(template: PodTemplate | undefined): Map<string, string> {
  const images = new Map<string, string>();
  for (const container of [...(template?.spec?.initContainers ?? []), ...(template?.spec?.containers ?? [])]) {
    if (container.name && container.image) images.set(container.name, container.image);
  }
  return images;
}

function templateOf(object: KubeObject | undefined): PodTemplate | undefined {
  return (object?.spec?.template as PodTemplate | undefined) ?? object?.data?.spec?.template;
}

/** The image differences between two pod templates, container by container. */
export function imageChanges(object: string, before: PodTemplate | undefined, after: PodTemplate | undefined): Change[] {
  const from = imagesOf(before);
  const to = imagesOf(after);
  const changes: Change[] = [];
  for (const [container, image] of to) {
    const old = from.get(container);
    if (old !== image) changes.push({ object, field: `image (${container})`, ...(old ? { from: old } : {}), to: image });
  }
  return changes;
}

function revisionOf(object: KubeObject): number | undefined {
  if (num(object.revision) !== undefined) return object.revision;
  const annotation = object.metadata?.annotations?.['deployment.kubernetes.io/revision'];
  return annotation !== undefined && /^\d+$/.test(annotation) ? Number(annotation) : undefined;
}

function readyLine(live: KubeObject | undefined): string | undefined {
  const status = live?.status ?? {};
  const desired = num(live?.spec?.replicas) ?? num(status.desiredNumberScheduled);
  const ready = num(status.readyReplicas) ?? num(status.numberReady) ?? 0;
  return desired === undefined ? undefined : `${ready}/${desired} ready`;
}

function parseYaml(text: string | undefined): KubeObject | undefined {
  if (!text || text.trim() === '') return undefined;
  try {
    const value = yaml.load(text);
    return value && typeof value === 'object' ? (value as KubeObject) : undefined;
  } catch {
    return undefined;
  }
}

function scaleChanges(inputs: ChangeInputs, object: string): Change[] {
  const to = flagValue(inputs.parsed, 'replicas');
  const from = num(inputs.live?.spec?.replicas);
  if (to === undefined) return [];
  const note = Number(to) === 0 ? 'every pod stops' : from !== undefined && Number(to) < from ? `${from - Number(to)} pod(s) stop` : undefined;
  return [{ object, field: 'replicas', ...(from === undefined ? {} : { from: String(from) }), to, ...(note ? { note } : {}) }];
}

function restartChanges(inputs: ChangeInputs, object: string): Change[] {
  const ready = readyLine(inputs.live);
  return [{ object, field: 'pods', ...(ready ? { from: ready } : {}), to: 'replaced by new ones, a few at a time (rolling restart)' }];
}

function rollbackChanges(inputs: ChangeInputs, object: string): Change[] {
  const live = inputs.live;
  const history = (inputs.related ?? []).filter((item) => revisionOf(item) !== undefined).sort((left, right) => revisionOf(left)! - revisionOf(right)!);
  const newest = history.at(-1);
  const current = (live ? revisionOf(live) : undefined) ?? (newest ? revisionOf(newest) : undefined);
  const wanted = flagValue(inputs.parsed, 'to-revision');
  // kubectl rollout undo without --to-revision goes back to the newest revision that is not the current one.
  const previous = history.filter((item) => revisionOf(item) !== current).at(-1);
  const targetRevision = wanted !== undefined && wanted !== '0' ? Number(wanted) : previous ? revisionOf(previous) : undefined;
  const target = history.find((item) => revisionOf(item) === targetRevision);
  const changes: Change[] = [];
  if (targetRevision === undefined) {
    changes.push({ object, field: 'revision', ...(current === undefined ? {} : { from: String(current) }), note: 'no earlier revision found: kubectl will refuse the rollback' });
    return changes;
  }
  changes.push({
    object,
    field: 'revision',
    ...(current === undefined ? {} : { from: String(current) }),
    to: String(targetRevision),
    ...(target ? {} : { note: `revision ${targetRevision} is not in the history kubectl keeps` }),
  });
  // The images the rollback brings back; the dry-run's object is the authority when it has them.
  const after = parseYaml(inputs.dryRunOutput);
  changes.push(...imageChanges(object, templateOf(live), templateOf(after) ?? templateOf(target)));
  return changes;
}

function pausedChanges(inputs: ChangeInputs, object: string, paused: boolean): Change[] {
  const from = inputs.live?.spec?.paused === true;
  return [{ object, field: 'rollout paused', from: from ? 'yes' : 'no', to: paused ? 'yes' : 'no', ...(from === paused ? { note: 'already so: nothing changes' } : {}) }];
}

function cordonChanges(inputs: ChangeInputs, object: string, cordon: boolean): Change[] {
  const unschedulable = inputs.live?.spec?.unschedulable === true;
  return [{ object, field: 'schedulable', from: unschedulable ? 'no (cordoned)' : 'yes', to: cordon ? 'no (cordoned)' : 'yes', ...(unschedulable === cordon ? { note: 'already so: nothing changes' } : {}) }];
}

const EVICTING = /^evicting pod (?:([a-z0-9-]+)\/)?([a-z0-9.-]+)/;
const BLOCKED = /error when evicting pods\/"([a-z0-9.-]+)" -n "([a-z0-9-]+)".*?:\s*(.+)$/;

function drainChanges(inputs: ChangeInputs, object: string): Change[] {
  const changes: Change[] = [...cordonChanges(inputs, object, true)];
  const lines = `${inputs.dryRunOutput ?? ''}\n${inputs.dryRunErrors ?? ''}`.split('\n');
  const pdbs = (inputs.related ?? []).filter((item) => item.kind === 'PodDisruptionBudget');
  const blocked = new Set<string>();
  for (const line of lines) {
    const match = BLOCKED.exec(line.trim());
    if (!match) continue;
    const [, pod, namespace, reason] = match;
    const key = `${namespace}/${pod}`;
    if (blocked.has(key)) continue;
    blocked.add(key);
    const budget = pdbs.find((item) => item.metadata?.namespace === namespace);
    const allowed = num(budget?.status?.disruptionsAllowed);
    const by = budget?.metadata?.name ? ` by PodDisruptionBudget ${budget.metadata.name}${allowed === undefined ? '' : ` (${allowed} disruption${allowed === 1 ? '' : 's'} allowed)`}` : '';
    changes.push({ object: `pod/${pod}`, field: 'evicted', to: 'no', note: `blocked${by}: ${reason!.replace(/\.$/, '')}; the drain waits for it until its --timeout` });
  }
  for (const line of lines) {
    const match = EVICTING.exec(line.trim());
    if (!match) continue;
    const [, namespace, pod] = match;
    if (blocked.has(`${namespace ?? ''}/${pod}`)) continue;
    changes.push({ object: `pod/${pod}`, field: 'evicted', to: 'yes', ...(namespace ? { note: `in ${namespace}; its controller starts it on another node` } : {}) });
  }
  return changes;
}

function deleteChanges(inputs: ChangeInputs, object: string): Change[] {
  const owner = inputs.live?.metadata?.ownerReferences?.[0];
  return [{ object, field: 'exists', from: inputs.live ? 'yes' : undefined, to: 'deleted', ...(owner?.kind ? { note: `${owner.kind} ${owner.name ?? ''} will create a replacement` } : {}) }];
}

function suspendChanges(inputs: ChangeInputs, object: string): Change[] {
  const patch = flagValue(inputs.parsed, 'patch');
  let to: boolean | undefined;
  try {
    to = patch ? ((JSON.parse(patch) as { spec?: { suspend?: unknown } }).spec?.suspend as boolean | undefined) : undefined;
  } catch {
    to = undefined;
  }
  if (typeof to !== 'boolean') return [];
  const from = inputs.live?.spec?.suspend === true;
  return [{ object, field: 'suspended', from: from ? 'yes' : 'no', to: to ? 'yes' : 'no', ...(from === to ? { note: 'already so: nothing changes' } : {}) }];
}

function triggerChanges(inputs: ChangeInputs): Change[] {
  const from = flagValue(inputs.parsed, 'from');
  const target = inputs.parsed.targets[0];
  const images = [...imagesOf(templateOf(parseYaml(inputs.dryRunOutput))).values()];
  return [{ object: `job/${target?.name ?? ''}`, field: 'exists', from: 'no', to: 'created now', note: `from ${from ?? 'the cronjob'}'s job template${images.length > 0 ? ` (${images.join(', ')})` : ''}` }];
}

/** The changes of a command, from what could be read; empty when nothing useful can be said. */
export function summarizeChanges(inputs: ChangeInputs): Change[] {
  const object = objectName(inputs.parsed);
  switch (inputs.parsed.commandKey) {
    case 'scale':
      return scaleChanges(inputs, object);
    case 'rollout restart':
      return restartChanges(inputs, object);
    case 'rollout undo':
      return rollbackChanges(inputs, object);
    case 'rollout pause':
      return pausedChanges(inputs, object, true);
    case 'rollout resume':
      return pausedChanges(inputs, object, false);
    case 'cordon':
      return cordonChanges(inputs, object, true);
    case 'uncordon':
      return cordonChanges(inputs, object, false);
    case 'drain':
      return drainChanges(inputs, object);
    case 'delete':
      return deleteChanges(inputs, object);
    case 'patch':
      return suspendChanges(inputs, object);
    case 'create job':
      return triggerChanges(inputs);
    default:
      return [];
  }
}

/** One line per change, as every front-end prints it: "deployment/web  replicas 2 → 5". */
export function formatChange(change: Change): string {
  const arrow = change.from !== undefined || change.to !== undefined ? ` ${change.from ?? '?'} → ${change.to ?? '?'}` : '';
  return `${change.object}  ${change.field}${arrow}${change.note ? `  (${change.note})` : ''}`;
}
