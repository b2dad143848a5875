/** Verifies an audit log's hash chain and the bytes of every line, and says which file and line is wrong. */
import fs from 'node:fs/promises';
import { AuditRecordSchema, type AuditGap } from '../schemas/audit.js';
import { GENESIS_HASH, hashRecord } from './canonical-json.js';
import { chainFiles, fileExists, lastRecordHash, rotatedPath } from './log-files.js';
import { nonCanonicalReason } from './record-line.js';
import { gapFilePath, parseGapFile } from './write-gap.js';

/** One thing wrong with the log. `line` is 1-based within `file`. */
export interface AuditProblem {
  file: string;
  line: number;
  message: string;
}

/** A record that declares records lost before it (the chain is intact; the loss is on record). */
export interface DeclaredGap extends AuditGap {
  file: string;
  line: number;
  /** The operation of the record that carries the declaration. */
  operation_id: string;
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
  /** Every declared gap, oldest first. They do not make `ok` false. */
  gaps: DeclaredGap[];
  /** Records lost that no record declares yet (from agent.log.gap), or null. Does not make `ok` false. */
  pendingGap: AuditGap | null;
  /** Things a reader must know that do not break the chain (an unreadable gap file). */
  warnings: string[];
}

/** Options for verifyAuditLog. */
export interface VerifyAuditLogOptions {
  /** Check agent.log.N ... agent.log.1 before the file, as one chain (default false: just the file, linked to .1). */
  includeRotated?: boolean;
}

/** Lines of a file as bytes, and whether the last one lacked its newline. */
function splitLines(bytes: Buffer): { lines: Buffer[]; torn: boolean } {
  const lines: Buffer[] = [];
  let start = 0;
  for (let newline = bytes.indexOf(0x0a); newline !== -1; newline = bytes.indexOf(0x0a, start)) {
    lines.push(bytes.subarray(start, newline));
    start = newline + 1;
  }
  const torn = start < bytes.length;
  if (torn) lines.push(bytes.subarray(start));
  return { lines, torn };
}

/**
 * Checks every line's bytes against the canonical serialization of its record, recomputes every hash
 * and checks each `prev_hash` against the record before it. An edited record fails its own hash; a
 * deleted, inserted or reordered one breaks the link at the line where the chain no longer follows; a
 * cut-off line is not JSON; a line whose bytes could be read two ways (duplicate keys, whitespace,
 * escapes) is not canonical. After a problem the check goes on from the record as written, so one
 * tampered record reports one place, not every line after it.
 */
export async function verifyAuditLog(file: string, options: VerifyAuditLogOptions = {}): Promise<AuditVerification> {
  const files = options.includeRotated ? chainFiles(file) : fileExists(file) ? [file] : [];
  const problems: AuditProblem[] = [];
  const gaps: DeclaredGap[] = [];
  const warnings: string[] = [];
  let count = 0;
  // Without the older files, the first record must link to the newest rotated file (or be a genesis).
  let expectedPrev: string = options.includeRotated ? GENESIS_HASH : ((await lastRecordHash(rotatedPath(file, 1))) ?? GENESIS_HASH);
  let previousLabel = options.includeRotated || expectedPrev === GENESIS_HASH ? 'the start of the chain' : `the last record of ${rotatedPath(file, 1)}`;
  let lastHash: string | null = null;
  if (files.length === 0) problems.push({ file, line: 0, message: 'the audit log does not exist' });

  for (const current of files) {
    const { lines, torn } = splitLines(await fs.readFile(current));
    for (let index = 0; index < lines.length; index++) {
      const lineNumber = index + 1;
      const bytes = lines[index]!;
      const problem = (message: string) => problems.push({ file: current, line: lineNumber, message });
      if (bytes.toString('utf8').trim() === '') {
        problem('empty line (a record was removed or the file was edited)');
        continue;
      }
      // JSON.parse rejects a BOM; say what it is, then read the rest so the chain check goes on.
      const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
      if (bom) problem('the line starts with a byte-order mark');
      let record: Record<string, unknown>;
      try {
        const value = JSON.parse(bytes.subarray(bom ? 3 : 0).toString('utf8')) as unknown;
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
        record = value as Record<string, unknown>;
      } catch {
        const cutOff = torn && index === lines.length - 1;
        problem(cutOff ? 'the last line is cut off (the file was truncated or a write was torn)' : 'not a JSON record (the line was edited or truncated)');
        continue;
      }
      count++;
      const schema = AuditRecordSchema.safeParse(record);
      if (!schema.success) {
        const issue = schema.error.issues[0]!;
        problem(`not a valid audit record: ${issue.path.join('.') || 'record'}: ${issue.message}`);
      } else {
        // The bytes must be the one serialization of this record, or two readers could see two records.
        const reason = bom ? undefined : nonCanonicalReason(bytes, record);
        if (reason !== undefined) problem(reason);
        if (schema.data.gap !== undefined) gaps.push({ file: current, line: lineNumber, operation_id: schema.data.operation_id, ...schema.data.gap });
      }
      if (torn && index === lines.length - 1) problem('the last line has no newline (a write was torn)');
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
  const pendingGap = await readPendingGap(file, warnings);
  return { ok: problems.length === 0, count, files, problems, lastHash, gaps, pendingGap, warnings };
}

/** Records lost and not yet declared, from the sidecar; an unreadable sidecar becomes a warning. */
export async function readPendingGap(file: string, warnings: string[] = []): Promise<AuditGap | null> {
  let text: string;
  try {
    text = await fs.readFile(gapFilePath(file), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warnings.push(`cannot read ${gapFilePath(file)}: ${(error as Error).message}`);
    return null;
  }
  const content = parseGapFile(text);
  if ('error' in content) {
    warnings.push(`${gapFilePath(file)}: ${content.error} (records lost before now may not be known)`);
    return null;
  }
  return content.gap ?? null;
}
