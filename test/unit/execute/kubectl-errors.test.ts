import { describe, expect, it } from 'vitest';
import { kubectlNotFoundMessage, summarizeKubectlError } from '../../../src/execute/kubectl-errors.js';

const klog = (message: string) => `E0612 10:11:12.123456   31337 memcache.go:265] ${message}`;

describe('summarizeKubectlError', () => {
  it.each([
    ['connection refused', [klog('"Unhandled Error" err="couldn\'t get current server API group list"'), klog('"Unhandled Error" err="again"'), 'The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?'], 'The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?'],
    ['DNS', ['Unable to connect to the server: dial tcp: lookup nope.invalid: no such host', ''], 'Unable to connect to the server: dial tcp: lookup nope.invalid: no such host'],
    ['401', ['error: You must be logged in to the server (the server has asked for the client to provide credentials)'], 'error: You must be logged in to the server (the server has asked for the client to provide credentials)'],
    ['403', ['Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods"'], 'Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods"'],
    ['NotFound', ['Error from server (NotFound): pods "nope" not found'], 'Error from server (NotFound): pods "nope" not found'],
    ['unknown flag with usage hint', ['Error: unknown flag: --dry-run', "See 'kubectl rollout restart --help' for usage."], 'Error: unknown flag: --dry-run'],
    ['klog after the real line', ['error: the server doesn\'t have a resource type "foos"', klog('"Unhandled Error" err="x"')], 'error: the server doesn\'t have a resource type "foos"'],
    ['only klog lines', [klog('"Unhandled Error" err="first"'), klog('couldn\'t get resource list: boom')], "couldn't get resource list: boom"],
    ['ANSI colour codes', ['\u001b[31merror: boom\u001b[0m'], 'error: boom'],
    ['nothing', ['', '   '], ''],
  ])('%s', (_name, lines, expected) => {
    expect(summarizeKubectlError(lines)).toBe(expected);
    expect(summarizeKubectlError(lines.join('\n'))).toBe(expected);
  });

  it('names the path and the fix for a missing binary', () => {
    expect(kubectlNotFoundMessage('/opt/kubectl')).toBe('kubectl not found at /opt/kubectl: install kubectl or set RK8S_KUBECTL');
  });
});
