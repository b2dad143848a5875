/**
 * Every analyzer, and every reason code a cluster can produce from manifests, proven end to end: the
 * state is built by the sandbox from the ordinary manifests of test/fixtures/diagnose/every-analyzer.yaml
 * (the kubelet, scheduler and controllers derive it), read with the real kubectl 1.32 through
 * k8s_diagnose, and each object's top finding must have the expected reason and remedy: the
 * remediation requests, planned through the normal pipeline, render the commands listed here. The fixes
 * the findings offer then run through `rk8s exec` (preview, confirmation, audit) and the findings go away.
 * Reason codes no manifest can produce are listed, with why, in docs/diagnose.md ("Coverage").
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import type { Core } from '../../src/contracts/core.js';
import type { DiagnoseDocument } from '../../src/diagnose/document.js';
import type { Finding, RemediationRequest } from '../../src/diagnose/finding.js';
import { REASON_CODES, type ReasonCode } from '../../src/diagnose/reasons.js';
import { createCore } from '../../src/pipeline/create-core.js';
import { propose } from '../../src/pipeline/propose.js';
import type { K8sExecPayload } from '../../src/schemas/request.js';
import { k8s_diagnose } from '../../src/tool/k8s-diagnose.js';
import { runCli } from '../helpers/cli.js';
import { collectEvents } from '../helpers/fake-core.js';
import { createSandboxHarness, kubectlPath, waitFor, type SandboxHarness } from '../helpers/sandbox.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCENARIO = path.join(ROOT, 'test/fixtures/diagnose/every-analyzer.yaml');

/** What one object's top finding must be. */
interface Case {
  namespace: 'prod' | 'staging' | 'dev';
  kind: string;
  name: string;
  reason: ReasonCode;
  /** The planned commands of its fixes, in order (none: no card fixes it; `check` says what to do). */
  fixes: string[];
  /** A read-only next step it must offer. */
  inspect?: string;
  /** Words its summary must contain. */
  summary?: string;
  /** Words its check must contain. */
  check?: string;
  /** The finding it follows from. */
  causedBy?: string;
}

const podEvents = (pod: string) => `kubectl get events -n prod --field-selector=involvedObject.kind=Pod,involvedObject.name=${pod} --sort-by=.lastTimestamp`;

