import { describe, expect, it } from 'vitest';
import { K8sExecPayloadSchema } from '../../../src/schemas/request.js';
import { formatFieldPath } from '../../../src/config/problems.js';

function firstIssue(input: unknown): { field: string; message: string } {
  const result = K8sExecPayloadSchema.safeParse(input);
  expect(result.success).toBe(false);
  const issue = result.error!.issues[0]!;
  return { field: formatFieldPath(issue.path), message: issue.message };
}

describe('K8sExecPayloadSchema', () => {
  it('accepts the seed payload and normalises kubectl spellings of the resource', () => {
    const parsed = K8sExecPayloadSchema.parse({
      intent: 'Restart',
      resource: 'deploy',
      namespace: 'prod',
      name: 'api',
      constraints: { confirm: false, dryRun: true, timeoutSeconds: 30 },
    });
    expect(parsed.intent).toBe('restart');
    expect(parsed.resource).toBe('deployment');
  });

  it.each([
    ['po', 'pod'],
    ['pods', 'pod'],
    ['svc', 'service'],
    ['sts', 'statefulset'],
    ['ds', 'daemonset'],
    ['persistentvolumeclaim', 'pvc'],
    ['deployments.apps', 'deployment'],
    ['ns', 'namespace'],
  ])('normalises resource %s to %s', (alias, canonical) => {
    const parsed = K8sExecPayloadSchema.parse({ intent: 'get', resource: alias, namespace: 'dev' });
    expect(parsed.resource).toBe(canonical);
  });

  it.each([
    ['prod;rm -rf /', 'namespace'],
    ['Prod', 'namespace'],
    ['x'.repeat(300), 'namespace'],
    ['', 'namespace'],
    ['-n', 'namespace'],
  ])('rejects the namespace %j naming the field', (namespace, field) => {
    const issue = firstIssue({ intent: 'get', resource: 'pod', namespace });
    expect(issue.field).toBe(field);
    expect(issue.message).toMatch(/DNS-1123|empty|at most/);
  });

  it.each([['api;reboot'], ['API'], ['a'.repeat(300)], [''], ['--kubeconfig=/etc/x']])('rejects the name %j naming the field', (name) => {
    const issue = firstIssue({ intent: 'get', resource: 'pod', namespace: 'prod', name });
    expect(issue.field).toBe('name');
  });

  it('rejects unknown keys naming them', () => {
    const result = K8sExecPayloadSchema.safeParse({ intent: 'get', resource: 'pod', namespace: 'prod', kubeconfig: '/tmp/x' });
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.code).toBe('unrecognized_keys');
    expect(JSON.stringify(issue)).toContain('kubeconfig');
  });

  it.each([
    [{ intent: 'get', resource: 'pod', namespace: 42 }, 'namespace'],
    [{ intent: 'get', resource: 'pod', namespace: 'prod', constraints: { confirm: 'yes' } }, 'constraints.confirm'],
    [{ intent: 'get', resource: 'pod', namespace: 'prod', constraints: { timeoutSeconds: 0 } }, 'constraints.timeoutSeconds'],
    [{ intent: 'reboot', resource: 'pod', namespace: 'prod' }, 'intent'],
    [{ intent: 'get', resource: 'widgets', namespace: 'prod' }, 'resource'],
    [{ intent: 'get', resource: 'pod', namespace: 'prod', query: 'x'.repeat(501) }, 'query'],
    [{ intent: 'get', resource: 'pod', namespace: 'prod', query: 'a\u0000b' }, 'query'],
  ])('rejects wrong types and values naming the field (%j)', (input, field) => {
    expect(firstIssue(input).field).toBe(field);
  });

  it('requires a namespace for namespaced resources but not for nodes', () => {
    expect(firstIssue({ intent: 'get', resource: 'pod' }).field).toBe('namespace');
    expect(K8sExecPayloadSchema.safeParse({ intent: 'cordon', resource: 'node', name: 'node-1' }).success).toBe(true);
  });

  it('requires something to act on', () => {
    expect(firstIssue({ namespace: 'prod' }).field).toBe('query');
  });

  it('accepts explicit card params and refuses namespace/name inside them', () => {
    expect(K8sExecPayloadSchema.parse({ intent: 'scale', resource: 'deploy', namespace: 'prod', name: 'api', params: { replicas: 5 } }).params).toEqual({ replicas: 5 });
    expect(firstIssue({ intent: 'get', resource: 'pod', namespace: 'prod', params: { namespace: 'kube-system' } }).field).toBe('params');
    expect(firstIssue({ intent: 'get', resource: 'pod', namespace: 'prod', params: { 'Bad-Key': 1 } }).field).toMatch(/^params/);
    expect(firstIssue({ intent: 'get', resource: 'pod', namespace: 'prod', params: { tail: { nested: 1 } } }).field).toBe('params.tail');
  });
});
