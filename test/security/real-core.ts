/**
 * A Core with the real pieces that decide (the shipped cards, the org policy, the lexical retriever,
 * the template planner, the real validator) and fakes for what touches the world (kubectl, the audit
 * log, the owner lookup). Payload cases go through it with k8s_plan, which runs nothing.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import { InputError } from '../../src/errors.js';
import { createCore } from '../../src/pipeline/create-core.js';
import type { Core } from '../../src/contracts/core.js';
import { k8s_plan } from '../../src/tool/k8s-plan.js';
import { createFakeAuditLog, createFakeKubectl, createFakeOwnerResolver, type FakeKubectl } from '../helpers/fake-core.js';

/** The project root (cards/, org/). */
export const projectRoot = path.resolve(import.meta.dirname, '../..');

/** What a payload came to, in the words the corpus uses. */
export type PayloadStatus = 'input-invalid' | 'blocked' | 'needs-confirmation' | 'allowed';

/** The real deciding core, with a fake kubectl that records every call. */
export async function createRealCore(): Promise<{ core: Core; kubectl: FakeKubectl }> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-security-'));
  const config = loadConfig(
    {
      cardsDir: path.join(projectRoot, 'cards'),
      orgDir: path.join(projectRoot, 'org'),
      cacheDir: path.join(directory, 'cache'),
      auditLog: path.join(directory, 'agent.log'),
      model: null,
    },
    {},
  );
  // Replica reads for "double it" answer 3; nothing else is ever expected to reach kubectl.
  const kubectl = createFakeKubectl(() => ({ stdout: ['3'] }));
  // The sandbox's controller-owned pods; any other pod has no controller.
  const ownerResolver = createFakeOwnerResolver({
    'prod/api-5d8f7c9b6-2xkqp': { kind: 'ReplicaSet', name: 'api-5d8f7c9b6' },
    'staging/api-5d8f7c9b6-2xkqp': { kind: 'ReplicaSet', name: 'api-5d8f7c9b6' },
    'dev/db-0': { kind: 'StatefulSet', name: 'db' },
  });
  const core = await createCore(config, { kubectl, auditLog: createFakeAuditLog(), ownerResolver });
  return { core, kubectl };
}

/** Plans one payload (nothing runs) and classifies the outcome; args is the plan's argv, if any. */
export async function planStatus(core: Core, payload: unknown): Promise<{ status: PayloadStatus; args: string[]; detail: string }> {
  try {
    const document = await k8s_plan(payload, { core, planOnly: true });
    const args = document.plan?.args ?? [];
    if (document.error) return { status: document.error.code === 'INPUT_INVALID' ? 'input-invalid' : 'blocked', args, detail: `${document.error.code}: ${document.error.message}` };
    const verdict = document.verdict;
    if (!verdict || verdict.decision === 'deny') return { status: 'blocked', args, detail: verdict?.violations.map((violation) => violation.code).join(',') ?? 'no verdict' };
    return { status: verdict.decision === 'confirm' ? 'needs-confirmation' : 'allowed', args, detail: args.join(' ') };
  } catch (error) {
    if (error instanceof InputError) return { status: 'input-invalid', args: [], detail: error.message };
    throw error;
  }
}