const CASES: Case[] = [
  // pods (rolled up to their workload)
  { namespace: 'prod', kind: 'Deployment', name: 'config-app', reason: 'CreateContainerConfigError', fixes: [], inspect: 'kubectl describe pod config-app-5c6d7e8f9-aaaaa -n prod', summary: 'needs Secret config-app-db, which does not exist', check: 'reads it as env DB_PASSWORD (key password)): create it' },
  { namespace: 'prod', kind: 'Deployment', name: 'mount-app', reason: 'FailedMount', fixes: [], inspect: podEvents('mount-app-6d7e8f9a1-bbbbb'), summary: 'secret "mount-app-certs" not found', check: 'the Secret mount-app-certs mounted as a volume does not exist: create it' },
  { namespace: 'prod', kind: 'Deployment', name: 'bad-image', reason: 'InvalidImageName', fixes: [], inspect: 'kubectl describe pod bad-image-7e8f9a1b2-ccccc -n prod', check: '"registry.example.com/Bad-Image:1.0" is not valid' },
  { namespace: 'prod', kind: 'Deployment', name: 'pull-app', reason: 'ImagePullBackOff', fixes: [], inspect: podEvents('pull-app-8f9a1b2c3-ddddd'), summary: 'cannot pull registry.example.com/pull-app:9.9.9 (not found)', check: 'fix the tag, push the image' },
  { namespace: 'prod', kind: 'Deployment', name: 'crash-app', reason: 'CrashLoopBackOff', fixes: ['kubectl rollout restart deployment/crash-app -n prod'], inspect: 'kubectl logs crash-app-9a1b2c3d4-eeeee -n prod --container=crash-app --tail=100 --previous', summary: 'exits with code 2 (Error)', check: 'cannot open /etc/crash-app/config.toml' },
  { namespace: 'prod', kind: 'Deployment', name: 'oom-app', reason: 'OOMKilled', fixes: [], inspect: 'kubectl top pod oom-app-1b2c3d4e5-ggggg -n prod --containers', summary: 'memory limit (256Mi)', check: 'raise the memory limit of container oom-app (now 256Mi)' },
  { namespace: 'prod', kind: 'Deployment', name: 'huge-app', reason: 'Unschedulable', fixes: [], inspect: 'kubectl describe pod huge-app-2c3d4e5f6-hhhhh -n prod', summary: 'Insufficient cpu', check: 'node(s) node-6 are cordoned, but too small for the pod\'s requests' },
  { namespace: 'prod', kind: 'Deployment', name: 'ready-app', reason: 'NotReady', fixes: [], inspect: 'kubectl logs ready-app-3d4e5f6a7-iiiii -n prod --container=ready-app --tail=100', summary: 'HTTP probe failed with statuscode: 503' },
  { namespace: 'prod', kind: 'Deployment', name: 'start-app', reason: 'RunContainerError', fixes: [], inspect: podEvents('start-app-6b7c8d9e1-yyyyy'), summary: 'cannot be started by the runtime (StartError, exit code 128)', check: 'exec: "/app/start-app": executable file not found in $PATH' },
  { namespace: 'prod', kind: 'Deployment', name: 'flaky-app', reason: 'Restarting', fixes: [], inspect: 'kubectl logs flaky-app-4e5f6a7b8-jjjjj -n prod --container=flaky-app --tail=100 --previous', summary: 'restarted 20m ago', check: 'the previous logs of container flaky-app say why it exited with code 1' },
  { namespace: 'prod', kind: 'Deployment', name: 'gated-app', reason: 'Pending', fixes: [], inspect: 'kubectl describe pod gated-app-5f6a7b8c9-kkkkk -n prod', summary: 'scheduling gate(s) example.com/quota-check', check: 'has not removed them' },
  { namespace: 'prod', kind: 'Pod', name: 'one-shot', reason: 'PodFailed', fixes: [], inspect: 'kubectl logs one-shot -n prod --container=one-shot --tail=100', summary: 'exited with code 3', check: 'the pod is not restarted (restartPolicy Never): read the logs of container one-shot' },
  { namespace: 'prod', kind: 'Deployment', name: 'batch-api', reason: 'Evicted', fixes: [], inspect: 'kubectl describe pod batch-api-6a7b8c9d1-lllll -n prod', summary: 'The node was low on resource: memory', causedBy: 'node/node-5:NodePressure' },
  // workloads
  { namespace: 'prod', kind: 'Deployment', name: 'edge', reason: 'ReplicasNotReady', fixes: [], inspect: 'kubectl describe deployment edge -n prod', summary: '1/2 replicas ready', causedBy: 'node/node-3:NodeNotReady' },
  { namespace: 'staging', kind: 'Deployment', name: 'paused-app', reason: 'RolloutPaused', fixes: ['kubectl rollout resume deployment/paused-app -n staging'], inspect: 'kubectl rollout history deployment/paused-app -n staging', summary: '0/2 pods on the new template' },
  { namespace: 'dev', kind: 'Deployment', name: 'quota-app', reason: 'FailedCreate', fixes: [], inspect: 'kubectl describe deployment quota-app -n dev', summary: 'exceeded quota: compute', check: 'raise the quota' },
  // services
  { namespace: 'prod', kind: 'Service', name: 'typo-svc', reason: 'NoMatchingPods', fixes: [], inspect: 'kubectl get endpoints typo-svc -n prod --output=wide', summary: 'app=fleky-app matches no pods', check: 'flaky-app' },
  { namespace: 'prod', kind: 'Service', name: 'port-svc', reason: 'TargetPortNotExposed', fixes: [], inspect: 'kubectl describe service port-svc -n prod', summary: 'named port "metrics", which no selected container declares (declared: http)' },
  { namespace: 'prod', kind: 'Service', name: 'crash-app', reason: 'NoReadyEndpoints', fixes: [], inspect: 'kubectl get endpoints crash-app -n prod --output=wide', causedBy: 'deployment/crash-app:CrashLoopBackOff' },
  { namespace: 'prod', kind: 'Service', name: 'ready-app', reason: 'NoReadyEndpoints', fixes: [], causedBy: 'deployment/ready-app:NotReady' },
  { namespace: 'prod', kind: 'Service', name: 'quiet-svc', reason: 'WarningEvent', fixes: [], inspect: 'kubectl describe service quiet-svc -n prod', summary: 'FailedToUpdateEndpointSlices' },
  // ingresses
  { namespace: 'prod', kind: 'Ingress', name: 'no-class', reason: 'IngressClassMissing', fixes: [], inspect: 'kubectl describe ingress no-class -n prod', summary: 'ingress class traefik, which does not exist', check: 'one of the installed classes (nginx)' },
  { namespace: 'prod', kind: 'Ingress', name: 'to-nowhere', reason: 'IngressBackendMissing', fixes: [], summary: 'service ghost does not exist' },
  { namespace: 'prod', kind: 'Ingress', name: 'to-crash', reason: 'IngressBackendUnavailable', fixes: [], summary: 'backend service crash-app has no ready endpoints', causedBy: 'service/crash-app:NoReadyEndpoints' },
  // volume claims
  { namespace: 'prod', kind: 'PersistentVolumeClaim', name: 'fast-claim', reason: 'StorageClassNotFound', fixes: [], inspect: 'kubectl describe pvc fast-claim -n prod', summary: 'StorageClass fast-ssd does not exist', check: 'one of standard' },
  { namespace: 'prod', kind: 'PersistentVolumeClaim', name: 'shared-claim', reason: 'ProvisioningFailed', fixes: [], inspect: 'kubectl describe pvc shared-claim -n prod', summary: 'Volume capabilities MULTI_NODE_MULTI_WRITER not supported' },
  { namespace: 'prod', kind: 'PersistentVolumeClaim', name: 'static-claim', reason: 'PVCPending', fixes: [], summary: 'waiting for PersistentVolume pv-nfs-reports, which does not exist', check: 'create that volume, or recreate the claim without volumeName' },
  { namespace: 'prod', kind: 'PersistentVolumeClaim', name: 'lost-claim', reason: 'PVCLost', fixes: [], inspect: 'kubectl get events -n prod --field-selector=involvedObject.kind=PersistentVolumeClaim,involvedObject.name=lost-claim --sort-by=.lastTimestamp', summary: 'lost its volume pvc-0b1c2d3e-gone' },
  // jobs and cronjobs
  { namespace: 'prod', kind: 'Job', name: 'migrate', reason: 'BackoffLimitExceeded', fixes: [], inspect: 'kubectl logs job/migrate -n prod --tail=200', summary: 'container migrate exited with code 1 (Error)' },
  { namespace: 'prod', kind: 'Job', name: 'long-job', reason: 'JobDeadlineExceeded', fixes: [], inspect: 'kubectl describe job long-job -n prod', check: 'activeDeadlineSeconds (600s)' },
  { namespace: 'prod', kind: 'Job', name: 'policy-job', reason: 'JobFailed', fixes: [], inspect: 'kubectl logs job/policy-job -n prod --tail=200', summary: 'matching FailJob rule at index 0' },
  { namespace: 'prod', kind: 'CronJob', name: 'paused-cron', reason: 'CronJobSuspended', fixes: ['kubectl patch cronjob paused-cron -n prod --type=merge -p \'{"spec":{"suspend":false}}\''], inspect: 'kubectl describe cronjob paused-cron -n prod' },
  { namespace: 'prod', kind: 'CronJob', name: 'bad-cron', reason: 'InvalidSchedule', fixes: [], summary: 'minute 61 is outside 0-59' },
  { namespace: 'prod', kind: 'CronJob', name: 'nightly-sync', reason: 'CronJobLastRunFailed', fixes: ['kubectl create job nightly-sync-manual-1 --from=cronjob/nightly-sync -n prod'], summary: 'none ever did' },
  // nodes
  { namespace: 'prod', kind: 'Node', name: 'node-3', reason: 'NodeNotReady', fixes: [], inspect: 'kubectl describe node node-3', summary: '1 pod(s) of prod run there' },
  { namespace: 'prod', kind: 'Node', name: 'node-4', reason: 'NodeNetworkUnavailable', fixes: [], inspect: 'kubectl describe node node-4' },
  { namespace: 'prod', kind: 'Node', name: 'node-5', reason: 'NodePressure', fixes: [], summary: 'MemoryPressure' },
  { namespace: 'prod', kind: 'Node', name: 'node-6', reason: 'NodeCordoned', fixes: ['kubectl uncordon node-6'] },
  // autoscalers
  { namespace: 'prod', kind: 'HorizontalPodAutoscaler', name: 'hpa-ghost', reason: 'HPATargetMissing', fixes: [], inspect: 'kubectl describe hpa hpa-ghost -n prod', summary: 'Deployment ghost, which does not exist' },
  { namespace: 'prod', kind: 'HorizontalPodAutoscaler', name: 'quiet-app', reason: 'HPAMissingRequests', fixes: [], check: 'add resource requests for cpu' },
  { namespace: 'prod', kind: 'HorizontalPodAutoscaler', name: 'queue-worker', reason: 'HPAScalingInactive', fixes: [], summary: 'FailedGetPodsMetric' },
  { namespace: 'prod', kind: 'HorizontalPodAutoscaler', name: 'log-agent', reason: 'HPAUnableToScale', fixes: [], inspect: 'kubectl describe daemonset log-agent -n prod', check: 'no scale subresource' },
  { namespace: 'prod', kind: 'HorizontalPodAutoscaler', name: 'busy-app', reason: 'HPAAtMaxReplicas', fixes: [], summary: 'pinned at maxReplicas 2' },
  // disruption budgets
  { namespace: 'prod', kind: 'PodDisruptionBudget', name: 'busy-app', reason: 'PDBBlocksDisruption', fixes: [], summary: 'draining node(s) node-1, node-2 would block' },
  { namespace: 'prod', kind: 'PodDisruptionBudget', name: 'orphan-pdb', reason: 'PDBNoMatchingPods', fixes: [], summary: 'selects no pods (app=retired-app)' },
];

