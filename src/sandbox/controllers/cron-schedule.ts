/**
 * CronJob schedules as the CronJob controller parses them (robfig/cron's standard parser): five
 * fields or a descriptor (@hourly, @daily, @every 1h...), with the parser's own error messages, and
 * the next time a schedule fires (UTC).
 */
import { parseDuration } from '../duration.js';

/** A parsed schedule: the allowed values of each field, and whether day-of-month/week was "*". */
export interface CronSchedule {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  dayStar: boolean;
  weekdayStar: boolean;
  /** @every: a fixed interval instead. */
  everyMs?: number;
}

const monthNames: ReadonlyMap<string, number> = new Map(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((name, index) => [name, index + 1]));
const dayNames: ReadonlyMap<string, number> = new Map(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((name, index) => [name, index]));

function parseValue(text: string, names: ReadonlyMap<string, number> | undefined): number {
  const named = names?.get(text.toLowerCase());
  if (named !== undefined) return named;
  if (!/^\d+$/.test(text)) throw new Error(`failed to parse int from ${text}: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  return Number(text);
}

function parseField(field: string, min: number, max: number, names?: ReadonlyMap<string, number>): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const part of field.split(',')) {
    const slashes = part.split('/');
    if (slashes.length > 2) throw new Error(`too many slashes: ${part}`);
    const [rangeText = '', stepText] = slashes;
    let start: number;
    let end: number;
    if (rangeText === '*' || rangeText === '?') {
      start = min;
      end = max;
      if (stepText === undefined) star = true;
    } else {
      const hyphens = rangeText.split('-');
      if (hyphens.length > 2) throw new Error(`too many hyphens: ${rangeText}`);
      start = parseValue(hyphens[0] ?? '', names);
      end = hyphens.length === 2 ? parseValue(hyphens[1] ?? '', names) : stepText !== undefined ? max : start;
    }
    let step = 1;
    if (stepText !== undefined) {
      step = parseValue(stepText, undefined);
      if (step <= 0) throw new Error(`step of range should be a positive number: ${part}`);
    }
    if (start < min) throw new Error(`beginning of range (${start}) below minimum (${min}): ${part}`);
    if (end > max) throw new Error(`end of range (${end}) above maximum (${max}): ${part}`);
    if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${part}`);
    for (let value = start; value <= end; value += step) values.add(value);
  }
  return { values, star };
}

const descriptors: ReadonlyMap<string, string> = new Map([
  ['@yearly', '0 0 1 1 *'], ['@annually', '0 0 1 1 *'], ['@monthly', '0 0 1 * *'], ['@weekly', '0 0 * * 0'], ['@daily', '0 0 * * *'], ['@midnight', '0 0 * * *'], ['@hourly', '0 * * * *'],
]);

/** Parses a schedule, or throws with the parser's message. */
export function parseSchedule(schedule: string): CronSchedule {
  const text = schedule.trim();
  if (/^(CRON_)?TZ=/.test(text)) throw new Error('cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
  if (text.startsWith('@every ')) {
    const everyMs = parseDuration(text.slice('@every '.length).trim());
    return { minutes: new Set(), hours: new Set(), days: new Set(), months: new Set(), weekdays: new Set(), dayStar: true, weekdayStar: true, everyMs };
  }
  if (text.startsWith('@')) {
    const expanded = descriptors.get(text.toLowerCase());
    if (!expanded) throw new Error(`unrecognized descriptor: ${text}`);
    return parseSchedule(expanded);
  }
  const fields = text.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const [minute = '', hour = '', day = '', month = '', weekday = ''] = fields;
  const days = parseField(day, 1, 31);
  const weekdays = parseField(weekday, 0, 7, dayNames);
  if (weekdays.values.has(7)) weekdays.values.add(0);
  return {
    minutes: parseField(minute, 0, 59).values, hours: parseField(hour, 0, 23).values, days: days.values, months: parseField(month, 1, 12, monthNames).values,
    weekdays: weekdays.values, dayStar: days.star, weekdayStar: weekdays.star,
  };
}

/** The parser's error for a schedule, or undefined when it parses. */
export function scheduleError(schedule: string): string | undefined {
  try {
    parseSchedule(schedule);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function dayMatches(schedule: CronSchedule, date: Date): boolean {
  const dom = schedule.days.has(date.getUTCDate());
  const dow = schedule.weekdays.has(date.getUTCDay());
  return schedule.dayStar || schedule.weekdayStar ? dom && dow : dom || dow;
}

/** The first time after `after` (milliseconds) the schedule fires, or undefined within five years. */
export function nextFire(schedule: CronSchedule, after: number): number | undefined {
  if (schedule.everyMs) return after + schedule.everyMs;
  const date = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
  const limit = after + 5 * 366 * 86_400_000;
  while (date.getTime() < limit) {
    if (!schedule.months.has(date.getUTCMonth() + 1)) {
      date.setUTCMonth(date.getUTCMonth() + 1, 1);
      date.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(schedule, date)) {
      date.setUTCDate(date.getUTCDate() + 1);
      date.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!schedule.hours.has(date.getUTCHours())) {
      date.setUTCHours(date.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!schedule.minutes.has(date.getUTCMinutes())) {
      date.setUTCMinutes(date.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return date.getTime();
  }
  return undefined;
}
