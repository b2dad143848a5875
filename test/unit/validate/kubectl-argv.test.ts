import { describe, expect, it } from 'vitest';
import { parseKubectlArgs } from '../../../src/validate/kubectl-argv.js';
import { flagIsSet, flagValue } from '../../../src/validate/parsed-command.js';
import { normalizeKind } from '../../../src/validate/resource-kinds.js';

const codes = (args: string[]) => parseKubectlArgs(args).problems.map((problem) => problem.code);

describe('parseKubectlArgs: namespace spellings and placement', () => {
  it.each([
    [['get', 'pods', '-n', 'prod']],
    [['get', 'pods', '-nprod']],
    [['get', 'pods', '-n=prod']],
    [['get', 'pods', '--namespace', 'prod']],
    [['get', 'pods', '--namespace=prod']],
    [['-n', 'prod', 'get', 'pods']],
    [['-nprod', 'get', 'pods']],
    [['--namespace=prod', 'get', 'pods']],
    [['--namespace', 'prod', 'get', 'pods']],
    [['get', '-n', 'prod', 'pods']],
    [['rollout', '-n', 'prod', 'status', 'deploy/api']],
    [['rollout', 'status', 'deploy/api', '--namespace=prod']],
  ])('%j -> namespace prod, no problems', (args) => {
    const parsed = parseKubectlArgs(args);
    expect(parsed.namespace).toBe('prod');
    expect(parsed.problems).toEqual([]);
  });

  it.each([
    [['get', 'pods', '-n', 'prod', '-n', 'dev'], 'NAMESPACE_CONFLICT'],
    [['get', 'pods', '-n', 'Prod'], 'FLAG_VALUE_INVALID'],
    [['get', 'pods', '-n', 'prod;rm'], 'FLAG_VALUE_INVALID'],
    [['get', 'pods', '-n'], 'FLAG_MISSING_VALUE'],
    [['get', 'pods', '-n', '--token=x'], 'FLAG_VALUE_INVALID'],
    [['get', 'pods', '--namespace='], 'FLAG_VALUE_INVALID'],
  ])('%j -> %s', (args, code) => {
    expect(codes(args)).toContain(code);
  });

  it('keeps the last namespace, as kubectl does', () => {
    expect(parseKubectlArgs(['get', 'pods', '-n', 'dev', '-n', 'prod']).namespace).toBe('prod');
  });
});