/**
 * Reason codes no case here produces, each with the reason; docs/diagnose.md lists the same. A code
 * listed here that a case does produce, or one in neither list, fails the coverage test below.
 */
const NOT_FROM_MANIFESTS: ReadonlyMap<ReasonCode, string> = new Map<ReasonCode, string>([
  ['PodSandboxFailed', 'a broken CNI plugin or container runtime on the node'],
  ['ProgressDeadlineExceeded', 'a symptom: it folds into the root cause of its pods (tested as evidence in diagnose-cli)'],
]);

describe.runIf(kubectlPath !== undefined || process.env.CI === 'true')('every analyzer against manifests in the sandbox (real kubectl)', () => {
  let harness: SandboxHarness;
  let core: Core;
  let workDirectory: string;
  const documents = new Map<string, DiagnoseDocument>();

  beforeAll(async () => {
    workDirectory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-diagnose-analyzers-'));
    // A short kubelet retry, so that a fixed Secret is picked up within the test.
    harness = await createSandboxHarness({ scenarioPath: SCENARIO, timings: { kubeletSyncMs: 500 } });
    process.env.KUBECACHEDIR = harness.env.KUBECACHEDIR;
    core = await createCore(loadConfig({ kubectlPath: kubectlPath ?? 'kubectl', kubeconfig: harness.sandbox.kubeconfigPath, auditLog: path.join(workDirectory, 'agent.log'), cacheDir: path.join(workDirectory, 'cache'), model: null }, {}));
    for (const namespace of ['prod', 'staging', 'dev']) documents.set(namespace, await k8s_diagnose({ namespace }, { core }));
  });
  afterAll(async () => {
    await core?.close();
    await harness?.stop();
  });

  /** The first (highest-ranked) finding about an object. */
  const topFor = (document: DiagnoseDocument, kind: string, name: string): Finding | undefined =>
    document.findings.find((finding) => finding.object.kind === kind && finding.object.name === name);
  /**
   * Each remediation request planned through the normal pipeline (propose, plan-only: the template
   * planner, the cards, the shipped policy), as `rk8s exec` would plan it. The document's own preview
   * (the top 25 findings get one) must say the same.
   */
  async function planned(finding: Finding, kind: 'fix' | 'inspect'): Promise<Array<{ command: string; decision: string }>> {
    const results: Array<{ command: string; decision: string }> = [];
    for (const remediation of finding.remediations.filter((candidate) => candidate.kind === kind)) {
      const events = await collectEvents(propose(remediation.request as K8sExecPayload, core, { source: 'tool', planOnly: true }));
      const planEnd = events.find((event) => event.type === 'plan-end');
      const verdict = events.find((event) => event.type === 'validate-end');
      const result = { command: planEnd?.type === 'plan-end' ? planEnd.plan.command : '', decision: verdict?.type === 'validate-end' ? verdict.verdict.decision : '' };
      if (remediation.preview) expect(remediation.preview).toMatchObject(result);
      results.push(result);
    }
    return results;
  }

  it.each(CASES.map((entry) => [`${entry.namespace} ${entry.kind}/${entry.name}: ${entry.reason}`, entry] as const))('%s', async (_title, entry) => {
    const document = documents.get(entry.namespace)!;
    expect(document.status).toBe('findings');
    const top = topFor(document, entry.kind, entry.name);
    expect(top, `findings: ${document.findings.map((finding) => finding.id).join(', ')}`).toBeDefined();
    expect(top!.reason).toBe(entry.reason);
    const fixes = await planned(top!, 'fix');
    expect(fixes.map((fix) => fix.command)).toEqual(entry.fixes);
    // A fix needs confirmation, or is denied where the policy does not grant it (suspend/resume in prod).
    for (const fix of fixes) expect(['confirm', 'deny']).toContain(fix.decision);
    // Inspections are read-only: always allowed.
    const inspections = await planned(top!, 'inspect');
    for (const inspection of inspections) expect(inspection, JSON.stringify(inspection)).toMatchObject({ command: expect.stringMatching(/^kubectl /), decision: 'allow' });
    if (entry.inspect) expect(inspections.map((inspection) => inspection.command)).toContain(entry.inspect);
    if (entry.summary) expect(top!.summary).toContain(entry.summary);
    if (entry.check) expect(top!.check).toContain(entry.check);
    if (entry.causedBy) expect(top!.causedBy).toBe(entry.causedBy);
    else expect(top!.causedBy).toBeUndefined();
  });

  it('a root cause is the first finding of an investigation of its object, and a consequence follows its root', async () => {
    for (const [target, first] of [['deploy/config-app', 'deployment/config-app:CreateContainerConfigError'], ['ing/to-crash', 'deployment/crash-app:CrashLoopBackOff'], ['deploy/edge', 'node/node-3:NodeNotReady'], ['cj/nightly-sync', 'cronjob/nightly-sync:CronJobLastRunFailed']] as const) {
      const document = await k8s_diagnose({ namespace: 'prod', target }, { core });
      expect(document.findings[0]?.id, target).toBe(first);
    }
    // Focused on one object, the logs read are its own: the failed Job's last error line is quoted once.
    const job = (await k8s_diagnose({ namespace: 'prod', target: 'job/migrate' }, { core })).findings[0]!;
    expect(job.summary).toMatch(/exited with code 1 \(Error\); its last error line: FATAL unable to start: ERROR connection refused: db\.prod\.svc:5432\.$/);
  });

  it('covers every reason code: each is a case above or listed with why no manifest produces it', () => {
    // TLSSecretMissing needs a policy grant, RolloutStuck a template change: their own tests below.
    const covered = new Set<ReasonCode>([...CASES.map((entry) => entry.reason), 'TLSSecretMissing', 'RolloutStuck']);
    expect(REASON_CODES.filter((code) => !covered.has(code) && !NOT_FROM_MANIFESTS.has(code))).toEqual([]);
    expect([...NOT_FROM_MANIFESTS.keys()].filter((code) => covered.has(code))).toEqual([]);
    // docs/diagnose.md says the same, in its coverage section.
    const section = readFileSync(path.join(ROOT, 'docs/diagnose.md'), 'utf8').split('## Coverage: every reason from manifests')[1]?.split('\n## ')[0] ?? '';
    for (const code of NOT_FROM_MANIFESTS.keys()) expect(section, code).toMatch(new RegExp(`^\\| \`${code}\` \\| [^|\\n]+ \\|$`, 'm'));
  });

  it('TLSSecretMissing where the policy grants reading Secret names', async () => {
    const orgDirectory = path.join(workDirectory, 'org');
    cpSync(path.join(ROOT, 'org'), orgDirectory, { recursive: true });
    const allowlistPath = path.join(orgDirectory, 'rbac-allowlist.yaml');
    const allowlist = yaml.load(readFileSync(allowlistPath, 'utf8')) as { tiers: Record<string, unknown[]> };
    allowlist.tiers['prod']!.push({ description: 'Secret names (never data) for investigations.', verbs: ['get'], resources: ['secret'] });
    writeFileSync(allowlistPath, yaml.dump(allowlist));
    const granted = await createCore(loadConfig({ kubectlPath: kubectlPath ?? 'kubectl', kubeconfig: harness.sandbox.kubeconfigPath, auditLog: path.join(workDirectory, 'granted.log'), cacheDir: path.join(workDirectory, 'cache'), orgDir: orgDirectory, model: null }, {}));
    try {
      const document = await k8s_diagnose({ namespace: 'prod', target: 'ing/tls-app' }, { core: granted });
      const top = topFor(document, 'Ingress', 'tls-app')!;
      expect(top.reason).toBe('TLSSecretMissing');
      expect(top.summary).toContain('tls-app-cert');
      expect(document.checked.reads).toContain('kubectl get configmaps,secrets -n prod -o name');
      // Without the grant, the Secret names are not read and the finding is not made.
      expect(topFor(documents.get('prod')!, 'Ingress', 'tls-app')).toBeUndefined();
      expect(documents.get('prod')!.checked.notes.join('\n')).toContain('TLS Secrets of Ingresses not checked');
    } finally {
      await granted.close();
    }
  });

  it('RolloutStuck: an OnDelete StatefulSet whose template changed keeps every pod on the old revision', async () => {
    const changed = await harness.kubectl(['set', 'image', 'statefulset/ledger-db', 'postgres=postgres:16.4', '-n', 'prod']);
    expect(changed.exitCode, changed.stderr).toBe(0);
    const stuck = await waitFor(async () => {
      const document = await k8s_diagnose({ namespace: 'prod', target: 'sts/ledger-db' }, { core });
      return topFor(document, 'StatefulSet', 'ledger-db');
    }, { what: 'the StatefulSet to report its stuck rollout', timeoutMs: 20_000, intervalMs: 500 });
    expect(stuck).toMatchObject({ reason: 'RolloutStuck', severity: 'warning' });
    expect(stuck.summary).toContain('0/2 pods run the update revision');
    expect(stuck.check).toContain('with updateStrategy OnDelete a pod takes the new revision only when it is deleted');
    expect((await planned(stuck, 'inspect')).map((result) => result.command)).toContain('kubectl rollout history statefulset/ledger-db -n prod');
  });

  describe('the fixes, run as offered through rk8s exec, clear their findings', () => {
    const rk8s = (args: readonly string[]) =>
      runCli(['--audit-log', path.join(workDirectory, 'exec.log'), '--kubeconfig', harness.sandbox.kubeconfigPath, ...args], {
        env: { RK8S_CACHE_DIR: path.join(workDirectory, 'cache'), ...harness.env, RK8S_MODEL: '' },
        stdin: 'ignore',
        timeout: 90_000,
      });
    const flagsOf = (request: RemediationRequest) => [
      ...(request.namespace ? ['-n', request.namespace] : []), '--intent', request.intent, '--resource', request.resource, '--name', request.name!,
      ...Object.entries(request.params ?? {}).flatMap(([key, value]) => ['--param', `${key}=${String(value)}`]),
    ];
    async function runFix(namespace: string, kind: string, name: string): Promise<void> {
      const finding = topFor(documents.get(namespace)!, kind, name)!;
      const fix = finding.remediations.find((remediation) => remediation.kind === 'fix')!;
      const [command] = (await planned(finding, 'fix')).map((result) => result.command);
      const ran = await rk8s(['exec', ...flagsOf(fix.request), '--confirm', '--expect', command!]);
      expect(ran.exitCode, ran.stdout + ran.stderr).toBe(0);
    }
    const reasonsFor = async (namespace: string, target: string) => (await k8s_diagnose({ namespace, target }, { core })).findings.filter((finding) => finding.object.name === target.split('/')[1]).map((finding) => finding.reason);

    it('uncordon: the cordoned node takes pods again', async () => {
      await runFix('prod', 'Node', 'node-6');
      expect((await harness.kubectlJson<{ spec: { unschedulable?: boolean } }>(['get', 'node', 'node-6'])).spec.unschedulable).toBeUndefined();
      expect(await reasonsFor('prod', 'node/node-6')).not.toContain('NodeCordoned');
    });

    it('resume: the paused rollout completes', async () => {
      await runFix('staging', 'Deployment', 'paused-app');
      await waitFor(async () => (await reasonsFor('staging', 'deploy/paused-app')).length === 0, { what: 'paused-app to finish its rollout', timeoutMs: 30_000, intervalMs: 500 });
    });

    it('run now: the CronJob whose last run failed gets a new Job', async () => {
      await runFix('prod', 'CronJob', 'nightly-sync');
      const job = await harness.kubectlJson<{ metadata: { ownerReferences?: { kind: string; name: string }[] } }>(['get', 'job', 'nightly-sync-manual-1', '-n', 'prod']);
      expect(job.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'CronJob', name: 'nightly-sync' })]);
    });

    it('creating the missing Secret (the check of CreateContainerConfigError) lets the pod start', async () => {
      const created = await harness.kubectl(['create', 'secret', 'generic', 'config-app-db', '-n', 'prod', '--from-literal=password=s3cret']);
      expect(created.exitCode, created.stderr).toBe(0);
      await waitFor(async () => !(await reasonsFor('prod', 'deploy/config-app')).includes('CreateContainerConfigError'), { what: 'config-app to start', timeoutMs: 30_000, intervalMs: 500 });
    });
  });
});
