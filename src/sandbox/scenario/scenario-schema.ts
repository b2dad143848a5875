/**
 * The scenario file format (docs/sandbox.md, "Writing a scenario") as one zod schema: the loader
 * parses with it and scripts/generate-schemas.ts publishes it as schemas/scenario.schema.json.
 */
import { z } from 'zod';
import { ownValue } from '../../own-property.js';
import { durationError, isDuration } from '../duration.js';
import { resourceTypeForKind } from '../resources.js';

/** A duration before the sandbox starts ("90s", "15m", "3h", "2d", "1d12h"), or seconds. */
export const DurationSchema = z
  .union([z.string(), z.number()])
  .superRefine((value, context) => {
    if (!isDuration(value)) context.addIssue({ code: 'custom', message: durationError(String(value)) });
  })
  .describe('A duration: 90s, 15m, 3h, 2d, 1d12h (ages count back from the moment the sandbox starts).');

const labels = z.record(z.string(), z.string());
const stringList = z.array(z.string(), { error: 'must be a list of strings' });

/** One row of the sandbox user's RBAC table (what `kubectl auth can-i` answers from). */
export const RbacRuleSchema = z.strictObject({
  verbs: stringList.describe('Verbs such as get, list, delete, or "*".'),
  resources: stringList.default([]).describe('Resources ("pods", "deployments/scale", "*").'),
  apiGroups: stringList.optional().describe('API groups; omitted means any.'),
  namespaces: stringList.optional().describe('Namespaces; omitted means every namespace and cluster-scoped resources.'),
  nonResourceURLs: stringList.optional().describe('Non-resource URLs such as /healthz.'),
  deny: z.boolean().optional().describe('A deny rule wins over allow rules.'),
});

/** The failure kinds a fault can inject into matching containers. */
export const faultTypes = ['CrashLoopBackOff', 'Error', 'StartError', 'OOMKilled', 'ImagePullBackOff', 'ReadinessFailure', 'Unhealthy', 'LivenessFailure', 'HighUsage'] as const;

/** A failure the scenario injects into matching containers (what no manifest can say: that an image crashes). */
export const FaultSchema = z
  .strictObject({
    type: z.enum(faultTypes, { error: `must be one of ${faultTypes.join(', ')}` }).describe(
      'CrashLoopBackOff/Error: the container exits (exitCode, after runFor); StartError: the runtime cannot start its process (message: why, default the command is not in the image); OOMKilled: killed at its memory limit; ImagePullBackOff: its image does not exist; '
      + 'ReadinessFailure (alias Unhealthy): the readiness probe fails; LivenessFailure: the liveness probe fails and the kubelet restarts it; HighUsage: metrics report cpu/memory.',
    ),
    namespace: z.string().optional().describe('Only pods in this namespace.'),
    pod: z.string().optional().describe('Pod name, exact.'),
    podPrefix: z.string().optional().describe('Pods whose name starts with this (every pod of a workload: "checkout-").'),
    image: z.string().optional().describe('Containers with this image, exact.'),
    container: z.string().optional().describe('Container name (an init container too); default: the first app container.'),
    message: z.string().optional().describe('Crash: the last log line (the error); probes: the probe failure text.'),
    exitCode: z.number().int().min(1).max(255).optional().describe('Exit code of a crash (default 1; OOMKilled is always 137).'),
    runFor: DurationSchema.optional().describe('How long the container runs before it fails (default 2s for a crash, 60s for OOMKilled).'),
    statusCode: z.number().int().min(100).max(599).optional().describe('HTTP status an httpGet probe gets (default 503 readiness, 500 liveness).'),
    cpu: z.string().optional().describe('HighUsage: CPU usage, a quantity ("900m") or a percentage of the request ("95%").'),
    memory: z.string().optional().describe('HighUsage: memory usage, a quantity ("480Mi") or a percentage of the limit ("97%").'),
  })
  .superRefine((fault, context) => {
    if (!fault.pod && !fault.podPrefix && !fault.image) {
      context.addIssue({ code: 'custom', message: 'needs pod, podPrefix or image to say which containers it applies to' });
    }
  });

