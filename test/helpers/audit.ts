/** Test helper: the audit log a test run wrote, read back whole (the CLI's `readAuditRecords` reads a tail). */
import { existsSync, readFileSync } from 'node:fs';
import type { AuditRecord } from '../../src/schemas/audit.js';

/** Every record of the JSONL audit log at `file`, oldest first; an absent or empty log has none. */
export function auditRecords(file: string): AuditRecord[] {
  const text = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  return text === '' ? [] : text.split('\n').map((line) => JSON.parse(line) as AuditRecord);
}
