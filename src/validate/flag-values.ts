/**
 * Checks of one flag's value as kubectl would read it: booleans as strconv.ParseBool, integers,
 * namespace names, and the few string flags whose values are a closed set (--dry-run, --cascade).
 * A value kubectl would reject is a problem here too, so what rk8s approves is what kubectl runs.
 */
import { DNS1123_LABEL } from '../schemas/vocabulary.js';
import type { FlagSpec } from './kubectl-commands.js';
import type { ParseProblem } from './parsed-command.js';

/** Every spelling strconv.ParseBool accepts. */
const BOOLEAN_VALUES: ReadonlySet<string> = new Set(['true', 'false', '1', '0', 't', 'f', 'TRUE', 'FALSE', 'True', 'False', 'T', 'F']);
const TRUE_VALUES: ReadonlySet<string> = new Set(['true', '1', 't', 'TRUE', 'True', 'T']);

/** Flags kubectl declares as int (checked against `kubectl <command> --help` by the flag-table test). */
export const INTEGER_FLAGS: ReadonlySet<string> = new Set([
  'replicas', 'current-replicas', 'to-revision', 'revision', 'tail', 'grace-period', 'limit-bytes',
  'max-log-requests', 'chunk-size',
]);

const CLOSED_VALUES: ReadonlyMap<string, { values: ReadonlySet<string>; message: string }> = new Map([
  ['dry-run', { values: new Set(['none', 'client', 'server', 'unchanged', 'true', 'false']), message: 'must be none, client or server' }],
  ['cascade', { values: new Set(['background', 'foreground', 'orphan', 'true', 'false']), message: 'must be background, foreground or orphan' }],
]);

/** True when a boolean flag value means true (as strconv.ParseBool reads it). */
export function isTrueValue(value: string): boolean {
  return TRUE_VALUES.has(value);
}

/** The problems with one flag's value; empty when kubectl would accept it. */
export function flagValueProblems(flag: FlagSpec, valueText: string): ParseProblem[] {
  const problem = (message: string): ParseProblem[] => [{ code: 'FLAG_VALUE_INVALID', message: `--${flag.name}: ${message}` }];
  if (flag.kind === 'boolean') {
    return BOOLEAN_VALUES.has(valueText) ? [] : problem(`"${valueText}" is not true or false`);
  }
  if (INTEGER_FLAGS.has(flag.name) && !/^-?\d{1,9}$/.test(valueText)) return problem(`"${valueText}" is not an integer`);
  if (flag.name === 'replicas' && Number(valueText) < 0) return problem('must not be negative');
  if (flag.name === 'namespace' && !(valueText.length <= 63 && DNS1123_LABEL.test(valueText))) {
    return problem(`"${valueText}" is not a valid namespace name (a DNS-1123 label such as "prod")`);
  }
  const closed = CLOSED_VALUES.get(flag.name);
  if (closed && !closed.values.has(valueText)) return problem(`"${valueText}" ${closed.message}`);
  return [];
}
