import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatProblem } from '../../../src/config/problems.js';
import { loadPolicy } from '../../../src/validate/load-policy.js';
import { compilePolicy } from '../../../src/validate/policy.js';
import { GuardrailsFileSchema, NamespacePolicySchema, RbacAllowlistSchema } from '../../../src/schemas/policy.js';

const root = path.resolve(import.meta.dirname, '../../..');
const fixtures = path.join(root, 'test/fixtures');

describe('loadPolicy on the shipped org/ files', () => {
  const loaded = loadPolicy(path.join(root, 'org'));

  it('loads without problems and reports counts', () => {
    expect(loaded.problems).toEqual([]);
    expect(loaded.policy?.counts).toEqual({ tiers: 4, namespaces: 5, grants: 17, guardrailRules: 7 });
  });

  it('lists the sandbox namespaces with their tiers', () => {
    const tiers = Object.fromEntries(Object.entries(loaded.policy!.namespaces.namespaces).map(([name, entry]) => [name, entry.tier]));
    expect(tiers).toEqual({ prod: 'prod', staging: 'staging', dev: 'dev', 'kube-system': 'read-only', default: 'read-only' });
  });

  it('versions the policy with the sha256 of the files, changing when a file changes', () => {
    expect(loaded.policy!.version).toMatch(/^[0-9a-f]{64}$/);
    const copy = mkdtempSync(path.join(os.tmpdir(), 'rk8s-org-'));
    cpSync(path.join(root, 'org'), copy, { recursive: true });
    expect(loadPolicy(copy).policy!.version).toBe(loaded.policy!.version);
    const file = path.join(copy, 'guardrails.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n# a comment changes the version too\n`);
    expect(loadPolicy(copy).policy!.version).not.toBe(loaded.policy!.version);
  });

  it.each(['namespaces', 'rbac-allowlist', 'guardrails'])('%s.yaml starts with its yaml-language-server schema line', (name) => {
    const first = readFileSync(path.join(root, 'org', `${name}.yaml`), 'utf8').split('\n')[0];
    expect(first).toBe(`# yaml-language-server: $schema=../schemas/${name}.schema.json`);
  });

  it.each([
    ['namespaces', NamespacePolicySchema],
    ['rbac-allowlist', RbacAllowlistSchema],
    ['guardrails', GuardrailsFileSchema],
  ] as const)('the %s schema converts to JSON Schema for editors', (_name, schema) => {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { type?: string; properties?: object };
    expect(json.type).toBe('object');
    expect(Object.keys(json.properties ?? {}).length).toBeGreaterThan(0);
  });
});

describe('loadPolicy fails closed on broken files, naming file and field', () => {
  it.each([
    ['org-invalid-yaml', 'guardrails.yaml', '', /invalid YAML \(line \d+\)/],
    ['org-unknown-key', 'namespaces.yaml', 'namespaces.prod', /unknown key\(s\) "owner"/],
    ['org-bad-tier', 'namespaces.yaml', 'namespaces.staging.tier', /tier "stagin" is not defined/],
    ['org-bad-tier', 'guardrails.yaml', 'rules[6].match.tier', /tier "production" is not defined/],
    ['org-missing-file', 'rbac-allowlist.yaml', '', /file not found/],
    ['org-bad-grant', 'rbac-allowlist.yaml', 'tiers.prod[2].verbs[1]', /"exec" is always denied and cannot be granted/],
    ['org-bad-grant', 'rbac-allowlist.yaml', 'tiers.prod[2].resources[1]', /unknown resource "nodes"/],
  ])('%s: %s %s', (fixture, file, field, message) => {
    const result = loadPolicy(path.join(fixtures, fixture));
    expect(result.policy).toBeUndefined();
    const problem = result.problems.find((candidate) => candidate.file.endsWith(file) && candidate.field === field);
    expect(problem, result.problems.map(formatProblem).join('\n')).toBeDefined();
    expect(problem!.message).toMatch(message);
  });

  it('collects every problem instead of stopping at the first', () => {
    const result = loadPolicy(path.join(fixtures, 'org-bad-tier'));
    expect(result.problems.length).toBeGreaterThanOrEqual(2);
  });
});

describe('compilePolicy cross-checks', () => {
  const base = {
    namespaces: { tiers: { prod: {} }, namespaces: { prod: { tier: 'prod' } } },
    rbac: { tiers: { prod: [{ verbs: ['get'], resources: ['pod'] }] } },
    guardrails: { rules: [] },
  };

  it('accepts a minimal policy', () => {
    const result = compilePolicy(base);
    expect(result.problems).toEqual([]);
    expect(result.policy?.counts).toEqual({ tiers: 1, namespaces: 1, grants: 1, guardrailRules: 0 });
  });

  it.each([
    ['a bare "*" namespace', { ...base, namespaces: { tiers: { prod: {} }, namespaces: { '*': { tier: 'prod' } } } }, 'namespaces.yaml', 'namespaces.*'],
    ['grants for an undefined tier', { ...base, rbac: { tiers: { qa: [{ verbs: ['get'], resources: ['pod'] }] } } }, 'rbac-allowlist.yaml', 'tiers.qa'],
    ['grants for an unlisted namespace', { ...base, rbac: { namespaces: { qa: [{ verbs: ['get'], resources: ['pod'] }] } } }, 'rbac-allowlist.yaml', 'namespaces.qa'],
    ['a namespaced resource in cluster grants', { ...base, rbac: { cluster: [{ verbs: ['get'], resources: ['pod'] }] } }, 'rbac-allowlist.yaml', 'cluster[0].resources[0]'],
    ['a cluster-scoped resource in a tier', { ...base, rbac: { tiers: { prod: [{ verbs: ['cordon'], resources: ['node'] }] } } }, 'rbac-allowlist.yaml', 'tiers.prod[0].resources[0]'],
    ['an unknown verb', { ...base, rbac: { tiers: { prod: [{ verbs: ['restart'], resources: ['pod'] }] } } }, 'rbac-allowlist.yaml', 'tiers.prod[0].verbs[0]'],
    ['a non-resource command in a grant', { ...base, rbac: { tiers: { prod: [{ verbs: ['version'], resources: ['pod'] }] } } }, 'rbac-allowlist.yaml', 'tiers.prod[0].verbs[0]'],
    ['an unknown non_resource command', { ...base, rbac: { non_resource: ['config view'] } }, 'rbac-allowlist.yaml', 'non_resource[0]'],
    ['raise-risk without risk', { ...base, guardrails: { rules: [{ id: 'x', description: 'x', match: {}, action: 'raise-risk', message: 'x' }] } }, 'guardrails.yaml', 'rules[0].risk'],
    ['an unknown flag', { ...base, guardrails: { rules: [{ id: 'x', description: 'x', match: { flags: { replica: '0' } }, action: 'deny', message: 'x' }] } }, 'guardrails.yaml', 'rules[0].match.flags.replica'],
    ['an unknown placeholder', { ...base, guardrails: { rules: [{ id: 'x', description: 'x', match: {}, action: 'deny', message: 'x', suggestion: { message: 'm', command_template: ['get', '{{pod}}'] } }] } }, 'guardrails.yaml', 'rules[0].suggestion.command_template[1]'],
    ['{{owner}} without owned_by', { ...base, guardrails: { rules: [{ id: 'x', description: 'x', match: {}, action: 'deny', message: 'x', suggestion: { message: 'm', command_template: ['get', '{{owner}}'] } }] } }, 'guardrails.yaml', 'rules[0].suggestion.command_template[1]'],
    ['duplicate rule ids', { ...base, guardrails: { rules: [1, 2].map(() => ({ id: 'x', description: 'x', match: {}, action: 'deny', message: 'x' })) } }, 'guardrails.yaml', 'rules[1].id'],
    ['an unknown owner kind', { ...base, guardrails: { rules: [{ id: 'x', description: 'x', match: { owned_by: 'Deploy' }, action: 'deny', message: 'x' }] } }, 'guardrails.yaml', 'rules[0].match.owned_by'],
    ['an empty file', { ...base, guardrails: null }, 'guardrails.yaml', ''],
  ])('rejects %s', (_label, sources, file, field) => {
    const result = compilePolicy(sources);
    expect(result.policy).toBeUndefined();
    expect(result.problems.map((problem) => `${problem.file} ${problem.field}`)).toContain(`${file} ${field}`);
  });
});
