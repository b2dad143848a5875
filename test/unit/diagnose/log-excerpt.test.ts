import { describe, expect, it } from 'vitest';
import { MAX_LOG_LINE_LENGTH, excerptLog, isErrorLine } from '../../../src/diagnose/log-excerpt.js';

describe('log excerpts', () => {
  it('keeps the last lines, marks error lines and redacts secrets', () => {
    const text = ['line 1', 'INFO starting', 'connecting to postgres://payments:hunter2@db:5432/payments', 'ERROR config: required key "PAYMENTS_DB_URL" is not set', 'FATAL unable to start', ''].join('\n');
    const lines = excerptLog(text, 4);
    expect(lines).toEqual([
      { text: 'INFO starting', error: false },
      { text: 'connecting to postgres://payments:[REDACTED]@db:5432/payments', error: false },
      { text: 'ERROR config: required key "PAYMENTS_DB_URL" is not set', error: true },
      { text: 'FATAL unable to start', error: true },
    ]);
  });

  it('strips terminal escapes and control characters and cuts long lines', () => {
    const [line] = excerptLog(`\u001b[31mred\u001b[0m\u0007 ${'x'.repeat(1000)}`);
    expect(line!.text.startsWith('red ')).toBe(true);
    expect(line!.text).toHaveLength(MAX_LOG_LINE_LENGTH);
    expect(line!.text.endsWith('…')).toBe(true);
  });

  it.each([
    ['level=error msg="boom"', true], ['E0101 12:00:00.000 main.go:1] dial failed', true], ['panic: runtime error', true], ['Traceback (most recent call last):', true],
    ['level=info msg="job processed"', false], ['GET /healthz 200', false], ['connected to database pool=10', false],
  ])('%s is an error line: %s', (line, expected) => {
    expect(isErrorLine(line)).toBe(expected);
  });
});
