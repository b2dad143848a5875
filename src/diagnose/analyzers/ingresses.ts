/** Ingresses: a missing or unknown class, a backend Service (or port) that does not exist or has no ready endpoints, a missing TLS Secret. */
import type { Ingress, IngressBackend } from 'kubernetes-types/networking/v1.js';
import type { Analyzer } from '../analyzer.js';
import { fieldEvidence, noteEvidence } from '../evidence.js';
import { findingId, type Evidence, type Finding, type ObjectRef } from '../finding.js';
import { describe, present } from '../remediation-requests.js';
import type { SnapshotIndex } from '../snapshot-index.js';
import { selectedPods, serviceEndpointCounts } from './services.js';

const DEFAULT_CLASS = 'ingressclass.kubernetes.io/is-default-class';

interface Backend {
  service: string;
  port?: number | string;
  where: string;
}

function backendsOf(ingress: Ingress): Backend[] {
  const backends: Backend[] = [];
  const add = (backend: IngressBackend | undefined, where: string) => {
    const service = backend?.service;
    if (!service?.name) return;
    const port = service.port?.number ?? service.port?.name;
    backends.push({ service: service.name, ...(port !== undefined ? { port } : {}), where });
  };
  add(ingress.spec?.defaultBackend, 'defaultBackend');
  for (const rule of ingress.spec?.rules ?? []) {
    for (const path of rule.http?.paths ?? []) add(path.backend, `${rule.host ?? '*'}${path.path ?? '/'}`);
  }
  return backends;
}

function finding(index: SnapshotIndex, ref: ObjectRef, reason: Finding['reason'], summary: string, evidence: Evidence[], extra: Partial<Finding> = {}): Finding {
  return {
    id: findingId(ref, reason), severity: 'warning', object: ref, owner: null, reason, summary, affected: [], blastRadius: 1, evidence,
    remediations: present([describe('Ingress', index.namespace, ref.name, 'its rules, backends and events')]),
    ...extra,
  };
}

function analyzeIngresses(index: SnapshotIndex): Finding[] {
  const findings: Finding[] = [];
  const classes = index.snapshot.ingressClasses;
  const defaultClass = classes?.find((ingressClass) => ingressClass.metadata?.annotations?.[DEFAULT_CLASS] === 'true');
  for (const ingress of index.snapshot.ingresses ?? []) {
    const name = ingress.metadata?.name ?? '';
    const ref = index.ref('Ingress', name);
    const className = ingress.spec?.ingressClassName ?? ingress.metadata?.annotations?.['kubernetes.io/ingress.class'];
    if (classes !== undefined) {
      const known = classes.map((ingressClass) => ingressClass.metadata?.name ?? '');
      if (!className && !defaultClass) {
        findings.push(finding(index, ref, 'IngressClassMissing', `Ingress ${name} names no ingress class and the cluster has no default one, so no controller serves it.`,
          [fieldEvidence(ref, 'spec.ingressClassName', '(unset)', 'spec'), noteEvidence(`IngressClasses: ${known.join(', ') || 'none'}`)],
          { check: `set spec.ingressClassName to one of: ${known.join(', ') || '(none installed)'}` }));
      } else if (ingress.spec?.ingressClassName && !known.includes(ingress.spec.ingressClassName)) {
        findings.push(finding(index, ref, 'IngressClassMissing', `Ingress ${name} names ingress class ${ingress.spec.ingressClassName}, which does not exist, so no controller serves it.`,
          [fieldEvidence(ref, 'spec.ingressClassName', ingress.spec.ingressClassName, 'spec'), noteEvidence(`IngressClasses: ${known.join(', ') || 'none'}`)],
          { check: `use one of the installed classes (${known.join(', ') || 'none'}) or install the ${ingress.spec.ingressClassName} controller` }));
      }
    }

    const missing: string[] = [];
    const unavailable: Array<{ backend: Backend; ready: number; total: number }> = [];
    const evidence: Evidence[] = [];
    for (const backend of backendsOf(ingress)) {
      const service = index.services.find((candidate) => candidate.metadata?.name === backend.service);
      if (!service) {
        missing.push(`${backend.where} -> service ${backend.service} does not exist`);
        continue;
      }
      if (backend.port !== undefined && !(service.spec?.ports ?? []).some((port) => port.port === backend.port || port.name === backend.port)) {
        missing.push(`${backend.where} -> service ${backend.service} has no port ${backend.port} (ports: ${(service.spec?.ports ?? []).map((port) => port.name ?? port.port).join(', ')})`);
        continue;
      }
      if (!service.spec?.selector || Object.keys(service.spec.selector).length === 0) continue;
      const pods = selectedPods(index, service);
      const counts = serviceEndpointCounts(index, service, pods);
      if (counts.ready === 0) unavailable.push({ backend, ...counts });
    }
    if (missing.length > 0) {
      evidence.push(...missing.map((line) => fieldEvidence(ref, 'spec.rules', line, 'spec')));
      findings.push({
        ...finding(index, ref, 'IngressBackendMissing', `Ingress ${name} routes to a backend that does not exist: ${missing[0]}.`, evidence,
          { check: 'point the rule at an existing Service and port, or create the Service' }),
        severity: 'critical',
      });
    }
    if (unavailable.length > 0) {
      const lines = unavailable.map(({ backend, ready, total }) => `${backend.where} -> service ${backend.service}: ${ready}/${total} endpoints ready`);
      findings.push({
        ...finding(index, ref, 'IngressBackendUnavailable', `Ingress ${name}: backend service ${unavailable[0]!.backend.service} has no ready endpoints, so requests to ${unavailable[0]!.backend.where} fail.`,
          lines.map((line) => noteEvidence(line, ref))),
        severity: 'critical',
        affected: unavailable.map(({ backend }) => index.ref('Service', backend.service)),
      });
    }
    if (index.snapshot.secretNames !== undefined) {
      const absent = (ingress.spec?.tls ?? []).filter((tls) => tls.secretName && index.secretExists(tls.secretName) === false);
      if (absent.length > 0) {
        findings.push(finding(index, ref, 'TLSSecretMissing', `Ingress ${name} names TLS Secret ${absent[0]!.secretName}, which does not exist: HTTPS for ${(absent[0]!.hosts ?? []).join(', ') || 'its hosts'} falls back to the controller's default certificate.`,
          absent.map((tls) => fieldEvidence(ref, 'spec.tls', `secretName=${tls.secretName} hosts=${(tls.hosts ?? []).join(',')}`, 'spec')),
          { check: `create the TLS Secret ${absent[0]!.secretName} (or let cert-manager issue it) or fix spec.tls` }));
      }
    }
  }
  return findings;
}

/** The ingress analyzer. */
export const ingressAnalyzer: Analyzer = { name: 'ingresses', kinds: ['Ingress', 'IngressClass'], analyze: analyzeIngresses };
