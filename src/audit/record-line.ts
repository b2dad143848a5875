/**
 * The one byte form of a stored record. A line is valid only if it is byte-identical to
 * serializeRecord(JSON.parse(line)): fields in schema order (timestamp first, hashes last), nested gap
 * fields in their schema order, JSON.stringify escapes and number spellings, no whitespace, no BOM, no CR.
 * So a line has exactly one reading: a duplicate key, reordered keys, extra spaces or `\u0041` for `A`
 * change the bytes and fail `rk8s audit verify`, and the hash (over the parsed record) covers exactly the
 * bytes stored.
 */
import { AuditGapSchema, AuditRecordSchema, LostAuditRecordSchema, ObjectStateSchema, PriorStateSchema, type AuditRecord } from '../schemas/audit.js';
import { ownValue, setOwnValue } from '../own-property.js';

const RECORD_FIELDS = Object.keys(AuditRecordSchema.shape);
const GAP_FIELDS = Object.keys(AuditGapSchema.shape);
const LOST_FIELDS = Object.keys(LostAuditRecordSchema.shape);
const PRIOR_STATE_FIELDS = Object.keys(PriorStateSchema.shape);
const OBJECT_STATE_FIELDS = Object.keys(ObjectStateSchema.shape);

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function ordered(value: Readonly<Record<string, unknown>>, fields: readonly string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const field of fields) {
    const item = ownValue(value, field);
    if (item !== undefined) setOwnValue(result, field, item);
  }
  return result;
}

/** The record's fields in the stored order (only the schema's fields; absent ones omitted). */
export function orderRecord(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const result = ordered(record, RECORD_FIELDS);
  const gap = result.gap as Record<string, unknown> | undefined;
  if (gap !== undefined && gap !== null && typeof gap === 'object') {
    const records = Array.isArray(gap.records) ? gap.records.map((lost: Record<string, unknown>) => ordered(lost, LOST_FIELDS)) : gap.records;
    result.gap = { ...ordered(gap, GAP_FIELDS), ...(records === undefined ? {} : { records }) };
  }
  // Nested objects have one byte form too: their keys in schema order, like the record's.
  const prior = result.prior_state;
  if (isObject(prior)) {
    const state = ordered(prior, PRIOR_STATE_FIELDS);
    for (const field of ['before', 'set']) {
      const value = ownValue(state, field);
      if (isObject(value)) setOwnValue(state, field, ordered(value, OBJECT_STATE_FIELDS));
    }
    result.prior_state = state;
  }
  return result;
}

/** The canonical stored line of a record, without its newline. */
export function serializeRecord(record: AuditRecord | Readonly<Record<string, unknown>>): string {
  return JSON.stringify(orderRecord(record as Readonly<Record<string, unknown>>));
}

/**
 * The first key that appears twice in one object of a JSON text, or undefined. JSON.parse keeps the
 * last; another reader may keep the first, so such a line means two different records.
 */
export function duplicateKey(text: string): string | undefined {
  const frames: Array<{ keys: Set<string> | undefined; expectKey: boolean }> = [];
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (character === '"') {
      let end = index + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const frame = frames.at(-1);
      if (frame?.keys !== undefined && frame.expectKey) {
        let key: string;
        try {
          key = JSON.parse(text.slice(index, end + 1)) as string;
        } catch {
          // Not a valid string token: JSON.parse of the whole line reports that.
          return undefined;
        }
        if (frame.keys.has(key)) return key;
        frame.keys.add(key);
        frame.expectKey = false;
      }
      index = end;
    } else if (character === '{') {
      frames.push({ keys: new Set(), expectKey: true });
    } else if (character === '[') {
      frames.push({ keys: undefined, expectKey: false });
    } else if (character === '}' || character === ']') {
      frames.pop();
    } else if (character === ',') {
      const frame = frames.at(-1);
      if (frame?.keys !== undefined) frame.expectKey = true;
    }
  }
  return undefined;
}

/** Why a line that parses is not the canonical serialization of its record, or undefined when it is. */
export function nonCanonicalReason(line: Buffer, record: Readonly<Record<string, unknown>>): string | undefined {
  const canonical = Buffer.from(serializeRecord(record));
  if (line.equals(canonical)) return undefined;
  if (line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) return 'the line starts with a byte-order mark';
  if (line.at(-1) === 0x0d) return 'the line ends with a carriage return (CRLF line ending)';
  if (line.includes(0)) return 'the line contains a NUL byte';
  const text = line.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(line)) return 'the line is not valid UTF-8';
  const duplicate = duplicateKey(text);
  if (duplicate !== undefined) return `key "${duplicate}" appears twice (a reader that keeps the first one sees a different record)`;
  let offset = 0;
  while (offset < line.length && line[offset] === canonical[offset]) offset++;
  const found = line.subarray(offset, offset + 12).toString('utf8');
  const expected = canonical.subarray(offset, offset + 12).toString('utf8');
  const what = /^\s/.test(found)
    ? 'whitespace outside strings'
    : found.startsWith('\\') && !expected.startsWith('\\')
      ? 'an escape sequence where the character itself belongs'
      : /^[\d.eE+-]/.test(found) && /^[\d.eE+-]/.test(expected)
        ? 'a number written another way'
        : Buffer.byteLength(text) === canonical.length
          ? 'keys out of order or characters escaped differently'
          : 'bytes that are not part of the record';
  return `not the canonical form of this record at byte ${offset + 1}: ${what} (found ${JSON.stringify(found)}, expected ${JSON.stringify(expected)})`;
}
