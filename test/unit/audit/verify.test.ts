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

describe('verifyAuditLog checks bytes, not just parsed JSON (issue 12 item 9)', () => {
  async function logWithNumbers(): Promise<string> {
    const { file } = temporaryLog();
    const log = createAuditLog({ path: file });
    await log.append(sampleRecord({ event: 'started' }));
    await log.append(sampleRecord({ event: 'finished', user: 'alice', exit_code: 0, duration: 0.42, message: 'café done \u2028 ok/fine' }));
    await log.append(sampleRecord({ event: 'proposed' }));
    return file;
  }

  /** Each turns line 2 into other bytes; some parse to the same record, some to another, some not at all. */
  const mutations: Array<[string, (line: string) => string]> = [
    ['a prepended duplicate key (JSON.parse keeps the last, another reader the first)', (line) => line.replace('{', '{"event":"denied",')],
    ['an appended duplicate key', (line) => line.replace(/}$/, ',"event":"denied"}')],
    ['a duplicate of the hash key', (line) => line.replace('{', `{"hash":"${'0'.repeat(64)}",`)],
    ['a space after the opening brace', (line) => line.replace('{', '{ ')],
    ['a space before a colon', (line) => line.replace('"user":', '"user" :')],
    ['a space after a colon', (line) => line.replace('"user":', '"user": ')],
    ['a space after a comma', (line) => line.replace(',"user"', ', "user"')],
    ['a tab before the closing brace', (line) => line.replace(/}$/, '\t}')],
    ['a leading space', (line) => ` ${line}`],
    ['a trailing space', (line) => `${line} `],
    ['keys reordered (hash first)', (line) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      const { hash, ...rest } = record;
      return JSON.stringify({ hash, ...rest });
    }],
    ['two keys swapped', (line) => {
      const entries = Object.entries(JSON.parse(line) as Record<string, unknown>);
      [entries[1], entries[2]] = [entries[2]!, entries[1]!];
      return JSON.stringify(Object.fromEntries(entries));
    }],
    ['a plain letter as a \\u escape', (line) => line.replace('"alice"', '"\\u0061lice"')],
    ['an escaped slash', (line) => line.replace('ok/fine', 'ok\\/fine')],
    ['an accented letter as a \\u escape', (line) => line.replace('café', 'caf\\u00e9')],
    ['U+2028 as a \\u escape', (line) => line.replace('\u2028', '\\u2028')],
    ['an integer written as 0.0', (line) => line.replace('"exit_code":0', '"exit_code":0.0')],
    ['an integer written as 0e0', (line) => line.replace('"exit_code":0', '"exit_code":0e0')],
    ['an integer written as -0', (line) => line.replace('"exit_code":0', '"exit_code":-0')],
    ['a fraction in exponent form', (line) => line.replace('"duration":0.42', '"duration":4.2e-1')],
    ['a fraction with a trailing zero', (line) => line.replace('"duration":0.42', '"duration":0.420')],
    ['a trailing comma', (line) => line.replace(/}$/, ',}')],
    ['trailing garbage', (line) => `${line}x`],
    ['a second object glued on', (line) => `${line}{}`],
    ['a byte-order mark', (line) => `\uFEFF${line}`],
    ['a CRLF line ending', (line) => `${line}\r`],
    ['a NUL byte after the record', (line) => `${line}\u0000`],
    ['a raw NUL inside a string', (line) => line.replace('café', 'caf\u0000')],
  ];

  it('accepts the log it starts from', async () => {
    expect(await verifyAuditLog(await logWithNumbers())).toMatchObject({ ok: true, count: 3, problems: [] });
  });

  it.each(mutations)('rejects %s at file:line 2', async (_name, mutate) => {
    const file = await logWithNumbers();
    const lines = linesOf(file);
    const mutated = mutate(lines[1]!);
    expect(mutated).not.toBe(lines[1]);
    lines[1] = mutated;
    writeLines(file, lines);
    const result = await verifyAuditLog(file);
    expect(result.ok).toBe(false);
    expect(result.problems.filter((problem) => problem.line === 2)).not.toEqual([]);
    expect(result.problems.every((problem) => problem.file === file && problem.line >= 2 && problem.line <= 3)).toBe(true);
  });

  it('names the reason: the duplicate key, the whitespace, the escape', async () => {
    const reasonFor = async (mutate: (line: string) => string) => {
      const file = await logWithNumbers();
      const lines = linesOf(file);
      lines[1] = mutate(lines[1]!);
      writeLines(file, lines);
      return (await verifyAuditLog(file)).problems.map((problem) => problem.message).join(' | ');
    };
    expect(await reasonFor(mutations[0]![1])).toMatch(/key "event" appears twice \(a reader that keeps the first one sees a different record\)/);
    expect(await reasonFor(mutations[3]![1])).toMatch(/not the canonical form of this record at byte 2: whitespace outside strings/);
    expect(await reasonFor(mutations[12]![1])).toMatch(/an escape sequence where the character itself belongs/);
    expect(await reasonFor(mutations[24]![1])).toMatch(/byte-order mark/);
    expect(await reasonFor(mutations[25]![1])).toMatch(/carriage return/);
  });

  it('checks the bytes: a line that is not valid UTF-8 fails even where its decoded text would pass', async () => {
    const file = await logWithNumbers();
    const bytes = readFileSync(file);
    const at = bytes.indexOf(Buffer.from('café'));
    // é as an overlong / invalid sequence instead of C3 A9.
    const broken = Buffer.concat([bytes.subarray(0, at + 3), Buffer.from([0xc3, 0x28]), bytes.subarray(at + 5)]);
    writeFileSync(file, broken);
    const result = await verifyAuditLog(file);
    expect(result.ok).toBe(false);
    expect(result.problems.some((problem) => problem.line === 2)).toBe(true);
  });
});
