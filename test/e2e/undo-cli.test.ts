/**
 * `rk8s undo` through the built binary, against the sandbox with the real kubectl: the change is made
 * by `rk8s exec`, the undo restores what was there, and an object changed by hand in between is
 * refused with nothing run.
 */
import { expect, it } from 'vitest';
import { readAuditRecords } from '../../src/audit/audit-log.js';
import { K8sUndoResultSchema } from '../../src/tool/k8s-undo.js';
import { useCliSandbox } from '../helpers/cli.js';
import { describeWith } from '../helpers/prerequisites.js';
import { waitFor } from '../helpers/sandbox.js';

describeWith(['kubectl'], 'rk8s undo against the sandbox', () => {
  const cli = useCliSandbox({ prefix: 'undo' });
  const { rk8s, kubectl } = cli;

  /** The operation id of the newest record (the change just made). */
  async function lastOperationId(): Promise<string> {
    const records = await readAuditRecords(cli.auditLog, { limit: 1 });
    return records.at(-1)!.operation_id;
  }

  const replicas = (namespace: string, name: string) => kubectl('get', 'deployment', name, '-n', namespace, '-o', 'jsonpath={.spec.replicas}');
  const revision = (namespace: string, name: string) => kubectl('get', 'deployment', name, '-n', namespace, '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}');
  const image = (namespace: string, name: string) => kubectl('get', 'deployment', name, '-n', namespace, '-o', 'jsonpath={.spec.template.spec.containers[0].image}');

  it('scale 3 -> 5, then rk8s undo (no id) brings back 3, linked to the operation it undoes', async () => {
    await kubectl('scale', 'deployment/web', '-n', 'staging', '--replicas=3');
    const scaled = await rk8s(['exec', '-n', 'staging', '--intent', 'scale', '--resource', 'deploy', '--name', 'web', '--param', 'replicas=5', '--confirm']);
    expect(scaled.exitCode, scaled.stderr).toBe(0);
    const scaleId = await lastOperationId();
    expect(await replicas('staging', 'web')).toBe('5');
    const started = (await readAuditRecords(cli.auditLog, { limit: 50 })).find((record) => record.operation_id === scaleId && record.event === 'started')!;
    expect(started.prior_state).toEqual({ status: 'recorded', resource: 'deployment', namespace: 'staging', name: 'web', before: { replicas: 3 }, set: { replicas: 5 } });

    const undo = await rk8s(['undo', '--confirm']);
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect(undo.stderr).toContain('undo   scale deployment/web in staging back to 3 replicas (from 5)');
    expect(undo.stderr).toContain(`undoes operation ${scaleId.slice(0, 8)}`);
    expect(undo.stderr).toContain('plan   kubectl scale deployment/web -n staging --replicas=3');
    expect(await replicas('staging', 'web')).toBe('3');
    const records = await readAuditRecords(cli.auditLog, { limit: 50 });
    const undoRecords = records.filter((record) => record.undo_of === scaleId);
    expect(undoRecords.map((record) => record.event)).toEqual(['proposed', 'confirmed', 'started', 'finished']);

    // The same operation cannot be undone twice; the undo itself can be undone (which redoes the scale).
    const again = await rk8s(['undo', scaleId, '--confirm', '--json']);
    expect(again.exitCode).toBe(4);
    const refusal = K8sUndoResultSchema.parse(JSON.parse(again.stdout));
    expect(refusal).toMatchObject({ status: 'blocked', undo: { of: scaleId, refused: { code: 'UNDO_ALREADY_UNDONE' } } });
    const redo = await rk8s(['undo', undoRecords[0]!.operation_id, '--confirm', '--json']);
    expect(redo.exitCode, redo.stdout).toBe(0);
    expect(JSON.parse(redo.stdout)).toMatchObject({ status: 'executed', undo: { of: undoRecords[0]!.operation_id }, plan: { args: ['scale', 'deployment/web', '-n', 'staging', '--replicas=5'] } });
    expect(await replicas('staging', 'web')).toBe('5');
  });

  it('refuses, and runs nothing, when the object was scaled by hand since', async () => {
    await kubectl('scale', 'deployment/worker', '-n', 'staging', '--replicas=2');
    const scaled = await rk8s(['exec', '-n', 'staging', '--intent', 'scale', '--resource', 'deploy', '--name', 'worker', '--param', 'replicas=4', '--confirm']);
    expect(scaled.exitCode, scaled.stderr).toBe(0);
    const scaleId = await lastOperationId();
    await kubectl('scale', 'deployment/worker', '-n', 'staging', '--replicas=7');
    const before = (await readAuditRecords(cli.auditLog, { limit: 1000 })).length;

    const undo = await rk8s(['undo', scaleId.slice(0, 8), '--confirm']);
    expect(undo.exitCode).toBe(4);
    expect(undo.stderr).toMatch(/undo refused: deployment\/worker in staging changed since operation \w{8} .*spec\.replicas is 7, rk8s set 4/);
    expect(undo.stderr).not.toMatch(/\n\s+at /);
    expect(await replicas('staging', 'worker')).toBe('7');
    const added = (await readAuditRecords(cli.auditLog, { limit: 1000 })).slice(before);
    expect(added.map((record) => record.event)).toEqual(['denied']);
    expect(added[0]).toMatchObject({ undo_of: scaleId, decision: 'deny' });
    expect(added[0]!.violations![0]).toMatch(/^UNDO_STATE_CHANGED: /);
  });

  it('rollback, then undo rolls forward to the revision before', async () => {
    const name = 'api';
    const namespace = 'prod';
    const imageBefore = await image(namespace, name);
    const revisionBefore = Number(await revision(namespace, name));
    expect(revisionBefore).toBeGreaterThan(1);
    const rolled = await rk8s(['exec', '-n', namespace, '--intent', 'rollback', '--resource', 'deploy', '--name', name, '--confirm', '--confirm-name', name]);
    expect(rolled.exitCode, rolled.stderr).toBe(0);
    const rollbackId = await lastOperationId();
    await waitFor(async () => Number(await revision(namespace, name)) === revisionBefore + 1);
    expect(await image(namespace, name)).not.toBe(imageBefore);

    // prod is high risk: the undo asks for the typed name like any change there.
    const unnamed = await rk8s(['undo', rollbackId, '--confirm', '--json']);
    expect(unnamed.exitCode).toBe(3);
    expect(await revision(namespace, name)).toBe(String(revisionBefore + 1));
    const undo = await rk8s(['undo', rollbackId, '--confirm', '--confirm-name', name, '--json']);
    expect(undo.exitCode, undo.stdout).toBe(0);
    const document = K8sUndoResultSchema.parse(JSON.parse(undo.stdout));
    expect(document.plan?.args).toEqual(['rollout', 'undo', `deployment/${name}`, '-n', namespace, `--to-revision=${revisionBefore}`]);
    expect(document.undo.summary).toContain(`roll deployment/${name} in ${namespace} back to revision ${revisionBefore}`);
    await waitFor(async () => (await image(namespace, name)) === imageBefore);
  });

  it('cordon, then undo uncordons; --dry-run first changes nothing', async () => {
    const nodes = (await kubectl('get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}')).split(' ');
    const node = nodes.at(-1)!;
    const unschedulable = () => kubectl('get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}');
    expect(await unschedulable()).toBe('');
    const cordoned = await rk8s(['exec', '--intent', 'cordon', '--resource', 'node', '--name', node, '--confirm']);
    expect(cordoned.exitCode, cordoned.stderr).toBe(0);
    expect(await unschedulable()).toBe('true');

    const preview = await rk8s(['undo', '--dry-run']);
    expect(preview.exitCode, preview.stderr).toBe(0);
    expect(preview.stderr).toContain(`undo   uncordon node/${node} (it was schedulable before)`);
    expect(preview.stderr).toMatch(/dry run: nothing was changed/);
    expect(await unschedulable()).toBe('true');

    const undo = await rk8s(['undo', '--confirm']);
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect(undo.stderr).toContain(`plan   kubectl uncordon ${node}`);
    expect(await unschedulable()).toBe('');
  });

  it('refuses what it cannot undo, with the reason and a stable code', async () => {
    const read = await rk8s(['exec', '-n', 'dev', '--intent', 'get', '--resource', 'pod']);
    expect(read.exitCode).toBe(0);
    const readId = await lastOperationId();
    const result = await rk8s(['undo', readId, '--json']);
    expect(result.exitCode).toBe(4);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'blocked', undo: { refused: { code: 'UNDO_NOT_A_CHANGE' } } });

    const unknown = await rk8s(['undo', '0123abcd', '--json']);
    expect(unknown.exitCode).toBe(4);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ undo: { of: null, refused: { code: 'UNDO_UNKNOWN_OPERATION' } } });

    const malformed = await rk8s(['undo', 'not-an-id']);
    expect(malformed.exitCode).toBe(2);
    expect(malformed.stderr).toMatch(/OPERATION_ID "not-an-id": expected an operation id/);
  });

  it('--help explains it with examples', async () => {
    const help = await rk8s(['undo', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n {2}rk8s undo /);
    expect(help.stdout).toContain('--dry-run');
  });
});