describe('parseKubectlArgs: verbs and subcommands', () => {
  it.each([
    [['get', 'pods', '-n', 'x'], 'get', 'get', false],
    [['describe', 'pod', 'a', '-n', 'x'], 'describe', 'describe', false],
    [['logs', 'a', '-n', 'x'], 'logs', 'logs', false],
    [['top', 'pod', '-n', 'x'], 'top', 'top pod', false],
    [['top', 'pods', '-n', 'x'], 'top', 'top pod', false],
    [['top', 'po', '-n', 'x'], 'top', 'top pod', false],
    [['top', 'node'], 'top', 'top node', false],
    [['top', 'nodes'], 'top', 'top node', false],
    [['top', 'no', 'node-1'], 'top', 'top node', false],
    [['events', '-n', 'x'], 'events', 'events', false],
    [['rollout', 'status', 'deploy/api', '-n', 'x'], 'rollout status', 'rollout status', false],
    [['rollout', 'history', 'deploy/api', '-n', 'x'], 'rollout history', 'rollout history', false],
    [['rollout', 'restart', 'deploy/api', '-n', 'x'], 'rollout restart', 'rollout restart', true],
    [['rollout', 'undo', 'deploy/api', '-n', 'x'], 'rollout undo', 'rollout undo', true],
    [['scale', 'deploy/api', '--replicas=2', '-n', 'x'], 'scale', 'scale', true],
    [['cordon', 'node-1'], 'cordon', 'cordon', true],
    [['uncordon', 'node-1'], 'uncordon', 'uncordon', true],
    [['drain', 'node-1', '--ignore-daemonsets'], 'drain', 'drain', true],
    [['delete', 'pod', 'a', '-n', 'x'], 'delete', 'delete', true],
    [['auth', 'can-i', 'get', 'pods'], 'auth can-i', 'auth can-i', false],
    [['auth', 'whoami'], 'auth whoami', 'auth whoami', false],
    [['version'], 'version', 'version', false],
    [['api-resources'], 'api-resources', 'api-resources', false],
  ])('%j -> command %s (%s), mutating %s', (args, command, key, mutating) => {
    const parsed = parseKubectlArgs(args);
    expect(parsed.problems).toEqual([]);
    expect(parsed.command).toBe(command);
    expect(parsed.commandKey).toBe(key);
    expect(parsed.mutating).toBe(mutating);
    expect(parsed.known).toBe(true);
  });

  it.each([
    [[], 'VERB_MISSING'],
    [['-n', 'prod'], 'VERB_MISSING'],
    [['frobnicate', 'pods'], 'VERB_UNKNOWN'],
    [['GET', 'pods', '-n', 'x'], 'VERB_UNKNOWN'],
    [['kubectl', 'get', 'pods'], 'VERB_UNKNOWN'],
    [['rollout', 'explode', 'deploy/api'], 'SUBCOMMAND_UNKNOWN'],
    [['rollout'], 'SUBCOMMAND_MISSING'],
    [['top', 'service'], 'SUBCOMMAND_UNKNOWN'],
    [['auth', 'reconcile'], 'SUBCOMMAND_UNKNOWN'],
  ])('%j -> %s, unknown and mutating (fail safe)', (args, code) => {
    const parsed = parseKubectlArgs(args);
    expect(parsed.problems.map((problem) => problem.code)).toContain(code);
    expect(parsed.known).toBe(false);
    expect(parsed.mutating).toBe(true);
  });

  it('parses a forbidden verb without calling it unknown (the policy names it)', () => {
    const parsed = parseKubectlArgs(['exec', 'api', '-n', 'prod']);
    expect(parsed.verb).toBe('exec');
    expect(parsed.known).toBe(false);
    expect(parsed.problems.map((problem) => problem.code)).not.toContain('VERB_UNKNOWN');
  });
});