/** The image registry as the kubelet meets it: which references do not exist, need credentials or cannot be reached. */
export const RegistrySchema = z.strictObject({
  missing: stringList.optional().describe('References that do not exist (tag or digest unknown): ErrImagePull/ImagePullBackOff, "not found". An entry is an exact reference, a repository (every tag) or a prefix ending in "*".'),
  private: stringList.optional().describe('References that need credentials: pulls fail with "pull access denied" unless the pod has an imagePullSecrets entry naming an existing Secret.'),
  unreachable: stringList.optional().describe('Registry hosts (or references) that cannot be reached: "dial tcp: lookup <host>: no such host".'),
  runtime: z.enum(['containerd', 'cri-o']).optional().describe('The container runtime whose wording the kubelet reports (cri-o says "manifest unknown"); default containerd.'),
});

const conditionStatus = z
  .union([z.enum(['True', 'False', 'Unknown']), z.boolean()], { error: 'must be True, False or Unknown' })
  .transform((value) => (value === true ? 'True' : value === false ? 'False' : value));

/** The node condition types a scenario may set. */
export const nodeConditionTypes = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'] as const;

/** One node condition, with how long ago it changed. */
export const NodeConditionSchema = z.strictObject({
  type: z.enum(nodeConditionTypes, { error: `must be one of ${nodeConditionTypes.join(', ')}` }),
  status: conditionStatus,
  reason: z.string().optional().describe("Default: the kubelet's (or node controller's) reason for this type and status."),
  message: z.string().optional(),
  since: DurationSchema.optional().describe('How long ago it changed to this status (default 3m; a NotReady node evicts its pods after 5m).'),
});

/** A node taint. */
export const TaintSchema = z.strictObject({
  key: z.string(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], { error: 'must be NoSchedule, PreferNoSchedule or NoExecute' }),
});

/** One node of the cluster. */
export const NodeSchema = z.strictObject({
  name: z.string({ error: 'is required' }).min(1, 'is required'),
  age: DurationSchema.optional(),
  cpu: z.string().optional().describe('CPU capacity (default "4").'),
  memory: z.string().optional().describe('Memory capacity (default 16Gi).'),
  pods: z.number().int().positive().optional().describe('Pod capacity (default 110).'),
  zone: z.string().optional(),
  internalIP: z.string().optional(),
  podCIDR: z.string().optional(),
  instanceType: z.string().optional(),
  labels: labels.optional(),
  taints: z.array(TaintSchema, { error: 'must be a list' }).optional().describe('Taints of your own; the node lifecycle controller adds not-ready, unreachable and pressure taints from the conditions.'),
  unschedulable: z.boolean().optional().describe('Cordoned (spec.unschedulable).'),
  conditions: z
    .union([z.array(NodeConditionSchema), z.partialRecord(z.enum(nodeConditionTypes), conditionStatus)], { error: 'must be a list of {type, status, since} or a map such as { Ready: False, MemoryPressure: True }' })
    .optional()
    .describe('Conditions other than the healthy defaults: { Ready: False } (NotReady), { Ready: Unknown } (kubelet stopped posting), { MemoryPressure: True }...'),
});

/** One namespace. */
export const NamespaceSchema = z.strictObject({
  name: z.string({ error: 'is required' }).min(1, 'is required'),
  age: DurationSchema.optional(),
  labels: labels.optional(),
  annotations: labels.optional(),
});

/** Eviction reasons a placed pod can carry. */
export const evictionResources = ['memory', 'ephemeral-storage', 'disk'] as const;

