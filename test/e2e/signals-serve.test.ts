/**
 * `rk8s serve` stopped by a signal while the real kubectl runs against the sandbox (a `rollout status`
 * of a rollout whose new pod never becomes ready): every client gets its answer, every `started` has
 * its outcome record, `rk8s audit verify` passes, and the exit code is the documented one.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisites.js';
import { useSandbox, waitFor } from '../helpers/sandbox.js';
import { auditOutcomes, spawnRk8s, verifyAudit, type Spawned } from '../helpers/signals.js';

/** A status request whose kubectl waits on the stuck rollout until its own --timeout. */
const waitingStatus = (timeout: string) => ({ intent: 'status', resource: 'deployment', namespace: 'staging', name: 'web', params: { timeout } });

describeWith(['kubectl'], 'rk8s serve under SIGTERM/SIGINT (sandbox, real kubectl)', () => {
  // Pods never become ready: a restarted deployment's rollout stays in progress.
  const sandbox = useSandbox({ timings: { podStartMs: 3_600_000 } });
  let restarted = false;

  async function serve(grace: number): Promise<{ server: Spawned; url: string; auditLog: string }> {
    if (!restarted) {
      const result = await sandbox().kubectl(['rollout', 'restart', 'deployment/web', '-n', 'staging']);
      expect(result.exitCode, result.stderr).toBe(0);
      restarted = true;
    }
    const auditLog = path.join(mkdtempSync(path.join(os.tmpdir(), 'rk8s-signals-serve-')), 'agent.log');
    const server = spawnRk8s(['serve', '--host', '127.0.0.1', '--port', '0', '--no-model', '--preload'], {
      ...sandbox().env,
      RK8S_AUDIT_LOG: auditLog,
      RK8S_SHUTDOWN_GRACE_SECONDS: String(grace),
    });
    const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(server.stderr())?.[1], { what: 'rk8s serve to listen', timeoutMs: 30_000 });
    return { server, url, auditLog };
  }

  const exec = (url: string, body: unknown) => fetch(`${url}/k8s-exec`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  async function running(url: string, count: number): Promise<void> {
    await waitFor(async () => ((await (await fetch(`${url}/health`)).json()) as { running_commands: number }).running_commands >= count, {
      what: `${count} kubectl command(s) to be running`,
      timeoutMs: 60_000,
      intervalMs: 100,
    });
  }

  it('SIGTERM while kubectl runs: the command finishes, the client gets its answer, the outcome is recorded, exit 0', async () => {
    const { server, url, auditLog } = await serve(20);
    const answer = exec(url, waitingStatus('3s'));
    await running(url, 1);
    await server.signal('SIGTERM', /SIGTERM: shutting down/);
    const response = await answer;
    expect(response.status).toBe(200);
    const document = (await response.json()) as { operation_id: string; status: string; result: { exit_code: number; stderr: string } };
    // kubectl ran to its own --timeout: the rollout is stuck, which it reports itself.
    expect(document.status).toBe('failed');
    expect(document.result.stderr).toMatch(/timed out waiting for the condition/);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const log = auditOutcomes(auditLog);
    expect(log.lost).toEqual([]);
    expect(log.records.filter((record) => record.operation_id === document.operation_id).map((record) => record.event)).toEqual(['proposed', 'started', 'failed']);
    expect((await verifyAudit(auditLog)).exitCode).toBe(0);
  });

  it('SIGINT past the grace period: the command is cancelled, the client gets the cancelled document (503), exit 130', async () => {
    const { server, url, auditLog } = await serve(1);
    const answer = exec(url, waitingStatus('120s'));
    await running(url, 1);
    await server.signal('SIGINT', /SIGINT: shutting down/);
    const response = await answer;
    expect(response.status).toBe(503);
    const document = (await response.json()) as { operation_id: string; status: string; error: { code: string } };
    expect(document).toMatchObject({ status: 'failed', error: { code: 'SERVER_SHUTTING_DOWN' } });
    expect(await server.exited).toEqual({ code: 130, signal: null });
    expect(server.stderr()).toMatch(/grace period of 1 s over/);
    const log = auditOutcomes(auditLog);
    expect(log.lost).toEqual([]);
    expect(log.outcomes.get(document.operation_id)).toBe('cancelled');
    expect((await verifyAudit(auditLog)).exitCode).toBe(0);
  });

  it('a second SIGTERM cancels at once instead of waiting out a long grace period, and still records the outcome', async () => {
    const { server, url, auditLog } = await serve(600);
    const answer = exec(url, waitingStatus('300s'));
    await running(url, 1);
    await server.signal('SIGTERM', /SIGTERM: shutting down/);
    await server.signal('SIGTERM', /SIGTERM during shutdown: cancelling/);
    expect((await answer).status).toBe(503);
    expect(await server.exited).toEqual({ code: 130, signal: null });
    const log = auditOutcomes(auditLog);
    expect(log.started).toHaveLength(1);
    expect(log.lost).toEqual([]);
    expect([...log.outcomes.values()]).toEqual(['cancelled']);
    expect((await verifyAudit(auditLog)).exitCode).toBe(0);
  });

  it('under load: 40 concurrent operations, SIGTERM, zero lost outcomes and every request answered', async () => {
    // The default grace period: the 3 s commands finish on their own within it, the 120 s ones are cancelled at its end.
    const grace = 10;
    const { server, url, auditLog } = await serve(grace);
    const timeouts = Array.from({ length: 40 }, (_, index) => (index % 2 === 0 ? '3s' : '120s'));
    const requests = timeouts.map((timeout) =>
      exec(url, waitingStatus(timeout)).then(async (response) => ({ timeout, status: response.status, document: (await response.json()) as { operation_id: string; status: string } })),
    );
    // Every operation has written `started` (a 3 s one may end on its own before the signal: that is fine).
    await waitFor(() => auditOutcomes(auditLog).started.length === 40, { what: '40 operations to start', timeoutMs: 60_000, intervalMs: 100 });
    const runningAtSignal = ((await (await fetch(`${url}/health`)).json()) as { running_commands: number }).running_commands;
    const stopAt = performance.now();
    await server.signal('SIGTERM', /SIGTERM: shutting down/);
    const answers = await Promise.all(requests);
    const { code } = await server.exited;
    const stopSeconds = (performance.now() - stopAt) / 1000;
    const log = auditOutcomes(auditLog);
    const verify = await verifyAudit(auditLog);
    const outcomeOf = (timeout: string) => answers.filter((answer) => answer.timeout === timeout).map((answer) => log.outcomes.get(answer.document.operation_id));
    const finishedOnTheirOwn = [...log.outcomes.values()].filter((event) => event === 'failed').length;
    const cancelled = [...log.outcomes.values()].filter((event) => event === 'cancelled').length;
    console.log(
      `signal load test (serve): ${log.started.length} operations, ${runningAtSignal} kubectl running at SIGTERM, ${log.lost.length} lost outcomes, ` +
        `${finishedOnTheirOwn} finished within the ${grace} s grace period, ${cancelled} cancelled at its end, ` +
        `${answers.length}/40 answered (${answers.filter((answer) => answer.status === 200).length}x200, ${answers.filter((answer) => answer.status === 503).length}x503), ` +
        `stopped in ${stopSeconds.toFixed(1)} s, exit ${code}`,
    );
    expect(log.started).toHaveLength(40);
    expect(log.lost).toEqual([]);
    expect(new Set(answers.map((answer) => answer.document.operation_id))).toEqual(new Set(log.started));
    // A 120 s command cannot end within the grace period: each is cancelled, and its client gets the 503 document.
    expect(outcomeOf('120s')).toEqual(Array.from({ length: 20 }, () => 'cancelled'));
    expect(answers.filter((answer) => answer.timeout === '120s').every((answer) => answer.status === 503)).toBe(true);
    // The 3 s ones ran to their own end (kubectl reports the stuck rollout), unless the machine was too slow to start them in time.
    expect(outcomeOf('3s').every((outcome) => outcome === 'failed' || outcome === 'cancelled')).toBe(true);
    expect(finishedOnTheirOwn).toBeGreaterThan(0);
    expect(code).toBe(130);
    expect(verify.exitCode, verify.output).toBe(0);
  }, 150_000);
});