describe('parseKubectlArgs: resource spellings', () => {
  it.each([
    ['deploy', 'deployment'], ['deployment', 'deployment'], ['deployments', 'deployment'], ['deployments.apps', 'deployment'],
    ['deployment.apps', 'deployment'], ['deployments.v1.apps', 'deployment'], ['Deployments', 'deployment'], ['po', 'pod'],
    ['pods', 'pod'], ['svc', 'service'], ['sts', 'statefulset'], ['ds', 'daemonset'], ['cj', 'cronjob'], ['hpa', 'hpa'],
    ['pvc', 'pvc'], ['persistentvolumeclaims', 'pvc'], ['ing', 'ingress'], ['cm', 'configmap'], ['ns', 'namespace'],
    ['no', 'node'], ['ev', 'events'], ['ep', 'endpoints'], ['secrets', 'secret'], ['rs', 'replicaset'], ['all', 'all'],
  ])('%s -> %s', (spelling, canonical) => {
    expect(normalizeKind(spelling)).toBe(canonical);
    const parsed = parseKubectlArgs(['get', spelling, '-n', 'x']);
    expect(parsed.resources).toEqual([canonical]);
  });

  it.each([
    [['get', 'deploy/api', '-n', 'x'], ['deployment'], ['api']],
    [['get', 'deployments.apps/api', '-n', 'x'], ['deployment'], ['api']],
    [['get', 'deploy', 'api', 'web', '-n', 'x'], ['deployment'], ['api', 'web']],
    [['get', 'pods,svc', '-n', 'x'], ['pod', 'service'], []],
    [['get', 'po/a', 'svc/b', '-n', 'x'], ['pod', 'service'], ['a', 'b']],
    [['logs', 'api-1', '-n', 'x'], ['pod'], ['api-1']],
    [['logs', 'deploy/api', '-n', 'x'], ['deployment'], ['api']],
    [['logs', 'api-1', 'envoy', '-n', 'x'], ['pod'], ['api-1']],
    [['cordon', 'node-1', 'node-2'], ['node'], ['node-1', 'node-2']],
    [['drain', 'node/node-1'], ['node'], ['node-1']],
    [['top', 'pod', 'api-1', '-n', 'x'], ['pod'], ['api-1']],
    [['events', '-n', 'x'], ['events'], []],
  ])('%j -> resources %j names %j', (args, resources, names) => {
    const parsed = parseKubectlArgs(args);
    expect(parsed.problems).toEqual([]);
    expect(parsed.resources).toEqual(resources);
    expect(parsed.names).toEqual(names);
  });

  it.each([
    [['get', 'widgets', '-n', 'x'], 'RESOURCE_UNKNOWN'],
    [['get', '-n', 'x'], 'RESOURCE_MISSING'],
    [['get', 'pod/', '-n', 'x'], 'NAME_INVALID'],
    [['get', 'pod/A_B', '-n', 'x'], 'NAME_INVALID'],
    [['get', 'deploy/api', 'web', '-n', 'x'], 'ARGUMENT_UNEXPECTED'],
    [['get', 'pods,svc', 'a', '-n', 'x'], 'ARGUMENT_UNEXPECTED'],
    [['logs', 'a', 'b', 'c', '-n', 'x'], 'ARGUMENT_UNEXPECTED'],
    [['version', 'extra'], 'ARGUMENT_UNEXPECTED'],
    [['drain', 'pod/x'], 'ARGUMENT_UNEXPECTED'],
    [['events', '--for', 'pod', '-n', 'x'], 'FLAG_VALUE_INVALID'],
  ])('%j -> %s', (args, code) => {
    expect(codes(args)).toContain(code);
  });

  it('keeps the container of logs', () => {
    expect(parseKubectlArgs(['logs', 'api-1', 'envoy', '-n', 'x']).container).toBe('envoy');
  });
});

