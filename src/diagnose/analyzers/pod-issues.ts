/**
 * What is wrong with one pod, container by container (init containers included): the reason code,
 * a short detail for the summary, and the exact fields, events and log lines it rests on. The pod
 * analyzer groups these per workload and reason into findings.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { ago, timeOf } from '../age.js';
import { eventsEvidence, fieldEvidence, noteEvidence } from '../evidence.js';
import type { Evidence, ObjectRef } from '../finding.js';
import { formatBytes, formatMillicores, parseMillicores, parseQuantity } from '../quantity.js';
import type { ReasonCode } from '../reasons.js';
import type { SnapshotIndex } from '../snapshot-index.js';
import type { ContainerStatus } from '../snapshot-types.js';
import { ownValue } from '../../own-property.js';

/** One problem of one container (or of the pod as a whole when `container` is ""). */
export interface PodIssue {
  pod: Pod;
  container: string;
  init: boolean;
  reason: ReasonCode;
  /** A short phrase for the summary: "exits with code 1 (Error), restarted 142 times". */
  detail: string;
  evidence: Evidence[];
  /** The last error line of the log excerpt, quoted in the summary. */
  lastError?: string;
  /** What to check or change by hand. */
  check?: string;
  /** Logs worth reading next: previous instance (crash loops) or current (failed, not ready). */
  logs?: 'previous' | 'current';
  /** Claims the pod waits for (a Pending PVC is then the root cause). */
  claims?: string[];
  /** Nodes whose state explains the problem (cordoned, NotReady). */
  nodes?: string[];
}

/** A missing configuration object named by the kubelet. */
export interface MissingConfig {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  key?: string;
}

const PENDING_GRACE_MS = 5 * 60 * 1000;
const NOT_READY_GRACE_MS = 60 * 1000;
const RECENT_RESTART_MS = 60 * 60 * 1000;

const IMAGE_PULL = new Set(['ImagePullBackOff', 'ErrImagePull', 'ErrImageNeverPull', 'RegistryUnavailable', 'ImageInspectError', 'SignatureValidationFailed']);
const RUN_ERRORS = new Set(['CreateContainerError', 'RunContainerError', 'PreStartHookError', 'PostStartHookError', 'StartError', 'ContainerCannotRun']);

/** Reads what the kubelet says is missing: `secret "x" not found`, `couldn't find key k in Secret ns/x`. */
export function parseMissingConfig(message: string | undefined): MissingConfig | undefined {
  if (!message) return undefined;
  const key = /couldn't find key (\S+) in (Secret|ConfigMap) (?:[^/\s]+\/)?([^\s,]+)/i.exec(message);
  if (key) return { kind: key[2]!.toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap', name: key[3]!, key: key[1]! };
  const missing = /\b(secret|configmap)s? "([^"]+)" not found/i.exec(message);
  if (missing) return { kind: missing[1]!.toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap', name: missing[2]! };
  return undefined;
}

/** Where a container reads a Secret or ConfigMap: "env PAYMENTS_DB_URL (key url)", "envFrom", "volume config". */
function configReferences(pod: Pod, containerName: string, missing: MissingConfig): string[] {
  const container = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((candidate) => candidate.name === containerName);
  const uses: string[] = [];
  for (const variable of container?.env ?? []) {
    const reference = missing.kind === 'Secret' ? variable.valueFrom?.secretKeyRef : variable.valueFrom?.configMapKeyRef;
    if (reference?.name === missing.name && (missing.key === undefined || reference.key === missing.key)) uses.push(`env ${variable.name} (key ${reference.key})`);
  }
  for (const source of container?.envFrom ?? []) {
    const reference = missing.kind === 'Secret' ? source.secretRef : source.configMapRef;
    if (reference?.name === missing.name) uses.push('envFrom');
  }
  for (const volume of pod.spec?.volumes ?? []) {
    if (missing.kind === 'Secret' ? volume.secret?.secretName === missing.name : volume.configMap?.name === missing.name) uses.push(`volume ${volume.name}`);
  }
  return uses;
}