/** A pod the scenario places explicitly (in a workload's `sandbox:` block). */
export const ScenarioPodSchema = z.strictObject({
  suffix: z.string().optional().describe('Name suffix after the owner name ("2xkqp").'),
  name: z.string().optional().describe('Full pod name (instead of suffix).'),
  node: z.string().optional().describe('Node it runs on; without one the pod is Pending and the scheduler says why.'),
  age: DurationSchema.optional(),
  restarts: z.number().int().min(0).optional().describe('Restart count so far.'),
  lastRestart: DurationSchema.optional().describe('When the last container instance ended (RESTARTS "7 (4m ago)").'),
  evicted: z.union([z.boolean(), z.enum(evictionResources)]).optional().describe('The kubelet evicted it (phase Failed, reason Evicted); true means memory.'),
});

/** An older revision of a Deployment (oldest first; the last one is the current template). */
export const RevisionSchema = z.strictObject({
  hash: z.string().optional().describe('The ReplicaSet pod-template-hash (default: computed from the template).'),
  age: DurationSchema.optional(),
  images: labels.optional().describe('Container name -> image, to give this revision another image than the manifest.'),
  changeCause: z.string().optional().describe('kubernetes.io/change-cause of this revision (what rollout history prints).'),
  pods: z.array(ScenarioPodSchema, { error: 'must be a list' }).optional(),
});

/** An older template of a StatefulSet or DaemonSet (ControllerRevisions for rollout history/undo). */
export const HistorySchema = z.strictObject({
  age: DurationSchema.optional(),
  images: labels.optional(),
});

/** A past run of a CronJob. */
export const CronJobRunSchema = z.strictObject({
  name: z.string().optional().describe('Job name (default: <cronjob>-<scheduled minute>).'),
  age: DurationSchema.optional(),
  duration: DurationSchema.optional(),
  podSuffix: z.string().optional(),
  node: z.string().optional(),
  failed: z.boolean().optional().describe('The run failed: the Job reached its backoff limit (BackoffLimitExceeded), its failed pods kept.'),
});

/** The `sandbox:` block of an object: how the object came to be (ages, pods, revisions, history). */
export const SandboxBlockSchema = z.strictObject({
  age: DurationSchema.optional().describe('How old the object is (default 30d).'),
  revisions: z.array(RevisionSchema, { error: 'must be a list' }).optional().describe('Deployment only.'),
  pods: z.array(ScenarioPodSchema, { error: 'must be a list' }).optional().describe('StatefulSet (in ordinal order) and DaemonSet pods.'),
  history: z.array(HistorySchema, { error: 'must be a list' }).optional().describe('StatefulSet and DaemonSet older templates.'),
  jobs: z.array(CronJobRunSchema, { error: 'must be a list' }).optional().describe('CronJob past runs.'),
  node: z.string().optional().describe('Pod only: the node it runs on.'),
  restarts: z.number().int().min(0).optional().describe('Pod only.'),
  lastRestart: DurationSchema.optional().describe('Pod only.'),
  evicted: z.union([z.boolean(), z.enum(evictionResources)]).optional().describe('Pod only.'),
  runFor: DurationSchema.optional().describe('Job only: how long each of its pods runs before it succeeds (default 45s; a fault on its pods decides otherwise).'),
});

const kindOnly: Record<string, string[]> = {
  revisions: ['Deployment'], pods: ['StatefulSet', 'DaemonSet'], history: ['StatefulSet', 'DaemonSet'], jobs: ['CronJob'],
  node: ['Pod'], restarts: ['Pod'], lastRestart: ['Pod'], evicted: ['Pod'], runFor: ['Job'],
};

/** One object: an ordinary Kubernetes manifest, plus an optional `sandbox:` block. */
export const ScenarioObjectSchema = z
  .looseObject({
    apiVersion: z.string().optional(),
    kind: z.string().optional(),
    metadata: z.looseObject({ name: z.string().optional(), namespace: z.string().optional() }).optional(),
    sandbox: SandboxBlockSchema.optional(),
  })
  .superRefine((object, context) => {
    if (typeof object.kind !== 'string' || typeof object.metadata?.name !== 'string' || object.metadata.name === '') {
      context.addIssue({ code: 'custom', message: 'needs kind and metadata.name' });
      return;
    }
    if (!resourceTypeForKind(object.kind)) {
      context.addIssue({ code: 'custom', path: ['kind'], message: `unknown kind ${object.kind} (the sandbox serves: see docs/sandbox.md, "What it simulates")` });
      return;
    }
    for (const [key, kinds] of Object.entries(kindOnly)) {
      if (ownValue(object.sandbox as Record<string, unknown> | undefined, key) !== undefined && !kinds.includes(object.kind)) {
        context.addIssue({ code: 'custom', path: ['sandbox', key], message: `is only for ${kinds.join(' and ')} objects, not ${object.kind}` });
      }
    }
  });

