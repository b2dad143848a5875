/** PodDisruptionBudgets that allow no disruption (and which node drains they would block), and budgets that select nothing. */
import type { Analyzer } from '../analyzer.js';
import { fieldEvidence, noteEvidence } from '../evidence.js';
import { findingId, type Finding } from '../finding.js';
import { formatSelector } from '../label-selector.js';
import { describe, present } from '../remediation-requests.js';
import type { SnapshotIndex } from '../snapshot-index.js';

function analyzeBudgets(index: SnapshotIndex): Finding[] {
  const findings: Finding[] = [];
  for (const budget of index.snapshot.podDisruptionBudgets ?? []) {
    const name = budget.metadata?.name ?? '';
    const ref = index.ref('PodDisruptionBudget', name);
    const pods = index.podsMatchingSelector(budget.spec?.selector).filter((pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed');
    const selector = formatSelector(budget.spec?.selector);
    const rule = budget.spec?.minAvailable !== undefined ? `minAvailable ${budget.spec.minAvailable}` : budget.spec?.maxUnavailable !== undefined ? `maxUnavailable ${budget.spec.maxUnavailable}` : '(no rule)';
    const workloads = [...new Map(pods.map((pod) => { const workload = index.workloadOf(pod); return [`${workload.kind}/${workload.name}`, workload]; })).values()];
    const remediations = present(workloads.slice(0, 2).map((workload) => describe(workload.kind, index.namespace, workload.name, 'the workload the budget protects')));
    if (pods.length === 0) {
      findings.push({
        id: findingId(ref, 'PDBNoMatchingPods'), severity: 'info', object: ref, owner: null, reason: 'PDBNoMatchingPods',
        summary: `PodDisruptionBudget ${name} (${rule}) selects no pods (${selector}): it protects nothing.`, affected: [], blastRadius: 0,
        evidence: [fieldEvidence(ref, 'spec.selector', selector, 'spec')], remediations, check: 'fix the selector or delete the budget',
      });
      continue;
    }
    const allowed = budget.status?.disruptionsAllowed;
    if (allowed !== 0) continue;
    const healthy = budget.status?.currentHealthy ?? 0;
    const desired = budget.status?.desiredHealthy ?? 0;
    const nodes = [...new Set(pods.map((pod) => pod.spec?.nodeName).filter((node): node is string => node !== undefined))].sort();
    const unhealthy = healthy < desired;
    const why = unhealthy
      ? `only ${healthy} of its ${pods.length} pods are healthy and it needs ${desired}`
      : `with ${rule} and ${pods.length} pod(s), no pod may ever be evicted`;
    findings.push({
      id: findingId(ref, 'PDBBlocksDisruption'), severity: 'warning', object: ref, owner: null, reason: 'PDBBlocksDisruption',
      summary: `PodDisruptionBudget ${name} allows no disruption: ${why}; draining ${nodes.length > 0 ? `node(s) ${nodes.join(', ')}` : 'their nodes'} would block.`,
      affected: pods.map((pod) => index.ref('Pod', pod.metadata?.name ?? '')), blastRadius: pods.length,
      evidence: [
        fieldEvidence(ref, 'spec', `${rule} selector=${selector}`, 'spec'),
        fieldEvidence(ref, 'status', `disruptionsAllowed=0 currentHealthy=${healthy} desiredHealthy=${desired} expectedPods=${budget.status?.expectedPods ?? pods.length}`),
        noteEvidence(`a drain of ${nodes.join(', ') || 'their nodes'} waits for evictions the budget refuses (HTTP 429)`),
      ],
      remediations,
      check: unhealthy ? 'make the selected pods healthy first (see the workload\'s finding)' : `relax the budget (${rule}) or run more replicas before draining`,
    });
  }
  return findings;
}

/** The disruption budget analyzer. */
export const disruptionBudgetAnalyzer: Analyzer = { name: 'disruption budgets', kinds: ['PodDisruptionBudget'], analyze: analyzeBudgets };
