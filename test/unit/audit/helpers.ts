/** Shared helpers for the audit tests: temp directories, a sample record, and running fixture programs. */
import { execa } from 'execa';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditRecordInput } from '../../../src/pipeline/ports.js';

/** The repository root (where `node --import tsx` resolves tsx). */
export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A fresh temporary directory and the agent.log path inside it. */
export function temporaryLog(): { directory: string; file: string } {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-audit-'));
  return { directory, file: path.join(directory, 'agent.log') };
}

/** A valid record input; override what a test cares about. */
export function sampleRecord(overrides: Partial<AuditRecordInput> = {}): AuditRecordInput {
  return {
    level: 'INFO',
    operation_id: randomUUID(),
    event: 'proposed',
    user: 'alice',
    source: 'cli',
    context: 'prod-eu',
    intent: 'scale',
    resource: 'deployment',
    namespace: 'prod',
    name: 'api',
    command: 'kubectl scale deployment/api --replicas=3 -n prod',
    args: ['scale', 'deployment/api', '--replicas=3', '-n', 'prod'],
    card: 'deployment/scale-replicas',
    planner: 'template',
    decision: 'confirm',
    risk: 'medium',
    ...overrides,
  };
}

/** Starts a TypeScript fixture program from test/fixtures/bin with tsx. */
export function runFixture(name: string, args: readonly string[]) {
  return execa(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, 'test/fixtures/bin', name), ...args], {
    cwd: repositoryRoot,
    reject: false,
  });
}
