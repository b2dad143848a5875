/**
 * Services: a selector that matches no pods, pods that are selected but never ready endpoints
 * (read from EndpointSlices), and a targetPort that no selected container declares.
 */
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { Analyzer } from '../analyzer.js';
import { fieldEvidence, noteEvidence } from '../evidence.js';
import { findingId, type Evidence, type Finding } from '../finding.js';
import { formatSelector } from '../label-selector.js';
import { describe, present, serviceEndpoints } from '../remediation-requests.js';
import type { SnapshotIndex } from '../snapshot-index.js';
import { ownValue } from '../../own-property.js';

/** Ready and total endpoints of a Service: from its EndpointSlices, else from the readiness of the pods it selects. */
export function serviceEndpointCounts(index: SnapshotIndex, service: Service, pods: readonly Pod[]): { ready: number; total: number; source: 'endpointslices' | 'pods' } {
  const slices = index.slicesOf(service.metadata?.name ?? '');
  if (slices !== undefined) {
    let ready = 0;
    let total = 0;
    for (const slice of slices) {
      for (const endpoint of slice.endpoints ?? []) {
        total += 1;
        // The API: ready unset means "unknown", which consumers treat as ready.
        if (endpoint.conditions?.ready !== false) ready += 1;
      }
    }
    return { ready, total, source: 'endpointslices' };
  }
  const ready = pods.filter((pod) => pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True')).length;
  return { ready, total: pods.length, source: 'pods' };
}

/** The pods a Service selects that can be endpoints (not finished). */
export function selectedPods(index: SnapshotIndex, service: Service): Pod[] {
  return index.podsMatchingMap(service.spec?.selector).filter((pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed');
}

function labelHints(index: SnapshotIndex, selector: Readonly<Record<string, string>>): string | undefined {
  const hints: string[] = [];
  for (const key of Object.keys(selector)) {
    const values = new Set<string>();
    for (const pod of index.pods) {
      const value = ownValue(pod.metadata?.labels, key);
      if (value !== undefined) values.add(value);
      if (values.size > 8) break;
    }
    if (values.size > 0) hints.push(`pods here have ${key}=${[...values].slice(0, 8).join('|')}`);
  }
  return hints.length > 0 ? hints.join('; ') : undefined;
}

/** Pods whose ports are sampled: pods of one workload share a template, so a few cover every variant. */
const PORT_SAMPLE = 20;

function targetPortProblems(service: Service, pods: readonly Pod[]): string[] {
  const problems: string[] = [];
  const sample = pods.length > PORT_SAMPLE ? pods.slice(0, PORT_SAMPLE) : pods;
  const declared = sample.flatMap((pod) => (pod.spec?.containers ?? []).flatMap((container) => container.ports ?? []));
  for (const port of service.spec?.ports ?? []) {
    const target = port.targetPort ?? port.port;
    if (typeof target === 'string' && !/^\d+$/.test(target)) {
      if (!declared.some((containerPort) => containerPort.name === target)) {
        problems.push(`port ${port.name ?? port.port} targets the named port "${target}", which no selected container declares (declared: ${[...new Set(declared.map((containerPort) => containerPort.name ?? String(containerPort.containerPort)))].join(', ') || 'none'})`);
      }
    } else if (declared.length > 0) {
      const number = Number(target);
      if (!declared.some((containerPort) => containerPort.containerPort === number)) {
        problems.push(`port ${port.name ?? port.port} targets ${number}, which no selected container declares (declared: ${[...new Set(declared.map((containerPort) => containerPort.containerPort))].join(', ')})`);
      }
    }
  }
  return problems;
}

function analyzeServices(index: SnapshotIndex): Finding[] {
  const findings: Finding[] = [];
  for (const service of index.services) {
    const name = service.metadata?.name ?? '';
    const selector = service.spec?.selector;
    // Services without a selector (ExternalName, hand-managed endpoints) are not backed by pods.
    if (!selector || Object.keys(selector).length === 0 || service.spec?.type === 'ExternalName') continue;
    const ref = index.ref('Service', name);
    const pods = selectedPods(index, service);
    const selectorText = formatSelector(selector);
    if (pods.length === 0) {
      const hint = labelHints(index, selector);
      findings.push({
        id: findingId(ref, 'NoMatchingPods'), severity: 'warning', object: ref, owner: null, reason: 'NoMatchingPods',
        summary: `Service ${name}: its selector ${selectorText} matches no pods, so it has no endpoints.`,
        affected: [], blastRadius: 1,
        evidence: [fieldEvidence(ref, 'spec.selector', selectorText, 'spec'), ...(hint ? [noteEvidence(hint)] : [])],
        remediations: present([describe('Service', index.namespace, name, 'its selector and endpoints'), serviceEndpoints(index.namespace, name, 'confirms there are no endpoints')]),
        check: `fix the selector (${selectorText}) or the pod labels so they match${hint ? ` (${hint})` : ''}`,
      });
      continue;
    }
    const counts = serviceEndpointCounts(index, service, pods);
    if (counts.ready === 0) {
      const evidence: Evidence[] = [
        fieldEvidence(ref, 'spec.selector', `${selectorText} selects ${pods.length} pod(s): ${pods.slice(0, 5).map((pod) => pod.metadata?.name).join(', ')}${pods.length > 5 ? ', ...' : ''}`, 'spec'),
        noteEvidence(counts.source === 'endpointslices' ? `EndpointSlices list ${counts.total} endpoint(s), none ready` : `none of the ${pods.length} selected pods is ready (EndpointSlices not read)`, ref),
      ];
      findings.push({
        id: findingId(ref, 'NoReadyEndpoints'), severity: 'critical', object: ref, owner: null, reason: 'NoReadyEndpoints',
        summary: `Service ${name}: none of the ${pods.length} pod(s) it selects is ready, so it has no ready endpoints and its clients fail.`,
        affected: pods.map((pod) => index.ref('Pod', pod.metadata?.name ?? '')), blastRadius: pods.length,
        evidence,
        remediations: present([serviceEndpoints(index.namespace, name, 'the endpoints and their readiness'), describe('Service', index.namespace, name, 'its selector, ports and events')]),
      });
    }
    const portProblems = targetPortProblems(service, pods);
    if (portProblems.length > 0) {
      findings.push({
        id: findingId(ref, 'TargetPortNotExposed'), severity: 'warning', object: ref, owner: null, reason: 'TargetPortNotExposed',
        summary: `Service ${name}: ${portProblems[0]}.`,
        affected: [], blastRadius: pods.length,
        evidence: [fieldEvidence(ref, 'spec.ports', JSON.stringify(service.spec?.ports ?? []), 'spec'), ...portProblems.map((problem) => noteEvidence(problem, ref))],
        remediations: present([describe('Service', index.namespace, name, 'its ports and target ports')]),
        check: 'make the Service targetPort match a containerPort (by number or name) of the selected pods',
      });
    }
  }
  return findings;
}

/** The service analyzer. */
export const serviceAnalyzer: Analyzer = { name: 'services', kinds: ['Service', 'EndpointSlice'], analyze: analyzeServices };
