import { readFileSync, renameSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../src/audit/audit-log.js';
import { hashRecord } from '../../../src/audit/canonical-json.js';
import { verifyAuditLog } from '../../../src/audit/verify.js';
import { sampleRecord, temporaryLog } from './helpers.js';

async function writeLog(count: number, maxBytes?: number): Promise<string> {
  const { file } = temporaryLog();
  const log = createAuditLog({ path: file, maxBytes });
  for (let index = 0; index < count; index++) await log.append(sampleRecord({ message: `record ${index + 1}` }));
  return file;
}

const linesOf = (file: string) => readFileSync(file, 'utf8').split('\n').slice(0, -1);
const writeLines = (file: string, lines: string[]) => writeFileSync(file, lines.map((line) => `${line}\n`).join(''));

type Tamper = (file: string) => void;

describe('verifyAuditLog', () => {
  it('accepts an untouched log', async () => {
    const file = await writeLog(5);
    expect(await verifyAuditLog(file)).toMatchObject({ ok: true, count: 5, problems: [], files: [file] });
  });

  it.each<[string, Tamper, { line: number; message: RegExp }[]]>([
    [
      'an edited record',
      (file) => {
        const lines = linesOf(file);
        lines[2] = lines[2]!.replace('"namespace":"prod"', '"namespace":"dev"');
        writeLines(file, lines);
      },
      [{ line: 3, message: /hash mismatch/ }],
    ],
    [
      'an edited record whose hash was recomputed',
      (file) => {
        const lines = linesOf(file);
        const record = JSON.parse(lines[2]!);
        record.risk = 'low';
        record.hash = hashRecord(record);
        lines[2] = JSON.stringify(record);
        writeLines(file, lines);
      },
      [{ line: 4, message: /prev_hash does not match line 3/ }],
    ],
    [
      'a deleted record',
      (file) => {
        const lines = linesOf(file);
        lines.splice(2, 1);
        writeLines(file, lines);
      },
      [{ line: 3, message: /prev_hash does not match line 2/ }],
    ],
    [
      'two reordered records',
      (file) => {
        const lines = linesOf(file);
        [lines[1], lines[2]] = [lines[2]!, lines[1]!];
        writeLines(file, lines);
      },
      [
        { line: 2, message: /prev_hash/ },
        { line: 3, message: /prev_hash/ },
        { line: 4, message: /prev_hash/ },
      ],
    ],
    [
      'a file truncated in the middle of the last record',
      (file) => truncateSync(file, statSync(file).size - 40),
      [{ line: 5, message: /cut off/ }],
    ],
    [
      'a file whose first records were cut off',
      (file) => writeLines(file, linesOf(file).slice(2)),
      [{ line: 1, message: /start of the chain.*beginning of the log was cut off/ }],
    ],
    [
      'a line replaced by an empty one',
      (file) => {
        const lines = linesOf(file);
        lines[3] = '';
        writeLines(file, lines);
      },
      [
        { line: 4, message: /empty line/ },
        { line: 5, message: /prev_hash does not match line 3/ },
      ],
    ],
  ])('detects %s at the right line', async (_name, tamper, expected) => {
    const file = await writeLog(5);
    tamper(file);
    const result = await verifyAuditLog(file);
    expect(result.ok).toBe(false);
    expect(result.problems.map(({ line, file: problemFile }) => ({ line, file: problemFile }))).toEqual(expected.map(({ line }) => ({ line, file })));
    result.problems.forEach((problem, index) => expect(problem.message).toMatch(expected[index]!.message));
  });

  it('detects records removed from the end of a rotated file, from the newer file', async () => {
    const file = await writeLog(20, 2500);
    const lines = linesOf(`${file}.1`);
    writeLines(`${file}.1`, lines.slice(0, -1));
    const alone = await verifyAuditLog(file);
    expect(alone.problems).toEqual([{ file, line: 1, message: expect.stringMatching(/does not match the last record of .*agent\.log\.1/) }]);
    const all = await verifyAuditLog(file, { includeRotated: true });
    expect(all.problems).toEqual([{ file, line: 1, message: expect.stringMatching(/prev_hash does not match line \d+ of .*agent\.log\.1/) }]);
  });

  it('detects a missing rotated file', async () => {
    const file = await writeLog(20, 2500);
    renameSync(`${file}.2`, `${file}.2.bak`);
    const result = await verifyAuditLog(file, { includeRotated: true });
    expect(result.problems).toEqual([{ file: `${file}.1`, line: 1, message: expect.stringMatching(/start of the chain/) }]);
  });

  it('reports a missing log', async () => {
    const { file } = temporaryLog();
    expect(await verifyAuditLog(file)).toMatchObject({ ok: false, count: 0, problems: [{ file, line: 0, message: 'the audit log does not exist' }] });
  });
});
