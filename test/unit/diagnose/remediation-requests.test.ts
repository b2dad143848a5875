/**
 * Every remediation an analyzer may offer is an ordinary request: planned through propose() with the
 * real cards, policy and template planner, it renders exactly the expected kubectl command.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../../src/diagnose/analyze.js';
import type { Remediation } from '../../../src/diagnose/finding.js';
import {
  claimEvents, containerLogs, describe as describeObject, jobLogs, podEvents, podUsage, restart, resumeCronJob, rollbackTo, rolloutHistory, serviceEndpoints, triggerCronJob, uncordon,
} from '../../../src/diagnose/remediation-requests.js';
import { propose } from '../../../src/pipeline/propose.js';
import type { Core } from '../../../src/contracts/core.js';
import type { K8sExecPayload } from '../../../src/schemas/request.js';
import { collectEvents } from '../../helpers/fake-core.js';
import { composite } from './composite-snapshot.js';
import { createRealCore } from './real-core.js';

let core: Core;
beforeAll(async () => {
  ({ core } = await createRealCore());
});

async function plan(remediation: Remediation) {
  const events = await collectEvents(propose(remediation.request as K8sExecPayload, core, { source: 'tool', planOnly: true }));
  const planEnd = events.find((event) => event.type === 'plan-end');
  const verdict = events.find((event) => event.type === 'validate-end');
  return {
    card: planEnd?.type === 'plan-end' ? planEnd.plan.card : undefined,
    command: planEnd?.type === 'plan-end' ? planEnd.plan.command : undefined,
    decision: verdict?.type === 'validate-end' ? verdict.verdict.decision : undefined,
    violations: verdict?.type === 'validate-end' ? verdict.verdict.violations.map((violation) => violation.code) : [],
  };
}

describe('remediation requests render through propose() with the real corpus and policy', () => {
  it.each<[string, Remediation, string, string]>([
    ['rollback a deployment', rollbackTo('Deployment', 'staging', 'web', 1, 'why'), 'kubectl rollout undo deployment/web -n staging --to-revision=1', 'confirm'],
    ['rollback a statefulset', rollbackTo('StatefulSet', 'prod', 'db', 1, 'why'), 'kubectl rollout undo statefulset/db -n prod --to-revision=1', 'confirm'],
    ['rollback a daemonset', rollbackTo('DaemonSet', 'staging', 'agent', 2, 'why'), 'kubectl rollout undo daemonset/agent -n staging --to-revision=2', 'confirm'],
    ['restart a deployment', restart('Deployment', 'prod', 'payments', 'why'), 'kubectl rollout restart deployment/payments -n prod', 'confirm'],
    ['restart a statefulset', restart('StatefulSet', 'prod', 'db', 'why'), 'kubectl rollout restart statefulset/db -n prod', 'confirm'],
    ['restart a daemonset', restart('DaemonSet', 'staging', 'agent', 'why'), 'kubectl rollout restart daemonset/agent -n staging', 'confirm'],
    ['uncordon a node', uncordon('node-1', 'why'), 'kubectl uncordon node-1', 'confirm'],
    ['run a cronjob now', triggerCronJob('prod', 'nightly-report', 'why'), 'kubectl create job nightly-report-manual-1 --from=cronjob/nightly-report -n prod', 'confirm'],
    ['resume a cronjob (staging)', resumeCronJob('staging', 'cleanup', 'why'), 'kubectl patch cronjob cleanup -n staging --type=merge -p \'{"spec":{"suspend":false}}\'', 'confirm'],
    // The shipped policy does not grant the suspend/resume patch in prod: the preview says so.
    ['resume a cronjob (prod)', resumeCronJob('prod', 'cleanup', 'why'), 'kubectl patch cronjob cleanup -n prod --type=merge -p \'{"spec":{"suspend":false}}\'', 'deny'],
    ['previous logs', containerLogs('prod', 'payments-6b7c8d9f4-lk2jd', 'payments', true, 'why'), 'kubectl logs payments-6b7c8d9f4-lk2jd -n prod --container=payments --tail=100 --previous', 'allow'],
    ['current logs', containerLogs('prod', 'api-1', 'api', false, 'why'), 'kubectl logs api-1 -n prod --container=api --tail=100', 'allow'],
    ['job logs', jobLogs('prod', 'report-1', 'why'), 'kubectl logs job/report-1 -n prod --tail=200', 'allow'],
    ['pod events', podEvents('prod', 'api-1', 'why'), 'kubectl get events -n prod --field-selector=involvedObject.kind=Pod,involvedObject.name=api-1 --sort-by=.lastTimestamp', 'allow'],
    ['claim events', claimEvents('staging', 'scratch', 'why'), 'kubectl get events -n staging --field-selector=involvedObject.kind=PersistentVolumeClaim,involvedObject.name=scratch --sort-by=.lastTimestamp', 'allow'],
    ['rollout history', rolloutHistory('Deployment', 'prod', 'api', 'why'), 'kubectl rollout history deployment/api -n prod', 'allow'],
    ['pod usage', podUsage('prod', 'worker-1', 'why'), 'kubectl top pod worker-1 -n prod --containers', 'allow'],
    ['service endpoints', serviceEndpoints('prod', 'web', 'why'), 'kubectl get endpoints web -n prod --output=wide', 'allow'],
  ])('%s', async (_name, remediation, command, decision) => {
    const planned = await plan(remediation);
    expect(planned.command).toBe(command);
    expect(planned.decision).toBe(decision);
  });

  it.each([
    ['Pod', 'prod', 'api-1', 'kubectl describe pod api-1 -n prod'],
    ['Deployment', 'prod', 'api', 'kubectl describe deployment api -n prod'],
    ['StatefulSet', 'prod', 'db', 'kubectl describe statefulset db -n prod'],
    ['DaemonSet', 'kube-system', 'node-exporter', 'kubectl describe daemonset node-exporter -n kube-system'],
    ['Job', 'prod', 'report-1', 'kubectl describe job report-1 -n prod'],
    ['CronJob', 'prod', 'report', 'kubectl describe cronjob report -n prod'],
    ['Service', 'prod', 'web', 'kubectl describe service web -n prod'],
    ['Ingress', 'prod', 'web', 'kubectl describe ingress web -n prod'],
    ['PersistentVolumeClaim', 'staging', 'scratch', 'kubectl describe pvc scratch -n staging'],
    ['HorizontalPodAutoscaler', 'prod', 'api', 'kubectl describe hpa api -n prod'],
    ['Node', 'prod', 'node-1', 'kubectl describe node node-1'],
  ])('describe %s', async (kind, namespace, name, command) => {
    const remediation = describeObject(kind, namespace, name, 'why');
    expect(remediation).toBeDefined();
    expect((await plan(remediation!)).command).toBe(command);
  });

  it('offers no describe for kinds without a card', () => {
    expect(describeObject('ReplicaSet', 'prod', 'api-1', 'why')).toBeUndefined();
    expect(describeObject('PodDisruptionBudget', 'prod', 'api', 'why')).toBeUndefined();
  });

  it('every remediation of every finding of a namespace with every kind of failure plans to a complete command of its intent', async () => {
    const findings = analyze(composite());
    const remediations = findings.flatMap((finding) => finding.remediations);
    expect(remediations.length).toBeGreaterThan(30);
    const reasons = new Set(findings.map((finding) => finding.reason));
    expect(reasons.size).toBeGreaterThan(15);
    for (const remediation of remediations) {
      const planned = await plan(remediation);
      expect(planned.command, JSON.stringify(remediation.request)).toMatch(/^kubectl /);
      expect(planned.violations, JSON.stringify(remediation.request)).not.toContain('PARAMS_INVALID');
      expect(planned.card?.startsWith(remediation.request.intent === 'diagnose' ? 'diagnose-' : `${remediation.request.intent}-`), `${planned.card} for ${JSON.stringify(remediation.request)}`).toBe(true);
      if (remediation.kind === 'inspect') expect(planned.decision, planned.command).toBe('allow');
    }
  });
});
