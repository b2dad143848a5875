import { describe, expect, it } from 'vitest';
import { scheduleProblem } from '../../../src/diagnose/cron-schedule.js';

describe('cron schedule check', () => {
  it.each(['0 2 * * *', '*/15 * * * *', '0 9-17 * * MON-FRI', '30 3 1,15 * *', '0 0 ? * SUN', '@daily', '@hourly', '@every 5m', 'CRON_TZ=Europe/Paris 0 8 * * *', '0 0 * JAN,JUL 0-6/2', '5 4 * * 7'])('accepts %s', (schedule) => {
    expect(scheduleProblem(schedule)).toBeUndefined();
  });

  it.each([
    ['', 'the schedule is empty'],
    ['0 2 * *', 'expected 5 fields'],
    ['61 * * * *', 'minute 61 is outside 0-59'],
    ['0 24 * * *', 'hour 24 is outside 0-23'],
    ['0 0 0 * *', 'day of month 0 is outside 1-31'],
    ['0 0 * 13 *', 'month 13 is outside 1-12'],
    ['0 0 * * FUNDAY', '"FUNDAY" is not a valid day of week'],
    ['*/0 * * * *', 'step "0"'],
    ['10-5 * * * *', 'goes backwards'],
    ['@fortnightly', 'unknown descriptor'],
    ['? 0 * * *', '"?" is not a valid minute'],
  ])('refuses %j: %s', (schedule, problem) => {
    expect(scheduleProblem(schedule)).toContain(problem);
  });
});
