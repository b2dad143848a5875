import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  APPROVAL_RETENTION_MS,
  approvalState,
  createFileApprovalStore,
  createMemoryApprovalStore,
  isApprovalId,
  type ApprovalEntry,
  type ApprovalStore,
} from '../../../src/approvals/approval-store.js';
import { runFixture } from '../audit/helpers.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});
function temporaryDirectory(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'rk8s-approvals-'));
  directories.push(directory);
  return directory;
}

const now = new Date('2026-06-01T12:00:00.000Z');
function entry(kind: 'token' | 'inbox', expiresInMs = 600_000): Omit<ApprovalEntry, 'id' | 'tokenHash'> {
  return {
    kind,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + expiresInMs).toISOString(),
    requestedBy: 'agent via mcp:test',
    proposal: {
      operationId: '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
      source: 'mcp',
      user: 'agent',
      request: { intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' },
      plan: { card: 'restart-deployment', params: { name: 'api', namespace: 'prod' }, args: ['rollout', 'restart', 'deployment/api', '-n', 'prod'], command: 'kubectl rollout restart deployment/api -n prod', rationale: '', planner: 'template', missing: [] },
      verdict: { decision: 'confirm', risk: 'medium', violations: [], suggestions: [], mutating: true, namespace: 'prod', tier: 'prod' },
      dryRun: 'none',
      context: 'sandbox',
      policyVersion: 'v1',
      createdAt: now.toISOString(),
      confirmation: { kind: 'key', expectRequired: false },
    },
  };
}

describe.each([
  ['memory', () => createMemoryApprovalStore()],
  ['file', () => createFileApprovalStore(temporaryDirectory())],
] as const)('the %s approval store', (_kind, makeStore: () => ApprovalStore) => {
  it('hands out a token once and finds its entry by it; a near-miss token finds nothing', async () => {
    const store = makeStore();
    const created = await store.create(entry('token'));
    expect(created.token).toMatch(/^rk8s_apt_[A-Za-z0-9_-]{43}$/);
    expect(created.record.tokenHash).toHaveLength(64);
    expect(JSON.stringify(created.record)).not.toContain(created.token);
    expect((await store.findByToken(created.token!))?.id).toBe(created.record.id);
    const flipped = created.token!.slice(0, -1) + (created.token!.endsWith('A') ? 'B' : 'A');
    expect(await store.findByToken(flipped)).toBeUndefined();
    expect(await store.findByToken('not-a-token')).toBeUndefined();
  });

  it('gives inbox entries short ids a person can type, and keeps their state', async () => {
    const store = makeStore();
    const { record } = await store.create(entry('inbox'));
    expect(record.id).toMatch(/^[a-z2-9]{8}$/);
    expect(isApprovalId(record.id)).toBe(true);
    expect(approvalState((await store.get(record.id))!, now)).toBe('pending');
    await store.decide(record.id, { outcome: 'denied', by: 'alice', at: now.toISOString(), reason: 'not during the freeze' });
    const decided = (await store.get(record.id))!;
    expect(approvalState(decided, now)).toBe('denied');
    expect(decided.decision?.reason).toBe('not during the freeze');
  });

  it('takes the first decision only, and a use only once', async () => {
    const store = makeStore();
    const { record } = await store.create(entry('inbox'));
    await store.decide(record.id, { outcome: 'approved', by: 'alice', at: now.toISOString() });
    await expect(store.decide(record.id, { outcome: 'denied', by: 'bob', at: now.toISOString() })).rejects.toMatchObject({ code: 'APPROVAL_ALREADY_DECIDED' });
    const uses = await Promise.all(Array.from({ length: 10 }, (_, index) => store.consume(record.id, { at: now.toISOString(), by: `runner-${index}` })));
    expect(uses.filter(Boolean)).toHaveLength(1);
    expect(approvalState((await store.get(record.id))!, now)).toBe('executed');
  });

  it('expires entries and prunes those that ended more than a day ago', async () => {
    const store = makeStore();
    const short = await store.create(entry('inbox', 1000));
    const long = await store.create(entry('inbox', APPROVAL_RETENTION_MS * 3));
    expect(approvalState(short.record, new Date(now.getTime() + 1001))).toBe('expired');
    expect(await store.prune(new Date(now.getTime() + 1000 + APPROVAL_RETENTION_MS + 1))).toBe(1);
    expect((await store.list()).map((record) => record.id)).toEqual([long.record.id]);
  });

  it('answers nothing for ids that are not ids (no path tricks)', async () => {
    const store = makeStore();
    for (const id of ['../../etc/passwd', 'constructor', '__proto__', '', 'ABCDEFGH']) {
      expect(await store.get(id)).toBeUndefined();
      expect(await store.consume(id, { at: now.toISOString(), by: 'x' })).toBe(false);
    }
  });
});

describe('the file approval store across processes', () => {
  it('keeps its files private to the account', async () => {
    const directory = temporaryDirectory();
    const store = createFileApprovalStore(path.join(directory, 'approvals'));
    const { record } = await store.create(entry('inbox'));
    expect(statSync(path.join(directory, 'approvals', 'entries')).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(directory, 'approvals', 'entries', `${record.id}.json`)).mode & 0o777).toBe(0o600);
  });

  it('six processes racing to decide and use one request: one decision and one use win', async () => {
    const directory = temporaryDirectory();
    const store = createFileApprovalStore(directory);
    const { record } = await store.create(entry('inbox'));
    const results = await Promise.all(Array.from({ length: 6 }, (_, index) => runFixture('approval-race.ts', [directory, record.id, `process-${index}`])));
    const outcomes = results.map((result) => {
      expect(result.exitCode, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as { label: string; decided: boolean; consumed: boolean };
    });
    expect(outcomes.filter((outcome) => outcome.decided)).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.consumed)).toHaveLength(1);
    // No temporary file is left behind.
    for (const folder of ['entries', 'decisions', 'used']) expect(readdirSync(path.join(directory, folder)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