function statusPath(init: boolean, container: string, rest: string): string {
  return `status.${init ? 'initContainerStatuses' : 'containerStatuses'}[${container}].${rest}`;
}

function describeTerminated(terminated: NonNullable<NonNullable<ContainerStatus['lastState']>['terminated']>, now: number): string {
  const parts = [`reason=${terminated.reason ?? 'Unknown'}`, `exitCode=${terminated.exitCode}`];
  if (terminated.signal) parts.push(`signal=${terminated.signal}`);
  if (terminated.startedAt) parts.push(`startedAt=${terminated.startedAt}`);
  if (terminated.finishedAt) parts.push(`finishedAt=${terminated.finishedAt} (${ago(terminated.finishedAt, now)})`);
  if (terminated.message) parts.push(`message=${JSON.stringify(terminated.message.slice(0, 300))}`);
  return parts.join(' ');
}

/** The container's log excerpt as evidence, and its last error line. */
function logEvidence(index: SnapshotIndex, pod: string, container: string, ref: ObjectRef): { evidence: Evidence[]; lastError?: string } {
  const log = index.log(pod, container);
  if (!log) return { evidence: [] };
  if (log.error) return { evidence: [noteEvidence(`no ${log.previous ? 'previous ' : ''}log excerpt of ${container}: ${log.error}`, ref)] };
  const evidence = log.lines.map((line): Evidence => ({ type: 'log', object: ref, path: `logs${log.previous ? ' --previous' : ''} -c ${container}`, text: line.text, ...(line.error ? { error: true } : {}) }));
  const lastError = [...log.lines].reverse().find((line) => line.error)?.text;
  return { evidence, ...(lastError ? { lastError } : {}) };
}

function containerSpec(pod: Pod, name: string) {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((container) => container.name === name);
}

/** Memory facts for an OOM kill: limit, request, this container's usage and its siblings' in the same workload. */
function memoryEvidence(index: SnapshotIndex, pod: Pod, container: string, ref: ObjectRef): { evidence: Evidence[]; limit?: string; used?: string } {
  const spec = containerSpec(pod, container);
  const limit = spec?.resources?.limits?.['memory'];
  const request = spec?.resources?.requests?.['memory'];
  const evidence: Evidence[] = [
    fieldEvidence(ref, `spec.containers[${container}].resources`, `limits.memory=${limit ?? '(none)'} requests.memory=${request ?? '(none)'}`, 'spec'),
  ];
  const own = index.usage(pod.metadata?.name ?? '', container);
  let used: string | undefined;
  if (own) {
    used = formatBytes(own.memoryBytes);
    evidence.push({ type: 'metric', object: ref, text: `${container} uses ${used} memory and ${formatMillicores(own.cpuMillicores)} CPU now (kubectl top)` });
  } else {
    const siblings = index
      .podsOf(index.workloadOf(pod).kind, index.workloadOf(pod).name)
      .map((other) => index.usage(other.metadata?.name ?? '', container))
      .filter((usage) => usage !== undefined);
    if (siblings.length > 0) {
      const highest = Math.max(...siblings.map((usage) => usage.memoryBytes));
      used = formatBytes(highest);
      evidence.push({ type: 'metric', text: `no usage for this container (it is not running); the same container in ${siblings.length} other pod(s) of the workload uses up to ${used}` });
    } else if (index.snapshot.usage !== undefined) {
      evidence.push(noteEvidence(`no recent usage for ${container}: it is not running long enough to be measured`));
    }
  }
  return { evidence, ...(limit ? { limit } : {}), ...(used ? { used } : {}) };
}

/** The pod's total requests for a resource (the larger of the biggest init container and the sum of the others). */
function podRequest(pod: Pod, resource: string): number {
  const parse = resource === 'cpu' ? parseMillicores : parseQuantity;
  const sum = (pod.spec?.containers ?? []).reduce((total, container) => total + (parse(ownValue(container.resources?.requests, resource)) ?? 0), 0);
  const init = Math.max(0, ...(pod.spec?.initContainers ?? []).map((container) => parse(ownValue(container.resources?.requests, resource)) ?? 0));
  return Math.max(sum, init);
}

