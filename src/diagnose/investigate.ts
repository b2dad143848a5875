/**
 * investigate(): one investigation as an event stream. Reads a snapshot through the cluster reader
 * (validated, bounded, recorded), resolves the target, analyzes (pure), previews each remediation
 * through propose() in plan-only mode (so the document shows the command and the verdict it would
 * get), adds the timeline and an optional model explanation, and writes ONE audit record
 * (`investigated`, with every read) before the document is yielded.
 */
import { randomUUID } from 'node:crypto';
import { createClusterReader, type ClusterReader } from '../cluster/cluster-reader.js';
import { formatFieldPath } from '../config/problems.js';
import { AuditError, CancelledError, InputError, PolicyDeniedError, isAbortError, serializeError, type SerializedError } from '../errors.js';
import { auditRecord, defaultUser, type AuditSubject } from '../pipeline/audit-fields.js';
import type { Core } from '../contracts/core.js';
import type { NameResolver } from '../contracts/ports.js';
import { propose } from '../pipeline/propose.js';
import type { K8sExecPayload, RequestSource } from '../schemas/request.js';
import { RESOURCES, type Resource } from '../schemas/vocabulary.js';
import { analyzeIndex } from './analyze.js';
import { DiagnosePayloadSchema, type DiagnoseDocument, type DiagnosePayload } from './document.js';
import type { InvestigationEvent, InvestigationStepStatus } from './events.js';
import type { Explainer } from './explain.js';
import type { Finding, ObjectRef, Remediation, RemediationPreview } from './finding.js';
import { DEFAULT_MAX_LOGS, readDetails, readNamespace } from './snapshot.js';
import { SnapshotIndex } from './snapshot-index.js';
import { snapshotNameResolver } from './snapshot-names.js';
import { SNAPSHOT_KINDS, type Snapshot } from './snapshot-types.js';
import { summarize } from './summary.js';
import { parseTarget, relatedObjects, resolveTarget, type TargetSpec } from './target.js';
import { buildTimeline, readAuditTail } from './timeline.js';
import { ownValue } from '../own-property.js';

/** Reads one investigation may make: phase one (4), phase two (usage + logs), batch retries. */
export const MAX_INVESTIGATION_READS = 16;
/** Findings whose remediations are previewed (planned in plan-only mode); the rest keep just their requests. */
export const MAX_PREVIEWED_FINDINGS = 25;

/** How an investigation runs. */
export interface InvestigateOptions {
  source: RequestSource;
  /** Recorded in the audit log (default: the OS account). */
  user?: string;
  signal?: AbortSignal;
  /** Most containers whose logs are read (default 3). */
  maxLogs?: number;
  /** Plan every remediation (plan-only) to show its command and verdict (default true). */
  previews?: boolean;
  /** Writes the model explanation when the payload asks for one. */
  explainer?: Explainer;
}

