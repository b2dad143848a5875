import { describe, expect, it } from 'vitest';
import { nodeAnalyzer } from '../../../../src/diagnose/analyzers/nodes.js';
import { SnapshotIndex } from '../../../../src/diagnose/snapshot-index.js';
import type { Snapshot } from '../../../../src/diagnose/snapshot-types.js';
import { node, pod, snapshotOf, unschedulablePod } from '../fixtures.js';

const run = (parts: Partial<Snapshot>) => nodeAnalyzer.analyze(new SnapshotIndex(snapshotOf(parts)));

describe('node analyzer', () => {
  it('finds nothing for Ready nodes', () => {
    expect(run({})).toEqual([]);
  });

  it('reports a NotReady node, critical when pods of the namespace run there', () => {
    const [finding] = run({ nodes: [node('node-1', { ready: 'Unknown' })], pods: [pod('api-1', { node: 'node-1' })] });
    expect(finding).toMatchObject({ reason: 'NodeNotReady', severity: 'critical', object: { kind: 'Node', name: 'node-1' }, affected: [{ kind: 'Pod', name: 'api-1', namespace: 'prod' }] });
    expect(finding!.object.namespace).toBeUndefined();
    expect(finding!.summary).toContain('Kubelet stopped posting node status; 1 pod(s) of prod run there.');
    expect(finding!.evidence.map((evidence) => evidence.text)).toContain('node.kubernetes.io/unreachable:NoExecute');
    expect(run({ nodes: [node('node-1', { ready: 'False' })] })[0]!.severity).toBe('warning');
  });

  it('reports pressure and network conditions', () => {
    const findings = run({ nodes: [node('node-1', { pressure: ['MemoryPressure', 'DiskPressure'], network: true })], pods: [pod('api-1')] });
    expect(findings.map((finding) => finding.reason).sort()).toEqual(['NodeNetworkUnavailable', 'NodePressure']);
    expect(findings.find((finding) => finding.reason === 'NodePressure')!.summary).toContain('under MemoryPressure and DiskPressure');
  });

  it('reports a cordoned node with an uncordon fix, a warning while pods wait for nodes', () => {
    const [quiet] = run({ nodes: [node('node-1', { unschedulable: true })] });
    expect(quiet).toMatchObject({ reason: 'NodeCordoned', severity: 'info' });
    expect(quiet!.remediations[0]).toMatchObject({ kind: 'fix', request: { intent: 'uncordon', resource: 'node', name: 'node-1' } });
    const [busy] = run({ nodes: [node('node-1', { unschedulable: true })], pods: [unschedulablePod('api-1', '0/1 nodes are available: 1 node(s) were unschedulable.')] });
    expect(busy!.severity).toBe('warning');
  });
});
