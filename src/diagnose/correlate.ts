/**
 * From many findings to a ranked list with the root causes first:
 *  1. symptoms of an object (not ready, stuck rollout, its Warning events) fold into the finding that
 *     explains them, as evidence; Warning events another finding already cites disappear;
 *  2. findings that follow from another get `causedBy` (a Service without endpoints -> the crashing
 *     Deployment behind it; a Pending pod -> its claim's missing StorageClass; pods -> their NotReady node);
 *  3. roots are ranked by the worst severity of everything they cause, then blast radius, then how
 *     close their reason is to a root cause; each root is followed by what it causes.
 */
import type { Evidence, Finding, Severity } from './finding.js';
import { objectKey } from './finding.js';
import { REASONS, SYMPTOM_REASONS } from './reasons.js';
import type { SnapshotIndex } from './snapshot-index.js';

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { critical: 0, warning: 1, info: 2 };

function worse(left: Severity, right: Severity): Severity {
  return SEVERITY_ORDER[left] <= SEVERITY_ORDER[right] ? left : right;
}

function byImportance(left: Finding, right: Finding): number {
  return (
    SEVERITY_ORDER[left.severity] - SEVERITY_ORDER[right.severity] ||
    right.blastRadius - left.blastRadius ||
    REASONS[left.reason].rank - REASONS[right.reason].rank ||
    left.id.localeCompare(right.id)
  );
}

function byRootCause(left: Finding, right: Finding): number {
  return REASONS[left.reason].rank - REASONS[right.reason].rank || byImportance(left, right);
}

/** Appends evidence that is not already there (same text), keeping order. */
function mergeEvidence(target: Evidence[], extra: readonly Evidence[]): Evidence[] {
  const seen = new Set(target.map((evidence) => evidence.text));
  const merged = [...target];
  for (const evidence of extra) {
    if (seen.has(evidence.text)) continue;
    seen.add(evidence.text);
    merged.push(evidence);
  }
  return merged;
}

function foldSymptoms(findings: readonly Finding[]): Finding[] {
  const byObject = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = objectKey(finding.object);
    const list = byObject.get(key) ?? [];
    list.push(finding);
    byObject.set(key, list);
  }
  const result: Finding[] = [];
  for (const group of byObject.values()) {
    const roots = group.filter((finding) => !SYMPTOM_REASONS.has(finding.reason)).sort(byRootCause);
    const symptoms = group.filter((finding) => SYMPTOM_REASONS.has(finding.reason)).sort(byRootCause);
    const host = roots[0] ?? symptoms.shift();
    if (!host) continue;
    let folded: Finding = host;
    for (const symptom of symptoms) {
      // A Warning event of the object is evidence; a status symptom is evidence and may raise severity.
      folded = {
        ...folded,
        severity: symptom.reason === 'WarningEvent' ? folded.severity : worse(folded.severity, symptom.severity),
        blastRadius: Math.max(folded.blastRadius, symptom.blastRadius),
        evidence: mergeEvidence(folded.evidence, symptom.evidence),
      };
    }
    result.push(folded, ...roots.slice(1));
  }
  // Warning events that other findings already cite explain nothing new.
  const cited = new Set(result.filter((finding) => finding.reason !== 'WarningEvent').flatMap((finding) => finding.evidence.filter((evidence) => evidence.type === 'event').map((evidence) => evidence.text)));
  return result.filter((finding) => finding.reason !== 'WarningEvent' || finding.evidence.some((evidence) => evidence.type === 'event' && !cited.has(evidence.text)));
}

/** The findings about an object (best root cause first). */
function findingsAbout(findings: readonly Finding[], key: string): Finding[] {
  return findings.filter((finding) => objectKey(finding.object) === key).sort(byRootCause);
}

const NODE_CAUSES = new Set(['NodeNotReady', 'NodeNetworkUnavailable', 'NodePressure']);
const CLAIM_CAUSES = new Set(['StorageClassNotFound', 'ProvisioningFailed', 'PVCPending', 'PVCLost']);
const WAITS_FOR_CLAIMS = new Set(['Unschedulable', 'FailedMount', 'Pending']);
const FOLLOWS_FROM_PODS = new Set(['NoReadyEndpoints', 'PDBBlocksDisruption', 'HPAScalingInactive']);