/** Parses an investigation payload; an invalid one is an InputError naming the field and the fix. */
export function parseDiagnosePayload(payload: unknown): DiagnosePayload {
  const parsed = DiagnosePayloadSchema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field: formatFieldPath(issue.path) || '(payload)',
    message: issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}` : issue.message,
  }));
  throw new InputError(`invalid investigation: ${issues[0]!.field}: ${issues[0]!.message}`, {
    hint: 'send {"namespace": "prod"} and optionally "target": "deploy/payments" (docs/diagnose.md)',
    details: { issues },
  });
}

/** An async queue: producers push, the generator drains in order. */
function createChannel<Item>() {
  const items: Item[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  return {
    push(item: Item) {
      items.push(item);
      wake?.();
    },
    close() {
      closed = true;
      wake?.();
    },
    async *drain(): AsyncGenerator<Item> {
      for (;;) {
        while (items.length > 0) yield items.shift()!;
        if (closed) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (items.length > 0 || closed) resolve();
        });
        wake = undefined;
      }
    },
  };
}

function kindCounts(snapshot: Snapshot): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const [key, kind] of SNAPSHOT_KINDS) {
    const list = snapshot[key] as unknown[] | undefined;
    if (list !== undefined) kinds[kind] = list.length;
  }
  return kinds;
}

function auditResource(target: ObjectRef | TargetSpec | undefined): Resource | undefined {
  const kind = target?.kind?.toLowerCase();
  const map: Readonly<Record<string, Resource>> = { persistentvolumeclaim: 'pvc', horizontalpodautoscaler: 'hpa' };
  const resource = kind ? (ownValue(map, kind) ?? kind) : undefined;
  return resource && (RESOURCES as readonly string[]).includes(resource) ? (resource as Resource) : undefined;
}

/** Plans each remediation (plan-only: nothing recorded, nothing can run from it) to show its command and verdict. */
async function previewRemediations(findings: Finding[], core: Core, options: InvestigateOptions, notes: string[], nameResolver: NameResolver | undefined): Promise<Finding[]> {
  const cache = new Map<string, Promise<RemediationPreview | undefined>>();
  const preview = (remediation: Remediation): Promise<RemediationPreview | undefined> => {
    const key = JSON.stringify(remediation.request);
    let pending = cache.get(key);
    if (!pending) {
      pending = (async () => {
        let plan: { command: string; card: string } | undefined;
        let verdict: { risk: RemediationPreview['risk']; decision: RemediationPreview['decision']; violations: string[] } | undefined;
        let error: SerializedError | undefined;
        const request = remediation.request as K8sExecPayload;
        for await (const event of propose(request, core, { source: options.source, ...(options.user ? { user: options.user } : {}), ...(options.signal ? { signal: options.signal } : {}), ...(nameResolver ? { nameResolver } : {}), planOnly: true })) {
          if (event.type === 'plan-end') plan = { command: event.plan.command, card: event.plan.card };
          else if (event.type === 'validate-end') verdict = { risk: event.verdict.risk, decision: event.verdict.decision, violations: event.verdict.violations.map((violation) => violation.message) };
          else if (event.type === 'error') error = event.error;
        }
        if (error?.code === 'CANCELLED') throw new CancelledError('cancelled');
        if (!plan || !verdict) {
          notes.push(`remediation "${remediation.title}" could not be planned: ${error?.message ?? 'no plan'}`);
          return undefined;
        }
        return { command: plan.command, card: plan.card, risk: verdict.risk, decision: verdict.decision, ...(verdict.violations.length > 0 ? { violations: verdict.violations } : {}) };
      })();
      cache.set(key, pending);
    }
    return pending;
  };
  const previewed: Finding[] = [];
  for (const [position, finding] of findings.entries()) {
    if (position >= MAX_PREVIEWED_FINDINGS) {
      previewed.push(finding);
      continue;
    }
    const remediations = await Promise.all(finding.remediations.map(async (remediation) => {
      const result = await preview(remediation);
      return result ? { ...remediation, preview: result } : remediation;
    }));
    previewed.push({ ...finding, remediations });
  }
  return previewed;
}

function topMessage(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings';
  const critical = findings.filter((finding) => finding.severity === 'critical').length;
  const top = findings[0]!;
  return `${findings.length} finding(s)${critical > 0 ? `, ${critical} critical` : ''}; top: ${top.reason} ${top.object.kind.toLowerCase()}/${top.object.name}`;
}

/** The document of an investigation that could not finish. */
function failedDocument(operationId: string, namespace: string, error: SerializedError, reads: readonly string[], notes: readonly string[], started: number, readMs: number): DiagnoseDocument {
  return {
    operationId,
    status: 'failed',
    namespace,
    summary: `The investigation of namespace ${namespace} failed: ${error.message}`,
    findings: [],
    checked: { kinds: {}, reads: [...reads], notes: [...notes], durationMs: Math.round(performance.now() - started), readMs: Math.round(readMs), analysisMs: 0 },
    error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) },
  };
}

/**
 * Runs one investigation and yields investigation-start, investigation-step (each check as it runs),
 * notices, then investigation-end with the document. On failure it yields `error`, then
 * investigation-end with a `failed` document; an invalid payload yields only `error` (nothing was read
 * or recorded). The generator never throws for investigation errors.
 */
export async function* investigate(payload: unknown, core: Core, options: InvestigateOptions): AsyncGenerator<InvestigationEvent> {
  let request: DiagnosePayload;
  let spec: TargetSpec | undefined;
  try {
    request = parseDiagnosePayload(payload);
    spec = request.target === undefined ? undefined : parseTarget(request.target);
  } catch (error) {
    yield { type: 'error', error: serializeError(error) };
    return;
  }
  const signal = options.signal;
  const operationId = randomUUID();
  const started = performance.now();
  const namespace = request.namespace;
  const subject: AuditSubject = {
    operationId,
    source: options.source,
    user: options.user ?? defaultUser(),
    context: core.config.kubectl.context ?? null,
    request: { intent: 'diagnose', namespace, ...(spec ? { name: spec.name } : {}) },
  };
  const reader: ClusterReader = createClusterReader(core, { maxReads: MAX_INVESTIGATION_READS, ...(signal ? { signal } : {}) });
  const notes: string[] = [];
  let readMs = 0;
  let targetRef: ObjectRef | undefined;
  const channel = createChannel<InvestigationEvent>();
  const report = (check: string, status: InvestigationStepStatus, detail?: string) => channel.push({ type: 'investigation-step', check, status, ...(detail ? { detail } : {}) });
  const resource = () => auditResource(targetRef ?? spec);
  const record = (event: 'investigated' | 'failed' | 'cancelled', message: string) =>
    core.auditLog.append(auditRecord(event, subject, {
      timestamp: core.clock.now().toISOString(),
      resource: resource() ?? (targetRef ?? spec)?.kind?.toLowerCase() ?? null,
      reads: reader.reads.map((read) => read.command),
      message,
    }));

  yield { type: 'investigation-start', operationId, namespace, ...(request.target ? { target: request.target } : {}) };

  const work = (async (): Promise<DiagnoseDocument> => {
    const readStarted = performance.now();
    const pods = core.validator.validate(['get', 'pods', '-n', namespace, '-o', 'json'], {});
    if (pods.decision !== 'allow' || pods.mutating) {
      throw new PolicyDeniedError(`cannot investigate namespace ${namespace}: ${pods.violations.map((violation) => violation.message).join('; ') || 'reading its pods is not allowed'}`, {
        hint: 'investigate a namespace listed in org/namespaces.yaml (rk8s check shows the policy)',
      });
    }
    const phaseOne = await readNamespace(reader, core.validator, namespace, report, () => core.clock.now());
    notes.push(...phaseOne.notes);
    if (phaseOne.namespaces && !phaseOne.namespaces.includes(namespace)) {
      throw new InputError(`namespace ${namespace} does not exist in the cluster`, { hint: `namespaces: ${phaseOne.namespaces.slice(0, 20).join(', ')}` });
    }
    const index = new SnapshotIndex(phaseOne.snapshot);
    if (spec) targetRef = resolveTarget(index, spec);
    const related = targetRef ? relatedObjects(index, targetRef) : undefined;
    const detailPods = related ? index.pods.filter((pod) => related.has(`Pod/${pod.metadata?.name ?? ''}`)) : index.pods;
    await readDetails(reader, index, detailPods, report, notes, options.maxLogs ?? DEFAULT_MAX_LOGS);
    index.refreshDetails();
    readMs = performance.now() - readStarted;
    signal?.throwIfAborted();

    const analysisStarted = performance.now();
    let findings = analyzeIndex(index, { ...(targetRef ? { target: targetRef } : {}), onAnalyzer: (analyzer, count) => report(analyzer.name, 'done', `${count} finding${count === 1 ? '' : 's'}`) });
    const analysisMs = performance.now() - analysisStarted;

    if (options.previews !== false && findings.length > 0) {
      report('remediations', 'running', 'planning each remediation (plan only)');
      // Names come from the snapshot just read, not from one more read of the namespace per remediation.
      const names = core.nameResolver ? snapshotNameResolver({ snapshot: index.snapshot, ...(phaseOne.namespaceObjects ? { namespaceObjects: phaseOne.namespaceObjects } : {}) }, () => core.validator, core.nameResolver) : undefined;
      findings = await previewRemediations(findings, core, options, notes, names);
      report('remediations', 'done', `${findings.reduce((sum, finding) => sum + finding.remediations.length, 0)} remediations`);
    }
    if (index.snapshot.secretNames === undefined && (index.snapshot.ingresses ?? []).some((ingress) => (ingress.spec?.tls ?? []).length > 0)) {
      notes.push(`TLS Secrets of Ingresses not checked: Secret names are not readable in ${namespace} under the policy`);
    }
    const kinds = kindCounts(index.snapshot);
    const document: DiagnoseDocument = {
      operationId,
      status: findings.some((finding) => finding.severity !== 'info') ? 'findings' : 'healthy',
      namespace,
      ...(targetRef ? { target: targetRef } : {}),
      summary: summarize(findings, namespace, targetRef, kinds),
      findings,
      checked: { kinds, reads: reader.reads.map((read) => read.command), notes, durationMs: 0, readMs: Math.round(readMs * 10) / 10, analysisMs: Math.round(analysisMs * 10) / 10 },
    };
    if (request.timeline || targetRef) {
      report('timeline', 'running', 'rollouts, Warning events and rk8s audit records');
      const audit = await readAuditTail(core.auditLog.path);
      if (audit.note) notes.push(audit.note);
      document.timeline = buildTimeline(index, { ...(targetRef ? { target: targetRef } : {}), audit: audit.records, limit: request.timeline ? 50 : 15 });
      report('timeline', 'done', `${document.timeline.length} entries`);
    }
    if (request.explain) {
      if (!options.explainer) {
        channel.push({ type: 'notice', level: 'info', stage: 'diagnose', message: 'no model is configured: the summary is the deterministic one (set RK8S_MODEL for an explanation)' });
      } else if (findings.length > 0) {
        report('explanation', 'running', `model ${options.explainer.model}`);
        try {
          const explanation = await options.explainer.explain(findings, document.summary, signal);
          document.explanation = { ...explanation, model: options.explainer.model };
          report('explanation', 'done', `${explanation.cites.length} finding(s) cited`);
        } catch (error) {
          if (isAbortError(error) || signal?.aborted) throw error;
          notes.push(`model explanation failed: ${(error as Error).message}`);
          report('explanation', 'failed', (error as Error).message);
        }
      }
    }
    document.checked.durationMs = Math.round(performance.now() - started);
    // Recorded before the document is yielded: a consumer that stops there must not skip the record.
    await record('investigated', topMessage(findings));
    return document;
  })();
  work.then(() => channel.close(), () => channel.close());
  yield* channel.drain();

  try {
    yield { type: 'investigation-end', document: await work };
  } catch (error) {
    const cancelled = isAbortError(error) || signal?.aborted === true;
    const reported = serializeError(cancelled ? new CancelledError('cancelled', { cause: error }) : error);
    if (readMs === 0) readMs = performance.now() - started;
    if (!(error instanceof AuditError)) {
      try {
        await record(cancelled ? 'cancelled' : 'failed', reported.message);
      } catch (auditError) {
        yield { type: 'error', error: serializeError(new AuditError(`cannot write the audit log: ${(auditError as Error).message}`, { cause: auditError })) };
      }
    }
    yield { type: 'error', error: reported };
    yield { type: 'investigation-end', document: failedDocument(operationId, namespace, reported, reader.reads.map((read) => read.command), notes, started, readMs) };
  }
}
