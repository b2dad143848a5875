import { describe, expect, it } from 'vitest';
import { createApprovalSigner, type ApprovalFields } from '../../../src/approvals/approval-token.js';

const fields: ApprovalFields = {
  operationId: '0b6b6d1c-3f7e-4c55-9a1e-2f0c6f9d1a10',
  args: ['scale', 'deployment/api', '-n', 'prod', '--replicas=3'],
  namespace: 'prod',
  context: null,
  policyVersion: 'abc123',
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('approval tokens', () => {
  it('verifies a token for exactly the fields it was issued for', () => {
    const signer = createApprovalSigner();
    expect(signer.verify(signer.sign(fields), fields)).toBe(true);
  });

  it.each<[string, Partial<ApprovalFields>]>([
    ['args', { args: ['scale', 'deployment/api', '-n', 'prod', '--replicas=30'] }],
    ['args split differently', { args: ['scale', 'deployment/api -n', 'prod', '--replicas=3'] }],
    ['namespace', { namespace: 'staging' }],
    ['context', { context: 'prod-cluster' }],
    ['policy version', { policyVersion: 'abc124' }],
    ['operation id', { operationId: '0b6b6d1c-3f7e-4c55-9a1e-2f0c6f9d1a11' }],
    ['creation time', { createdAt: '2026-01-01T00:00:01.000Z' }],
  ])('rejects a token when the %s changed', (_field, change) => {
    const signer = createApprovalSigner();
    expect(signer.verify(signer.sign(fields), { ...fields, ...change })).toBe(false);
  });

  it('rejects tokens from another signer and malformed tokens', () => {
    const signer = createApprovalSigner();
    expect(signer.verify(createApprovalSigner().sign(fields), fields)).toBe(false);
    expect(signer.verify('', fields)).toBe(false);
    expect(signer.verify('not-a-token', fields)).toBe(false);
  });

  it('consumes an operation once', () => {
    const signer = createApprovalSigner();
    expect(signer.consume(fields.operationId)).toBe(true);
    expect(signer.consume(fields.operationId)).toBe(false);
  });
});