describe('parseKubectlArgs: flags', () => {
  it.each([
    [['scale', 'deploy/api', '--replicas=3', '-n', 'x'], 'replicas', '3'],
    [['scale', 'deploy/api', '--replicas', '3', '-n', 'x'], 'replicas', '3'],
    [['logs', 'a', '--tail=50', '-n', 'x'], 'tail', '50'],
    [['logs', 'a', '--tail', '50', '-n', 'x'], 'tail', '50'],
    [['logs', 'a', '-c', 'envoy', '-n', 'x'], 'container', 'envoy'],
    [['logs', 'a', '-cenvoy', '-n', 'x'], 'container', 'envoy'],
    [['logs', 'a', '-p', '-n', 'x'], 'previous', 'true'],
    [['logs', 'a', '--previous=false', '-n', 'x'], 'previous', 'false'],
    [['logs', 'a', '-f', '-n', 'x'], 'follow', 'true'],
    [['get', 'pods', '-o', 'wide', '-n', 'x'], 'output', 'wide'],
    [['get', 'pods', '-owide', '-n', 'x'], 'output', 'wide'],
    [['get', 'pods', '--output=json', '-n', 'x'], 'output', 'json'],
    [['get', 'pods', '-A'], 'all-namespaces', 'true'],
    [['get', 'pods', '--all-namespaces'], 'all-namespaces', 'true'],
    [['get', 'pods', '--all_namespaces'], 'all-namespaces', 'true'],
    [['get', 'pods', '-A=false', '-n', 'x'], 'all-namespaces', 'false'],
    [['get', 'pods', '-Aw'], 'watch', 'true'],
    [['get', 'pods', '-l', 'app=api', '-n', 'x'], 'selector', 'app=api'],
    [['get', 'pods', '--selector=app=api', '-n', 'x'], 'selector', 'app=api'],
    [['rollout', 'undo', 'deploy/api', '--to-revision=1', '-n', 'x'], 'to-revision', '1'],
    [['rollout', 'undo', 'deploy/api', '--dry-run=server', '-n', 'x'], 'dry-run', 'server'],
    [['delete', 'pod', 'a', '--grace-period', '30', '-n', 'x'], 'grace-period', '30'],
    [['delete', 'pod', 'a', '--cascade=orphan', '-n', 'x'], 'cascade', 'orphan'],
    [['drain', 'node-1', '--delete-emptydir-data'], 'delete-emptydir-data', 'true'],
  ])('%j -> %s=%s', (args, name, value) => {
    const parsed = parseKubectlArgs(args);
    expect(parsed.problems).toEqual([]);
    expect(flagValue(parsed, name)).toBe(value);
  });

  it('reads a boolean flag bare without eating the next word', () => {
    const parsed = parseKubectlArgs(['logs', '-p', 'api-1', '-n', 'x']);
    expect(flagIsSet(parsed, 'previous')).toBe(true);
    expect(parsed.names).toEqual(['api-1']);
  });

  it('reads --dry-run without "=" as its default and the next word as a positional, as pflag does', () => {
    const parsed = parseKubectlArgs(['rollout', 'undo', '--dry-run', 'server', 'deploy/api', '-n', 'x']);
    expect(flagValue(parsed, 'dry-run')).toBe('unchanged');
    expect(parsed.positionals).toEqual(['server', 'deploy/api']);
  });

  it.each([
    [['get', 'pods', '--bogus', '-n', 'x'], 'FLAG_UNKNOWN'],
    [['get', 'pods', '-z', '-n', 'x'], 'FLAG_UNKNOWN'],
    [['logs', 'a', '--replicas=3', '-n', 'x'], 'FLAG_UNKNOWN'],
    [['-o', 'yaml', 'get', 'secret', 'x', '-n', 'x'], 'FLAG_BEFORE_VERB'],
    [['--all-namespaces', 'get', 'pods'], 'FLAG_BEFORE_VERB'],
    [['-A', 'get', 'pods'], 'FLAG_BEFORE_VERB'],
    [['scale', 'deploy/api', '--replicas=three', '-n', 'x'], 'FLAG_VALUE_INVALID'],
    [['scale', 'deploy/api', '--replicas=-1', '-n', 'x'], 'FLAG_VALUE_INVALID'],
    [['logs', 'a', '--previous=maybe', '-n', 'x'], 'FLAG_VALUE_INVALID'],
    [['rollout', 'undo', 'deploy/api', '--dry-run=yes', '-n', 'x'], 'FLAG_VALUE_INVALID'],
    [['get', 'pods', '-n', 'x', '--', 'extra'], 'ARG_SEPARATOR'],
    [['get', 'pods\u0000', '-n', 'x'], 'ARG_CONTROL_CHARACTER'],
    [['get', 'pods', '-n', 'x\ny'], 'ARG_CONTROL_CHARACTER'],
    [['get', 'pods', '-l', 'a=b\rc', '-n', 'x'], 'ARG_CONTROL_CHARACTER'],
    [['get', 'pods', '-n', 'x', 'a'.repeat(2000)], 'ARG_INVALID'],
  ])('%j -> %s', (args, code) => {
    expect(codes(args)).toContain(code);
  });

  it('never throws on non-string input', () => {
    expect(() => parseKubectlArgs([1, null, {}] as unknown as string[])).not.toThrow();
    expect(parseKubectlArgs(undefined as unknown as string[]).problems.map((problem) => problem.code)).toContain('ARG_INVALID');
  });
});
