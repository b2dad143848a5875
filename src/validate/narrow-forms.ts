/**
 * The only forms of `create` and `patch` rk8s accepts, because on-call needs them and each does one
 * bounded thing: `create job NAME --from=cronjob/CRONJOB` (run a CronJob now) and a merge patch of a
 * CronJob's `spec.suspend` (suspend or resume it). Every other use of either verb writes arbitrary
 * objects and is denied, whatever the policy grants.
 */
import type { Violation } from '../schemas/verdict.js';
import { DNS1123_SUBDOMAIN } from '../schemas/vocabulary.js';
import { NARROW_VERBS } from './kubectl-commands.js';
import { describeArgument, flagCount, flagValue, type ParsedCommand } from './parsed-command.js';

/** `--from` of create job: exactly "cronjob/" and an object name. */
const FROM_CRONJOB = /^cronjob\/(.+)$/;

/** True when a patch body is, as JSON, exactly {"spec":{"suspend":true}} or {"spec":{"suspend":false}}. */
export function isSuspendPatch(body: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return false;
  }
  if (!isPlainObject(value) || !sameKeys(value, ['spec'])) return false;
  const spec = value.spec;
  if (!isPlainObject(spec) || !sameKeys(spec, ['suspend']) || typeof spec.suspend !== 'boolean') return false;
  // The JSON value is right; the text must also be nothing more than it (whitespace aside): no
  // duplicate keys (a server may keep another one than JSON.parse did), no escapes, no comments.
  return body.replace(/[ \t\r\n]/g, '') === JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => Object.hasOwn(value, key));
}

function forbidden(verb: string, why: string): Violation {
  return {
    code: 'VERB_FORBIDDEN',
    message: `"kubectl ${verb}" is always denied except in one form: ${NARROW_VERBS.get(verb) ?? ''}; here ${why}`,
  };
}

/** Violations when a `create` or `patch` is not exactly its accepted form; empty for other verbs. */
export function narrowFormViolations(parsed: ParsedCommand): Violation[] {
  if (parsed.verb === 'create') return createViolations(parsed);
  if (parsed.verb === 'patch') return patchViolations(parsed);
  return [];
}

function createViolations(parsed: ParsedCommand): Violation[] {
  if (parsed.commandKey !== 'create job') {
    return [forbidden('create', parsed.subcommand === undefined ? 'no subcommand is given' : `"create ${parsed.subcommand}" is not it`)];
  }
  const violations: Violation[] = [];
  const count = flagCount(parsed, 'from');
  const from = flagValue(parsed, 'from');
  if (count === 0 || from === undefined) {
    violations.push(forbidden('create', '--from=cronjob/NAME is missing (a job from an image is not accepted)'));
  } else if (count > 1) {
    violations.push(forbidden('create', '--from is given more than once'));
  } else {
    const source = FROM_CRONJOB.exec(from)?.[1];
    if (source === undefined || source.length > 253 || !DNS1123_SUBDOMAIN.test(source)) {
      violations.push(forbidden('create', `--from ${describeArgument(from)} is not cronjob/NAME (exactly "cronjob/" and a lower-case name)`));
    }
  }
  return violations;
}

function patchViolations(parsed: ParsedCommand): Violation[] {
  const violations: Violation[] = [];
  const [target, ...others] = parsed.targets;
  if (!target || others.length > 0 || target.resource !== 'cronjob' || target.name === undefined) {
    violations.push(forbidden('patch', 'the object is not exactly one CronJob named as cronjob NAME or cronjob/NAME'));
  }
  const typeCount = flagCount(parsed, 'type');
  if (typeCount !== 1 || flagValue(parsed, 'type') !== 'merge') {
    violations.push(forbidden('patch', typeCount > 1 ? '--type is given more than once' : '--type=merge is required'));
  }
  const patchCount = flagCount(parsed, 'patch');
  const body = flagValue(parsed, 'patch');
  if (patchCount !== 1 || body === undefined) {
    violations.push(forbidden('patch', patchCount > 1 ? '-p/--patch is given more than once' : 'the -p/--patch body is missing'));
  } else if (!isSuspendPatch(body)) {
    violations.push(forbidden('patch', `the body ${describeArgument(body)} is not {"spec":{"suspend":true}} or {"spec":{"suspend":false}}`));
  }
  return violations;
}
