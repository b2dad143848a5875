/** Checks a CronJob schedule the way the controller parses it (five fields, names, steps, ranges, @macros). */

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Offset of the first name (months start at 1, days at 0). */
  nameBase?: number;
  question?: boolean;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, question: true },
  { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, nameBase: 0, question: true },
];

function valueOf(text: string, field: FieldSpec): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return index >= 0 ? index + (field.nameBase ?? 0) : undefined;
}

function checkField(text: string, field: FieldSpec): string | undefined {
  for (const part of text.split(',')) {
    if (part === '') return `empty item in the ${field.name} field`;
    const [range, step, extra] = part.split('/');
    if (extra !== undefined) return `"${part}" in the ${field.name} field has two steps`;
    if (step !== undefined && (!/^\d+$/.test(step) || Number(step) === 0)) return `step "${step}" in the ${field.name} field must be a positive number`;
    if (range === '*' || (range === '?' && field.question)) continue;
    const [low, high, more] = range!.split('-');
    if (more !== undefined) return `"${range}" in the ${field.name} field is not a range`;
    const start = valueOf(low ?? '', field);
    const end = high === undefined ? start : valueOf(high, field);
    if (start === undefined || end === undefined) return `"${range}" is not a valid ${field.name}`;
    if (start < field.min || end > field.max) return `${field.name} ${range} is outside ${field.min}-${field.max}`;
    if (start > end) return `${field.name} range ${range} goes backwards`;
  }
  return undefined;
}

/** Why a schedule is invalid, or undefined when it is valid. */
export function scheduleProblem(schedule: string | null | undefined): string | undefined {
  if (typeof schedule !== 'string' || schedule.trim() === '') return 'the schedule is empty';
  let text = schedule.trim();
  const zone = /^(?:CRON_)?TZ=\S+\s+/.exec(text);
  if (zone) text = text.slice(zone[0].length);
  if (text.startsWith('@')) {
    if (MACROS.has(text.toLowerCase())) return undefined;
    if (/^@every\s+\d+(?:\.\d+)?(?:ns|us|\u00b5s|ms|s|m|h)(?:\d+(?:\.\d+)?(?:ns|us|\u00b5s|ms|s|m|h))*$/.test(text)) return undefined;
    return `unknown descriptor "${text}"`;
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return `expected 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`;
  for (let position = 0; position < 5; position++) {
    const problem = checkField(fields[position]!, FIELDS[position]!);
    if (problem) return problem;
  }
  return undefined;
}
