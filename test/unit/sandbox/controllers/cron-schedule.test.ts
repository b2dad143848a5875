import { describe, expect, it } from 'vitest';
import { nextFire, parseSchedule, scheduleError } from '../../../../src/sandbox/controllers/cron-schedule.js';

describe('CronJob schedules (robfig/cron standard parser)', () => {
  it.each([
    ['61 * * * *', 'end of range (61) above maximum (59): 61'],
    ['* * *', 'expected exactly 5 fields, found 3: [* * *]'],
    ['every 5m', 'expected exactly 5 fields, found 2: [every 5m]'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['5-2 * * * *', 'beginning of range (5) beyond end of range (2): 5-2'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['TZ=UTC 0 3 * * *', 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
  ])('%j is refused: %s', (schedule, message) => {
    expect(scheduleError(schedule)).toBe(message);
  });

  it.each(['0 2 * * *', '*/15 * * * *', '0 3 * * MON-FRI', '@hourly', '@every 1h', '0 0 1 JAN *'])('%j parses', (schedule) => {
    expect(scheduleError(schedule)).toBeUndefined();
  });

  it('finds the next fire time in UTC, day-of-month OR day-of-week when both are set', () => {
    const after = Date.UTC(2026, 0, 5, 10, 7); // a Monday
    expect(new Date(nextFire(parseSchedule('*/15 * * * *'), after) ?? 0).toISOString()).toBe('2026-01-05T10:15:00.000Z');
    expect(new Date(nextFire(parseSchedule('0 2 * * *'), after) ?? 0).toISOString()).toBe('2026-01-06T02:00:00.000Z');
    expect(new Date(nextFire(parseSchedule('0 9 1 * SUN'), after) ?? 0).toISOString()).toBe('2026-01-11T09:00:00.000Z');
    expect(nextFire(parseSchedule('@every 90s'), after)).toBe(after + 90_000);
  });
});
