/**
 * The reads a change summary needs (the live target, a rollback's history, a drain's PodDisruptionBudgets),
 * made through the one validated, bounded, recorded read path, then the summary itself.
 */
import type { ClusterReader } from '../cluster/cluster-reader.js';
import { isAbortError } from '../errors.js';
import type { Change } from '../schemas/change.js';
import type { ParsedCommand } from '../validate/parsed-command.js';
import { summarizeChanges, type KubeObject } from './change-summary.js';

/** What the dry-run printed, split as kubectl printed it. */
export interface DryRunOutput {
  stdout?: string;
  stderr?: string;
}

interface KubeList {
  items?: KubeObject[];
}

function selectorOf(object: KubeObject | undefined): string | undefined {
  const labels = (object?.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  if (!labels || Object.keys(labels).length === 0) return undefined;
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/** Reads one object; undefined when it cannot be read (the summary then says less, never more). */
async function readObject(reader: ClusterReader, args: string[], target: { resource: string; name: string; namespace: string | undefined }): Promise<KubeObject | undefined> {
  try {
    // Straight from the API server when it can stand in for kubectl (no second kubectl beside the dry-run).
    const fromApi = await reader.object(args, target.resource, target.name, target.namespace);
    return (fromApi as KubeObject | undefined) ?? (await reader.json<KubeObject>(args));
  } catch (error) {
    if (isAbortError(error)) throw error;
    return undefined;
  }
}

async function readList(reader: ClusterReader, args: string[]): Promise<KubeObject[]> {
  try {
    return (await reader.json<KubeList>(args)).items ?? [];
  } catch (error) {
    if (isAbortError(error)) throw error;
    return [];
  }
}

/**
 * The changes `parsed` would make. Reads what it needs through `reader` (at most a handful of reads);
 * a read the policy does not allow, or that fails, only makes the summary shorter. `dryRun` may still be
 * running: the live object is read meanwhile (two kubectl processes at once instead of one after the other).
 */
export async function previewChanges(parsed: ParsedCommand, reader: ClusterReader, pendingDryRun: DryRunOutput | Promise<DryRunOutput>): Promise<Change[]> {
  const target = parsed.targets[0];
  const namespaceArgs = parsed.namespace ? ['-n', parsed.namespace] : [];
  const live = target?.name && parsed.commandKey !== 'create job'
    ? await readObject(reader, ['get', target.resource, target.name, ...namespaceArgs, '-o', 'json'], { resource: target.resource, name: target.name, namespace: parsed.namespace })
    : undefined;
  const dryRun = await pendingDryRun;
  let related: KubeObject[] = [];
  if (parsed.commandKey === 'rollout undo' && target?.resource === 'deployment') {
    const selector = selectorOf(live);
    if (selector) related = await readList(reader, ['get', 'replicasets', ...namespaceArgs, '-l', selector, '-o', 'json']);
  } else if (parsed.commandKey === 'drain') {
    const namespaces = new Set<string>();
    for (const match of `${dryRun.stdout ?? ''}\n${dryRun.stderr ?? ''}`.matchAll(/error when evicting pods\/"[a-z0-9.-]+" -n "([a-z0-9-]+)"/g)) namespaces.add(match[1]!);
    for (const namespace of [...namespaces].slice(0, 4)) related.push(...(await readList(reader, ['get', 'poddisruptionbudgets', '-n', namespace, '-o', 'json'])));
  }
  return summarizeChanges({
    parsed,
    ...(live ? { live } : {}),
    related,
    ...(dryRun.stdout !== undefined ? { dryRunOutput: dryRun.stdout } : {}),
    ...(dryRun.stderr !== undefined ? { dryRunErrors: dryRun.stderr } : {}),
  });
}
