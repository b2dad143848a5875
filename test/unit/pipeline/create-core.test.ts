import { appendFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors.js';
import { createCore, reloadPolicy } from '../../../src/pipeline/create-core.js';
import type { Proposal } from '../../../src/contracts/events.js';
import { propose } from '../../../src/pipeline/propose.js';
import { runApproved } from '../../../src/pipeline/run-approved.js';
import { collectEvents, createFakeAuditLog, createFakeKubectl } from '../../helpers/fake-core.js';

const projectRoot = path.resolve(import.meta.dirname, '../../..');

function configIn(directory: string, overrides: { cardsDir?: string; orgDir?: string } = {}) {
  return loadConfig(
    {
      cardsDir: overrides.cardsDir ?? path.join(projectRoot, 'cards'),
      orgDir: overrides.orgDir ?? path.join(projectRoot, 'org'),
      cacheDir: path.join(directory, 'cache'),
      auditLog: path.join(directory, 'agent.log'),
      model: null,
    },
    {},
  );
}

describe('createCore', () => {
  it('says on every proposal when the kube context could not be pinned', async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-core-'));
    const kubeconfig = path.join(directory, 'kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    const config = { ...configIn(directory), kubectl: { path: 'kubectl', apiReads: true, kubeconfig } };
    const core = await createCore(config, { auditLog: createFakeAuditLog() });
    expect(core.config.kubectl.context).toBeUndefined();
    expect(core.warnings).toEqual([expect.stringMatching(/^the kube context is not pinned \(no current-context is set in .*kubeconfig\)/)]);
    const events = await collectEvents(propose({ intent: 'get', resource: 'pod', namespace: 'dev' }, core, { source: 'tool', planOnly: true }));
    const notices = events.filter((event) => event.type === 'notice').map((event) => (event.type === 'notice' ? event.message : ''));
    expect(notices.slice(0, core.warnings.length)).toEqual(core.warnings);
    await core.close();
  });

  it('wires the real cards, policy, retriever and template planner, with fakes where given', async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-core-'));
    const kubectl = createFakeKubectl(() => ({ stdout: ['deployment.apps/api restarted'] }));
    const auditLog = createFakeAuditLog();
    const core = await createCore(configIn(directory), { kubectl, auditLog });
    expect(core.cards.size).toBeGreaterThan(20);
    expect(core.policy?.version).toMatch(/^[0-9a-f]{16,}$/);
    expect(core.validator.policyVersion).toBe(core.policy?.version);
    expect(core.planner.kind).toBe('template');
    const events = await collectEvents(propose({ intent: 'restart', resource: 'deployment', namespace: 'prod', name: 'api' }, core, { source: 'tool' }));
    const approval = events.find((event) => event.type === 'approval-request');
    expect(approval?.type === 'approval-request' && approval.proposal.plan.args).toEqual(['rollout', 'restart', 'deployment/api', '-n', 'prod']);
    expect(approval?.type === 'approval-request' && approval.proposal.verdict.decision).toBe('confirm');
    await core.close();
    await core.close();
  });

  it('refuses to start on broken cards, listing the problems with file and field', async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-core-'));
    const cards = path.join(directory, 'cards', 'pod');
    mkdirSync(cards, { recursive: true });
    writeFileSync(path.join(cards, 'logs-broken.yaml'), 'id: Not_Kebab\ntitle: x\n');
    const error = await createCore(configIn(directory, { cardsDir: path.join(directory, 'cards') })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/logs-broken\.yaml: id:/);
  });

  it('fails closed on a broken policy', async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-core-'));
    const org = path.join(directory, 'org');
    cpSync(path.join(projectRoot, 'org'), org, { recursive: true });
    writeFileSync(path.join(org, 'guardrails.yaml'), 'rules: [ {id: x} ]\n');
    const error = await createCore(configIn(directory, { orgDir: org })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/org policy.*cannot be used/);
    expect((error as ConfigError).message).toMatch(/guardrails\.yaml/);
  });

  it('reloadPolicy picks up an edited policy, and approvals issued before it stop working', async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-core-'));
    const org = path.join(directory, 'org');
    cpSync(path.join(projectRoot, 'org'), org, { recursive: true });
    const kubectl = createFakeKubectl();
    const core = await createCore(configIn(directory, { orgDir: org }), { kubectl, auditLog: createFakeAuditLog() });
    const events = await collectEvents(propose({ intent: 'get', resource: 'pod', namespace: 'dev' }, core, { source: 'tool' }));
    const proposal = events.flatMap((event) => (event.type === 'approval-request' ? [event.proposal] : []))[0] as Proposal;
    const before = core.validator.policyVersion;
    appendFileSync(path.join(org, 'namespaces.yaml'), '\n# edited\n');
    reloadPolicy(core);
    expect(core.validator.policyVersion).not.toBe(before);
    const run = await collectEvents(runApproved(proposal, core, { confirmed: false }));
    expect(run).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'APPROVAL_MISMATCH' }) }]);
    expect(kubectl.calls).toEqual([]);
  });

  it('stamps every audit record with the policy version in force, and keeps the free text', async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-core-'));
    const auditLog = createFakeAuditLog();
    const core = await createCore(configIn(directory), { kubectl: createFakeKubectl(() => ({ stdout: [] })), auditLog });
    await collectEvents(propose({ intent: 'get', resource: 'pod', namespace: 'dev', query: 'show me the pods' }, core, { source: 'tool' }));
    expect(auditLog.records.length).toBeGreaterThan(0);
    for (const record of auditLog.records) {
      expect(record.policy_version).toBe(core.validator.policyVersion);
      expect(record.query).toBe('show me the pods');
    }
  });
});

