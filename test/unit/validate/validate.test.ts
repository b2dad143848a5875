import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../../src/validate/load-policy.js';
import { compilePolicy, type Policy } from '../../../src/validate/policy.js';
import { validate, type ValidateContext } from '../../../src/validate/validate.js';
import { deploymentFromReplicaSet, needsOwnerLookup } from '../../../src/validate/guardrails.js';
import { parseKubectlArgs } from '../../../src/validate/kubectl-argv.js';
import type { RiskLevel } from '../../../src/schemas/vocabulary.js';

const loaded = loadPolicy(path.resolve(import.meta.dirname, '../../../org'));
if (!loaded.policy) throw new Error(`org/ policy does not load: ${JSON.stringify(loaded.problems)}`);
const policy: Policy = loaded.policy;
const check = (args: string[], extra: Partial<ValidateContext> = {}) => validate(args, { policy, ...extra });
const codesOf = (args: string[], extra: Partial<ValidateContext> = {}) => check(args, extra).violations.map((violation) => violation.code);

describe('always denied, in every spelling, whatever the policy grants (dev tier grants "*")', () => {
  it.each([
    // credentials and target
    [['get', 'pods', '-n', 'dev', '--kubeconfig', '/tmp/k'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--kubeconfig=/tmp/k'], 'FLAG_FORBIDDEN'],
    [['--kubeconfig', '/tmp/k', 'get', 'pods', '-n', 'dev'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--token', 'abc'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--token=abc'], 'FLAG_FORBIDDEN'],
    [['--token=abc', 'get', 'pods', '-n', 'dev'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--server', 'https://evil'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--server=https://evil'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '-s', 'https://evil'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '-shttps://evil'], 'FLAG_FORBIDDEN'],
    [['-s=https://evil', 'get', 'pods', '-n', 'dev'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--as', 'admin'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--as=system:admin'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--as-group=system:masters'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--as_group=system:masters'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--as-uid', '0'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--insecure-skip-tls-verify'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--insecure-skip-tls-verify=true'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--insecure_skip_tls_verify'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--user=admin'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--client-key=/k'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--v=9'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '-v9'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '--context', 'other'], 'TARGET_SWITCH'],
    [['get', 'pods', '-n', 'dev', '--context=other'], 'TARGET_SWITCH'],
    [['--context=other', 'get', 'pods', '-n', 'dev'], 'TARGET_SWITCH'],
    [['get', 'pods', '-n', 'dev', '--cluster=other'], 'TARGET_SWITCH'],
    // verbs
    [['config', 'view', '--flatten'], 'VERB_FORBIDDEN'],
    [['config', 'use-context', 'prod-admin'], 'VERB_FORBIDDEN'],
    [['-n', 'dev', 'config', 'view'], 'VERB_FORBIDDEN'],
    [['exec', 'api-1', '-n', 'dev', '--', 'sh'], 'VERB_FORBIDDEN'],
    [['exec', '-it', 'api-1', '-n', 'dev'], 'VERB_FORBIDDEN'],
    [['--namespace=dev', 'exec', 'api-1'], 'VERB_FORBIDDEN'],
    [['attach', 'api-1', '-n', 'dev'], 'VERB_FORBIDDEN'],
    [['cp', 'dev/api-1:/etc/passwd', '/tmp/x'], 'VERB_FORBIDDEN'],
    [['proxy'], 'VERB_FORBIDDEN'],
    [['port-forward', 'svc/api', '8080:80', '-n', 'dev'], 'VERB_FORBIDDEN'],
    [['edit', 'deploy/api', '-n', 'dev'], 'VERB_FORBIDDEN'],
    [['run', 'x', '--image=busybox', '-n', 'dev'], 'VERB_FORBIDDEN'],
    [['debug', 'node/node-1', '-it', '--image=busybox'], 'VERB_FORBIDDEN'],
    [['apply', '-f', 'manifest.yaml', '-n', 'dev'], 'VERB_FORBIDDEN'],
    [['create', 'deployment', 'x', '--image=y', '-n', 'dev'], 'VERB_FORBIDDEN'],
    [['replace', '-f', 'x.yaml'], 'VERB_FORBIDDEN'],
    [['patch', 'deploy/api', '-p', '{}', '-n', 'dev'], 'VERB_FORBIDDEN'],
    // local files and raw API access
    [['get', '-f', '/etc/passwd', '-n', 'dev'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '--filename=/x', '-n', 'dev'], 'FLAG_FORBIDDEN'],
    [['get', '--raw', '/api/v1/namespaces/dev/secrets'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '-o', 'go-template-file=/etc/shadow'], 'FLAG_FORBIDDEN'],
    [['get', 'pods', '-n', 'dev', '-ojsonpath-file=/x'], 'FLAG_FORBIDDEN'],
    // Secret data
    [['get', 'secret', 'db', '-n', 'dev', '-o', 'yaml'], 'SECRET_DATA'],
    [['get', 'secrets', 'db', '-n', 'dev', '-ojson'], 'SECRET_DATA'],
    [['get', 'secret/db', '-n', 'dev', '--output=jsonpath={.data.password}'], 'SECRET_DATA'],
    [['get', 'Secrets', '-n', 'dev', '-o', 'go-template={{.data}}'], 'SECRET_DATA'],
    [['get', 'secret', '-n', 'dev', '-o', 'custom-columns=P:.data.password'], 'SECRET_DATA'],
    [['get', 'pods,secrets', '-n', 'dev', '-o', 'yaml'], 'SECRET_DATA'],
    [['get', 'secret', 'db', '-n', 'dev', '--template={{.data}}'], 'SECRET_DATA'],
    [['-n', 'dev', 'get', 'secret', 'db', '-o=yaml'], 'SECRET_DATA'],
    // bulk mutations
    [['delete', 'pods', '--all', '-n', 'dev'], 'BULK_MUTATION'],
    [['delete', 'pods', '--all=true', '-n', 'dev'], 'BULK_MUTATION'],
    [['delete', 'pod', '-l', 'app=api', '-n', 'dev'], 'BULK_MUTATION'],
    [['delete', 'pod', '--selector=app=api', '-n', 'dev'], 'BULK_MUTATION'],
    [['delete', 'pod', 'x', '-A'], 'BULK_MUTATION'],
    [['delete', 'pod', 'x', '--all-namespaces'], 'BULK_MUTATION'],
    [['rollout', 'restart', 'deployment', '-n', 'dev'], 'BULK_MUTATION'],
    [['rollout', 'restart', 'deploy', '-l', 'app=api', '-n', 'dev'], 'BULK_MUTATION'],
    [['scale', 'deploy', '--all', '--replicas=1', '-n', 'dev'], 'BULK_MUTATION'],
    [['cordon', '-l', 'pool=a'], 'BULK_MUTATION'],
    [['drain', '--selector', 'pool=a'], 'BULK_MUTATION'],
    [['drain', 'node-1', '--pod-selector=app=x'], 'BULK_MUTATION'],
    [['delete', 'pod', '--field-selector=status.phase=Failed', '-n', 'dev'], 'BULK_MUTATION'],
    // namespaces, force
    [['delete', 'namespace', 'dev'], 'NAMESPACE_DELETE'],
    [['delete', 'ns', 'dev'], 'NAMESPACE_DELETE'],
    [['delete', 'namespaces/dev'], 'NAMESPACE_DELETE'],
    [['delete', 'pod', 'x', '-n', 'dev', '--force', '--grace-period=0'], 'FORCE_DELETE'],
    [['delete', 'pod', 'x', '-n', 'dev', '--grace-period', '0', '--force=true'], 'FORCE_DELETE'],
    [['delete', 'pod', 'x', '-n', 'dev', '--force'], 'FORCE_DELETE'],
    [['delete', 'pod', 'x', '-n', 'dev', '--grace-period=0'], 'FORCE_DELETE'],
    [['drain', 'node-1', '--force'], 'FORCE_DELETE'],
    [['drain', 'node-1', '--disable-eviction'], 'FLAG_FORBIDDEN'],
    // control characters
    [['get', 'pods', '-n', 'dev\u0000'], 'ARG_CONTROL_CHARACTER'],
    [['get', 'pods\nexec', '-n', 'dev'], 'ARG_CONTROL_CHARACTER'],
  ])('%j -> deny %s', (args, code) => {
    const verdict = check(args, { configuredContext: 'sandbox' });
    expect(verdict.decision).toBe('deny');
    expect(verdict.violations.map((violation) => violation.code)).toContain(code);
  });

  it('allows --context and --cluster equal to the configured ones', () => {
    const context = { configuredContext: 'sandbox', configuredCluster: 'sandbox-cluster' };
    expect(check(['get', 'pods', '-n', 'dev', '--context=sandbox'], context).decision).toBe('allow');
    expect(check(['--cluster', 'sandbox-cluster', 'get', 'pods', '-n', 'dev'], context).decision).toBe('allow');
  });

  it('allows listing and describing secrets without their data when granted', () => {
    const granted = compilePolicy({
      namespaces: { tiers: { t: {} }, namespaces: { x: { tier: 't' } } },
      rbac: { tiers: { t: [{ verbs: ['get', 'describe'], resources: ['secret'] }] } },
      guardrails: { rules: [] },
    }).policy!;
    expect(validate(['get', 'secrets', '-n', 'x'], { policy: granted }).decision).toBe('allow');
    expect(validate(['get', 'secrets', '-n', 'x', '-o', 'name'], { policy: granted }).decision).toBe('allow');
    expect(validate(['describe', 'secret', 'db', '-n', 'x'], { policy: granted }).decision).toBe('allow');
    expect(validate(['get', 'secret', 'db', '-n', 'x', '-o', 'yaml'], { policy: granted }).decision).toBe('deny');
  });

  it('does not let "*" resources cover secret', () => {
    expect(codesOf(['get', 'secrets', '-n', 'dev'])).toContain('VERB_NOT_ALLOWED');
  });
});

describe('namespaces and tiers', () => {
  it.each([
    [['get', 'pods'], 'NAMESPACE_REQUIRED'],
    [['rollout', 'restart', 'deploy/api'], 'NAMESPACE_REQUIRED'],
    [['logs', 'api-1'], 'NAMESPACE_REQUIRED'],
    [['events'], 'NAMESPACE_REQUIRED'],
    [['get', 'pods', '-A'], 'ALL_NAMESPACES'],
    [['get', 'pods', '--all-namespaces'], 'ALL_NAMESPACES'],
    [['events', '-A'], 'ALL_NAMESPACES'],
    [['get', 'pods', '-n', 'payments'], 'NAMESPACE_NOT_LISTED'],
    [['rollout', 'restart', 'deploy/api', '-n', 'team-a'], 'NAMESPACE_NOT_LISTED'],
    [['get', 'pods', '-n', 'kube-public'], 'NAMESPACE_NOT_LISTED'],
  ])('%j -> deny %s', (args, code) => {
    const verdict = check(args);
    expect(verdict.decision).toBe('deny');
    expect(verdict.violations.map((violation) => violation.code)).toContain(code);
  });

  it('reports the namespace and tier in the verdict', () => {
    expect(check(['get', 'pods', '-n', 'kube-system'])).toMatchObject({ namespace: 'kube-system', tier: 'read-only' });
  });

  it('matches prefix patterns, the exact name winning', () => {
    const patterned = compilePolicy({
      namespaces: { tiers: { a: {}, b: {} }, namespaces: { 'team-*': { tier: 'a' }, 'team-core': { tier: 'b' } } },
      rbac: { tiers: { a: [{ verbs: ['get'], resources: ['pod'] }], b: [] } },
      guardrails: { rules: [] },
    }).policy!;
    expect(validate(['get', 'pods', '-n', 'team-x'], { policy: patterned })).toMatchObject({ decision: 'allow', tier: 'a' });
    expect(validate(['get', 'pods', '-n', 'team-core'], { policy: patterned })).toMatchObject({ decision: 'deny', tier: 'b' });
  });
});

describe('RBAC per tier (the shipped org/ policy)', () => {
  it.each([
    // prod: reads, rollout status/history/restart/undo, scale
    [['get', 'pods', '-n', 'prod'], 'allow'],
    [['get', 'deploy', 'api', '-n', 'prod', '-o', 'yaml'], 'allow'],
    [['get', 'all', '-n', 'prod'], 'allow'],
    [['describe', 'pod', 'api-5d8f7c9b6-2xkqp', '-n', 'prod'], 'allow'],
    [['logs', 'payments-6b7c8d9f4-lk2jd', '-n', 'prod', '--previous', '--tail=100'], 'allow'],
    [['logs', 'deploy/api', '-c', 'envoy', '-n', 'prod'], 'allow'],
    [['top', 'pod', '-n', 'prod'], 'allow'],
    [['events', '-n', 'prod', '--for', 'pod/api-1'], 'allow'],
    [['get', 'events', '-n', 'prod', '--sort-by=.lastTimestamp'], 'allow'],
    [['rollout', 'status', 'deployment/api', '-n', 'prod'], 'allow'],
    [['rollout', 'history', 'deployment/api', '-n', 'prod'], 'allow'],
    [['rollout', 'restart', 'deployment/api', '-n', 'prod'], 'confirm'],
    [['rollout', 'restart', 'sts/db', '-n', 'prod'], 'confirm'],
    [['rollout', 'undo', 'deployment/api', '-n', 'prod'], 'confirm'],
    [['scale', 'deployment/api', '--replicas=5', '-n', 'prod'], 'confirm'],
    [['scale', 'deployment/api', '--replicas=0', '-n', 'prod'], 'confirm'],
    [['rollout', 'pause', 'deployment/api', '-n', 'prod'], 'deny'],
    [['delete', 'pod', 'api-5d8f7c9b6-2xkqp', '-n', 'prod'], 'deny'],
    [['delete', 'job', 'nightly-report-29000000', '-n', 'prod'], 'deny'],
    [['scale', 'rs/api-5d8f7c9b6', '--replicas=1', '-n', 'prod'], 'deny'],
    [['rollout', 'undo', 'deployment/api', '-n', 'prod', '--dry-run=server'], 'confirm'],
    // kubectl 1.32's rollout restart has no --dry-run: kubectl would refuse it, so rk8s does too.
    [['rollout', 'restart', 'deployment/api', '-n', 'prod', '--dry-run=server'], 'deny'],
    // staging: adds pause/resume, delete pod/job
    [['rollout', 'pause', 'deployment/api', '-n', 'staging'], 'confirm'],
    [['rollout', 'undo', 'deployment/api', '-n', 'staging', '--to-revision=1'], 'confirm'],
    [['delete', 'job', 'old-job', '-n', 'staging'], 'confirm'],
    [['delete', 'pod', 'standalone', '-n', 'staging'], 'confirm'],
    [['delete', 'configmap', 'api-config', '-n', 'staging'], 'deny'],
    // dev: everything rk8s knows, guardrails aside
    [['delete', 'configmap', 'api-config', '-n', 'dev'], 'confirm'],
    [['rollout', 'resume', 'deploy/web', '-n', 'dev'], 'confirm'],
    [['get', 'pods', '-n', 'dev', '-w'], 'allow'],
    [['delete', 'deployment', 'api', '-n', 'dev'], 'deny'],
    // read-only: kube-system and default
    [['get', 'pods', '-n', 'kube-system'], 'allow'],
    [['logs', 'ds/node-exporter', '-n', 'kube-system'], 'allow'],
    [['rollout', 'status', 'ds/node-exporter', '-n', 'kube-system'], 'allow'],
    [['rollout', 'restart', 'deploy/coredns', '-n', 'kube-system'], 'deny'],
    [['scale', 'deploy/coredns', '--replicas=1', '-n', 'kube-system'], 'deny'],
    [['get', 'svc', '-n', 'default'], 'allow'],
    [['delete', 'pod', 'x', '-n', 'default'], 'deny'],
    // non-resource commands
    [['version'], 'allow'],
    [['version', '--client'], 'allow'],
    [['api-resources', '--namespaced=true'], 'allow'],
    [['auth', 'can-i', 'delete', 'pods', '-n', 'prod'], 'allow'],
    [['auth', 'can-i', '--list', '-n', 'prod'], 'allow'],
    [['auth', 'whoami'], 'allow'],
  ])('%j -> %s', (args, decision) => {
    // owner null: "looked up, no controller", so delete pod is decided by the allow-list alone.
    expect(check(args, { owner: null }).decision).toBe(decision);
  });

  it('names the verb, resource, namespace and tier when denying by allow-list', () => {
    const [violation] = check(['rollout', 'pause', 'deployment/api', '-n', 'prod']).violations;
    expect(violation).toEqual({ code: 'VERB_NOT_ALLOWED', message: '"rollout pause" on deployment is not allowed in namespace "prod" (tier prod)' });
  });

  it('honours per-namespace extra grants', () => {
    const extra = compilePolicy({
      namespaces: { tiers: { t: {} }, namespaces: { a: { tier: 't' }, b: { tier: 't' } } },
      rbac: { tiers: { t: [{ verbs: ['get'], resources: ['pod'] }] }, namespaces: { a: [{ verbs: ['describe'], resources: ['pod'] }] } },
      guardrails: { rules: [] },
    }).policy!;
    expect(validate(['describe', 'pod', 'x', '-n', 'a'], { policy: extra }).decision).toBe('allow');
    expect(validate(['describe', 'pod', 'x', '-n', 'b'], { policy: extra }).decision).toBe('deny');
  });
});

describe('cluster-scoped resources', () => {
  it.each([
    [['get', 'nodes'], 'allow'],
    [['get', 'no', 'node-1', '-o', 'wide'], 'allow'],
    [['describe', 'node', 'node-1'], 'allow'],
    [['top', 'node'], 'allow'],
    [['top', 'nodes', 'node-2'], 'allow'],
    [['get', 'namespaces'], 'allow'],
    [['get', 'ns', 'prod'], 'allow'],
    [['describe', 'namespace', 'prod'], 'allow'],
    [['get', 'nodes', '-n', 'prod'], 'allow'],
    [['cordon', 'node-1'], 'confirm'],
    [['uncordon', 'node-1'], 'confirm'],
    [['drain', 'node-1', '--ignore-daemonsets', '--delete-emptydir-data'], 'confirm'],
    [['drain', 'node/node-1', '--ignore-daemonsets', '--timeout=60s'], 'confirm'],
    [['delete', 'node', 'node-1'], 'deny'],
    [['get', 'pv'], 'allow'],
    [['get', 'storageclasses,ingressclasses', '-o', 'json'], 'allow'],
    [['delete', 'pv', 'pv-1'], 'deny'],
    [['get', 'clusterroles'], 'deny'],
    [['get', 'pods,nodes', '-n', 'prod'], 'allow'],
  ])('%j -> %s', (args, decision) => {
    expect(check(args).decision).toBe(decision);
  });

  it('does not give cluster-scoped verdicts a namespace or tier', () => {
    const verdict = check(['cordon', 'node-1']);
    expect(verdict.namespace).toBeUndefined();
    expect(verdict.tier).toBeUndefined();
  });
});

describe('guardrails', () => {
  const deletePod = ['delete', 'pod', 'api-5d8f7c9b6-2xkqp', '-n', 'staging'];

  it.each([
    [{ kind: 'Deployment', name: 'api' }, ['rollout', 'restart', 'deployment/api', '-n', 'staging']],
    [{ kind: 'ReplicaSet', name: 'api-5d8f7c9b6' }, ['rollout', 'restart', 'deployment/api', '-n', 'staging']],
    [{ kind: 'StatefulSet', name: 'db' }, ['rollout', 'restart', 'statefulset/db', '-n', 'staging']],
    [{ kind: 'DaemonSet', name: 'node-exporter' }, ['rollout', 'restart', 'daemonset/node-exporter', '-n', 'staging']],
  ])('delete pod owned by %j -> deny, suggest %j', (owner, command) => {
    const verdict = check(deletePod, { owner });
    expect(verdict.decision).toBe('deny');
    expect(verdict.violations.map((violation) => violation.code)).toEqual(['GUARDRAIL']);
    expect(verdict.suggestions).toHaveLength(1);
    expect(verdict.suggestions[0]!.command).toEqual(command);
    expect(verdict.suggestions[0]!.message).toContain(command[2]!.split('/')[1]);
  });

  it.each([
    ['the same pod in another spelling', ['delete', 'po/api-5d8f7c9b6-2xkqp', '--namespace=staging']],
    ['namespace first', ['-n', 'staging', 'delete', 'pods', 'api-5d8f7c9b6-2xkqp']],
  ])('applies to %s', (_label, args) => {
    const verdict = check(args, { owner: { kind: 'Deployment', name: 'api' } });
    expect(verdict.suggestions[0]?.command).toEqual(['rollout', 'restart', 'deployment/api', '-n', 'staging']);
  });

  it('denies when the owner is unknown and says how to find it', () => {
    const verdict = check(deletePod);
    expect(verdict.decision).toBe('deny');
    expect(verdict.suggestions).toHaveLength(1);
    expect(verdict.suggestions[0]!.message).toContain(
      "kubectl get pod api-5d8f7c9b6-2xkqp -n staging -o jsonpath='{.metadata.ownerReferences[0].name}'",
    );
    expect(verdict.suggestions[0]!.command).toEqual(['get', 'pod', 'api-5d8f7c9b6-2xkqp', '-n', 'staging', '-o', 'jsonpath={.metadata.ownerReferences[0].name}']);
  });

  it('the unknown-owner suggestion is itself allowed', () => {
    expect(check(check(deletePod).suggestions[0]!.command).decision).toBe('allow');
  });

  it.each([
    ['no controller', null, 'confirm'],
    ['a Job', { kind: 'Job', name: 'nightly' }, 'confirm'],
    ['a bare ReplicaSet without a hash suffix', { kind: 'ReplicaSet', name: 'standalone' }, 'confirm'],
  ])('allows deleting a pod with %s (high risk, confirm)', (_label, owner, decision) => {
    const verdict = check(deletePod, { owner });
    expect(verdict.decision).toBe(decision);
    expect(verdict.risk).toBe('high');
  });

  it('denies deleting several pods at once (owners cannot all be checked)', () => {
    expect(check(['delete', 'pod', 'a', 'b', '-n', 'staging'], { owner: null }).decision).toBe('deny');
  });

  it.each([
    [['delete', 'deployment', 'api', '-n', 'dev']],
    [['delete', 'deploy/api', '-n', 'dev']],
    [['delete', 'deployments.apps', 'api', '-n', 'dev']],
    [['delete', 'sts', 'db', '-n', 'dev']],
    [['delete', 'statefulset/db', '-n', 'dev']],
    [['delete', 'ds/x', '-n', 'dev']],
    [['delete', 'pvc', 'data-db-0', '-n', 'dev']],
    [['delete', 'persistentvolumeclaim/data-db-0', '-n', 'dev']],
    [['delete', 'svc', 'api', '-n', 'dev']],
    [['delete', 'service/api', '-n', 'dev']],
    [['delete', 'rs', 'api-5d8f7c9b6', '-n', 'dev']],
  ])('%j -> deny by guardrail', (args) => {
    const verdict = check(args);
    expect(verdict.decision).toBe('deny');
    expect(verdict.violations.map((violation) => violation.code)).toEqual(['GUARDRAIL']);
  });

  it.each([
    [['scale', 'deploy/api', '--replicas=0', '-n', 'staging'], 'high'],
    [['scale', 'deploy/api', '--replicas', '0', '-n', 'staging'], 'high'],
    [['scale', 'deploy/api', '--replicas=00', '-n', 'staging'], 'high'],
    [['scale', 'deploy/api', '--replicas=1', '-n', 'staging'], 'medium'],
    [['drain', 'node-1', '--ignore-daemonsets'], 'high'],
    [['cordon', 'node-1'], 'medium'],
    [['rollout', 'undo', 'deploy/api', '-n', 'prod'], 'high'],
    [['rollout', 'undo', 'deploy/api', '-n', 'staging'], 'medium'],
  ])('%j -> risk %s', (args, risk) => {
    const verdict = check(args);
    expect(verdict.risk).toBe(risk);
    expect(verdict.decision).toBe('confirm');
  });

  it('a raise-risk rule can raise a read above none', () => {
    const raised = compilePolicy({
      namespaces: { tiers: { t: {} }, namespaces: { x: { tier: 't' } } },
      rbac: { tiers: { t: [{ verbs: ['get'], resources: ['*'] }] } },
      guardrails: { rules: [{ id: 'watch', description: 'd', match: { verb: 'get', flags: { watch: true } }, action: 'raise-risk', risk: 'medium', message: 'm' }] },
    }).policy!;
    expect(validate(['get', 'pods', '-w', '-n', 'x'], { policy: raised }).decision).toBe('confirm');
    expect(validate(['get', 'pods', '--watch=false', '-n', 'x'], { policy: raised }).decision).toBe('allow');
    expect(validate(['get', 'pods', '-n', 'x'], { policy: raised }).decision).toBe('allow');
  });

  it('drops a suggestion the policy would itself deny', () => {
    const strict = compilePolicy({
      namespaces: { tiers: { t: {} }, namespaces: { x: { tier: 't' } } },
      rbac: { tiers: { t: [{ verbs: ['delete'], resources: ['pod'] }] } },
      guardrails: loaded.policy!.guardrails.length ? { rules: [...loaded.policy!.guardrails] } : { rules: [] },
    }).policy!;
    const verdict = validate(['delete', 'pod', 'api-1', '-n', 'x'], { policy: strict, owner: { kind: 'Deployment', name: 'api' } });
    expect(verdict.decision).toBe('deny');
    expect(verdict.suggestions).toEqual([]);
  });
});

describe('risk: computed from the parse, the card can only raise it', () => {
  it.each<[string[], RiskLevel | undefined, RiskLevel, string]>([
    [['get', 'pods', '-n', 'prod'], undefined, 'none', 'allow'],
    [['get', 'pods', '-n', 'prod'], 'low', 'low', 'allow'],
    [['get', 'pods', '-n', 'prod'], 'medium', 'medium', 'confirm'],
    [['get', 'pods', '-n', 'prod'], 'high', 'high', 'confirm'],
    [['rollout', 'restart', 'deploy/api', '-n', 'prod'], 'none', 'medium', 'confirm'],
    [['rollout', 'restart', 'deploy/api', '-n', 'prod'], 'low', 'medium', 'confirm'],
    [['scale', 'deploy/api', '--replicas=0', '-n', 'staging'], 'low', 'high', 'confirm'],
    [['drain', 'node-1'], 'none', 'high', 'confirm'],
    [['delete', 'job', 'x', '-n', 'staging'], 'none', 'high', 'confirm'],
    [['rollout', 'undo', 'deploy/api', '-n', 'prod'], 'medium', 'high', 'confirm'],
  ])('%j with card risk %s -> %s (%s)', (args, cardRisk, risk, decision) => {
    const verdict = check(args, cardRisk === undefined ? {} : { cardRisk });
    expect(verdict.risk).toBe(risk);
    expect(verdict.decision).toBe(decision);
  });

  it('treats a garbled card risk as high rather than ignoring it', () => {
    expect(check(['get', 'pods', '-n', 'prod'], { cardRisk: 'harmless' as RiskLevel }).risk).toBe('high');
  });

  it('ignores risk or "modifies" claims smuggled into the context', () => {
    const context = { policy, risk: 'none', mutating: false, decision: 'allow' } as unknown as ValidateContext;
    const verdict = validate(['rollout', 'restart', 'deploy/api', '-n', 'prod'], context);
    expect(verdict).toMatchObject({ decision: 'confirm', risk: 'medium', mutating: true });
  });

  it('applies the tier minimum to mutations', () => {
    const floored = compilePolicy({
      namespaces: { tiers: { t: { min_mutation_risk: 'high' } }, namespaces: { x: { tier: 't' } } },
      rbac: { tiers: { t: [{ verbs: ['scale', 'get'], resources: ['deployment'] }] } },
      guardrails: { rules: [] },
    }).policy!;
    expect(validate(['scale', 'deploy/api', '--replicas=2', '-n', 'x'], { policy: floored }).risk).toBe('high');
    expect(validate(['get', 'deploy', '-n', 'x'], { policy: floored }).risk).toBe('none');
  });
});

describe('robustness', () => {
  it('denies everything without a policy', () => {
    const verdict = validate(['get', 'pods', '-n', 'prod'], { policy: undefined as unknown as Policy });
    expect(verdict.decision).toBe('deny');
    expect(verdict.violations.map((violation) => violation.code)).toContain('POLICY_MISSING');
  });

  it('never throws on garbage', () => {
    for (const input of [undefined, null, 42, 'get pods', [null], [{}], [['get']]]) {
      expect(() => validate(input as unknown as string[], { policy })).not.toThrow();
      expect(validate(input as unknown as string[], { policy }).decision).toBe('deny');
    }
  });
});

describe('owner lookup helpers', () => {
  it.each([
    [['delete', 'pod', 'api-1', '-n', 'prod'], { namespace: 'prod', pod: 'api-1' }],
    [['delete', 'po/api-1', '--namespace=prod'], { namespace: 'prod', pod: 'api-1' }],
    [['-nprod', 'delete', 'pods', 'api-1'], { namespace: 'prod', pod: 'api-1' }],
    [['delete', 'pod', 'api-1'], undefined],
    [['delete', 'pod', 'a', 'b', '-n', 'prod'], undefined],
    [['delete', 'job', 'x', '-n', 'prod'], undefined],
    [['get', 'pod', 'api-1', '-n', 'prod'], undefined],
  ])('needsOwnerLookup(%j) -> %j', (args, expected) => {
    expect(needsOwnerLookup(parseKubectlArgs(args))).toEqual(expected);
    expect(needsOwnerLookup(args)).toEqual(expected);
  });

  it.each([
    ['api-5d8f7c9b6', 'api'],
    ['payments-6b7c8d9f4', 'payments'],
    ['my-app-v2-7f6d5c4b3', 'my-app-v2'],
    ['standalone', undefined],
  ])('deploymentFromReplicaSet(%s) -> %s', (replicaSet, deployment) => {
    expect(deploymentFromReplicaSet(replicaSet)).toBe(deployment);
  });
});
