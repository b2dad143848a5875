/**
 * `rk8s diagnose` and `rk8s timeline` through the built binary, against the default sandbox scenario
 * with the real kubectl: each failure of the scenario is the top finding for its object, with the right
 * remedy, and the suggested fix goes through the ordinary exec flow.
 */
import { expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import { readAuditRecords } from '../../src/audit/audit-log.js';
import { DiagnoseDocumentSchema, type DiagnoseDocument } from '../../src/diagnose/document.js';
import type { Finding } from '../../src/diagnose/finding.js';
import { TimelineDocumentSchema } from '../../src/diagnose/read-timeline.js';
import { useCliSandbox } from '../helpers/cli.js';
import { waitFor } from '../helpers/sandbox.js';

describeWith(['kubectl'], 'rk8s diagnose on the default sandbox scenario (real kubectl)', () => {
  const cli = useCliSandbox({ prefix: 'diagnose-e2e', timeout: 90_000 });
  const { rk8s } = cli;

  async function diagnose(...args: string[]): Promise<{ document: DiagnoseDocument; exitCode: number; stderr: string }> {
    const result = await rk8s(['diagnose', '--json', ...args]);
    const document = DiagnoseDocumentSchema.parse(JSON.parse(result.stdout));
    return { document, exitCode: result.exitCode, stderr: result.stderr };
  }

  /** The first (highest-ranked) finding about an object. */
  const topFor = (document: DiagnoseDocument, kind: string, name: string): Finding | undefined =>
    document.findings.find((finding) => finding.object.kind === kind && finding.object.name === name);

  it('prod: payments crash-loops (top finding, restart and the missing-config check from its previous logs), worker is OOM-killed', async () => {
    const { document, exitCode } = await diagnose('-n', 'prod');
    expect(exitCode).toBe(1);
    expect(document.status).toBe('findings');

    const payments = topFor(document, 'Deployment', 'payments')!;
    expect(payments).toMatchObject({ reason: 'CrashLoopBackOff', severity: 'critical', affected: [{ kind: 'Pod', name: 'payments-6b7c8d9f4-lk2jd', namespace: 'prod' }] });
    expect(document.findings[0]!.id).toBe(payments.id);
    expect(payments.summary).toContain('exits with code 1 (Error)');
    expect(payments.check).toContain('PAYMENTS_DB_URL');
    expect(payments.evidence).toContainEqual(expect.objectContaining({ type: 'log', error: true, text: expect.stringContaining('required key "PAYMENTS_DB_URL" is not set') }));
    expect(payments.remediations[0]).toMatchObject({ kind: 'fix', request: { intent: 'restart', resource: 'deployment', name: 'payments' }, preview: { command: 'kubectl rollout restart deployment/payments -n prod', decision: 'confirm' } });
    expect(payments.remediations.find((remediation) => remediation.request.intent === 'logs')?.preview?.command).toBe('kubectl logs payments-6b7c8d9f4-lk2jd -n prod --container=payments --tail=100 --previous');

    const worker = topFor(document, 'Deployment', 'worker')!;
    expect(worker).toMatchObject({ reason: 'OOMKilled', affected: [{ name: 'worker-84c6f5d7b9-m5tqz' }] });
    expect(worker.summary).toContain('memory limit (512Mi)');
    expect(worker.check).toContain('raise the memory limit of container worker (now 512Mi)');
    expect(worker.evidence.some((evidence) => evidence.text.includes('OOMKilling') && evidence.text.includes('kernel-monitor'))).toBe(true);

    expect(document.checked.reads).toEqual(expect.arrayContaining(['kubectl get events -n prod -o json', 'kubectl logs payments-6b7c8d9f4-lk2jd -n prod -c payments --previous --tail=40']));
    expect(document.checked.kinds.Pod).toBe(11);
    const records = (await readAuditRecords(cli.auditLog, { limit: 1000 })).filter((record) => record.operation_id === document.operationId);
    expect(records.map((record) => record.event)).toEqual(['investigated']);
    expect(records[0]!.reads).toEqual(document.checked.reads);
  });

  it('staging: web\'s stuck rollout (ImagePullBackOff, roll back to revision 1), ml-trainer Pending on cpu, scratch on a missing StorageClass', async () => {
    const { document, exitCode } = await diagnose('-n', 'staging');
    expect(exitCode).toBe(1);
    const web = topFor(document, 'Deployment', 'web')!;
    expect(web.reason).toBe('ImagePullBackOff');
    expect(web.summary).toContain('registry.example.com/web:2.4.0-rc1');
    expect(web.summary).toContain('revision 1 (registry.example.com/web:2.3.1) is healthy');
    expect(web.remediations[0]).toMatchObject({
      kind: 'fix', request: { intent: 'rollback', resource: 'deployment', namespace: 'staging', name: 'web', params: { revision: 1 } },
      preview: { command: 'kubectl rollout undo deployment/web -n staging --to-revision=1', decision: 'confirm', risk: 'medium' },
    });
    expect(web.evidence.some((evidence) => evidence.text.includes('ProgressDeadlineExceeded'))).toBe(true);

    const trainer = topFor(document, 'Deployment', 'ml-trainer')!;
    expect(trainer).toMatchObject({ reason: 'Unschedulable', severity: 'critical' });
    expect(trainer.summary).toContain('Insufficient cpu');
    expect(trainer.check).toContain('no node can ever fit it: the pod requests cpu 64');

    const scratch = topFor(document, 'PersistentVolumeClaim', 'scratch')!;
    expect(scratch.reason).toBe('StorageClassNotFound');
    expect(scratch.summary).toContain('StorageClass fast-ssd does not exist');
    expect(scratch.check).toContain('one of standard');
    expect(scratch.remediations.map((remediation) => remediation.preview?.command)).toContain('kubectl describe pvc scratch -n staging');
  });

  it('dev is healthy: exit 0', async () => {
    const { document, exitCode } = await diagnose('-n', 'dev');
    expect(exitCode).toBe(0);
    expect(document).toMatchObject({ status: 'healthy', findings: [] });
    expect(document.summary).toMatch(/^No problems found in namespace dev \(checked 2 Pods, 2 Deployments/);
  });

  it.each([['deploy/payments'], ['deployment.apps/payments'], ['payments'], ['po/payments-6b7c8d9f4-lk2jd']])('focuses on %s: its own finding first, with a timeline', async (target) => {
    const { document, exitCode } = await diagnose('-n', 'prod', target);
    expect(exitCode).toBe(1);
    expect(document.findings.map((finding) => finding.id)).toEqual(['deployment/payments:CrashLoopBackOff']);
    expect(document.checked.reads.filter((read) => read.startsWith('kubectl logs'))).toEqual(['kubectl logs payments-6b7c8d9f4-lk2jd -n prod -c payments --previous --tail=40']);
    expect(document.timeline?.some((entry) => entry.type === 'event' && entry.text.includes('BackOff'))).toBe(true);
  });

  it('names an unknown object and suggests the one meant (exit 2)', async () => {
    const result = await rk8s(['diagnose', '-n', 'prod', 'deploy/paymnts']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('error: no Deployment named "paymnts" in namespace prod');
    expect(result.stderr).toContain('did you mean deployment/payments?');
  });

  it.each([
    [['diagnose'], 2, '--namespace is required'],
    [['diagnose', '-n', 'payroll'], 4, 'cannot investigate namespace payroll'],
    [['diagnose', '-n', 'prod', 'secret/payments-db'], 2, 'cannot investigate kind "secret"'],
  ])('rk8s %j exits %i', async (args, code, message) => {
    const result = await rk8s(args);
    expect(result.exitCode).toBe(code);
    expect(result.stderr).toContain(message);
  });

  it('prints findings, evidence and the command that runs each fix for humans; progress goes to stderr', async () => {
    const result = await rk8s(['diagnose', '-n', 'prod', 'payments']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^ 1 CRITICAL +CrashLoopBackOff {2}deployment\/payments$/m);
    expect(result.stdout).toContain('log ✗ ');
    expect(result.stdout).toContain('kubectl rollout restart deployment/payments -n prod');
    expect(result.stdout).toContain('run: rk8s exec -n prod --intent restart --resource deployment --name payments');
    expect(result.stdout).toContain('what changed (newest first)');
    expect(result.stderr).toMatch(/^diagnose prod payments/);
    expect(result.stderr).toMatch(/✔ namespace objects/);
    expect(result.stderr).toMatch(/✔ logs {2}1 of 1 excerpts/);
  });

  it('--help shows examples and exit codes', async () => {
    const result = await rk8s(['diagnose', '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('rk8s diagnose -n prod deploy/payments');
    expect(result.stdout).toContain('Exit codes: 0 healthy, 1 findings');
  });

  it('timeline: the rollout of web with its image change, its Warning events and rk8s\'s own operations, newest first', async () => {
    const result = await rk8s(['timeline', '-n', 'staging', 'deploy/web', '--json']);
    expect(result.exitCode).toBe(0);
    const document = TimelineDocumentSchema.parse(JSON.parse(result.stdout));
    expect(document.target).toEqual({ kind: 'Deployment', name: 'web', namespace: 'staging' });
    const rollout = document.entries.find((entry) => entry.type === 'rollout' && entry.revision === 2)!;
    expect(rollout.text).toContain('image web: registry.example.com/web:2.3.1 -> registry.example.com/web:2.4.0-rc1');
    expect(document.entries.some((entry) => entry.type === 'event' && entry.text.includes('ImagePullBackOff'))).toBe(true);
    expect(document.entries.map((entry) => entry.at)).toEqual([...document.entries.map((entry) => entry.at)].sort().reverse());
    const human = await rk8s(['timeline', '-n', 'staging', 'web']);
    expect(human.stdout).toMatch(/^what changed in deployment\/web in staging \(newest first\)/);
  });

  it('the suggested fix runs through rk8s exec (preview, confirmation) and the next investigation finds web healthy', async () => {
    const { document } = await diagnose('-n', 'staging', 'deploy/web');
    const fix = document.findings[0]!.remediations.find((remediation) => remediation.kind === 'fix')!;
    const request = fix.request;
    const flags = ['-n', request.namespace!, '--intent', request.intent, '--resource', request.resource, '--name', request.name!, ...Object.entries(request.params ?? {}).flatMap(([key, value]) => ['--param', `${key}=${String(value)}`])];
    const unconfirmed = await rk8s(['exec', ...flags]);
    expect(unconfirmed.exitCode).toBe(3);
    const ran = await rk8s(['exec', ...flags, '--confirm', '--expect', fix.preview!.command]);
    expect(ran.exitCode).toBe(0);
    await waitFor(async () => {
      const after = await diagnose('-n', 'staging', 'deploy/web');
      return after.document.findings.every((finding) => finding.object.name !== 'web' || finding.reason !== 'ImagePullBackOff');
    }, { what: 'web to be rolled back', timeoutMs: 30_000, intervalMs: 500 });
    const history = (await readAuditRecords(cli.auditLog, { limit: 1000 })).filter((record) => record.command === fix.preview!.command).map((record) => record.event);
    expect(history).toEqual(expect.arrayContaining(['proposed', 'confirmed', 'started', 'finished']));
  });
});