/** A past event (what `kubectl get events` shows); `{uid}` and `{scheduler}` in the message are filled in. */
export const ScenarioEventSchema = z
  .strictObject({
    namespace: z.string().optional().describe("The event's namespace (default: the object's, or default for cluster objects)."),
    object: z.string().optional().describe('Kind/name of the object the event is about: Pod/web-7f6d5c4b3-p8kdw.'),
    type: z.enum(['Normal', 'Warning']).optional(),
    reason: z.string().optional(),
    message: z.string().default(''),
    source: z.string().optional().describe('Reporting component (default kubelet). default-scheduler events are written the events.k8s.io way (series, eventTime).'),
    host: z.string().optional().describe('Source host (the node, for kubelet events).'),
    fieldPath: z.string().optional().describe('spec.containers{name} for container events.'),
    count: z.number().int().positive().optional(),
    firstSeen: DurationSchema.optional(),
    lastSeen: DurationSchema.optional(),
    api: z.enum(['v1', 'events.k8s.io/v1']).optional().describe('How the component wrote it: core/v1 (count, first/lastTimestamp) or events.k8s.io/v1 (eventTime, series).'),
  })
  .superRefine((event, context) => {
    if (!event.object || !event.reason || !/^[A-Za-z]+\/.+/.test(event.object)) {
      context.addIssue({ code: 'custom', message: 'needs object (Kind/name) and reason' });
    }
  });

/** A whole scenario file. */
export const ScenarioFileSchema = z.strictObject({
  apiVersion: z.string().optional().describe('sandbox.rk8s.dev/v1'),
  kind: z.literal('Scenario', { error: 'must be Scenario' }).optional(),
  metadata: z.looseObject({ name: z.string().optional(), description: z.string().optional() }).optional(),
  user: z.string().optional().describe('The user kubectl auth whoami reports (default oncall@example.com).'),
  rbac: z.array(RbacRuleSchema, { error: 'must be a list' }).optional().describe('What kubectl auth can-i answers (default: everything allowed).'),
  faults: z.array(FaultSchema, { error: 'must be a list' }).optional(),
  registry: RegistrySchema.optional(),
  nodes: z.array(NodeSchema, { error: 'must be a list' }).optional(),
  namespaces: z.array(NamespaceSchema, { error: 'must be a list' }).optional(),
  objects: z.array(ScenarioObjectSchema, { error: 'must be a list' }).optional(),
  events: z.array(ScenarioEventSchema, { error: 'must be a list' }).optional(),
});

/** A parsed scenario file. */
export type ScenarioFile = z.output<typeof ScenarioFileSchema>;
/** A fault as parsed. */
export type Fault = z.output<typeof FaultSchema>;
/** An RBAC rule as parsed. */
export type RbacRule = z.output<typeof RbacRuleSchema>;
/** The image registry description. */
export type Registry = z.output<typeof RegistrySchema>;
/** A node as the scenario describes it. */
export type ScenarioNode = z.output<typeof NodeSchema>;
/** A placed pod. */
export type ScenarioPod = z.output<typeof ScenarioPodSchema>;
/** An object's sandbox block. */
export type SandboxBlock = z.output<typeof SandboxBlockSchema>;
/** A scenario event. */
export type ScenarioEvent = z.output<typeof ScenarioEventSchema>;
/** A scenario object. */
export type ScenarioObject = z.output<typeof ScenarioObjectSchema>;
