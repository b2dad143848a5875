/** A core with the real cards, policy, retriever and template planner, and fakes for kubectl and the audit log. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config/load-config.js';
import { createCore } from '../../../src/pipeline/create-core.js';
import type { Core } from '../../../src/contracts/core.js';
import { createFakeAuditLog, createFakeKubectl, type FakeAuditLog, type FakeKubectl, type FakeKubectlResponse } from '../../helpers/fake-core.js';

const projectRoot = path.resolve(import.meta.dirname, '../../..');

/** The real core's parts a test inspects. */
export interface RealCore {
  core: Core;
  kubectl: FakeKubectl;
  auditLog: FakeAuditLog;
}

/** Builds it; `script` answers kubectl. */
export async function createRealCore(script: (args: readonly string[]) => FakeKubectlResponse = () => ({ stdout: [] }), overrides: { auditLog?: string } = {}): Promise<RealCore> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-diagnose-'));
  const config = loadConfig({
    cardsDir: path.join(projectRoot, 'cards'),
    orgDir: path.join(projectRoot, 'org'),
    cacheDir: path.join(directory, 'cache'),
    auditLog: overrides.auditLog ?? path.join(directory, 'agent.log'),
    model: null,
  }, {});
  const kubectl = createFakeKubectl(script);
  const auditLog = createFakeAuditLog();
  const core = await createCore(config, { kubectl, auditLog });
  return { core, kubectl, auditLog };
}
