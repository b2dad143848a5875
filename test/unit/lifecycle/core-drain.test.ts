import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/errors.js';
import type { AuditLog, AuditRecordInput, KubectlRunner } from '../../../src/contracts/ports.js';
import type { AuditRecord } from '../../../src/schemas/audit.js';
import { createCoreDrain } from '../../../src/lifecycle/core-drain.js';
import { createKubectlGate } from '../../../src/lifecycle/kubectl-gate.js';
import { createOutcomeLedger } from '../../../src/lifecycle/outcome-ledger.js';
import { k8s_exec } from '../../../src/tool/k8s-exec.js';
import { createFakeCore } from '../../helpers/fake-core.js';

const OPERATION = '2f1d3c4b-5a69-4b7c-8d9e-0f1a2b3c4d5e';

function record(event: AuditRecordInput['event'], operationId = OPERATION): AuditRecordInput {
  return { level: 'INFO', operation_id: operationId, event, user: 'test', source: 'tool' } as AuditRecordInput;
}

/** A log whose appends wait until released, so a test sees what is pending meanwhile. */
function slowLog(options: { fail?: (record: AuditRecordInput) => boolean } = {}): AuditLog & { release(): void; written: string[] } {
  const waiting: Array<() => void> = [];
  const written: string[] = [];
  return {
    path: '/dev/null',
    written,
    release: () => {
      for (const wake of waiting.splice(0)) wake();
    },
    async append(input) {
      await new Promise<void>((resolve) => waiting.push(resolve));
      if (options.fail?.(input)) throw new Error('disk full');
      written.push(input.event);
      return input as unknown as AuditRecord;
    },
  };
}

/** A kubectl that runs until its signal aborts. */
const hangingKubectl: KubectlRunner = {
  async *run(_args, options = {}) {
    await new Promise<void>((resolve) => (options.signal?.aborted ? resolve() : options.signal?.addEventListener('abort', () => resolve(), { once: true })));
    yield { type: 'exec-end', exitCode: 143, durationMs: 1, truncated: false, timedOut: false, cancelled: true };
  },
};

describe('createOutcomeLedger', () => {
  it('counts an operation from its started append until its outcome is durable', async () => {
    const log = slowLog();
    const ledger = createOutcomeLedger(log);
    const started = ledger.auditLog.append(record('started'));
    expect(ledger.pending).toBe(1);
    log.release();
    await started;
    expect(ledger.pending).toBe(1);
    let settled = false;
    void ledger.settled().then(() => (settled = true));
    const finished = ledger.auditLog.append(record('finished'));
    await Promise.resolve();
    expect(settled).toBe(false);
    log.release();
    await finished;
    await ledger.settled();
    expect(ledger.pending).toBe(0);
    expect(log.written).toEqual(['started', 'finished']);
  });

  it.each(['finished', 'failed', 'cancelled'] as const)('%s closes the operation', async (outcome) => {
    const log = slowLog();
    const ledger = createOutcomeLedger(log);
    const appends = [ledger.auditLog.append(record('started')), ledger.auditLog.append(record(outcome))];
    log.release();
    await Promise.all(appends);
    expect(ledger.pending).toBe(0);
  });

  it('a started append that fails closes the operation (nothing ran); an outcome that fails is counted as unwritten', async () => {
    const log = slowLog({ fail: (input) => input.operation_id.startsWith('0') });
    const ledger = createOutcomeLedger(log);
    const other = '0' + OPERATION.slice(1);
    const failedStart = ledger.auditLog.append(record('started', other)).catch((error: Error) => error.message);
    log.release();
    expect(await failedStart).toBe('disk full');
    expect(ledger.pending).toBe(0);
    expect(ledger.unwritten).toBe(0);

    const failingLog = slowLog({ fail: (input) => input.event === 'finished' });
    const failing = createOutcomeLedger(failingLog);
    const start = failing.auditLog.append(record('started'));
    failingLog.release();
    await start;
    const finish = failing.auditLog.append(record('finished')).catch((error: Error) => error.message);
    await Promise.resolve();
    failingLog.release();
    expect(await finish).toBe('disk full');
    expect(failing.pending).toBe(0);
    expect(failing.unwritten).toBe(1);
  });

  it('events that neither open nor close an operation pass through uncounted', async () => {
    const log = slowLog();
    const ledger = createOutcomeLedger(log);
    const appends = (['proposed', 'confirmed', 'denied', 'dry-run'] as const).map((event) => ledger.auditLog.append(record(event)));
    expect(ledger.pending).toBe(0);
    log.release();
    await Promise.all(appends);
    expect(log.written).toEqual(['proposed', 'confirmed', 'denied', 'dry-run']);
  });
});

