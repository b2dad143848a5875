/** Verifies an audit log's hash chain and says which file and line is wrong. */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { AuditRecordSchema } from '../schemas/audit.js';
import { GENESIS_HASH, hashRecord } from './canonical-json.js';
import { chainFiles, lastRecordHash, rotatedPath } from './log-files.js';

/** One thing wrong with the log. `line` is 1-based within `file`. */
export interface AuditProblem {
  file: string;
  line: number;
  message: string;
}

/** The verdict on a log. */
export interface AuditVerification {
  ok: boolean;
  /** Records checked. */
  count: number;
  /** Files checked, oldest first. */
  files: string[];
  problems: AuditProblem[];
  /** Hash of the last record (what an external anchor should match), or null for an empty log. */
  lastHash: string | null;
}

/** Options for verifyAuditLog. */
export interface VerifyAuditLogOptions {
  /** Check agent.log.N ... agent.log.1 before the file, as one chain (default false: just the file, linked to .1). */
  includeRotated?: boolean;
}

/**
 * Recomputes every record's hash and checks each `prev_hash` against the record before it.
 * An edited record fails its own hash; a deleted, inserted or reordered one breaks the link at the
 * line where the chain no longer follows; a cut-off line is not JSON. After a problem the check goes on
 * from the record as written, so one tampered record reports one place, not every line after it.
 */
export async function verifyAuditLog(file: string, options: VerifyAuditLogOptions = {}): Promise<AuditVerification> {
  const files = options.includeRotated ? chainFiles(file) : existsSync(file) ? [file] : [];
  const problems: AuditProblem[] = [];
  let count = 0;
  // Without the older files, the first record must link to the newest rotated file (or be a genesis).
  let expectedPrev: string = options.includeRotated ? GENESIS_HASH : ((await lastRecordHash(rotatedPath(file, 1))) ?? GENESIS_HASH);
  let previousLabel = options.includeRotated || expectedPrev === GENESIS_HASH ? 'the start of the chain' : `the last record of ${rotatedPath(file, 1)}`;
  let lastHash: string | null = null;
  if (files.length === 0) problems.push({ file, line: 0, message: 'the audit log does not exist' });

  for (const current of files) {
    const text = await fs.readFile(current, 'utf8');
    const lines = text.split('\n');
    // A trailing newline leaves one empty string; anything else there is a torn final line.
    if (lines[lines.length - 1] === '') lines.pop();
    for (let index = 0; index < lines.length; index++) {
      const lineNumber = index + 1;
      const line = lines[index]!;
      const problem = (message: string) => problems.push({ file: current, line: lineNumber, message });
      if (line.trim() === '') {
        problem('empty line (a record was removed or the file was edited)');
        continue;
      }
      let record: Record<string, unknown>;
      try {
        const value = JSON.parse(line) as unknown;
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
        record = value as Record<string, unknown>;
      } catch {
        const torn = index === lines.length - 1 && !text.endsWith('\n');
        problem(torn ? 'the last line is cut off (the file was truncated or a write was torn)' : 'not a JSON record (the line was edited or truncated)');
        continue;
      }
      count++;
      const schema = AuditRecordSchema.safeParse(record);
      if (!schema.success) {
        const issue = schema.error.issues[0]!;
        problem(`not a valid audit record: ${issue.path.join('.') || 'record'}: ${issue.message}`);
      }
      const stored = typeof record.hash === 'string' ? record.hash : '';
      const prev = typeof record.prev_hash === 'string' ? record.prev_hash : '';
      if (prev !== expectedPrev) {
        problem(
          `prev_hash does not match ${previousLabel}: a record before this one was deleted, inserted, reordered or edited` +
            (expectedPrev === GENESIS_HASH && lineNumber === 1 ? ' (or the beginning of the log was cut off)' : ''),
        );
      }
      if (hashRecord(record) !== stored) problem('hash mismatch: this record was modified after it was written');
      expectedPrev = stored;
      previousLabel = `line ${lineNumber}${files.length > 1 ? ` of ${current}` : ''}`;
      lastHash = stored;
    }
  }
  return { ok: problems.length === 0, count, files, problems, lastHash };
}