function schedulingIssue(index: SnapshotIndex, pod: Pod, ref: ObjectRef, message: string): PodIssue {
  const name = pod.metadata?.name ?? '';
  const evidence: Evidence[] = [fieldEvidence(ref, 'status.conditions[PodScheduled]', `status=False reason=Unschedulable message=${JSON.stringify(message)}`)];
  const checks: string[] = [];
  const claims: string[] = [];
  const nodes: string[] = [];
  const insufficient = [...message.matchAll(/Insufficient ([a-z0-9./-]*[a-z0-9])/gi)].map((match) => match[1]!);
  for (const resource of new Set(insufficient)) {
    const requested = podRequest(pod, resource);
    const allocatable = index.nodes
      .filter((node) => !node.spec?.unschedulable)
      .map((node) => ({ node: node.metadata?.name ?? '', value: (resource === 'cpu' ? parseMillicores : parseQuantity)(ownValue(node.status?.allocatable, resource)) ?? 0 }))
      .sort((left, right) => right.value - left.value);
    const format = (value: number) => (resource === 'cpu' ? formatMillicores(value) : resource === 'memory' ? formatBytes(value) : String(value));
    const largest = allocatable[0];
    evidence.push(fieldEvidence(ref, 'spec.containers[*].resources.requests', `the pod requests ${resource} ${format(requested)}`, 'spec'));
    if (largest) {
      evidence.push(noteEvidence(`largest schedulable node: ${largest.node} with ${format(largest.value)} allocatable ${resource}${requested > largest.value ? ' (less than one pod needs)' : ''}`));
      checks.push(requested > largest.value
        ? `no node can ever fit it: the pod requests ${resource} ${format(requested)} and the largest node has ${format(largest.value)} allocatable; lower the request or add bigger nodes`
        : `the nodes are full for ${resource}: free capacity (scale something down), lower the request (${format(requested)}) or add nodes`);
    } else {
      checks.push(`lower the pod's ${resource} request (${format(requested)}) or add capacity`);
    }
  }
  if (/untolerated taint|had taint/i.test(message)) {
    // node.kubernetes.io/* taints come from the node's own conditions (not-ready, memory-pressure...): a
    // toleration would place the pod on a sick node; other taints are someone's choice (dedicated=gpu).
    const keys = [...message.matchAll(/taint \{([^:}]+):/g)].map((match) => match[1]!.trim());
    const condition = keys.filter((key) => key.startsWith('node.kubernetes.io/'));
    const chosen = keys.filter((key) => !key.startsWith('node.kubernetes.io/'));
    if (condition.length > 0) checks.push(`some nodes are tainted by their own condition (${[...new Set(condition)].join(', ')}): they take pods again once healthy; do not tolerate these taints`);
    if (chosen.length > 0 || keys.length === 0) checks.push(`the nodes have taints the pod does not tolerate${chosen.length > 0 ? ` (${[...new Set(chosen)].join(', ')})` : ''}: add a toleration or remove the taint`);
  }
  if (/didn't match Pod's node affinity|node\(s\) didn't match node selector|node affinity\/selector/i.test(message)) checks.push('no node matches the pod\'s nodeSelector/affinity: fix the selector or label a node');
  if (/unbound immediate PersistentVolumeClaims|persistentvolumeclaim "[^"]+" not found/i.test(message)) {
    for (const volume of pod.spec?.volumes ?? []) if (volume.persistentVolumeClaim?.claimName) claims.push(volume.persistentVolumeClaim.claimName);
    checks.push(`the pod waits for its claim(s) ${claims.join(', ') || '(see volumes)'}: fix the claim first`);
  }
  if (/node\(s\) were unschedulable/i.test(message)) {
    // Uncordoning helps only where the pod would fit: a cordoned node smaller than the request is no fix.
    const cordoned = index.nodes.filter((node) => node.spec?.unschedulable);
    const fits = (node: (typeof cordoned)[number]) => [...new Set(insufficient)].every((resource) =>
      podRequest(pod, resource) <= ((resource === 'cpu' ? parseMillicores : parseQuantity)(ownValue(node.status?.allocatable, resource)) ?? 0));
    for (const node of cordoned) if (fits(node)) nodes.push(node.metadata?.name ?? '');
    const tooSmall = cordoned.filter((node) => !fits(node)).map((node) => node.metadata?.name ?? '');
    if (nodes.length > 0 || tooSmall.length === 0) checks.push(`node(s) ${nodes.join(', ') || '(cordoned)'} are cordoned: uncordon them if their maintenance is over`);
    if (tooSmall.length > 0) checks.push(`node(s) ${tooSmall.join(', ')} are cordoned, but too small for the pod's requests: uncordoning them would not help`);
  }
  evidence.push(...eventsEvidence(index.warningsFor('Pod', name), index.now));
  const detail = message.split('. preemption:')[0]!.replace(/\.$/, '');
  return { pod, container: '', init: false, reason: 'Unschedulable', detail: `the scheduler says: ${detail}`, evidence, ...(checks.length > 0 ? { check: checks.join('; ') } : {}), ...(claims.length > 0 ? { claims } : {}), ...(nodes.length > 0 ? { nodes } : {}) };
}

