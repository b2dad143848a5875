/**
 * Approval tokens: an HMAC bound to exactly what a human saw (argv, namespace, context, policy version,
 * operation id, creation time), so an approval for one command can never run another.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** How long an approval stays valid: long enough for a human to read, short enough not to linger. */
export const APPROVAL_TTL_MS = 15 * 60 * 1000;

/** The fields an approval token covers. */
export interface ApprovalFields {
  operationId: string;
  args: readonly string[];
  namespace: string | null;
  context: string | null;
  policyVersion: string;
  createdAt: string;
}

/** Signs and checks approval tokens with a secret that never leaves the process. */
export interface ApprovalSigner {
  sign(fields: ApprovalFields): string;
  /** True when the token was issued by this signer for exactly these fields. */
  verify(token: string, fields: ApprovalFields): boolean;
  /** Marks an operation as run; returns false when it had already been used (a replay). */
  consume(operationId: string): boolean;
}

// JSON of an array with fixed field order: no separator ambiguity between args ("a b" vs "a","b").
function canonical(fields: ApprovalFields): string {
  return JSON.stringify([
    'rk8s-approval-v1',
    fields.operationId,
    [...fields.args],
    fields.namespace,
    fields.context,
    fields.policyVersion,
    fields.createdAt,
  ]);
}

/** Creates a signer with a fresh random per-core secret (or a given one, for tests). */
export function createApprovalSigner(secret: Buffer = randomBytes(32)): ApprovalSigner {
  // An operation id only needs remembering while its approval could still pass the age check.
  const used = new LRUCache<string, true>({ ttl: APPROVAL_TTL_MS + 60_000, ttlAutopurge: true });
  const sign = (fields: ApprovalFields) => createHmac('sha256', secret).update(canonical(fields)).digest('base64url');
  return {
    sign,
    verify(token, fields) {
      const expected = Buffer.from(sign(fields));
      const given = Buffer.from(token);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
    consume(operationId) {
      if (used.has(operationId)) return false;
      used.set(operationId, true);
      return true;
    },
  };
}
