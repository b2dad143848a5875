/**
 * Nodes: NotReady or Unknown, memory/disk/PID pressure, network unavailable, cordoned. Node findings
 * are cluster-wide; their severity depends on whether pods of the investigated namespace run there.
 */
import { ago } from '../age.js';
import type { Analyzer } from '../analyzer.js';
import { fieldEvidence, eventsEvidence, noteEvidence } from '../evidence.js';
import { findingId, type Evidence, type Finding, type ObjectRef } from '../finding.js';
import { describe, present, uncordon } from '../remediation-requests.js';
import type { SnapshotIndex } from '../snapshot-index.js';

const PRESSURE = ['MemoryPressure', 'DiskPressure', 'PIDPressure'];

function analyzeNodes(index: SnapshotIndex): Finding[] {
  const findings: Finding[] = [];
  const troubled = index.nodes.filter((node) => node.spec?.unschedulable || (node.status?.conditions ?? []).some((condition) => (condition.type === 'Ready' ? condition.status !== 'True' : condition.status === 'True' && condition.type !== 'Ready')));
  if (troubled.length === 0) return [];
  const names = new Set(troubled.map((node) => node.metadata?.name ?? ''));
  const podsByNode = new Map<string, ObjectRef[]>();
  for (const pod of index.pods) {
    const node = pod.spec?.nodeName;
    if (!node || !names.has(node) || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    const list = podsByNode.get(node) ?? [];
    list.push(index.ref('Pod', pod.metadata?.name ?? ''));
    podsByNode.set(node, list);
  }
  const waitingForNodes = index.pods.some((pod) => pod.status?.phase === 'Pending' && pod.status.conditions?.some((condition) => condition.type === 'PodScheduled' && condition.status === 'False' && /unschedulable/i.test(condition.message ?? '')));
  for (const node of troubled) {
    const name = node.metadata?.name ?? '';
    const ref: ObjectRef = { kind: 'Node', name };
    const affected = podsByNode.get(name) ?? [];
    const hosts = affected.length > 0;
    const here = hosts ? `; ${affected.length} pod(s) of ${index.namespace} run there` : '';
    const conditions = node.status?.conditions ?? [];
    const taints: Evidence[] = (node.spec?.taints ?? []).map((taint) => fieldEvidence(ref, 'spec.taints', `${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`, 'spec'));
    const base = { object: ref, owner: null, affected, blastRadius: affected.length } as const;
    const describeNode = present([describe('Node', undefined, name, 'its conditions, taints, capacity and events')]);
    const ready = conditions.find((condition) => condition.type === 'Ready');
    if (ready && ready.status !== 'True') {
      findings.push({
        ...base, id: findingId(ref, 'NodeNotReady'), severity: hosts ? 'critical' : 'warning', reason: 'NodeNotReady',
        summary: `Node ${name} is NotReady (${ready.status}${ready.reason ? `, ${ready.reason}` : ''}) since ${ago(ready.lastTransitionTime, index.now).replace(' ago', '')}${ready.message ? `: ${ready.message.replace(/\.$/, '')}` : ''}${here}.`,
        evidence: [fieldEvidence(ref, 'status.conditions[Ready]', `status=${ready.status} reason=${ready.reason ?? ''} message=${JSON.stringify(ready.message ?? '')} lastHeartbeatTime=${ready.lastHeartbeatTime ?? ''}`), ...taints, ...eventsEvidence(index.warningsFor('Node', name), index.now)],
        remediations: describeNode,
        check: `check the node's kubelet and machine (power, network, disk); its pods are not served; if it does not come back, cordon and drain ${name}`,
      });
    }
    const network = conditions.find((condition) => condition.type === 'NetworkUnavailable' && condition.status === 'True');
    if (network) {
      findings.push({
        ...base, id: findingId(ref, 'NodeNetworkUnavailable'), severity: hosts ? 'critical' : 'warning', reason: 'NodeNetworkUnavailable',
        summary: `Node ${name} reports NetworkUnavailable${network.message ? `: ${network.message}` : ''}${here}.`,
        evidence: [fieldEvidence(ref, 'status.conditions[NetworkUnavailable]', `status=True reason=${network.reason ?? ''} message=${JSON.stringify(network.message ?? '')}`)],
        remediations: describeNode, check: 'check the network plugin (CNI) pods and routes on the node',
      });
    }
    const pressures = conditions.filter((condition) => PRESSURE.includes(condition.type) && condition.status === 'True');
    if (pressures.length > 0) {
      findings.push({
        ...base, id: findingId(ref, 'NodePressure'), severity: hosts ? 'warning' : 'info', reason: 'NodePressure',
        summary: `Node ${name} is under ${pressures.map((condition) => condition.type).join(' and ')}: it evicts pods and refuses new ones${here}.`,
        evidence: [...pressures.map((condition) => fieldEvidence(ref, `status.conditions[${condition.type}]`, `status=True reason=${condition.reason ?? ''} message=${JSON.stringify(condition.message ?? '')}`)), ...taints],
        remediations: describeNode, check: `free ${pressures.map((condition) => condition.type.replace('Pressure', '').toLowerCase()).join('/')} on the node, or move workloads off it`,
      });
    }
    if (node.spec?.unschedulable) {
      findings.push({
        ...base, id: findingId(ref, 'NodeCordoned'), severity: waitingForNodes ? 'warning' : 'info', reason: 'NodeCordoned', blastRadius: 0,
        summary: `Node ${name} is cordoned: no new pods are scheduled on it${waitingForNodes ? ' while pods of this namespace wait for a node' : ''}.`,
        evidence: [fieldEvidence(ref, 'spec.unschedulable', 'true', 'spec'), ...taints, ...(ready ? [noteEvidence(`Ready=${ready.status}`)] : [])],
        remediations: [uncordon(name, 'when its maintenance is over, the scheduler may use it again'), ...describeNode],
      });
    }
  }
  return findings;
}

/** The node analyzer. */
export const nodeAnalyzer: Analyzer = { name: 'nodes', kinds: ['Node'], analyze: analyzeNodes };