function containerIssue(index: SnapshotIndex, pod: Pod, status: ContainerStatus, init: boolean, ref: ObjectRef): PodIssue | undefined {
  // The common case first, without allocating anything: a healthy container, or an init container that finished.
  if (!status.lastState?.terminated && ((status.state?.running && status.ready !== false && !init) || (init && status.state?.terminated?.exitCode === 0))) return undefined;
  const name = pod.metadata?.name ?? '';
  const container = status.name;
  const label = init ? `init container ${container}` : `container ${container}`;
  const waiting = status.state?.waiting;
  const terminated = status.state?.terminated;
  const last = status.lastState?.terminated;
  const restarts = status.restartCount ?? 0;
  const restartText = restarts > 0 ? `, restarted ${restarts} time${restarts === 1 ? '' : 's'}` : '';
  const base = (reason: ReasonCode, detail: string, extra: Partial<PodIssue> = {}): PodIssue => ({ pod, container, init, reason, detail, evidence: [], ...extra });
  const warnings = () => eventsEvidence(index.warningsFor('Pod', name), index.now);

  if (waiting?.reason) {
    const waitingEvidence = fieldEvidence(ref, statusPath(init, container, 'state.waiting'), `reason=${waiting.reason}${waiting.message ? ` message=${JSON.stringify(waiting.message)}` : ''}`);
    if (waiting.reason === 'CreateContainerConfigError') {
      const missing = parseMissingConfig(waiting.message);
      const evidence = [waitingEvidence];
      let check = `${label} cannot start: ${waiting.message ?? 'its configuration is invalid'}`;
      if (missing) {
        const uses = configReferences(pod, container, missing);
        if (uses.length > 0) evidence.push(fieldEvidence(ref, `spec.containers[${container}]`, `reads ${missing.kind} ${missing.name} as ${uses.join(', ')}`, 'spec'));
        const exists = missing.kind === 'Secret' ? index.secretExists(missing.name) : index.configMapExists(missing.name);
        if (exists !== undefined) evidence.push(noteEvidence(`${missing.kind} ${missing.name} ${exists ? 'exists' : 'does not exist'} in ${index.namespace}`));
        check = missing.key
          ? `the ${missing.kind} ${missing.name} has no key ${missing.key} (${label}${uses.length > 0 ? ` reads it as ${uses.join(', ')}` : ''}): add the key; the kubelet retries and the container starts`
          : `the ${missing.kind} ${missing.name} does not exist (${label}${uses.length > 0 ? ` reads it as ${uses.join(', ')}` : ''}): create it; the kubelet retries and the container starts`;
      }
      evidence.push(...warnings());
      const detail = missing ? (missing.key ? `${label} needs key ${missing.key} of ${missing.kind} ${missing.name}, which has no such key` : `${label} needs ${missing.kind} ${missing.name}, which does not exist`) : `${label}: ${waiting.message ?? 'configuration error'}`;
      return base('CreateContainerConfigError', detail, { evidence, check });
    }
    if (IMAGE_PULL.has(waiting.reason) || waiting.reason === 'InvalidImageName') {
      const image = status.image || containerSpec(pod, container)?.image || '(unknown image)';
      const events = index.warningsFor('Pod', name);
      const registry = events.find((event) => /Failed to pull image|failed to resolve|pull access denied|unauthorized|not found|manifest unknown/i.test(event.message ?? ''))?.message;
      const invalid = waiting.reason === 'InvalidImageName';
      const evidence = [waitingEvidence, fieldEvidence(ref, `spec.containers[${container}].image`, image, 'spec'), ...eventsEvidence(events, index.now)];
      const check = invalid
        ? `the image reference "${image}" is not valid: fix it in the manifest`
        : `image ${image} cannot be pulled${registry ? `: ${registry}` : ''}; fix the tag, push the image, or give the pod registry credentials (imagePullSecrets)`;
      // The registry's verdict is the last clause of the kubelet's message ("...: not found").
      const verdict = registry?.split(': ').pop()?.trim();
      const detail = invalid ? `${label} has an invalid image reference "${image}"` : `${label} cannot pull ${image}${verdict && verdict.length <= 80 ? ` (${verdict})` : ''}`;
      return base(invalid ? 'InvalidImageName' : 'ImagePullBackOff', detail, { evidence, check });
    }
    if (waiting.reason === 'CrashLoopBackOff' || (last && restarts > 0 && waiting.reason !== 'ContainerCreating' && waiting.reason !== 'PodInitializing')) {
      const evidence = [waitingEvidence];
      if (last) evidence.push(fieldEvidence(ref, statusPath(init, container, 'lastState.terminated'), describeTerminated(last, index.now)));
      evidence.push(fieldEvidence(ref, statusPath(init, container, 'restartCount'), String(restarts)));
      if (last?.reason === 'OOMKilled') {
        const memory = memoryEvidence(index, pod, container, ref);
        const logs = logEvidence(index, name, container, ref);
        evidence.push(...memory.evidence, ...logs.evidence, ...warnings());
        return base('OOMKilled', `${label} is killed for using more than its memory limit${memory.limit ? ` (${memory.limit})` : ''}${restartText}${memory.used ? `; the same container uses ${memory.used} where it runs` : ''}`, {
          evidence, logs: 'previous', ...(logs.lastError ? { lastError: logs.lastError } : {}),
          check: `raise the memory limit of ${label}${memory.limit ? ` (now ${memory.limit})` : ''} in the workload's manifest, or find what uses the memory; rk8s has no card that changes resources`,
        });
      }
      if (last && RUN_ERRORS.has(last.reason ?? '')) {
        // The process never ran (StartError, exit 128: a missing executable, a bad mount): the back-off
        // is the runtime's refusal, not a crash of the app; its message says why, the logs are empty.
        const why = last.message?.trim() || last.reason!;
        evidence.push(...warnings());
        return base('RunContainerError', `${label} cannot be started by the runtime (${last.reason}, exit code ${last.exitCode})${restartText}: ${why}`, {
          evidence, check: `the runtime cannot start ${label}: ${why}; fix the command, image or security settings`,
        });
      }
      const logs = logEvidence(index, name, container, ref);
      evidence.push(...logs.evidence, ...warnings());
      const exit = last ? `exits with code ${last.exitCode} (${last.reason ?? 'Error'})` : 'keeps exiting';
      const quoted = logs.lastError ? `; its last error line: ${logs.lastError}` : '';
      return base('CrashLoopBackOff', `${label} ${exit}${restartText}${quoted}`, {
        evidence, logs: 'previous', ...(logs.lastError ? { lastError: logs.lastError } : {}),
        check: logs.lastError ? `fix what the last error line of the previous ${label} names (configuration, a dependency), then restart; that line, quoted from the log: "${logs.lastError}"` : `read the previous logs of ${label} to see why it exits with ${last?.exitCode ?? 'an error'}`,
      });
    }
    if (RUN_ERRORS.has(waiting.reason)) {
      return base('RunContainerError', `${label}: ${waiting.message ?? waiting.reason}`, { evidence: [waitingEvidence, ...warnings()], check: `the runtime cannot start ${label}: ${waiting.message ?? waiting.reason}; fix the command, image or security settings` });
    }
    if (waiting.reason === 'ContainerCreating' || waiting.reason === 'PodInitializing') {
      return undefined; // decided at the pod level (FailedMount, sandbox, or just slow)
    }
  }

  if (terminated && !init && terminated.reason === 'OOMKilled') {
    const memory = memoryEvidence(index, pod, container, ref);
    const logs = logEvidence(index, name, container, ref);
    const evidence = [
      fieldEvidence(ref, statusPath(init, container, 'state.terminated'), describeTerminated(terminated, index.now)),
      fieldEvidence(ref, statusPath(init, container, 'restartCount'), String(restarts)),
      ...memory.evidence, ...logs.evidence, ...warnings(),
    ];
    return base('OOMKilled', `${label} is killed for using more than its memory limit${memory.limit ? ` (${memory.limit})` : ''}${restartText}${memory.used ? `; the same container uses ${memory.used} where it runs` : ''}`, {
      evidence, logs: 'previous', ...(logs.lastError ? { lastError: logs.lastError } : {}),
      check: `raise the memory limit of ${label}${memory.limit ? ` (now ${memory.limit})` : ''} in the workload's manifest, or find what uses the memory; rk8s has no card that changes resources`,
    });
  }
  if (terminated && terminated.exitCode !== 0 && pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded' && (restarts > 0 || init)) {
    const logs = logEvidence(index, name, container, ref);
    const evidence = [fieldEvidence(ref, statusPath(init, container, 'state.terminated'), describeTerminated(terminated, index.now)), ...logs.evidence, ...warnings()];
    return base('CrashLoopBackOff', `${label} exits with code ${terminated.exitCode} (${terminated.reason ?? 'Error'})${restartText}${logs.lastError ? `; its last error line: ${logs.lastError}` : ''}`, {
      evidence, logs: 'current', ...(logs.lastError ? { lastError: logs.lastError } : {}),
    });
  }

  if (status.state?.running && !init) {
    const finishedAt = timeOf(last?.finishedAt);
    if (last && finishedAt !== undefined && index.now - finishedAt < RECENT_RESTART_MS && restarts > 0) {
      const evidence = [fieldEvidence(ref, statusPath(init, container, 'lastState.terminated'), describeTerminated(last, index.now)), fieldEvidence(ref, statusPath(init, container, 'restartCount'), String(restarts)), ...warnings()];
      if (last.reason === 'OOMKilled') {
        const memory = memoryEvidence(index, pod, container, ref);
        evidence.splice(2, 0, ...memory.evidence);
        return base('OOMKilled', `${label} was killed for using more than its memory limit${memory.limit ? ` (${memory.limit})` : ''} ${ago(last.finishedAt, index.now)} and runs again${restartText}`, {
          evidence, logs: 'previous', check: `raise the memory limit of ${label}${memory.limit ? ` (now ${memory.limit})` : ''}, or find what uses the memory`,
        });
      }
      return base('Restarting', `${label} restarted ${ago(last.finishedAt, index.now)} after exiting with code ${last.exitCode} (${last.reason ?? 'Error'})${restartText}`, {
        evidence, logs: 'previous',
        check: `it runs again now; the previous logs of ${label} say why it exited with code ${last.exitCode}; if it keeps happening, treat it as a crash loop`,
      });
    }
    if (status.ready === false) {
      const ready = pod.status?.conditions?.find((condition) => condition.type === 'Ready');
      const since = timeOf(ready?.lastTransitionTime) ?? timeOf(status.state.running.startedAt);
      if (since !== undefined && index.now - since >= NOT_READY_GRACE_MS) {
        const unhealthy = index.warningsFor('Pod', name).filter((event) => event.reason === 'Unhealthy' || /probe failed/i.test(event.message ?? ''));
        const probe = unhealthy[0]?.message;
        const evidence = [fieldEvidence(ref, statusPath(init, container, 'ready'), `false (running since ${status.state.running.startedAt ?? '?'})`), ...eventsEvidence(index.warningsFor('Pod', name), index.now)];
        const spec = containerSpec(pod, container);
        if (spec?.readinessProbe) evidence.push(fieldEvidence(ref, `spec.containers[${container}].readinessProbe`, JSON.stringify(spec.readinessProbe), 'spec'));
        return base('NotReady', `${label} runs but is not ready${probe ? `: ${probe}` : ''}`, { evidence, logs: 'current', check: probe ? `the readiness probe fails (${probe}): check the endpoint it calls and what the app logs` : 'check the readiness probe and the app logs' });
      }
    }
  }
  return undefined;
}

