/**
 * Parses the argv after `kubectl` the way kubectl (cobra + pflag) reads it: verb and subcommand,
 * every flag with its value, the namespace, then the positional rest by the command's layout.
 * Never throws: anything odd (unknown verb or flag, an unsafe character, a flag before the verb that
 * is not global) becomes a problem in the result, which the policy denies.
 */
import { COMMANDS, FORBIDDEN_VERBS, GLOBAL_FLAGS, NARROW_VERBS, SIMPLE_VERBS, SUBCOMMANDS, type CommandSpec, type FlagSpec } from './kubectl-commands.js';
import { flagValueProblems } from './flag-values.js';
import { describeArgument, type ParsedCommand } from './parsed-command.js';
import { resolveTargets } from './positional-targets.js';
import { findUnsafeCharacter } from './unsafe-characters.js';
import type { ViolationCode } from '../schemas/verdict.js';

/** Longest single argument accepted. */
export const MAX_ARGUMENT_LENGTH = 1024;
/** Most arguments accepted. */
export const MAX_ARGUMENTS = 64;

interface FlagTable {
  long: ReadonlyMap<string, FlagSpec>;
  short: ReadonlyMap<string, FlagSpec>;
}

function tableOf(flags: readonly FlagSpec[]): FlagTable {
  const long = new Map<string, FlagSpec>();
  const short = new Map<string, FlagSpec>();
  for (const flag of flags) {
    long.set(flag.name, flag);
    if (flag.short) short.set(flag.short, flag);
  }
  return { long, short };
}

const globalTable = tableOf(GLOBAL_FLAGS);
const commandTables = new Map<string, FlagTable>(
  [...COMMANDS.values()].map((spec) => [spec.key, tableOf([...GLOBAL_FLAGS, ...spec.flags])]),
);

/** Parses the argv after `kubectl`. Never throws. */
export function parseKubectlArgs(args: readonly string[]): ParsedCommand {
  const parsed: ParsedCommand = {
    args,
    known: false,
    mutating: true,
    resources: [],
    names: [],
    targets: [],
    flags: [],
    positionals: [],
    problems: [],
  };
  try {
    parseInto(parsed, args);
  } catch (error) {
    // Defensive: the parser is written not to throw; if it ever does, the command is refused, not crashed on.
    parsed.problems.push({ code: 'PARSE_FAILED', message: `cannot parse the command: ${(error as Error).message}` });
  }
  return parsed;
}