describe('createKubectlGate', () => {
  it('refuses new runs once closed, with a CancelledError', async () => {
    const gate = createKubectlGate(hangingKubectl);
    gate.close();
    const run = async () => {
      for await (const _event of gate.runner.run(['get', 'pods'])) {
        // nothing
      }
    };
    await expect(run()).rejects.toBeInstanceOf(CancelledError);
  });

  it('cancel stops every run in progress, whatever signal the run itself has', async () => {
    const cancel = new AbortController();
    const gate = createKubectlGate(hangingKubectl, { cancel: cancel.signal });
    const own = new AbortController();
    const ends: unknown[] = [];
    const runs = [undefined, own.signal].map(async (signal) => {
      for await (const event of gate.runner.run(['rollout', 'status', 'deployment/api'], signal ? { signal } : {})) ends.push(event);
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(gate.active).toBe(2);
    expect(gate.isRunning(own.signal)).toBe(true);
    cancel.abort();
    await Promise.all(runs);
    await gate.idle();
    expect(ends).toHaveLength(2);
    expect(gate.active).toBe(0);
    expect(own.signal.aborted).toBe(false);
  });
});

describe('createCoreDrain', () => {
  it('waits for the outcome record of a cancelled command before it is idle, and audits it as cancelled', async () => {
    const fake = createFakeCore({ kubectl: () => ({ hang: true }) });
    const cancel = new AbortController();
    const drain = createCoreDrain(fake, { cancel: cancel.signal });
    const result = k8s_exec({ intent: 'get', resource: 'pod', namespace: 'dev' }, { core: drain.core });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(drain.runningCommands).toBe(1);
    expect(drain.pendingOutcomes).toBe(1);
    drain.close();
    let idle = false;
    const idlePromise = drain.idle().then(() => (idle = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(idle).toBe(false);
    cancel.abort();
    await idlePromise;
    expect(drain.pendingOutcomes).toBe(0);
    expect(fake.auditLog.records.map((entry) => entry.event)).toEqual(['proposed', 'started', 'cancelled']);
    expect((await result).error?.code).toBe('CANCELLED');
  });

  it('once closed, a new command is not run and is audited as cancelled', async () => {
    const fake = createFakeCore({ kubectl: () => ({ stdout: ['ok'] }) });
    const drain = createCoreDrain(fake);
    drain.close();
    const result = await k8s_exec({ intent: 'get', resource: 'pod', namespace: 'dev' }, { core: drain.core });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('CANCELLED');
    expect(fake.kubectl.calls).toEqual([]);
    expect(fake.auditLog.records.map((entry) => entry.event)).toEqual(['proposed', 'started', 'cancelled']);
    await drain.idle();
  });

  it('shares the policy fields with the core it wraps (reloadPolicy replaces them)', () => {
    const fake = createFakeCore();
    const drain = createCoreDrain(fake);
    const replacement = { ...fake.validator, policyVersion: 'policy-v2' };
    drain.core.validator = replacement;
    expect(fake.validator.policyVersion).toBe('policy-v2');
    fake.validator = { ...fake.validator, policyVersion: 'policy-v3' };
    expect(drain.core.validator.policyVersion).toBe('policy-v3');
  });
});
