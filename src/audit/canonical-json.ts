/** Canonical JSON for hashing: the same record always serialises to the same bytes, whatever its key order. */
import { createHash } from 'node:crypto';

/** The `prev_hash` of the first record of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted (by UTF-16 code units, JavaScript's default sort), no whitespace, and
 * `undefined` members dropped, so a verifier in any language can rebuild the exact bytes that were hashed.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    // JSON.stringify(undefined) is undefined; inside arrays JSON turns it into null, and so do we.
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
}

/** SHA-256 (hex) of a record's canonical JSON with its own `hash` member left out. */
export function hashRecord(record: Readonly<Record<string, unknown>>): string {
  const { hash: _hash, ...rest } = record;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}
