/**
 * Records that could not be written, remembered until a record that declares them is written.
 *
 * In memory for this process, and in a sidecar file `agent.log.gap` so that the next process knows
 * too (the CLI exits right after a failed append). The sidecar is preallocated at a fixed size and
 * always rewritten in place, so noting a loss needs no new disk blocks: it still works on a disk that
 * is full (ext4, xfs, tmpfs; not on copy-on-write file systems, where it is best effort).
 */
import { constants } from 'node:fs';
import type { LostAuditRecord } from '../errors.js';
import { AuditGapSchema, type AuditGap } from '../schemas/audit.js';
import { errorCode, type AuditFileSystem } from './audit-fs.js';

/** At most this many lost records are listed in a gap (`lost` still counts all of them). */
export const GAP_RECORD_LIMIT = 32;

/** The sidecar's fixed size: 32 records of ~130 bytes fit with room to spare. */
export const GAP_FILE_BYTES = 8192;

/** The sidecar of an audit log. */
export function gapFilePath(file: string): string {
  return `${file}.gap`;
}

const keyOf = (record: LostAuditRecord) => `${record.operation_id} ${record.event} ${record.at}`;

/** The union of two gaps (records deduplicated, counts added for the ones only one side lists). */
export function mergeGaps(left: AuditGap | undefined, right: AuditGap | undefined): AuditGap | undefined {
  if (left === undefined) return right;
  if (right === undefined) return left;
  const known = new Set(left.records.map(keyOf));
  const extra = right.records.filter((record) => !known.has(keyOf(record)));
  // Records past the cap are only counted; we cannot tell whether those overlap, so count them once more.
  const unlisted = right.lost - right.records.length;
  return {
    lost: left.lost + extra.length + unlisted,
    first_lost_at: left.first_lost_at < right.first_lost_at ? left.first_lost_at : right.first_lost_at,
    last_lost_at: left.last_lost_at > right.last_lost_at ? left.last_lost_at : right.last_lost_at,
    records: [...left.records, ...extra].slice(0, GAP_RECORD_LIMIT),
  };
}

/** A gap made of these lost records (undefined for none). */
export function gapOf(records: readonly LostAuditRecord[]): AuditGap | undefined {
  if (records.length === 0) return undefined;
  const times = records.map((record) => record.at).sort();
  return { lost: records.length, first_lost_at: times[0]!, last_lost_at: times.at(-1)!, records: records.slice(0, GAP_RECORD_LIMIT) };
}

/** True when both gaps list the same loss (a gap declared on disk and one still pending). */
export function sameGap(left: AuditGap | undefined, right: AuditGap | undefined): boolean {
  return left !== undefined && right !== undefined && JSON.stringify(left) === JSON.stringify(right);
}

/** What the sidecar holds: a pending gap, nothing, or an unreadable file (the reason). */
export type GapFileContent = { gap: AuditGap | undefined } | { error: string };

/** Parses sidecar text (a JSON object padded with spaces). */
export function parseGapFile(text: string): GapFileContent {
  const trimmed = text.replace(/\0+$/, '').trim();
  if (trimmed === '') return { gap: undefined };
  try {
    const value = JSON.parse(trimmed) as { rk8s_audit_gap?: unknown; gap?: unknown };
    if (value.rk8s_audit_gap !== 1) return { error: 'not an rk8s gap file' };
    if (value.gap === null) return { gap: undefined };
    const parsed = AuditGapSchema.safeParse(value.gap);
    return parsed.success ? { gap: parsed.data } : { error: `invalid gap: ${parsed.error.issues[0]?.message ?? 'unknown'}` };
  } catch (error) {
    return { error: `not JSON: ${(error as Error).message}` };
  }
}

function renderGapFile(gap: AuditGap | undefined): Buffer {
  const json = JSON.stringify({ rk8s_audit_gap: 1, gap: gap ?? null });
  const buffer = Buffer.alloc(GAP_FILE_BYTES, 0x20);
  // The records list is capped, so this always fits; the check keeps a future field from corrupting it.
  if (Buffer.byteLength(json) >= GAP_FILE_BYTES) throw new Error('gap too large for the sidecar');
  buffer.write(json, 0, 'utf8');
  buffer[GAP_FILE_BYTES - 1] = 0x0a;
  return buffer;
}

/**
 * The sidecar of one log. Read in full on every batch, without a cache: its size never changes and
 * mtimes are too coarse to tell two quick writes apart, and a stale read would hide another process's loss.
 */
export class GapFile {
  constructor(
    readonly path: string,
    private readonly fileSystem: AuditFileSystem,
  ) {}

  /** The pending gap in the file. */
  async read(): Promise<GapFileContent> {
    try {
      return parseGapFile(await this.fileSystem.readFile(this.path, 'utf8'));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { gap: undefined };
      return { error: `cannot read ${this.path}: ${(error as Error).message}` };
    }
  }

  /** True when the file exists at full size, so that a later write needs no new blocks. */
  async allocated(): Promise<boolean> {
    try {
      return (await this.fileSystem.stat(this.path)).size >= GAP_FILE_BYTES;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    }
  }

  /** Overwrites the whole file in place with this gap (or none) and fsyncs it. Throws on failure. */
  async write(gap: AuditGap | undefined): Promise<void> {
    const buffer = renderGapFile(gap);
    const handle = await this.fileSystem.open(this.path, constants.O_RDWR | constants.O_CREAT, 0o640);
    try {
      const { bytesWritten } = await handle.write(buffer, 0, buffer.length, 0);
      if (bytesWritten !== buffer.length) throw Object.assign(new Error(`short write to ${this.path}`), { code: 'SHORT_WRITE' });
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/** One line for people: "2 records could not be written before this one (finished of 1a2b3c4d ...; ENOSPC)". */
export function describeGap(gap: AuditGap, where = 'before this one'): string {
  const listed = gap.records.map((record) => `${record.event} of ${record.operation_id.slice(0, 8)}`);
  const more = gap.lost > gap.records.length ? `, and ${gap.lost - gap.records.length} more` : '';
  const reasons = [...new Set(gap.records.map((record) => record.error))].join(', ');
  const span = gap.first_lost_at === gap.last_lost_at ? `at ${gap.first_lost_at}` : `from ${gap.first_lost_at} to ${gap.last_lost_at}`;
  const noun = gap.lost === 1 ? 'record' : 'records';
  return `${gap.lost} ${noun} could not be written ${where} (${span}: ${listed.join(', ')}${more}; ${reasons})`;
}