/** Every problem of one pod (none for a healthy or finished pod). */
export function podIssues(index: SnapshotIndex, pod: Pod): PodIssue[] {
  const name = pod.metadata?.name ?? '';
  const ref = index.ref('Pod', name);
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') return [];
  if (phase === 'Failed') {
    if (pod.status?.reason === 'Evicted') {
      return [{
        pod, container: '', init: false, reason: 'Evicted', detail: pod.status.message ?? 'evicted by its node',
        evidence: [fieldEvidence(ref, 'status', `phase=Failed reason=Evicted message=${JSON.stringify(pod.status.message ?? '')}`), ...eventsEvidence(index.warningsFor('Pod', name), index.now)],
        check: 'the node evicted it under resource pressure; the controller made a replacement; evicted pods stay listed until deleted',
        ...(pod.spec?.nodeName ? { nodes: [pod.spec.nodeName] } : {}),
      }];
    }
    // A Job's pods fail as part of the Job: the job analyzer reports them.
    if (index.workloadOf(pod).kind === 'Job') return [];
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const failed = statuses.find((status) => (status.state?.terminated?.exitCode ?? 0) !== 0);
    const terminated = failed?.state?.terminated;
    return [{
      pod, container: failed?.name ?? '', init: false, reason: 'PodFailed',
      detail: terminated ? `container ${failed!.name} exited with code ${terminated.exitCode} (${terminated.reason ?? 'Error'})` : (pod.status?.message ?? pod.status?.reason ?? 'the pod failed'),
      evidence: [
        fieldEvidence(ref, 'status', `phase=Failed${pod.status?.reason ? ` reason=${pod.status.reason}` : ''}${pod.status?.message ? ` message=${JSON.stringify(pod.status.message)}` : ''}`),
        ...(terminated && failed ? [fieldEvidence(ref, `status.containerStatuses[${failed.name}].state.terminated`, describeTerminated(terminated, index.now))] : []),
        ...(failed ? logEvidence(index, name, failed.name, ref).evidence : []),
        ...eventsEvidence(index.warningsFor('Pod', name), index.now),
      ],
      logs: 'current',
      check: `the pod is not restarted (restartPolicy ${pod.spec?.restartPolicy ?? 'Never'}): read ${failed ? `the logs of container ${failed.name}` : 'its events'} for why it failed, fix that, then create the pod again (a Job would retry it for you)`,
    }];
  }

  const issues: PodIssue[] = [];
  const scheduled = pod.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
  if (phase === 'Pending' && scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    issues.push(schedulingIssue(index, pod, ref, scheduled.message ?? 'no node fits the pod'));
    return issues;
  }
  const statuses: Array<[ContainerStatus, boolean]> = [
    ...(pod.status?.initContainerStatuses ?? []).map((status): [ContainerStatus, boolean] => [status, true]),
    ...(pod.status?.containerStatuses ?? []).map((status): [ContainerStatus, boolean] => [status, false]),
  ];
  for (const [status, init] of statuses) {
    const issue = containerIssue(index, pod, status, init, ref);
    if (issue) issues.push(issue);
  }
  if (issues.length > 0) return issues;

  // What is left concerns pods still Pending (ContainerCreating): a running pod without container issues is fine.
  if (phase !== 'Pending') return [];
  const created = timeOf(pod.metadata?.creationTimestamp);
  const stuck = created !== undefined && index.now - created >= PENDING_GRACE_MS;
  const warnings = index.warningsFor('Pod', name);
  const mount = warnings.filter((event) => event.reason === 'FailedMount' || event.reason === 'FailedAttachVolume' || event.reason === 'FailedMapVolume');
  if (mount.length > 0) {
    const message = mount[0]!.message ?? '';
    const missing = parseMissingConfig(message);
    const claim = /persistentvolumeclaim "([^"]+)"/i.exec(message)?.[1];
    return [{
      pod, container: '', init: false, reason: 'FailedMount', detail: `a volume cannot be mounted: ${message}`,
      evidence: [fieldEvidence(ref, 'status.phase', `Pending (ContainerCreating for ${ago(pod.metadata?.creationTimestamp, index.now).replace(' ago', '')})`), ...eventsEvidence(warnings, index.now)],
      check: missing ? `the ${missing.kind} ${missing.name} mounted as a volume ${missing.key ? `has no key ${missing.key}` : 'does not exist'}: ${missing.key ? 'add the key' : 'create it'}; the kubelet retries the mount` : `fix what the mount error names: ${message}`,
      ...(claim ? { claims: [claim] } : {}),
    }];
  }
  const sandbox = warnings.find((event) => event.reason === 'FailedCreatePodSandBox');
  if (sandbox) {
    return [{
      pod, container: '', init: false, reason: 'PodSandboxFailed', detail: `the node cannot create the pod sandbox: ${sandbox.message ?? ''}`,
      evidence: [fieldEvidence(ref, 'status.phase', 'Pending'), ...eventsEvidence(warnings, index.now)],
      check: `the runtime or network plugin on ${pod.spec?.nodeName ?? 'the node'} fails: ${sandbox.message ?? ''}`,
      ...(pod.spec?.nodeName ? { nodes: [pod.spec.nodeName] } : {}),
    }];
  }
  if (stuck) {
    const gates = (pod.spec?.schedulingGates ?? []).map((gate) => gate.name);
    if (gates.length > 0 || scheduled?.reason === 'SchedulingGated') {
      // Scheduling readiness: the scheduler does not look at the pod until every gate is removed.
      return [{
        pod, container: '', init: false, reason: 'Pending',
        detail: `Pending for ${ago(pod.metadata?.creationTimestamp, index.now).replace(' ago', '')}: the scheduler waits for its scheduling gate(s) ${gates.join(', ') || '(see spec.schedulingGates)'} to be removed`,
        evidence: [
          fieldEvidence(ref, 'status.conditions[PodScheduled]', `status=False reason=SchedulingGated message=${JSON.stringify(scheduled?.message ?? '')}`),
          ...(gates.length > 0 ? [fieldEvidence(ref, 'spec.schedulingGates', gates.join(', '), 'spec')] : []),
          ...eventsEvidence(warnings, index.now),
        ],
        check: `whatever added the scheduling gate(s) ${gates.join(', ') || ''} (a controller or admission webhook) has not removed them: check that component; gates are removed by it, never by the scheduler`.replace('  ', ' '),
      }];
    }
    return [{
      pod, container: '', init: false, reason: 'Pending', detail: `Pending for ${ago(pod.metadata?.creationTimestamp, index.now).replace(' ago', '')}${scheduled?.status === 'True' ? ' after being scheduled' : ''}`,
      evidence: [fieldEvidence(ref, 'status', `phase=Pending${scheduled ? ` PodScheduled=${scheduled.status}${scheduled.reason ? ` (${scheduled.reason})` : ''}` : ''}`), ...eventsEvidence(warnings, index.now)],
    }];
  }
  return [];
}
