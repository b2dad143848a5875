/**
 * `rk8s exec` stopped by a signal while the real kubectl runs against the sandbox: the outcome is
 * recorded (the log never ends at `started`), `rk8s audit verify` passes, and the exit code is
 * kubectl's own when it finished within the grace period, 130 when it had to be cancelled.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import { useSandbox, waitFor } from '../helpers/sandbox.js';
import { auditOutcomes, spawnRk8s, verifyAudit, waitForKubectl } from '../helpers/signals.js';

describeWith(['kubectl'], 'rk8s exec under SIGTERM/SIGINT (sandbox, real kubectl)', () => {
  const sandbox = useSandbox({ timings: { podStartMs: 3_600_000 } });
  let restarted = false;

  async function exec(grace: number, timeout: string, extra: string[] = []) {
    if (!restarted) {
      expect((await sandbox().kubectl(['rollout', 'restart', 'deployment/web', '-n', 'staging'])).exitCode).toBe(0);
      restarted = true;
    }
    const auditLog = path.join(mkdtempSync(path.join(os.tmpdir(), 'rk8s-signals-exec-')), 'agent.log');
    const spawned = spawnRk8s(
      ['exec', '-n', 'staging', '--intent', 'status', '--resource', 'deployment', '--name', 'web', '--param', `timeout=${timeout}`, '--no-model', ...extra],
      { ...sandbox().env, RK8S_AUDIT_LOG: auditLog, RK8S_SHUTDOWN_GRACE_SECONDS: String(grace) },
    );
    await waitFor(() => auditOutcomes(auditLog).started.length === 1, { what: 'the started record', timeoutMs: 30_000, intervalMs: 50 });
    await waitForKubectl(spawned.child.pid!, ['rollout', 'status']);
    return { spawned, auditLog };
  }

  it.each(['SIGTERM', 'SIGINT'] as const)('%s: kubectl finishes within the grace period, its outcome is recorded and its exit code is kept', async (signal) => {
    const { spawned, auditLog } = await exec(20, '3s');
    await spawned.signal(signal, new RegExp(`${signal}: shutting down`));
    // kubectl's own exit code: the rollout is stuck and its --timeout ran out.
    expect(await spawned.exited).toEqual({ code: 1, signal: null });
    const log = auditOutcomes(auditLog);
    expect(log.lost).toEqual([]);
    expect([...log.outcomes.values()]).toEqual(['failed']);
    expect((await verifyAudit(auditLog)).exitCode).toBe(0);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s past the grace period: kubectl is cancelled, recorded as cancelled, exit 130; --json still prints the document', async (signal) => {
    const { spawned, auditLog } = await exec(1, '120s', ['--json']);
    await spawned.signal(signal, new RegExp(`${signal}: shutting down`));
    expect(await spawned.exited).toEqual({ code: 130, signal: null });
    const document = JSON.parse(spawned.stdout()) as { status: string; error: { code: string } };
    expect(document).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } });
    const log = auditOutcomes(auditLog);
    expect(log.lost).toEqual([]);
    expect([...log.outcomes.values()]).toEqual(['cancelled']);
    expect((await verifyAudit(auditLog)).exitCode).toBe(0);
  });

  it('a second signal stops kubectl at once', async () => {
    const { spawned, auditLog } = await exec(600, '300s');
    await spawned.signal('SIGTERM', /SIGTERM: shutting down/);
    await spawned.signal('SIGTERM', /SIGTERM during shutdown/);
    expect(await spawned.exited).toEqual({ code: 130, signal: null });
    expect([...auditOutcomes(auditLog).outcomes.values()]).toEqual(['cancelled']);
  });
});