function linkCauses(index: SnapshotIndex, findings: Finding[]): Finding[] {
  const ids = new Set(findings.map((finding) => finding.id));
  const linked = findings.map((finding): Finding => {
    let cause: Finding | undefined;
    const pods = finding.affected.filter((reference) => reference.kind === 'Pod').map((reference) => index.pod(reference.name)).filter((pod) => pod !== undefined);
    if (FOLLOWS_FROM_PODS.has(finding.reason)) {
      // The workloads behind the pods; the one with the most telling finding explains this one.
      const workloads = [...new Set(pods.map((pod) => objectKey(index.workloadOf(pod))))];
      cause = workloads.flatMap((key) => findingsAbout(findings, key)).filter((candidate) => candidate.id !== finding.id).sort(byRootCause)[0];
      if (!cause && finding.reason === 'HPAScalingInactive') {
        const target = finding.affected[0];
        if (target) cause = findingsAbout(findings, objectKey(target))[0];
      }
    } else if (finding.reason === 'IngressBackendUnavailable') {
      cause = finding.affected.flatMap((service) => findingsAbout(findings, objectKey(service))).sort(byRootCause)[0];
    } else if (WAITS_FOR_CLAIMS.has(finding.reason)) {
      const claims = new Set(pods.flatMap((pod) => (pod.spec?.volumes ?? []).map((volume) => volume.persistentVolumeClaim?.claimName).filter((claim): claim is string => claim !== undefined)));
      cause = findings.filter((candidate) => candidate.object.kind === 'PersistentVolumeClaim' && claims.has(candidate.object.name) && CLAIM_CAUSES.has(candidate.reason)).sort(byRootCause)[0];
    }
    if (!cause && pods.length > 0 && finding.object.kind !== 'Node') {
      // Every affected pod sits on a node that is down or under pressure: the node is the cause.
      const nodes = new Set(pods.map((pod) => pod.spec?.nodeName ?? ''));
      if (!nodes.has('')) {
        const nodeFindings = findings.filter((candidate) => candidate.object.kind === 'Node' && nodes.has(candidate.object.name) && NODE_CAUSES.has(candidate.reason));
        const coveredNodes = new Set(nodeFindings.map((candidate) => candidate.object.name));
        if (nodeFindings.length > 0 && [...nodes].every((node) => coveredNodes.has(node))) cause = nodeFindings.sort(byRootCause)[0];
      }
    }
    return cause && cause.id !== finding.id && ids.has(cause.id) ? { ...finding, causedBy: cause.id } : finding;
  });
  // Break cycles (A caused by B caused by A): the better root cause keeps its place.
  const byId = new Map(linked.map((finding) => [finding.id, finding]));
  return linked.map((finding) => {
    const seen = new Set<string>([finding.id]);
    let current = finding.causedBy ? byId.get(finding.causedBy) : undefined;
    while (current) {
      if (seen.has(current.id)) {
        const { causedBy: _cycle, ...rest } = finding;
        return REASONS[finding.reason].rank <= REASONS[current.reason].rank ? rest : finding;
      }
      seen.add(current.id);
      current = current.causedBy ? byId.get(current.causedBy) : undefined;
    }
    return finding;
  });
}

function rank(findings: readonly Finding[]): Finding[] {
  const children = new Map<string, Finding[]>();
  const byId = new Map(findings.map((finding) => [finding.id, finding]));
  const roots: Finding[] = [];
  for (const finding of findings) {
    if (finding.causedBy && byId.has(finding.causedBy)) {
      const list = children.get(finding.causedBy) ?? [];
      list.push(finding);
      children.set(finding.causedBy, list);
    } else roots.push(finding);
  }
  // A root weighs as much as the worst it causes.
  const effective = new Map<string, { severity: Severity; blastRadius: number }>();
  const weigh = (finding: Finding, depth = 0): { severity: Severity; blastRadius: number } => {
    const known = effective.get(finding.id);
    if (known) return known;
    let severity = finding.severity;
    let blastRadius = finding.blastRadius;
    if (depth < 16) {
      for (const child of children.get(finding.id) ?? []) {
        const weight = weigh(child, depth + 1);
        severity = worse(severity, weight.severity);
        blastRadius = Math.max(blastRadius, weight.blastRadius);
      }
    }
    const value = { severity, blastRadius };
    effective.set(finding.id, value);
    return value;
  };
  const order = (left: Finding, right: Finding) => {
    const a = weigh(left);
    const b = weigh(right);
    return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.blastRadius - a.blastRadius || REASONS[left.reason].rank - REASONS[right.reason].rank || left.id.localeCompare(right.id);
  };
  const result: Finding[] = [];
  const placed = new Set<string>();
  const place = (finding: Finding) => {
    if (placed.has(finding.id)) return;
    placed.add(finding.id);
    // A root takes the severity of what it causes: the missing StorageClass is as critical as the pods it keeps down.
    const weight = weigh(finding);
    result.push(finding.causedBy ? finding : { ...finding, severity: weight.severity });
    for (const child of (children.get(finding.id) ?? []).sort(order)) place(child);
  };
  for (const root of roots.sort(order)) place(root);
  for (const finding of findings) place(finding);
  return result;
}

/** Folds symptoms, links causes and ranks: the list an investigation reports. */
export function correlate(index: SnapshotIndex, findings: readonly Finding[]): Finding[] {
  return rank(linkCauses(index, foldSymptoms(findings)));
}