function parseInto(parsed: ParsedCommand, args: readonly string[]): void {
  if (!Array.isArray(args)) {
    parsed.problems.push({ code: 'ARG_INVALID', message: 'the command must be an array of strings' });
    return;
  }
  if (args.length > MAX_ARGUMENTS) {
    parsed.problems.push({ code: 'ARG_INVALID', message: `too many arguments (${args.length}, at most ${MAX_ARGUMENTS})` });
  }
  const problem = (code: ViolationCode, message: string) => parsed.problems.push({ code, message });

  // Checked up front for every argument, flag values included (the loop below skips over those).
  args.forEach((argument: unknown, index) => {
    if (typeof argument !== 'string') return;
    const unsafe = findUnsafeCharacter(argument);
    if (unsafe !== undefined) {
      problem('ARG_CONTROL_CHARACTER', `argument ${index} contains ${unsafe}: control, format (bidi, zero-width), non-ASCII space and invisible characters are not accepted`);
    }
    if (argument.length > MAX_ARGUMENT_LENGTH) {
      problem('ARG_INVALID', `argument ${index} is longer than ${MAX_ARGUMENT_LENGTH} characters`);
    }
  });

  let spec: CommandSpec | undefined;
  let table = globalTable;
  /** The command word(s) are complete: flags now belong to the command. */
  let commandComplete = false;
  let afterSeparator = false;
  const rawPositionals: string[] = [];

  for (let index = 0; index < args.length; index++) {
    const argument: unknown = args[index];
    if (typeof argument !== 'string') {
      problem('ARG_INVALID', `argument ${index} is not a string`);
      continue;
    }

    if (afterSeparator || argument === '-' || !argument.startsWith('-') || argument.length === 1) {
      // A word: the verb, the subcommand, or a positional argument.
      if (parsed.verb === undefined) {
        parsed.verb = argument;
        if (!SUBCOMMANDS.has(argument)) {
          commandComplete = true;
          if (SIMPLE_VERBS.has(argument)) spec = COMMANDS.get(argument);
          else if (!FORBIDDEN_VERBS.has(argument) && !NARROW_VERBS.has(argument)) {
            problem('VERB_UNKNOWN', `unknown or unsupported command ${describeArgument(argument)}`);
          }
        }
      } else if (!commandComplete) {
        parsed.subcommand = argument;
        commandComplete = true;
        const key = SUBCOMMANDS.get(parsed.verb)?.get(argument);
        if (key !== undefined) spec = COMMANDS.get(key);
        // `create` with anything but `job` is reported by the always-denied rules, with the one accepted form.
        else if (!NARROW_VERBS.has(parsed.verb)) problem('SUBCOMMAND_UNKNOWN', `unknown or unsupported subcommand "${parsed.verb} ${argument}"`);
      } else {
        rawPositionals.push(argument);
      }
      if (spec) table = commandTables.get(spec.key) ?? globalTable;
      continue;
    }

    if (argument === '--') {
      afterSeparator = true;
      problem('ARG_SEPARATOR', '"--" is not accepted: everything after it would be passed on unchecked');
      continue;
    }

    const beforeVerb = !commandComplete;
    const lookupTable = beforeVerb ? globalTable : table;
    const strictFlags = beforeVerb || spec !== undefined;

    if (argument.startsWith('--')) {
      const body = argument.slice(2);
      const equals = body.indexOf('=');
      const name = (equals === -1 ? body : body.slice(0, equals)).replaceAll('_', '-');
      const inline = equals === -1 ? undefined : body.slice(equals + 1);
      const flag = lookupTable.long.get(name);
      const known = flag !== undefined;
      if (!flag && beforeVerb) {
        problem('FLAG_BEFORE_VERB', `flag --${name} before the command: only global flags such as -n may come first`);
      } else if (!flag && strictFlags) {
        problem('FLAG_UNKNOWN', `unknown flag --${name} for "${commandLabel(parsed)}"`);
      }
      let valueText: string;
      let spelling = argument;
      if (inline !== undefined) {
        valueText = inline;
      } else if (flag?.kind === 'value') {
        const next = args[index + 1];
        if (typeof next !== 'string') {
          problem('FLAG_MISSING_VALUE', `flag --${name} needs a value`);
          valueText = '';
        } else {
          valueText = next;
          spelling = `${argument} ${next}`;
          index++;
          if (looksLikeFlag(next)) problem('FLAG_VALUE_INVALID', `flag --${name} is followed by ${describeArgument(next)}, which looks like another flag`);
        }
      } else if (flag?.kind === 'optional') {
        valueText = flag.noValueDefault ?? 'true';
      } else {
        valueText = 'true';
      }
      parsed.flags.push({ name, value: valueText, spelling, known, beforeVerb });
      if (flag) parsed.problems.push(...flagValueProblems(flag, valueText));
      continue;
    }

    // One or more shorthand flags: -A, -nprod, -n=prod, -Aw, -n prod.
    for (let position = 1; position < argument.length; position++) {
      const letter = argument[position]!;
      const flag = lookupTable.short.get(letter);
      const rest = argument.slice(position + 1);
      if (!flag) {
        if (beforeVerb) problem('FLAG_BEFORE_VERB', `flag -${letter} before the command: only global flags such as -n may come first`);
        else if (strictFlags) problem('FLAG_UNKNOWN', `unknown flag -${letter} for "${commandLabel(parsed)}"`);
        // Value-ness is unknown: record the rest of the cluster as this flag's value so nothing hides in it.
        parsed.flags.push({ name: letter, value: rest.startsWith('=') ? rest.slice(1) : rest || 'true', spelling: argument, known: false, beforeVerb });
        break;
      }
      if (flag.kind === 'value') {
        let valueText: string;
        let spelling = argument;
        if (rest.length > 0) {
          valueText = rest.startsWith('=') ? rest.slice(1) : rest;
        } else {
          const next = args[index + 1];
          if (typeof next !== 'string') {
            problem('FLAG_MISSING_VALUE', `flag -${letter} (--${flag.name}) needs a value`);
            valueText = '';
          } else {
            valueText = next;
            spelling = `${argument} ${next}`;
            index++;
            if (looksLikeFlag(next)) problem('FLAG_VALUE_INVALID', `flag -${letter} is followed by ${describeArgument(next)}, which looks like another flag`);
          }
        }
        parsed.flags.push({ name: flag.name, value: valueText, spelling, known: true, beforeVerb });
        parsed.problems.push(...flagValueProblems(flag, valueText));
        break;
      }
      if (rest.startsWith('=')) {
        parsed.flags.push({ name: flag.name, value: rest.slice(1), spelling: argument, known: true, beforeVerb });
        parsed.problems.push(...flagValueProblems(flag, rest.slice(1)));
        break;
      }
      parsed.flags.push({ name: flag.name, value: flag.kind === 'optional' ? (flag.noValueDefault ?? 'true') : 'true', spelling: argument, known: true, beforeVerb });
    }
  }

  if (parsed.verb === undefined) problem('VERB_MISSING', 'no kubectl command given');
  else if (!commandComplete) {
    const subcommands = [...(SUBCOMMANDS.get(parsed.verb)?.keys() ?? [])];
    problem('SUBCOMMAND_MISSING', `"${parsed.verb}" needs a subcommand (${subcommands.join(', ')})`);
  }

  parsed.positionals = rawPositionals;
  resolveNamespace(parsed);
  if (spec) {
    parsed.known = true;
    parsed.command = spec.verb;
    parsed.commandKey = spec.key;
    parsed.mutating = spec.mutating;
    resolveTargets(parsed, spec, rawPositionals);
  } else if (parsed.problems.length === 0 && parsed.verb !== undefined && !FORBIDDEN_VERBS.has(parsed.verb) && !NARROW_VERBS.has(parsed.verb)) {
    // No command spec found and nothing else said why: never let that read as "no problem".
    problem('VERB_UNKNOWN', `unknown or unsupported command ${describeArgument(commandLabel(parsed))}`);
  }
}

function commandLabel(parsed: ParsedCommand): string {
  return [parsed.verb, parsed.subcommand].filter(Boolean).join(' ');
}

function looksLikeFlag(argument: string): boolean {
  return /^--?[A-Za-z_]/.test(argument);
}

function resolveNamespace(parsed: ParsedCommand): void {
  const values = parsed.flags.filter((flag) => flag.name === 'namespace').map((flag) => flag.value);
  if (values.length === 0) return;
  const distinct = new Set(values);
  if (distinct.size > 1) {
    parsed.problems.push({ code: 'NAMESPACE_CONFLICT', message: `the namespace is given more than once with different values (${[...distinct].join(', ')})` });
  }
  // kubectl keeps the last occurrence.
  parsed.namespace = values[values.length - 1];
}
