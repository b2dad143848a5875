/**
 * Every Warning event, grouped by the object it is about (pods roll up to their workload) and its
 * reason, with counts, series and times; not only the latest. The correlation step folds a group
 * into another finding about the same object, so only events nothing else explains stay on their own.
 */
import { eventLastSeen, timeOf } from '../age.js';
import type { Analyzer } from '../analyzer.js';
import { eventCount } from '../age.js';
import { eventsEvidence } from '../evidence.js';
import { findingId, type Finding, type ObjectRef } from '../finding.js';
import { describe, podEvents, present } from '../remediation-requests.js';
import { controllerOf, type SnapshotIndex } from '../snapshot-index.js';
import type { Event } from '../snapshot-types.js';

const RECENT_MS = 15 * 60 * 1000;

function rollUp(index: SnapshotIndex, kind: string, name: string): ObjectRef {
  if (kind === 'Pod') {
    const pod = index.pod(name);
    return pod ? index.workloadOf(pod) : index.ref('Pod', name);
  }
  if (kind === 'ReplicaSet') {
    const owner = controllerOf(index.replicaSet(name)?.metadata);
    if (owner?.kind === 'Deployment') return index.ref('Deployment', owner.name);
  }
  if (kind === 'Node' || kind === 'StorageClass' || kind === 'PersistentVolume' || kind === 'Namespace') return { kind, name };
  return index.ref(kind, name);
}

function analyzeWarnings(index: SnapshotIndex): Finding[] {
  const groups = new Map<string, { object: ObjectRef; reason: string; events: Event[] }>();
  for (const event of index.events) {
    if (event.type !== 'Warning') continue;
    const involved = event.involvedObject;
    if (!involved?.kind || !involved.name) continue;
    const object = rollUp(index, involved.kind, involved.name);
    const key = `${object.kind}/${object.name}/${event.reason ?? ''}`;
    const group = groups.get(key);
    if (group) group.events.push(event);
    else groups.set(key, { object, reason: event.reason ?? 'Warning', events: [event] });
  }
  const findings: Finding[] = [];
  for (const group of groups.values()) {
    group.events.sort((left, right) => (timeOf(eventLastSeen(right)) ?? 0) - (timeOf(eventLastSeen(left)) ?? 0));
    const newest = group.events[0]!;
    const last = timeOf(eventLastSeen(newest));
    const count = group.events.reduce((sum, event) => sum + eventCount(event), 0);
    const involved = newest.involvedObject;
    const about = involved && (involved.kind !== group.object.kind || involved.name !== group.object.name) ? ` (${involved.kind} ${involved.name})` : '';
    const inspect = involved?.kind === 'Pod' && involved.name ? podEvents(index.namespace, involved.name, 'every event of the pod') : describe(group.object.kind, group.object.kind === 'Node' ? undefined : index.namespace, group.object.name, 'the object and its events');
    findings.push({
      id: findingId(group.object, 'WarningEvent', group.reason),
      severity: last !== undefined && index.now - last < RECENT_MS ? 'warning' : 'info',
      object: group.object, owner: null, reason: 'WarningEvent',
      summary: `${group.object.kind} ${group.object.name}${about}: Warning ${group.reason} x${count}: ${newest.message ?? ''}`.trim(),
      affected: [], blastRadius: 0,
      evidence: eventsEvidence(group.events, index.now),
      remediations: present([inspect]),
    });
  }
  return findings;
}

/** The warning event analyzer. */
export const warningEventAnalyzer: Analyzer = { name: 'warning events', kinds: ['Event'], analyze: analyzeWarnings };
